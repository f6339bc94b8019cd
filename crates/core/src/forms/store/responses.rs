//! Filling a response: new, answers set (many, or one as it is typed), repeat instances added
//! and removed, finalised, reopened, deleted. Each use case is one transaction through the
//! write path; every answer is its own record (`changes::answer_id(response, path)`).

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension};
use serde_json::{json, Value as Json};

use super::cache;
use super::check::{check_all, check_answer, invalid, target, Target};
use super::forms::{resolve, summary};
use super::reads::{now, response_summary, stored_answers};
use super::types::FormSummary;
use crate::changes::answer_id::answer_id;
use crate::changes::write::{Fields, Writer};
use crate::error::{AnswerProblem, Error, Refusal, Result};
use crate::forms::answers::Answers;
use crate::forms::engine::Compiled;
use crate::forms::model::FormDef;
use crate::read::live::live;
use crate::schema::Entity;
use crate::store::Store;

const DRAFT: &str = "draft";
const FINAL: &str = "final";

/// Starts a response to a form version (`form_ref`: a form record's id, or a `form_id`: its
/// latest version in the study), in a session of the form's study and for a participant of
/// that session when given (the participant's session when only the participant is). With
/// `finalise`, refused (`response_invalid`) unless every constraint and required question
/// passes; else a draft. Returns the response's id.
pub fn new_response(
    store: &mut Store,
    form_ref: &str,
    session: Option<&str>,
    participant: Option<&str>,
    answers: &Answers,
    finalise: bool,
) -> Result<String> {
    let conn = store.conn();
    let (form, session) = placed(conn, form_ref, session, participant)?;
    let compiled = cache::compiled(conn, &form)?;
    check_all(compiled.def(), answers, answers)?;
    let status = status_after(&compiled, answers, finalise)?;
    let study = summary(conn, &form)?.study_id;
    let mut fields = Fields::new();
    fields.insert("study_id".into(), json!(study));
    fields.insert("form_ref".into(), json!(form));
    if let Some(s) = &session {
        fields.insert("session_id".into(), json!(s));
    }
    if let Some(p) = participant {
        fields.insert("participant_id".into(), json!(p));
    }
    fields.insert("status".into(), json!(status));
    store.write(|w| {
        let id = w.create(Entity::Response, &fields)?;
        for (path, value) in answers.entries() {
            write_answer(w, &id, path, Some(value))?;
        }
        Ok(id)
    })
}

/// The form version a new response to `form_ref` in `session` for `participant` is given
/// (as `new_response` chooses it): what FILE.json's answers are read against.
pub fn form_for(
    conn: &Connection,
    form_ref: &str,
    session: Option<&str>,
    participant: Option<&str>,
) -> Result<(FormSummary, FormDef)> {
    let (form, _) = placed(conn, form_ref, session, participant)?;
    Ok((
        summary(conn, &form)?,
        cache::compiled(conn, &form)?.def().clone(),
    ))
}

/// The form record and the session of a new response: the participant's session when only
/// the participant is given; the form checked to be of the session's study, the participant
/// of the session.
fn placed(
    conn: &Connection,
    form_ref: &str,
    session: Option<&str>,
    participant: Option<&str>,
) -> Result<(String, Option<String>)> {
    let session = match (session, participant) {
        (Some(s), _) => Some(s.to_string()),
        (None, Some(p)) => Some(participant_session(conn, p)?),
        (None, None) => None,
    };
    let form = match &session {
        Some(s) => form_in_study(conn, form_ref, s)?,
        None => resolve(conn, form_ref, None)?,
    };
    if let (Some(p), Some(s)) = (participant, &session) {
        if participant_session(conn, p)? != *s {
            return Err(Error::Refused(Refusal::ParticipantOtherSession {
                participant: p.to_string(),
            }));
        }
    }
    Ok((form, session))
}

/// Sets the given answers; the response's others stay, except the instances of a repeat the
/// given answers hold (FILE.json gives a repeat whole: its items replace the instances).
/// With `finalise` the response is checked and made final, else it is a draft.
pub fn set_answers(store: &mut Store, id: &str, answers: &Answers, finalise: bool) -> Result<()> {
    let conn = store.conn();
    let response = response_summary(conn, id)?;
    let compiled = cache::compiled(conn, &response.form_ref)?;
    let stored = stored_answers(conn, id)?;
    let given: Vec<&str> = answers
        .entries()
        .map(|(p, _)| p)
        .chain(answers.cleared())
        .collect();
    let repeats: BTreeSet<&str> = given.iter().filter_map(|p| top_repeat(p)).collect();
    let replaced: Vec<&str> = stored
        .entries()
        .map(|(p, _)| p)
        .filter(|p| !p.contains('/') && top_repeat(p).is_some_and(|r| repeats.contains(r)))
        .collect();
    let mut merged = Answers::new();
    for (path, value) in stored.entries() {
        if !replaced
            .iter()
            .any(|i| path.starts_with(&format!("{i}/")) || path == *i)
        {
            merged.set(path, Some(value.to_string()));
        }
    }
    for (path, value) in answers.entries() {
        merged.set(path, Some(value.to_string()));
    }
    for path in answers.cleared() {
        merged.set(path, None);
    }
    check_all(compiled.def(), &merged, answers)?;
    let status = status_after(&compiled, &merged, finalise)?;
    store.write(|w| {
        for instance in &replaced {
            w.delete(Entity::Answer, &answer_id(id, instance))?;
        }
        for (path, value) in answers.entries() {
            write_answer(w, id, path, Some(value))?;
        }
        for path in answers.cleared() {
            write_answer(w, id, path, None)?;
        }
        set_status(w, id, &response.status, status)
    })
}

/// Sets one answer (None clears it) in one transaction: a crash loses at most the question
/// being typed. A final response edited is a draft again until it is finalised.
pub fn set_answer(store: &mut Store, id: &str, path: &str, value: Option<&str>) -> Result<()> {
    let conn = store.conn();
    let response = response_summary(conn, id)?;
    let compiled = cache::compiled(conn, &response.form_ref)?;
    if let Target::Instance = target(compiled.def(), path)? {
        // An instance's record holds its order: add_instance and remove_instance write it.
        return Err(invalid(path, AnswerProblem::NotAnswerable));
    }
    let stored = stored_answers(conn, id)?;
    let value = value.filter(|v| !v.is_empty());
    check_answer(compiled.def(), &stored, path, value)?;
    store.write(|w| {
        write_answer(w, id, path, value)?;
        set_status(w, id, &response.status, DRAFT)
    })
}

/// Adds an instance to the repeat at `repeat_path` (`members`, `hh[a1b2c3d4]/members`) after
/// the others; returns its path (`hh[a1b2c3d4]/members[k3f9q2ab]`).
pub fn add_instance(store: &mut Store, id: &str, repeat_path: &str) -> Result<String> {
    let conn = store.conn();
    let response = response_summary(conn, id)?;
    let compiled = cache::compiled(conn, &response.form_ref)?;
    let mut answers = stored_answers(conn, id)?;
    let (parent, repeat) = repeat_path.rsplit_once('/').unwrap_or(("", repeat_path));
    // What the new instance's path will name, checked with a key of the right shape.
    let probe = format!("{repeat_path}[aaaaaaaa]");
    match target(compiled.def(), &probe) {
        Ok(Target::Instance) => {}
        Ok(Target::Question { .. }) => {
            return Err(invalid(repeat_path, AnswerProblem::NotARepeat));
        }
        Err(Error::Refused(Refusal::AnswerInvalid { problem, .. })) => {
            return Err(invalid(repeat_path, problem));
        }
        Err(e) => return Err(e),
    }
    if !parent.is_empty() && answers.get(parent).is_none() {
        return Err(invalid(repeat_path, AnswerProblem::NoInstance));
    }
    let path = answers.add_instance(parent, repeat);
    let order = answers.get(&path).map(str::to_string);
    store.write(|w| {
        write_answer(w, id, &path, order.as_deref())?;
        set_status(w, id, &response.status, DRAFT)
    })?;
    Ok(path)
}

/// Removes a repeat instance (its record deleted, restorable); the answers under it stay
/// stored and are ignored.
pub fn remove_instance(store: &mut Store, id: &str, instance_path: &str) -> Result<()> {
    let conn = store.conn();
    let response = response_summary(conn, id)?;
    let compiled = cache::compiled(conn, &response.form_ref)?;
    let Target::Instance = target(compiled.def(), instance_path)? else {
        return Err(invalid(instance_path, AnswerProblem::NotARepeat));
    };
    if stored_answers(conn, id)?.get(instance_path).is_none() {
        return Err(invalid(instance_path, AnswerProblem::NoInstance));
    }
    store.write(|w| {
        w.delete(Entity::Answer, &answer_id(id, instance_path))?;
        set_status(w, id, &response.status, DRAFT)
    })
}

/// Makes a response final, refused (`response_invalid`, each failing question as `name:
/// message`) while a constraint or a required question fails.
pub fn finalise(store: &mut Store, id: &str) -> Result<()> {
    let conn = store.conn();
    let response = response_summary(conn, id)?;
    let compiled = cache::compiled(conn, &response.form_ref)?;
    let answers = stored_answers(conn, id)?;
    let status = status_after(&compiled, &answers, true)?;
    store.write(|w| set_status(w, id, &response.status, status))
}

/// Makes a final response a draft again, to edit it.
pub fn reopen(store: &mut Store, id: &str) -> Result<()> {
    let response = response_summary(store.conn(), id)?;
    store.write(|w| set_status(w, id, &response.status, DRAFT))
}

/// Deletes a response (soft: it can be restored with its answers).
pub fn delete_response(store: &mut Store, id: &str) -> Result<()> {
    response_summary(store.conn(), id)?;
    store.write(|w| w.delete(Entity::Response, id))
}

/// The status a response takes: final when asked and nothing fails, else refused; a draft
/// when not asked.
fn status_after(compiled: &Compiled, answers: &Answers, finalise: bool) -> Result<&'static str> {
    if !finalise {
        return Ok(DRAFT);
    }
    let evaluation = compiled.evaluate(answers, None, now());
    if evaluation.errors.is_empty() {
        return Ok(FINAL);
    }
    Err(Error::Refused(Refusal::ResponseInvalid {
        errors: evaluation
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.name, e.message))
            .collect(),
    }))
}

fn set_status(w: &mut Writer<'_>, id: &str, now: &str, status: &str) -> Result<()> {
    if now != status {
        let mut fields = Fields::new();
        fields.insert("status".into(), json!(status));
        w.update(Entity::Response, id, &fields)?;
    }
    Ok(())
}

/// Writes the answer at `path`: a new record, or the record held (restored if it was
/// removed) with its new value; None clears it (NULL), and writes nothing where none is held.
fn write_answer(w: &mut Writer<'_>, response: &str, path: &str, value: Option<&str>) -> Result<()> {
    let id = answer_id(response, path);
    let deleted: Option<i64> = w
        .conn()
        .prepare_cached("SELECT deleted FROM answer WHERE id = ?1")?
        .query_row([&id], |r| r.get(0))
        .optional()?;
    let mut fields = Fields::new();
    fields.insert("value".into(), value.map_or(Json::Null, |v| json!(v)));
    match deleted {
        None if value.is_none() => Ok(()),
        None => {
            fields.insert("response_id".into(), json!(response));
            fields.insert("path".into(), json!(path));
            w.create_with_id(Entity::Answer, &id, &fields)
        }
        Some(deleted) => {
            if deleted == 1 {
                w.restore(Entity::Answer, &id)?;
            }
            w.update(Entity::Answer, &id, &fields).map(|_| ())
        }
    }
}

/// The repeat a top-level path is an instance of, or under: `members[k]/age` → `members`.
fn top_repeat(path: &str) -> Option<&str> {
    let first = path.split('/').next()?;
    first.split_once('[').map(|(name, _)| name)
}

/// The session of a live participant.
fn participant_session(conn: &Connection, participant: &str) -> Result<String> {
    let sql = format!(
        "SELECT p.session_id FROM participant p WHERE p.id = ?1 AND {}",
        live(Entity::Participant, "p")
    );
    conn.query_row(&sql, [participant], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten()
        .ok_or_else(|| Error::NotFound {
            entity: Entity::Participant,
            id: participant.to_string(),
        })
}

/// The form record a response in `session` is given: `form` itself when it is a form of the
/// session's study (`session_other_study` when of another), or the latest version of the
/// `form_id` `form` in that study (`form_not_in_study` when the study has none).
fn form_in_study(conn: &Connection, form: &str, session: &str) -> Result<String> {
    let sql = format!(
        "SELECT s.study_id FROM session s WHERE s.id = ?1 AND {}",
        live(Entity::Session, "s")
    );
    let study: String = conn
        .query_row(&sql, [session], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten()
        .ok_or_else(|| Error::NotFound {
            entity: Entity::Session,
            id: session.to_string(),
        })?;
    let form_study: Option<Option<String>> = conn
        .query_row("SELECT study_id FROM form WHERE id = ?1", [form], |r| {
            r.get(0)
        })
        .optional()?;
    match form_study {
        Some(Some(s)) if s != study => Err(Error::Refused(Refusal::SessionOtherStudy {
            session: session.to_string(),
        })),
        Some(_) => resolve(conn, form, Some(&study)),
        None => resolve(conn, form, Some(&study)).map_err(|e| match e {
            Error::NotFound { .. } => Error::Refused(Refusal::FormNotInStudy {
                form: form.to_string(),
            }),
            e => e,
        }),
    }
}
