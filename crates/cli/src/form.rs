//! `terrain form import|list|show|delete`: a team's XLSForm questionnaires, imported into a
//! study as form versions.

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::{json, Map, Value as Json};
use terrain_core::forms::store::{self as forms, FormSummary, ImportedForm};
use terrain_core::forms::{FormDef, NodeKind};
use terrain_core::read as query;
use terrain_core::{Entity, Lang};

use crate::ctx::{print_json, say, Ctx, Result};
use crate::record::deleted_line;

#[derive(Subcommand)]
pub enum Cmd {
    /// Import an XLSForm file (.xlsx or .xls) into a study as a new form version. Prints its
    /// id, form_id, version, title and question count; what Terrain ignores in the file is
    /// said on stderr. Refused whole, by sheet, row and column, when the file holds an error.
    Import {
        file: PathBuf,
        /// The study the form belongs to.
        #[arg(long)]
        study: String,
        /// The session type the form is filled in (focus_group, ...).
        #[arg(long)]
        session_type: Option<String>,
        /// Print the result as JSON (id, form_id, version, title, questions, warnings).
        #[arg(long)]
        json: bool,
    },
    /// List the form versions (of one study when given), with their responses.
    List {
        #[arg(long)]
        study: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show a form version: its questions with their type, group, labels per language and
    /// choices. ID is a form record's id, or a form_id (its latest version).
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Delete a form version (it can be restored: terrain record restore form ID); its
    /// responses go with it.
    Delete { id: String },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<()> {
    let mut store = ctx.open()?;
    let lang = ctx.lang();
    match cmd {
        Cmd::Import {
            file,
            study,
            session_type,
            json,
        } => {
            let imported = forms::import_form(&mut store, &file, &study, session_type.as_deref())?;
            if json {
                return print_json(&imported_json(&imported, lang));
            }
            say!("id\t{}", imported.id);
            say!("form_id\t{}", imported.form_id);
            say!("version\t{}", imported.version);
            say!("title\t{}", imported.title);
            say!("questions\t{}", imported.questions);
            for w in &imported.warnings {
                eprintln!("terrain: {}", w.message(lang));
            }
        }
        Cmd::List { study, json } => {
            let list = forms::list_forms(store.conn(), study.as_deref())?;
            if json {
                return print_json(&list);
            }
            for f in &list {
                say!("{}", list_line(f));
            }
        }
        Cmd::Show { id, json } => {
            let (summary, def) = forms::form(store.conn(), &id)?;
            if json {
                return print_json(&show_json(&summary, &def));
            }
            say!(
                "{}\t{}\t{}\t{}",
                summary.id,
                def.form_id,
                def.version,
                def.title
            );
            for q in questions(&def) {
                let cells = [
                    q["path"].as_str().unwrap_or(""),
                    q["type"].as_str().unwrap_or(""),
                    &label_of(&q["label"], &def),
                ];
                say!("{}", cells.join("\t"));
            }
        }
        Cmd::Delete { id } => {
            let holds = query::holdings(store.conn(), Entity::Form, &id)?;
            forms::delete_form(&mut store, &id)?;
            say!("{}", deleted_line(&holds, lang));
        }
    }
    Ok(())
}

fn imported_json(imported: &ImportedForm, lang: Lang) -> Json {
    let warnings: Vec<Json> = imported
        .warnings
        .iter()
        .map(|w| {
            json!({
                "sheet": w.sheet,
                "row": w.row,
                "column": w.column,
                "message": w.message(lang),
            })
        })
        .collect();
    json!({
        "id": imported.id,
        "form_id": imported.form_id,
        "version": imported.version,
        "title": imported.title,
        "questions": imported.questions,
        "warnings": warnings,
    })
}

/// One form version on one line: id, form_id, version, title, questions, responses.
fn list_line(f: &FormSummary) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}",
        f.id, f.form_id, f.version, f.title, f.questions, f.responses
    )
}

/// The FormDef as JSON with the record's `id`, `study_id`, `session_type`, `responses`, and
/// `questions`: each with its name, path, type (as XLSForm writes it), group path, labels and
/// hints per language, and choices.
fn show_json(summary: &FormSummary, def: &FormDef) -> Json {
    let mut obj = match serde_json::to_value(def) {
        Ok(Json::Object(o)) => o,
        _ => Map::new(),
    };
    obj.insert("id".into(), json!(summary.id));
    obj.insert("study_id".into(), json!(summary.study_id));
    obj.insert("session_type".into(), json!(summary.session_type));
    obj.insert("responses".into(), json!(summary.responses));
    obj.insert("questions".into(), Json::Array(questions(def)));
    Json::Object(obj)
}

/// Each question of the form in document order, as `form show --json` lists it.
fn questions(def: &FormDef) -> Vec<Json> {
    let mut out = Vec::new();
    def.walk(|v| {
        let NodeKind::Question { question } = &v.node.kind else {
            return;
        };
        let typed = serde_json::to_value(question).unwrap_or(Json::Null);
        let list = typed.get("list").and_then(Json::as_str);
        let choices: Vec<Json> = list
            .and_then(|l| def.choices.get(l))
            .map(|cs| {
                cs.iter()
                    .map(|c| json!({"name": c.name, "label": c.label}))
                    .collect()
            })
            .unwrap_or_default();
        out.push(json!({
            "name": v.node.name,
            "type": typed.get("type"),
            "list": list,
            "or_other": typed.get("or_other"),
            "group": v.parents.join("/"),
            "label": v.node.label,
            "hint": v.node.hint,
            "required": v.node.required,
            "relevant": v.node.relevant,
            "constraint": v.node.constraint,
            "choices": choices,
            "path": v.parents.iter().copied().chain([v.node.name.as_str()]).collect::<Vec<_>>().join("/"),
        }));
    });
    out
}

/// A label in the form's default language, or its first.
fn label_of(labels: &Json, def: &FormDef) -> String {
    let pick = def
        .default_language
        .as_deref()
        .and_then(|l| labels.get(l))
        .or_else(|| labels.as_object().and_then(|o| o.values().next()));
    pick.and_then(Json::as_str).unwrap_or("").to_string()
}
