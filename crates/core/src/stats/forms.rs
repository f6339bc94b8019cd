//! The per-form dashboard (docs/design/forms.md): for one form, every version together, each
//! select question (select_one, select_multiple) with, per choice, the answers counted by the
//! respondent's sex and by their actor group; a response not linked to a participant is
//! counted under "not linked". A select_multiple counts once per choice chosen; a question in
//! a repeat counts once per instance. Drafts count with final responses (`responses` and
//! `final_responses` say how many of each). Responses are read one at a time.

use std::collections::{BTreeSet, HashMap, HashSet};

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::forms::{FormDef, FormVersions, Labels, NodeKind, QuestionType};
use crate::read::filter::SessionFilter;
use crate::read::live::live;
use crate::schema::{Entity, SEXES, UNKNOWN};
use crate::stats::scope::Scope;

/// The column of responses without a participant.
pub const NOT_LINKED: &str = "not_linked";

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct FormStats {
    /// The latest version's record id, `form_id` and title.
    pub form_ref: String,
    pub form_id: String,
    pub title: String,
    /// The language the labels are in (a key of the form's languages), if the form has any.
    pub language: Option<String>,
    /// Live responses counted, drafts included, and how many of them are final.
    pub responses: u64,
    pub final_responses: u64,
    /// The columns of `by_sex`: the sexes, then "unknown" (linked, sex not recorded), then
    /// "not_linked".
    pub sexes: Vec<String>,
    /// The columns of `by_actor_group`: the groups met, sorted, then "unknown", then "not_linked".
    pub actor_groups: Vec<String>,
    pub questions: Vec<SelectStats>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SelectStats {
    pub name: String,
    /// The group path, as the export names the column (`group/question`).
    pub column: String,
    pub label: String,
    pub multiple: bool,
    /// Answers given (instances, in a repeat).
    pub answered: u64,
    pub choices: Vec<ChoiceCount>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ChoiceCount {
    pub name: String,
    /// In the chosen language; the name for a value the form does not list.
    pub label: String,
    pub total: u64,
    /// Aligned with `FormStats::sexes`.
    pub by_sex: Vec<u64>,
    /// Aligned with `FormStats::actor_groups`.
    pub by_actor_group: Vec<u64>,
}

/// Counts by a respondent's sex, or by their actor group (keys as stored).
type Tally = HashMap<String, u64>;

/// One select question over every version.
struct Select {
    stats: SelectStats,
    /// By choice: the counts by sex and by actor group.
    counts: HashMap<String, (Tally, Tally)>,
}

/// The dashboard of the form `form` names (a form's `form_id`, or one version's record id:
/// every version of its `form_id` counts). `filter` narrows to the responses of its sessions;
/// labels are in `language` (a key of the form's languages), else the form's default.
pub fn form_stats(
    conn: &Connection,
    form: &str,
    filter: Option<&SessionFilter>,
    language: Option<&str>,
) -> Result<FormStats> {
    let all = SessionFilter::default();
    let filter = filter.unwrap_or(&all);
    filter.check()?;
    let fv = FormVersions::load(conn, form, filter.study())?;
    let latest = &fv.versions[0];
    let language = language
        .filter(|l| latest.def.languages.iter().any(|k| k == l))
        .map(str::to_string)
        .or_else(|| latest.def.default_language.clone())
        .or_else(|| latest.def.languages.first().cloned());
    let mut selects = selects(&fv, language.as_deref());
    let scope = if filter.narrows_study() {
        Some(Scope::load(conn, filter)?)
    } else {
        None
    };
    let sql = format!(
        "SELECT r.id, r.status, r.session_id, p.id, p.sex, p.actor_group FROM response r
           JOIN form f ON f.id = r.form_ref
           LEFT JOIN participant p ON p.id = r.participant_id AND {}
          WHERE f.study_id = ?1 AND f.form_id = ?2 AND {}",
        live(Entity::Participant, "p"),
        live(Entity::Response, "r"),
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([&fv.study_id, &fv.form_id])?;
    let (mut responses, mut finals) = (0u64, 0u64);
    let mut groups = BTreeSet::new();
    while let Some(r) = rows.next()? {
        let session: Option<String> = r.get(2)?;
        if let Some(scope) = &scope {
            if !session.is_some_and(|s| scope.sessions.contains_key(&s)) {
                continue;
            }
        }
        let id: String = r.get(0)?;
        responses += 1;
        if r.get::<_, Option<String>>(1)?.as_deref() == Some("final") {
            finals += 1;
        }
        let linked = r.get::<_, Option<String>>(3)?.is_some();
        let known = |v: Option<String>| {
            v.filter(|s| !s.is_empty())
                .unwrap_or_else(|| UNKNOWN.into())
        };
        let (sex, group) = if linked {
            (known(r.get(4)?), known(r.get(5)?))
        } else {
            (NOT_LINKED.to_string(), NOT_LINKED.to_string())
        };
        if linked && group != UNKNOWN {
            groups.insert(group.clone());
        }
        for (name, value) in live_answers(conn, &id)? {
            let Some(select) = selects.iter_mut().find(|s| s.stats.name == name) else {
                continue;
            };
            select.stats.answered += 1;
            let picked: Vec<&str> = if select.stats.multiple {
                value.split_whitespace().collect()
            } else {
                vec![value.trim()]
            };
            for choice in picked.into_iter().filter(|c| !c.is_empty()) {
                let (by_sex, by_group) = select.counts.entry(choice.to_string()).or_default();
                *by_sex.entry(sex.clone()).or_default() += 1;
                *by_group.entry(group.clone()).or_default() += 1;
            }
        }
    }
    let mut sexes: Vec<String> = SEXES.iter().map(|s| s.to_string()).collect();
    sexes.extend([UNKNOWN.to_string(), NOT_LINKED.to_string()]);
    let mut actor_groups: Vec<String> = groups.into_iter().collect();
    actor_groups.extend([UNKNOWN.to_string(), NOT_LINKED.to_string()]);
    let questions = selects
        .into_iter()
        .map(|mut s| {
            // Values the form does not list (received from a laptop with another version).
            let mut extra: Vec<&String> = s
                .counts
                .keys()
                .filter(|k| !s.stats.choices.iter().any(|c| &c.name == *k))
                .collect();
            extra.sort();
            let extra: Vec<ChoiceCount> = extra.into_iter().map(|k| choice(k, k)).collect();
            s.stats.choices.extend(extra);
            for c in &mut s.stats.choices {
                let (by_sex, by_group) = s.counts.remove(&c.name).unwrap_or_default();
                c.by_sex = sexes
                    .iter()
                    .map(|k| by_sex.get(k).copied().unwrap_or(0))
                    .collect();
                c.by_actor_group = actor_groups
                    .iter()
                    .map(|k| by_group.get(k).copied().unwrap_or(0))
                    .collect();
                c.total = c.by_sex.iter().sum();
            }
            s.stats
        })
        .collect();
    Ok(FormStats {
        form_ref: latest.id.clone(),
        form_id: fv.form_id.clone(),
        title: latest.def.title.clone(),
        language,
        responses,
        final_responses: finals,
        sexes,
        actor_groups,
        questions,
    })
}

fn choice(name: &str, label: &str) -> ChoiceCount {
    ChoiceCount {
        name: name.to_string(),
        label: label.to_string(),
        total: 0,
        by_sex: Vec::new(),
        by_actor_group: Vec::new(),
    }
}

/// The select questions of every version, latest version first, each with the union of its
/// choices over the versions.
fn selects(fv: &FormVersions, language: Option<&str>) -> Vec<Select> {
    let mut out: Vec<Select> = Vec::new();
    for version in &fv.versions {
        let def = &version.def;
        def.walk(|visit| {
            let (list, multiple) = match &visit.node.kind {
                NodeKind::Question {
                    question: QuestionType::SelectOne { list, .. },
                } => (list, false),
                NodeKind::Question {
                    question: QuestionType::SelectMultiple { list, .. },
                } => (list, true),
                _ => return,
            };
            let node = visit.node;
            let at = match out.iter().position(|s| s.stats.name == node.name) {
                Some(at) => at,
                None => {
                    let mut column: Vec<&str> = visit.parents.to_vec();
                    column.push(&node.name);
                    out.push(Select {
                        stats: SelectStats {
                            name: node.name.clone(),
                            column: column.join("/"),
                            label: label(&node.label, def, language, &node.name),
                            multiple,
                            answered: 0,
                            choices: Vec::new(),
                        },
                        counts: HashMap::new(),
                    });
                    out.len() - 1
                }
            };
            let stats = &mut out[at].stats;
            for c in def.choices.get(list).into_iter().flatten() {
                if !stats.choices.iter().any(|k| k.name == c.name) {
                    let text = label(&c.label, def, language, &c.name);
                    stats.choices.push(choice(&c.name, &text));
                }
            }
        });
    }
    out
}

/// A label in `language`, else the form's default language, else the unsuffixed one, else the
/// first; `name` when the form gives none.
fn label(labels: &Labels, def: &FormDef, language: Option<&str>, name: &str) -> String {
    [language, def.default_language.as_deref(), Some("")]
        .into_iter()
        .flatten()
        .find_map(|l| labels.get(l))
        .or_else(|| labels.values().next())
        .filter(|v| !v.trim().is_empty())
        .cloned()
        .unwrap_or_else(|| name.to_string())
}

/// A response's answers as (question name, value), leaving out the answers under a removed
/// repeat instance (its instance record deleted) and the instance records themselves.
fn live_answers(conn: &Connection, response: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT path, value FROM answer
          WHERE response_id = ?1 AND deleted = 0 AND value IS NOT NULL",
    )?;
    let mut rows = stmt.query([response])?;
    let mut instances = HashSet::new();
    let mut values = Vec::new();
    while let Some(r) = rows.next()? {
        let path: String = r.get(0)?;
        if path.ends_with(']') {
            instances.insert(path);
        } else {
            values.push((path, r.get::<_, String>(1)?));
        }
    }
    Ok(values
        .into_iter()
        .filter_map(|(path, value)| {
            let mut parts: Vec<&str> = path.split('/').collect();
            let name = parts.pop()?.to_string();
            // Every instance on the way must still be there.
            let held = (1..=parts.len()).all(|n| instances.contains(&parts[..n].join("/")));
            held.then_some((name, value))
        })
        .collect())
}
