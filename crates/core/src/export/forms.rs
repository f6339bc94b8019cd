//! The tables of one form's export (docs/design/forms.md, "Exports"): every version of a
//! form's `form_id` in its study together. `form_<form_id>` has one row per live response:
//! who, where and when, then one column per question named by its group path (as Kobo names
//! them: `group/sub/question`), a select_multiple as its space-separated value and one 0/1
//! column per choice (`question/choice`). Each repeat has its own table,
//! `form_<form_id>_<repeat>`, one row per instance linked to its parent row. Notes are not
//! columns. The columns are the union of every version's questions, in the order of the latest
//! version then those only older versions ask.
//!
//! Anonymised, a form's tables drop the respondent's code, give the session's month and cercle
//! (no day, no place), and leave out the answers that could name someone: free text (text
//! questions and the `_other` text of an `or_other` select), geopoints, and every question the
//! study marks sensitive in its `sealed_fields` as `form.<form_id>.<question>`.
//!
//! This file plans the tables and their codebook; `form_rows.rs` writes their rows.

use std::collections::HashSet;

use rusqlite::Connection;

use crate::changes::seal_plan::marked_fields;
use crate::error::Result;
use crate::export::columns::{derived, field, CodebookEntry, Col};
use crate::forms::{FormDef, FormVersion, FormVersions, Labels, NodeKind, QuestionType};
use crate::lang::Lang;
use crate::schema::Entity;

/// A form's export: its versions and tables.
pub(crate) struct FormExport {
    pub form_id: String,
    pub study_id: String,
    /// The responses' table first, then one per repeat in the order they are first met.
    pub tables: Vec<FormTable>,
}

/// One table of a form's export.
pub(crate) struct FormTable {
    pub name: String,
    /// The repeats from the outermost to this table's own; empty for the responses' table.
    pub chain: Vec<String>,
    /// Every column, the fixed ones first.
    pub cols: Vec<Col>,
    /// What fills the columns after the fixed ones, in order.
    pub answers: Vec<AnswerCol>,
}

/// What fills an answer column.
#[derive(Debug, Clone)]
pub(crate) enum AnswerCol {
    /// The answer to the question of this name, typed as the question is.
    Value(String, Shape),
    /// 1 when the select_multiple of this name holds the choice, 0 when it is answered
    /// without it, empty when it is not answered.
    Chosen(String, String),
}

/// How an answer is written into a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Text,
    Integer,
    Number,
}

/// The responses' table of a form: `form_<form_id>`.
pub fn form_table_name(form_id: &str) -> String {
    format!("form_{}", safe(form_id))
}

/// A name as a table's (a CSV file's name): anything but letters, digits, `_` and `-` becomes
/// `_`, so that a form received from another laptop cannot name a file elsewhere.
fn safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// One question as the export sees it, over every version.
struct Planned {
    name: String,
    column: String,
    question: QuestionType,
    label: Labels,
    /// The select's choices over every version: name and labels.
    choices: Vec<(String, Labels)>,
    /// The version the question was first met in (for its labels' languages).
    version: usize,
}

struct TablePlan {
    name: String,
    chain: Vec<String>,
    questions: Vec<Planned>,
}

impl FormExport {
    /// The form named by `form` (a form record id, or a `form_id`) in `study` (or any study:
    /// then the study of its latest version), every version of it.
    pub fn load(
        conn: &Connection,
        form: &str,
        study: Option<&str>,
        anonymised: bool,
    ) -> Result<FormExport> {
        let FormVersions {
            study_id,
            form_id,
            versions,
        } = FormVersions::load(conn, form, study)?;
        let sensitive = if anonymised {
            let prefix = format!("form.{form_id}.");
            marked_fields(conn, &study_id)?
                .into_iter()
                .filter_map(|m| m.strip_prefix(&prefix).map(str::to_string))
                .collect()
        } else {
            HashSet::new()
        };
        let tables = plan(&form_id, &versions)
            .into_iter()
            .map(|p| p.table(&versions, anonymised, &sensitive))
            .collect();
        Ok(FormExport {
            form_id,
            study_id,
            tables,
        })
    }

    /// The codebook's lines of the form's tables.
    pub fn codebook(&self) -> Vec<CodebookEntry> {
        self.tables
            .iter()
            .flat_map(|t| {
                t.cols.iter().map(|c| CodebookEntry {
                    table: t.name.clone(),
                    column: c.name.clone(),
                    hxl: c.hxl.clone(),
                    meaning_fr: c.label_fr.clone(),
                    meaning_en: c.label_en.clone(),
                    allowed_values: c.allowed.clone(),
                })
            })
            .collect()
    }
}

/// The tables' questions over every version, latest version first.
fn plan(form_id: &str, versions: &[FormVersion]) -> Vec<TablePlan> {
    let mut tables = vec![TablePlan {
        name: form_table_name(form_id),
        chain: Vec::new(),
        questions: Vec::new(),
    }];
    for (v, version) in versions.iter().enumerate() {
        version.def.walk(|visit| {
            let node = visit.node;
            let chain: Vec<String> = visit.repeats.iter().map(|r| r.to_string()).collect();
            if let NodeKind::Repeat { .. } = node.kind {
                let mut own = chain.clone();
                own.push(node.name.clone());
                if !tables.iter().any(|t| t.chain == own) {
                    tables.push(TablePlan {
                        name: format!("{}_{}", form_table_name(form_id), safe(&node.name)),
                        chain: own,
                        questions: Vec::new(),
                    });
                }
                return;
            }
            let Some(question) = node.question() else {
                return;
            };
            if *question == QuestionType::Note {
                return;
            }
            let Some(table) = tables.iter_mut().find(|t| t.chain == chain) else {
                return;
            };
            let list = match question {
                QuestionType::SelectOne { list, .. }
                | QuestionType::SelectMultiple { list, .. } => {
                    version.def.choices.get(list).cloned().unwrap_or_default()
                }
                _ => Vec::new(),
            };
            let at = match table.questions.iter().position(|q| q.name == node.name) {
                Some(at) => at,
                None => {
                    let mut column: Vec<&str> = visit.parents.to_vec();
                    column.push(&node.name);
                    table.questions.push(Planned {
                        name: node.name.clone(),
                        column: column.join("/"),
                        question: question.clone(),
                        label: node.label.clone(),
                        choices: Vec::new(),
                        version: v,
                    });
                    table.questions.len() - 1
                }
            };
            let planned = &mut table.questions[at];
            for choice in list {
                if !planned.choices.iter().any(|(n, _)| *n == choice.name) {
                    planned.choices.push((choice.name, choice.label));
                }
            }
        });
    }
    tables
}

impl TablePlan {
    fn table(
        self,
        versions: &[FormVersion],
        anonymised: bool,
        sensitive: &HashSet<String>,
    ) -> FormTable {
        let mut cols = if self.chain.is_empty() {
            response_cols(anonymised)
        } else {
            instance_cols()
        };
        let mut answers = Vec::new();
        for q in &self.questions {
            let def = &versions[q.version].def;
            let dropped =
                |free_text: bool| anonymised && (free_text || sensitive.contains(&q.name));
            let (shape, or_other) = match &q.question {
                QuestionType::Integer => (Shape::Integer, false),
                QuestionType::Decimal | QuestionType::Range { .. } => (Shape::Number, false),
                QuestionType::SelectOne { or_other, .. }
                | QuestionType::SelectMultiple { or_other, .. } => (Shape::Text, *or_other),
                _ => (Shape::Text, false),
            };
            let free = matches!(q.question, QuestionType::Text | QuestionType::Geopoint);
            if dropped(free) {
                continue;
            }
            let [fr, en] = [Lang::Fr, Lang::En].map(|l| label_in(&q.label, def, l, &q.name));
            cols.push(derived(
                &q.column,
                &hxl_of(&[&q.name]),
                &fr,
                &en,
                &allowed(&q.question, &q.choices, def),
            ));
            answers.push(AnswerCol::Value(q.name.clone(), shape));
            if let QuestionType::SelectMultiple { .. } = q.question {
                for (choice, labels) in &q.choices {
                    let [cfr, cen] = [Lang::Fr, Lang::En].map(|l| label_in(labels, def, l, choice));
                    cols.push(derived(
                        &format!("{}/{choice}", q.column),
                        &hxl_of(&[&q.name, choice]),
                        &format!("{fr} : {cfr}"),
                        &format!("{en}: {cen}"),
                        "1 = choisi ; 0 = non choisi ; vide = sans réponse / 1 = chosen; \
                         0 = not chosen; empty = not answered",
                    ));
                    answers.push(AnswerCol::Chosen(q.name.clone(), choice.clone()));
                }
            }
            if or_other && !dropped(true) {
                let other = format!("{}_other", q.name);
                cols.push(derived(
                    &format!("{}_other", q.column),
                    &hxl_of(&[&other]),
                    &format!("{fr} (autre, précisez)"),
                    &format!("{en} (other, specify)"),
                    "texte libre / free text",
                ));
                answers.push(AnswerCol::Value(other, Shape::Text));
            }
        }
        FormTable {
            name: self.name,
            chain: self.chain,
            cols,
            answers,
        }
    }
}

/// The fixed columns of a form's responses' table.
fn response_cols(anonymised: bool) -> Vec<Col> {
    let mut c = vec![
        derived(
            "response_id",
            "#x_response+id",
            "identifiant de la réponse",
            "response id",
            "UUID",
        ),
        derived(
            "form_version",
            "#x_form+version",
            "version du formulaire",
            "form version",
            "texte libre / free text",
        ),
        derived(
            "status",
            "#status",
            "statut de la réponse",
            "response status",
            "draft, final",
        ),
        derived(
            "session_id",
            "#activity+id",
            "identifiant de la séance",
            "session id",
            "UUID",
        ),
    ];
    let date = if anonymised {
        ("session_month", "mois AAAA-MM / month YYYY-MM")
    } else {
        ("session_date", "date AAAA-MM-JJ / date YYYY-MM-DD")
    };
    c.push(derived(
        date.0,
        "#date",
        "date de la séance",
        "session date",
        date.1,
    ));
    // Shared outside the team, places stop at the cercle: a commune holds few people.
    let (place, code, hxl, fr, en) = if anonymised {
        (
            "cercle",
            "cercle_pcode",
            "#adm2",
            "cercle de la séance",
            "session cercle",
        )
    } else {
        (
            "place",
            "place_pcode",
            "#loc",
            "lieu de la séance",
            "session place",
        )
    };
    c.push(derived(
        place,
        &format!("{hxl}+name"),
        &format!("{fr} (nom)"),
        &format!("{en} (name)"),
        "nom du répertoire des lieux / gazetteer name",
    ));
    c.push(derived(
        code,
        &format!("{hxl}+code"),
        &format!("{fr} (P-code)"),
        &format!("{en} (P-code)"),
        "P-code OCHA (vide si inconnu) / OCHA P-code (empty when unknown)",
    ));
    let mut fields = vec!["sex", "age_band", "actor_group"];
    if !anonymised {
        fields.insert(0, "code");
    }
    for f in fields {
        let tag = format!("#x_respondent+{f}");
        let mut col = field(Entity::Participant, f, Some(tag.as_str()));
        col.name = format!("respondent_{f}");
        col.label_fr = format!("{} de la personne interrogée (si liée)", col.label_fr);
        col.label_en = format!("respondent's {} (when linked)", col.label_en);
        c.push(col);
    }
    c
}

/// The fixed columns of a repeat's table.
fn instance_cols() -> Vec<Col> {
    vec![
        derived(
            "_parent_index",
            "#x_parent+index",
            "_index de la ligne parente (réponse, ou répétition englobante)",
            "_index of the parent row (the response, or the enclosing repeat)",
            "nombre entier ≥ 1 / whole number ≥ 1",
        ),
        derived(
            "_parent_response_id",
            "#x_response+id",
            "identifiant de la réponse",
            "response id",
            "UUID",
        ),
        derived(
            "_index",
            "#x_row+index",
            "numéro de la ligne dans cette table",
            "row number in this table",
            "nombre entier ≥ 1 / whole number ≥ 1",
        ),
    ]
}

/// A label in `lang` (a language whose key names it: "Français (fr)", "fr"), else in the
/// form's default language, else the unsuffixed label, else the first; `name` when none.
fn label_in(labels: &Labels, def: &FormDef, lang: Lang, name: &str) -> String {
    let code = match lang {
        Lang::Fr => ["(fr)", "fr", "français", "french"],
        Lang::En => ["(en)", "en", "english", "anglais"],
    };
    let named = labels.iter().find(|(k, _)| {
        let k = k.to_lowercase();
        k.ends_with(code[0]) || code[1..].contains(&k.trim())
    });
    named
        .or_else(|| {
            def.default_language
                .as_ref()
                .and_then(|d| labels.get_key_value(d))
        })
        .or_else(|| labels.get_key_value(""))
        .or_else(|| labels.iter().next())
        .map(|(_, v)| v.clone())
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| name.to_string())
}

/// `#indicator+<name>...`: each name as an HXL attribute (lower case, `_` for what HXL does
/// not take, an `x` before a leading digit).
fn hxl_of(names: &[&str]) -> String {
    let mut tag = "#indicator".to_string();
    for name in names {
        let mut attr: String = name
            .chars()
            .map(|c| {
                let c = c.to_ascii_lowercase();
                if c.is_ascii_lowercase() || c.is_ascii_digit() {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if !attr.starts_with(|c: char| c.is_ascii_lowercase()) {
            attr.insert(0, 'x');
        }
        tag.push('+');
        tag.push_str(&attr);
    }
    tag
}

/// The codebook's allowed values of a question, in French and English.
fn allowed(q: &QuestionType, choices: &[(String, Labels)], def: &FormDef) -> String {
    let listed = |lang: Lang| {
        choices
            .iter()
            .map(|(n, l)| format!("{n} = {}", label_in(l, def, lang, n)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match q {
        QuestionType::Text => "texte libre / free text".into(),
        QuestionType::Integer => "nombre entier / whole number".into(),
        QuestionType::Decimal => "nombre / number".into(),
        QuestionType::Date => "date AAAA-MM-JJ / date YYYY-MM-DD".into(),
        QuestionType::Time => "heure HH:MM:SS / time HH:MM:SS".into(),
        QuestionType::DateTime => {
            "date et heure AAAA-MM-JJTHH:MM:SS / date and time YYYY-MM-DDTHH:MM:SS".into()
        }
        QuestionType::SelectOne { .. } => {
            format!(
                "un choix : {} / one choice: {}",
                listed(Lang::Fr),
                listed(Lang::En)
            )
        }
        QuestionType::SelectMultiple { .. } => format!(
            "choix séparés par des espaces : {} / choices separated by spaces: {}",
            listed(Lang::Fr),
            listed(Lang::En)
        ),
        QuestionType::Note => String::new(),
        QuestionType::Calculate => "valeur calculée / calculated value".into(),
        QuestionType::Acknowledge => "OK".into(),
        QuestionType::Range { start, end, .. } => {
            format!("nombre de {start} à {end} / number from {start} to {end}")
        }
        QuestionType::Geopoint => "latitude longitude [altitude [précision]] / latitude \
                                   longitude [altitude [accuracy]]"
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::columns::is_hxl_tag;

    #[test]
    fn question_names_make_well_formed_hxl_tags() {
        assert_eq!(hxl_of(&["age"]), "#indicator+age");
        assert_eq!(
            hxl_of(&["Q1.Eau-potable", "2b"]),
            "#indicator+q1_eau_potable+x2b"
        );
        assert!(is_hxl_tag(&hxl_of(&["_x", "é"])));
    }

    #[test]
    fn a_form_id_names_no_file_outside_the_export() {
        assert_eq!(form_table_name("menage-2025"), "form_menage-2025");
        assert_eq!(form_table_name("../../etc/x.y"), "form_______etc_x_y");
    }
}
