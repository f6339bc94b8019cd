//! Every version of one form in its study, for the readers that take a form's versions
//! together (the per-form export and dashboard): a form is named by its `form_id` or by one
//! version's record id, and its versions are ordered latest (last imported) first: record ids
//! are UUID v7, in the order they were made (as `forms::store` takes a form_id's latest).

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::forms::model::FormDef;
use crate::forms::store::resolve;
use crate::read::live::live;
use crate::schema::Entity;

/// One version of a form: its record id and definition.
pub struct FormVersion {
    pub id: String,
    pub def: FormDef,
}

/// A form's versions in its study, latest first.
pub struct FormVersions {
    pub study_id: String,
    pub form_id: String,
    pub versions: Vec<FormVersion>,
}

impl FormVersions {
    /// The form `form` names (a form record id, or a `form_id`) in `study`, or in any study
    /// (then the study of its latest version), with every live version of it. `not_found` when
    /// no live version is held here.
    pub fn load(conn: &Connection, form: &str, study: Option<&str>) -> Result<FormVersions> {
        let not_found = || Error::NotFound {
            entity: Entity::Form,
            id: form.to_string(),
        };
        // The one rule for naming a form (a version's id, or a form_id's latest version).
        let id = resolve(conn, form, study)?;
        let (study_id, form_id): (String, String) = conn.query_row(
            "SELECT study_id, form_id FROM form WHERE id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if study.is_some_and(|s| s != study_id) {
            return Err(not_found());
        }
        let mut stmt = conn.prepare(&format!(
            "SELECT f.id, f.definition FROM form f
              WHERE f.study_id = ?1 AND f.form_id = ?2 AND {} ORDER BY f.id DESC",
            live(Entity::Form, "f"),
        ))?;
        let rows = stmt.query_map([&study_id, &form_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })?;
        let mut versions = Vec::new();
        for row in rows {
            let (id, definition) = row?;
            // The write path checks every definition; one that does not read is skipped.
            if let Some(def) = definition.and_then(|d| serde_json::from_str(&d).ok()) {
                versions.push(FormVersion { id, def });
            }
        }
        if versions.is_empty() {
            return Err(not_found());
        }
        Ok(FormVersions {
            study_id,
            form_id,
            versions,
        })
    }
}
