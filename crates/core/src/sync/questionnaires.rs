//! What a received questionnaire record must be, beyond its fields' plain rules
//! (docs/design/forms.md, "Received from another laptop"): a form's `definition` is a
//! `FormDef` that passes the checks an imported file passes; an answer's `path` is a
//! well-formed path. An answer's value is not judged here: its form may arrive later, and the
//! engine treats every stored value as untrusted text. That a form's `form_id`, `version` and
//! `title` are its definition's, and an answer's id its path's, is judged with what is held
//! (`changes::fixed`).

use rusqlite::types::Value as SqlValue;

use crate::changes::merge::Change;
use crate::forms::{check_path, FormDef};
use crate::schema::Entity;

/// Checks one received change of a questionnaire record (others pass untouched).
pub(crate) fn check_received_questionnaire(c: &Change) -> Result<(), String> {
    match (c.entity, c.field.as_str(), &c.value) {
        (Entity::Form, "definition", SqlValue::Text(definition)) => check_received_form(definition)
            .map(|_| ())
            .map_err(|why| format!("form {}: {why}", c.row_id)),
        (Entity::Answer, "path", SqlValue::Text(path)) if !check_path(path) => Err(format!(
            "answer {}: {:?} is not a question's path",
            c.row_id,
            shorten(path)
        )),
        _ => Ok(()),
    }
}

/// A received form definition: it must read as a `FormDef`, and pass the structural checks
/// an imported file passes.
pub(crate) fn check_received_form(definition: &str) -> Result<FormDef, String> {
    let def: FormDef = serde_json::from_str(definition)
        .map_err(|e| format!("its definition is not a form ({e})"))?;
    // TODO(xlsform): `FormDef::check` (forms/check.rs) runs here once merged: any issue with
    // `is_error()` refuses.
    Ok(def)
}

/// A hostile path may be megabytes: an error message quotes its start.
fn shorten(text: &str) -> String {
    let mut out: String = text.chars().take(60).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}
