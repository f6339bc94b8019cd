//! What a change received from another laptop may be and do. Every byte from another device
//! is hostile: its value must be one the write path itself would store, and it must stay
//! inside the study it travels in (a member of one study must not reach another's records).
//! `value` runs before anything is applied; `admit` runs in the transaction that applies.

use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension};

use super::cover::ERASED_REASON;
use super::fixed::check_fixed;
use super::log;
use super::merge::Change;
use super::value::{normalize, to_json};
use crate::error::{Error, Result, SyncError};
use crate::lang::Lang;
use crate::schema::{Entity, FieldDef, DELETED};

/// The highest seq a change may carry: far above what a laptop writes in its life, far below
/// where arithmetic on it could overflow (and exact as a JSON number).
pub const MAX_SEQ: i64 = 1 << 53;

/// A received value passes the write path's own rules (`value::normalize`): read back as the
/// write path shows it and normalised again, it must come out unchanged. So types, ranges,
/// choices, lengths, dates, id formats and lists are checked by one copy of the rules. A
/// required field (and the tombstone) cannot be emptied.
pub(crate) fn check_value(entity: Entity, def: &FieldDef, value: &SqlValue) -> Result<(), String> {
    if *value == SqlValue::Null {
        // An erasure is never undone (`changes::cover`).
        if def.required || def.name == DELETED || def.name == ERASED_REASON {
            return Err(format!("{entity}.{} emptied, but it is required", def.name));
        }
        return Ok(());
    }
    let stored = normalize(entity, def, &to_json(def, value))
        .map_err(|e| format!("{entity}.{}: {}", def.name, e.message(Lang::En)))?;
    if stored != *value {
        return Err(format!(
            "{entity}.{} holds a value the write path never stores",
            def.name
        ));
    }
    Ok(())
}

/// Which scope a change of this entity may travel in, as the write path's `study_of` gives
/// it: a study's own changes in that study; places (user-added) in the shared scope only;
/// exports and conflict resolutions in their record's study, or shared when it has none;
/// everything else in a study. The study or session a change names must be its own study's.
pub(crate) fn check_scope(c: &Change) -> Result<(), String> {
    let study = c.study.as_deref();
    match (c.entity, study) {
        (Entity::Study, Some(s)) if s == c.row_id => {}
        (Entity::Study, _) => return Err(format!("study {} changed outside its sync", c.row_id)),
        (Entity::Place, None) => {}
        (Entity::Place, Some(_)) => return Err("a place's change outside the shared scope".into()),
        (Entity::Export | Entity::Resolution, _) => {}
        (entity, None) => return Err(format!("a {entity} in the shared scope")),
        _ => {}
    }
    if c.field == "study_id" {
        let names_own = matches!((&c.value, study), (SqlValue::Text(v), Some(s)) if v == s);
        if !names_own {
            return Err(format!(
                "{} {} moved out of the study it travels in",
                c.entity, c.row_id
            ));
        }
    }
    Ok(())
}

/// Checks received changes against what this replica holds, in the transaction that applies
/// them, before anything is written: a change to a record must travel in the scope the
/// record's changes already travel in; a record's session must be a session of that study
/// and cannot change; a change in this laptop's own name must be one it holds (its own
/// changes relayed back); no other field fixed at creation changes (`fixed`). `own` is this
/// node's id and handle.
pub(crate) fn admit(conn: &Connection, own: (&str, i64), changes: &[Change]) -> Result<()> {
    let refuse = |why: String| Error::Sync(SyncError::Malformed(why));
    // Record → its scope, first as held, then as this batch brings it.
    let mut scopes: HashMap<(Entity, &str), Option<String>> = HashMap::new();
    // Sessions this batch creates → their study.
    let mut sessions: HashMap<&str, &str> = HashMap::new();
    for c in changes {
        let scope = c.study.as_deref().unwrap_or("");
        if c.node == own.0 && !log::holds(conn, scope, own.1, c.seq)? {
            return Err(refuse(format!(
                "change {}/{} is in this laptop's own name, but it never made it",
                c.node, c.seq
            )));
        }
        let key = (c.entity, c.row_id.as_str());
        let known = match scopes.get(&key) {
            Some(s) => s.clone(),
            None => {
                let held = held_scope(conn, c.entity, &c.row_id)?;
                scopes.insert(key, Some(held.clone().unwrap_or_else(|| scope.to_string())));
                held
            }
        };
        if known.as_deref().is_some_and(|k| k != scope) {
            return Err(refuse(format!(
                "a change to {} {} of another study",
                c.entity, c.row_id
            )));
        }
        if c.entity == Entity::Session && c.field == "study_id" {
            sessions.insert(&c.row_id, scope);
        }
        if c.field == "session_id" {
            let SqlValue::Text(session) = &c.value else {
                continue;
            };
            let its_study = match sessions.get(session.as_str()) {
                Some(s) => Some(s.to_string()),
                None => session_study(conn, session)?,
            };
            if its_study.is_some_and(|s| s != scope) {
                return Err(refuse(format!(
                    "{} {} placed in a session of another study",
                    c.entity, c.row_id
                )));
            }
            let current: Option<String> = conn
                .prepare_cached(&format!(
                    "SELECT session_id FROM {} WHERE id = ?1",
                    c.entity
                ))?
                .query_row([&c.row_id], |r| r.get(0))
                .optional()?
                .flatten();
            if current.is_some_and(|s| s != *session) {
                return Err(refuse(format!(
                    "{} {} moved to another session",
                    c.entity, c.row_id
                )));
            }
        }
    }
    check_fixed(conn, changes)
}

/// The scope ('' for shared) a record's held changes travel in; None when none is held.
pub(crate) fn held_scope(
    conn: &Connection,
    entity: Entity,
    row_id: &str,
) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT s.study FROM change_log l JOIN scopes s ON s.idx = l.scope
              WHERE l.entity = ?1 AND l.row_id = ?2 LIMIT 1",
        )?
        .query_row((entity.code(), row_id), |r| r.get(0))
        .optional()?)
}

/// The study of a session held here (None: not held, or it has none).
fn session_study(conn: &Connection, session: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT study_id FROM session WHERE id = ?1")?
        .query_row([session], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}
