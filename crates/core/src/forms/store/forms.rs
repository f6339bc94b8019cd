//! Form versions: importing an XLSForm file into a study, listing them, reading one, deleting
//! one. A form version is a record written once: a new file is a new version beside the old.

use std::path::Path;
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, Row};
use serde::Deserialize;
use serde_json::{json, Value as Json};

use super::cache;
use super::types::{FormSummary, ImportedForm};
use crate::changes::write::Fields;
use crate::error::{Error, Refusal, Result};
use crate::forms::engine::Compiled;
use crate::forms::model::FormDef;
use crate::forms::xlsform::import_file;
use crate::lang::Lang;
use crate::read::live::live;
use crate::schema::Entity;
use crate::store::Store;

/// Imports the XLSForm `file` into `study` as a new form version (tied to a session type when
/// given). Refused whole when the file holds any error (`form_refused`, by sheet, row and
/// column), or when the study already holds this `form_id` at this `version`
/// (`form_version_held`); what Terrain ignores comes back as warnings.
pub fn import_form(
    store: &mut Store,
    file: &Path,
    study: &str,
    session_type: Option<&str>,
) -> Result<ImportedForm> {
    live_study(store.conn(), study)?;
    if !file.is_file() {
        return Err(Error::Refused(Refusal::NoFile {
            path: file.display().to_string(),
        }));
    }
    let (def, warnings) =
        import_file(file).map_err(|issues| Error::Refused(Refusal::FormRefused(issues)))?;
    // The import has checked every expression: a form it passes that does not compile is
    // Terrain's fault.
    let compiled = Compiled::new(def.clone()).map_err(|errors| {
        let said: Vec<String> = errors.iter().map(|e| e.message(Lang::En)).collect();
        Error::Internal(format!("the form does not compile: {}", said.join("; ")))
    })?;
    if held(store.conn(), study, &def.form_id, &def.version)? {
        return Err(Error::Refused(Refusal::FormVersionHeld {
            form_id: def.form_id,
            version: def.version,
        }));
    }
    let definition =
        serde_json::to_string(&def).map_err(|e| Error::Internal(format!("form JSON: {e}")))?;
    let questions = def.question_count();
    let mut fields = Fields::new();
    fields.insert("study_id".into(), json!(study));
    fields.insert("form_id".into(), json!(def.form_id));
    if !def.version.is_empty() {
        fields.insert("version".into(), json!(def.version));
    }
    fields.insert("title".into(), json!(def.title));
    if let Some(t) = session_type {
        fields.insert("session_type".into(), json!(t));
    }
    fields.insert("definition".into(), Json::String(definition));
    if let Some(name) = file.file_name() {
        fields.insert("file_name".into(), json!(name.to_string_lossy()));
    }
    fields.insert("question_count".into(), json!(questions));
    let id = store.write(|w| w.create(Entity::Form, &fields))?;
    cache::keep(&id, Arc::new(compiled));
    Ok(ImportedForm {
        id,
        form_id: def.form_id,
        version: def.version,
        title: def.title,
        questions,
        warnings,
    })
}

/// The study's id when it is here and not in the bin.
fn live_study(conn: &Connection, study: &str) -> Result<()> {
    let found: Option<(i64, Option<String>)> = conn
        .query_row(
            "SELECT deleted, title FROM study WHERE id = ?1",
            [study],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match found {
        None => Err(Error::NotFound {
            entity: Entity::Study,
            id: study.to_string(),
        }),
        Some((1, title)) => Err(Error::Refused(Refusal::StudyDeleted {
            title: title.unwrap_or_default(),
        })),
        Some(_) => Ok(()),
    }
}

/// Whether the study holds a live form version of `form_id` at `version`.
fn held(conn: &Connection, study: &str, form_id: &str, version: &str) -> Result<bool> {
    let sql = format!(
        "SELECT 1 FROM form f WHERE f.study_id = ?1 AND f.form_id = ?2
            AND coalesce(f.version, '') = ?3 AND {}",
        live(Entity::Form, "f")
    );
    Ok(conn
        .query_row(&sql, [study, form_id, version], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The live form versions, of one study or of all, by study, form_id and import order.
pub fn list_forms(conn: &Connection, study: Option<&str>) -> Result<Vec<FormSummary>> {
    let (cond, params): (&str, Vec<&str>) = match study {
        Some(s) => ("f.study_id = ?1", vec![s]),
        None => ("1 = 1", vec![]),
    };
    let sql = format!(
        "{SELECT} WHERE {cond} AND {} ORDER BY f.study_id, f.form_id, f.id",
        live(Entity::Form, "f")
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), summary_of)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row??);
    }
    Ok(out)
}

/// A form version and its definition: `id_or_form_id` is a form record's id, or a `form_id`
/// (its latest version: the last imported, in whichever study).
pub fn form(conn: &Connection, id_or_form_id: &str) -> Result<(FormSummary, FormDef)> {
    let id = resolve(conn, id_or_form_id, None)?;
    let summary = summary(conn, &id)?;
    let def = cache::compiled(conn, &id)?.def().clone();
    Ok((summary, def))
}

/// Deletes a form version (soft: it can be restored); its responses hide with it.
pub fn delete_form(store: &mut Store, id: &str) -> Result<()> {
    store.write(|w| w.delete(Entity::Form, id))
}

/// The record id of a live form version: `form` itself when it is one, else the latest
/// version of the `form_id` `form` (in `study` when given). NotFound when there is none.
pub(crate) fn resolve(conn: &Connection, form: &str, study: Option<&str>) -> Result<String> {
    let live_form = live(Entity::Form, "f");
    let by_id: Option<String> = conn
        .query_row(
            &format!("SELECT f.id FROM form f WHERE f.id = ?1 AND {live_form}"),
            [form],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = by_id {
        return Ok(id);
    }
    let latest = format!(
        "SELECT f.id FROM form f WHERE f.form_id = ?1 AND (?2 IS NULL OR f.study_id = ?2)
            AND {live_form} ORDER BY f.id DESC LIMIT 1"
    );
    conn.query_row(&latest, rusqlite::params![form, study], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::NotFound {
            entity: Entity::Form,
            id: form.to_string(),
        })
}

/// The summary of the form record `id`, deleted or not.
pub(crate) fn summary(conn: &Connection, id: &str) -> Result<FormSummary> {
    conn.query_row(&format!("{SELECT} WHERE f.id = ?1"), [id], summary_of)
        .optional()?
        .ok_or_else(|| Error::NotFound {
            entity: Entity::Form,
            id: id.to_string(),
        })?
}

/// The columns `summary_of` reads, on alias `f`.
const SELECT: &str = "SELECT f.id, f.study_id, f.form_id, f.version, f.title, f.session_type,
        f.question_count, f.definition,
        (SELECT count(*) FROM response r WHERE r.form_ref = f.id AND r.deleted = 0)
   FROM form f";

/// What a summary takes of the definition: its languages (the rest is skipped unread).
#[derive(Deserialize)]
struct Languages {
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    default_language: Option<String>,
}

fn summary_of(r: &Row<'_>) -> rusqlite::Result<Result<FormSummary>> {
    let id: String = r.get(0)?;
    let definition: Option<String> = r.get(7)?;
    let langs = match definition.as_deref().map(serde_json::from_str::<Languages>) {
        Some(Ok(l)) => l,
        Some(Err(e)) => return Ok(Err(Error::Damaged(format!("form {id}: {e}")))),
        None => Languages {
            languages: Vec::new(),
            default_language: None,
        },
    };
    Ok(Ok(FormSummary {
        study_id: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
        form_id: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
        version: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
        title: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
        session_type: r.get(5)?,
        questions: r.get::<_, Option<i64>>(6)?.unwrap_or(0).max(0) as usize,
        languages: langs.languages,
        default_language: langs.default_language,
        responses: r.get::<_, i64>(8)?.max(0) as usize,
        id,
    }))
}
