//! Which study a record belongs to, as the write path sees it: the study whose sync carries
//! its changes. A record names its study (`study_id`), its session (`session_id`) or its
//! response (`response_id`); the sessions read are kept for the transaction, so typing in a
//! 25-line attendance list reads its session once.

use std::cell::RefCell;
use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension};

use super::admit;
use crate::error::{Error, Problem, Result};
use crate::schema::{Entity, Kind};

/// The fields that name the record a new record belongs to, in the order `study_of` reads them.
pub(crate) const PARENT_FIELDS: [&str; 3] = ["study_id", "session_id", "response_id"];

/// What a participant being added needs of its session: whether it is live, its study and how
/// many participant rows it has (for the next pseudonymous code). Kept for the transaction
/// while it only adds new records; any other write forgets it.
#[derive(Debug, Clone)]
pub(crate) struct SessionFacts {
    pub(crate) live: bool,
    pub(crate) study: Option<String>,
    pub(crate) participants: Option<i64>,
}

/// The sessions read during one transaction.
#[derive(Debug, Default)]
pub(crate) struct Scopes {
    sessions: RefCell<HashMap<String, SessionFacts>>,
}

impl Scopes {
    /// Forgets every session read (a session was written, or changes were received).
    pub(crate) fn forget(&mut self) {
        self.sessions.get_mut().clear();
    }

    /// One more participant row in `session` (just created).
    pub(crate) fn count_participant(&mut self, session: &str) {
        if let Some(f) = self.sessions.get_mut().get_mut(session) {
            f.participants = f.participants.map(|n| n + 1);
        }
    }

    /// What `read` takes of a session's facts, read once per transaction (None: no such
    /// session).
    pub(crate) fn with_session<T>(
        &self,
        conn: &Connection,
        id: &str,
        read: impl FnOnce(&SessionFacts) -> T,
    ) -> Result<Option<T>> {
        if let Some(f) = self.sessions.borrow().get(id) {
            return Ok(Some(read(f)));
        }
        let facts = conn
            .prepare_cached("SELECT deleted, study_id FROM session WHERE id = ?1")?
            .query_row([id], |r| {
                Ok(SessionFacts {
                    live: r.get::<_, i64>(0)? == 0,
                    study: r.get(1)?,
                    participants: None,
                })
            })
            .optional()?;
        let out = facts.as_ref().map(read);
        if let Some(f) = facts {
            self.sessions.borrow_mut().insert(id.to_string(), f);
        }
        Ok(out)
    }

    /// How many participant rows a session has (tombstones included), counted once per
    /// transaction and then kept up to date by [`Scopes::count_participant`].
    pub(crate) fn participants_in(&self, conn: &Connection, session: &str) -> Result<i64> {
        if let Some(n) = self
            .sessions
            .borrow()
            .get(session)
            .and_then(|f| f.participants)
        {
            return Ok(n);
        }
        let n: i64 = conn
            .prepare_cached("SELECT count(*) FROM participant WHERE session_id = ?1")?
            .query_row([session], |r| r.get(0))?;
        if let Some(f) = self.sessions.borrow_mut().get_mut(session) {
            f.participants = Some(n);
        }
        Ok(n)
    }

    /// The study whose sync carries a change to this record. For a new record the row does
    /// not exist yet, so the reference being written (`field` = `value`, one of
    /// [`PARENT_FIELDS`]) is used. `resolution`: the study of the record a resolution being
    /// written is about (set by the conflicts module).
    pub(crate) fn study_of(
        &self,
        conn: &Connection,
        (entity, id): (Entity, &str),
        (field, value): (&str, &SqlValue),
        resolution: Option<&str>,
    ) -> Result<Option<String>> {
        let text = |v: &SqlValue| match v {
            SqlValue::Text(t) => Some(t.clone()),
            _ => None,
        };
        let one = |sql: &str, key: &str| -> Result<Option<String>> {
            Ok(conn
                .prepare_cached(sql)?
                .query_row([key], |r| r.get::<_, Option<String>>(0))
                .optional()?
                .flatten())
        };
        let via_session = |session: Option<String>| -> Result<Option<String>> {
            match session {
                Some(s) => Ok(self.with_session(conn, &s, |f| f.study.clone())?.flatten()),
                None => Ok(None),
            }
        };
        let via_response = |response: Option<String>| -> Result<Option<String>> {
            match response {
                Some(r) => one("SELECT study_id FROM response WHERE id = ?1", &r),
                None => Ok(None),
            }
        };
        // A record already held travels where its changes travel, even when the fields that
        // name its study have not arrived yet (a partial import): other laptops refuse a
        // change of it in any other scope.
        if field.is_empty() {
            if let Some(scope) = admit::held_scope(conn, entity, id)? {
                return Ok((!scope.is_empty()).then_some(scope));
            }
        }
        Ok(match entity {
            Entity::Study => Some(id.to_string()),
            Entity::Place => None,
            Entity::Session
            | Entity::Recommendation
            | Entity::Export
            | Entity::Form
            | Entity::Response => match field {
                "study_id" => text(value),
                _ => one(&format!("SELECT study_id FROM {entity} WHERE id = ?1"), id)?,
            },
            Entity::Participant | Entity::Tally | Entity::Finding => match field {
                "session_id" => via_session(text(value))?,
                _ => via_session(one(
                    &format!("SELECT session_id FROM {entity} WHERE id = ?1"),
                    id,
                )?)?,
            },
            Entity::Answer => match field {
                "response_id" => via_response(text(value))?,
                _ => via_response(one("SELECT response_id FROM answer WHERE id = ?1", id)?)?,
            },
            // A resolution travels with the record in conflict: its study is set by the caller.
            Entity::Resolution => resolution.map(str::to_string),
        })
    }
    /// Refuses a questionnaire's response pointing at a record of another study than its own
    /// (`study`): its form, its session, its participant. Receivers refuse the same.
    pub(crate) fn check_same_study(
        &self,
        conn: &Connection,
        entity: Entity,
        study: Option<&str>,
        values: &[(&'static str, SqlValue)],
    ) -> Result<()> {
        if entity != Entity::Response {
            return Ok(());
        }
        for (field, value) in values {
            let (Some(def), SqlValue::Text(id)) = (entity.field(field), value) else {
                continue;
            };
            let target = match def.kind {
                Kind::Ref(Entity::Study) => continue,
                Kind::Ref(target) => target,
                _ => continue,
            };
            let theirs = self.study_of(conn, (target, id), ("", &SqlValue::Null), None)?;
            if theirs.is_some() && theirs.as_deref() != study {
                return Err(Error::invalid(entity, field, Problem::OtherStudy));
            }
        }
        Ok(())
    }
}
