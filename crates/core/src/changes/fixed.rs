//! The fields a record is created with and never changes (`Entity::fixed_fields`), as a
//! receiver judges them: a received change may bring such a field once, with the value it
//! holds everywhere. And the fields that must agree with each other: a form version's
//! `form_id`, `version` and `title` are its definition's, an answer's id is made from its
//! response and path (`answer_id`). The study and session a record belongs to are judged by
//! `admit` itself (the scope they travel in).

use std::collections::BTreeMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension};
use serde_json::Value as Json;

use super::answer_id::answer_id;
use super::merge::Change;
use crate::error::{Error, Result, SyncError};
use crate::schema::Entity;

/// A record's fixed fields: as the received changes bring them, then as held here.
type Fixed<'a> = BTreeMap<&'a str, &'a SqlValue>;

/// Refuses received changes that would change a fixed field of a record (as held here, or as
/// an earlier change of the same batch brings it), or leave a record's fixed fields at odds.
pub(crate) fn check_fixed(conn: &Connection, changes: &[Change]) -> Result<()> {
    let refuse = |why: String| Error::Sync(SyncError::Malformed(why));
    // Record → the scope its changes travel in, and its fixed fields as the batch brings them.
    let mut records: BTreeMap<(Entity, &str), (Option<&str>, Fixed<'_>)> = BTreeMap::new();
    for c in changes {
        let field = c.field.as_str();
        if !c.entity.fixed_fields().contains(&field) || matches!(field, "study_id" | "session_id") {
            continue;
        }
        let (_, fields) = records
            .entry((c.entity, c.row_id.as_str()))
            .or_insert((c.study.as_deref(), Fixed::new()));
        if fields
            .insert(field, &c.value)
            .is_some_and(|v| *v != c.value)
        {
            return Err(refuse(changed(c.entity, &c.row_id, field)));
        }
    }
    for ((entity, id), (study, brought)) in records {
        let held = held_fixed(conn, entity, id)?;
        for (field, value) in &brought {
            if held.get(*field).is_some_and(|h| h != *value) {
                return Err(refuse(changed(entity, id, field)));
            }
        }
        let value = |field: &str| -> Option<&SqlValue> {
            brought
                .get(field)
                .copied()
                .or_else(|| held.get(field))
                .filter(|v| **v != SqlValue::Null)
        };
        match entity {
            Entity::Answer => check_answer(id, value("response_id"), value("path"))?,
            Entity::Form => check_form(id, value)?,
            Entity::Response => check_response_form(conn, id, study, value("form_ref"))?,
            _ => {}
        }
    }
    Ok(())
}

fn changed(entity: Entity, id: &str, field: &str) -> String {
    format!("{entity} {id}: its {field} is set when it is created and cannot change")
}

/// The fixed fields of a record held here that hold a value.
fn held_fixed(conn: &Connection, entity: Entity, id: &str) -> Result<BTreeMap<String, SqlValue>> {
    let names = entity.fixed_fields();
    let sql = format!(
        "SELECT {} FROM {entity} WHERE id = ?1",
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let row = conn
        .prepare_cached(&sql)?
        .query_row([id], |r| {
            (0..names.len())
                .map(|i| r.get::<_, SqlValue>(i))
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .optional()?
        .unwrap_or_default();
    Ok(names
        .iter()
        .zip(row)
        .filter(|(_, v)| *v != SqlValue::Null)
        .map(|(n, v)| (n.to_string(), v))
        .collect())
}

/// An answer's id is `answer_id(response_id, path)`: two records for one question would
/// split its history and hide a conflict.
fn check_answer(id: &str, response: Option<&SqlValue>, path: Option<&SqlValue>) -> Result<()> {
    if let (Some(SqlValue::Text(response)), Some(SqlValue::Text(path))) = (response, path) {
        if answer_id(response, path) != id {
            return Err(Error::Sync(SyncError::Malformed(format!(
                "answer {id} is not the record of {path:?} in response {response}"
            ))));
        }
    }
    Ok(())
}

/// A response answers a form of its own study (when that form is held here).
fn check_response_form(
    conn: &Connection,
    id: &str,
    study: Option<&str>,
    form: Option<&SqlValue>,
) -> Result<()> {
    let Some(SqlValue::Text(form)) = form else {
        return Ok(());
    };
    let its_study: Option<String> = conn
        .prepare_cached("SELECT study_id FROM form WHERE id = ?1")?
        .query_row([form], |r| r.get(0))
        .optional()?
        .flatten();
    if its_study.is_some_and(|s| Some(s.as_str()) != study) {
        return Err(Error::Sync(SyncError::Malformed(format!(
            "response {id} answers a form of another study"
        ))));
    }
    Ok(())
}

/// A form version's `form_id`, `version` and `title` are those of its definition (once both
/// are known here): what lists show is what the form says.
fn check_form<'v>(id: &str, value: impl Fn(&str) -> Option<&'v SqlValue>) -> Result<()> {
    let Some(SqlValue::Text(definition)) = value("definition") else {
        return Ok(());
    };
    let refuse = |why: String| Error::Sync(SyncError::Malformed(format!("form {id}: {why}")));
    let def: Json = serde_json::from_str(definition)
        .map_err(|_| refuse("its definition is not JSON".into()))?;
    for field in ["form_id", "version", "title"] {
        let said = def.get(field).and_then(Json::as_str).unwrap_or("").trim();
        let held = match value(field) {
            Some(SqlValue::Text(t)) => t.trim(),
            Some(_) => return Err(refuse(format!("its {field} is not text"))),
            None if field == "version" => "",
            // Not arrived yet: judged when it does.
            None => continue,
        };
        if held != said {
            return Err(refuse(format!(
                "its {field} {held:?} is not its definition's ({said:?})"
            )));
        }
    }
    Ok(())
}
