//! Turning what a person typed (JSON from the UI, `field=value` from the CLI) into the value
//! stored for a field, and back.

use std::borrow::Cow;

use rusqlite::types::Value as SqlValue;
use serde_json::Value as Json;

use super::sealed::{check_envelope, is_sealable, FORM_CODE_MAX, SEALED_PREFIX};
use crate::error::{Error, Problem, Result};
use crate::schema::{Entity, FieldDef, Kind};

/// Checks and normalises one field value. `Json::Null` and empty text clear the field.
pub fn normalize(entity: Entity, def: &FieldDef, input: &Json) -> Result<SqlValue> {
    let bad = |problem| Error::invalid(entity, def.name, problem);
    if is_empty(input) {
        return Ok(SqlValue::Null);
    }
    match def.kind {
        Kind::Text { max } => {
            let text = as_text(input);
            // A value sealed to headquarters: its envelope's shape, not the plain rules.
            if text.starts_with(SEALED_PREFIX) {
                check_envelope(entity, def, &text).map_err(|_| bad(Problem::BadSealed))?;
                return Ok(SqlValue::Text(text.into_owned()));
            }
            if text.chars().count() > max {
                return Err(bad(Problem::TooLong { max }));
            }
            Ok(SqlValue::Text(text.into_owned()))
        }
        Kind::Int { min, max } => {
            let n = match input {
                Json::Number(n) => n.as_i64(),
                Json::String(s) => s.trim().parse::<i64>().ok(),
                _ => None,
            }
            .ok_or_else(|| bad(Problem::NotANumber))?;
            if n < min || n > max {
                return Err(bad(Problem::OutOfRange { min, max }));
            }
            Ok(SqlValue::Integer(n))
        }
        Kind::Bool => {
            let b = match input {
                Json::Bool(b) => Some(*b),
                Json::Number(n) => match n.as_i64() {
                    Some(0) => Some(false),
                    Some(1) => Some(true),
                    _ => None,
                },
                Json::String(s) => match s.trim().to_lowercase().as_str() {
                    "true" | "1" | "yes" | "oui" => Some(true),
                    "false" | "0" | "no" | "non" => Some(false),
                    _ => None,
                },
                _ => None,
            }
            .ok_or_else(|| bad(Problem::NotABoolean))?;
            Ok(SqlValue::Integer(b as i64))
        }
        Kind::Date => {
            let text = as_text(input);
            let text = text.trim();
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| bad(Problem::NotADate))?;
            Ok(SqlValue::Text(text.to_string()))
        }
        Kind::Choice(list) => {
            let text = as_text(input);
            let text = text.trim();
            if !list.contains(text) {
                return Err(bad(Problem::NotAChoice {
                    allowed: list.values().map(str::to_string).collect(),
                }));
            }
            Ok(SqlValue::Text(text.to_string()))
        }
        Kind::Ref(_) => {
            let text = as_text(input);
            let id = uuid::Uuid::parse_str(text.trim()).map_err(|_| bad(Problem::NotAnId))?;
            Ok(SqlValue::Text(id.to_string()))
        }
        Kind::Codes | Kind::Names => {
            let items: Vec<String> = match input {
                Json::Array(items) => items
                    .iter()
                    .map(|i| match i {
                        Json::String(s) => Ok(s.trim().to_string()),
                        _ => Err(bad(Problem::BadList)),
                    })
                    .collect::<Result<_>>()?,
                Json::String(s) => s.split(',').map(|p| p.trim().to_string()).collect(),
                _ => return Err(bad(Problem::BadList)),
            };
            let items: Vec<String> = items.into_iter().filter(|s| !s.is_empty()).collect();
            if items.is_empty() {
                return Ok(SqlValue::Null);
            }
            // A study seals only the fields `changes::sealed::SEALABLE` lists, and marks its
            // forms' sensitive questions (`form.<form_id>.<question>`, longer than a code).
            let sealing = entity == Entity::Study && def.name == "sealed_fields";
            let longest = if sealing { FORM_CODE_MAX } else { 40 };
            if def.kind == Kind::Codes
                && items
                    .iter()
                    .any(|s| s.len() > longest || s.chars().any(|c| c.is_whitespace()))
            {
                return Err(bad(Problem::BadList));
            }
            if sealing && items.iter().any(|s| !is_sealable(s)) {
                return Err(bad(Problem::BadList));
            }
            Ok(SqlValue::Text(
                serde_json::to_string(&items).map_err(|_| bad(Problem::BadList))?,
            ))
        }
    }
}

fn is_empty(input: &Json) -> bool {
    match input {
        Json::Null => true,
        Json::String(s) => s.trim().is_empty(),
        Json::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn as_text(input: &Json) -> Cow<'_, str> {
    match input {
        Json::String(s) => Cow::Borrowed(s),
        other => Cow::Owned(other.to_string()),
    }
}

/// The JSON form of a stored value, as the UI and `record list --json` show it.
pub fn to_json(def: &FieldDef, value: &SqlValue) -> Json {
    match (def.kind, value) {
        (_, SqlValue::Null) => Json::Null,
        (Kind::Bool, SqlValue::Integer(i)) => Json::Bool(*i != 0),
        (Kind::Codes | Kind::Names, SqlValue::Text(t)) => {
            serde_json::from_str(t).unwrap_or_else(|_| Json::String(t.clone()))
        }
        _ => sql_to_json(value),
    }
}

/// The plain JSON form of any stored value (used where no field definition applies).
pub fn sql_to_json(value: &SqlValue) -> Json {
    match value {
        SqlValue::Null => Json::Null,
        SqlValue::Integer(i) => Json::from(*i),
        SqlValue::Real(r) => Json::from(*r),
        SqlValue::Text(t) => Json::String(t.clone()),
        SqlValue::Blob(b) => Json::String(b.iter().map(|x| format!("{x:02x}")).collect()),
    }
}
