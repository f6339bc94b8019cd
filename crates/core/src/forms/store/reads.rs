//! Reading responses: a form's, a session's, one with its answers, one opened for filling.

use rusqlite::{Connection, Row};

use super::cache;
use super::forms::summary;
use super::types::{ResponseSummary, ResponseView};
use crate::error::{Error, Result};
use crate::forms::answers::Answers;
use crate::forms::model::FormDef;
use crate::read::live::live;
use crate::schema::Entity;

/// The live responses of a form: of that version when `form` is a form record's id, of every
/// version of it when `form` is a `form_id`; of one session when given. In creation order.
pub fn list_responses(
    conn: &Connection,
    form: &str,
    session: Option<&str>,
) -> Result<Vec<ResponseSummary>> {
    let is_record: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM form WHERE id = ?1)",
        [form],
        |r| r.get(0),
    )?;
    let is_form_id: bool = is_record
        || conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM form WHERE form_id = ?1)",
            [form],
            |r| r.get(0),
        )?;
    if !is_form_id {
        return Err(Error::NotFound {
            entity: Entity::Form,
            id: form.to_string(),
        });
    }
    let which = if is_record {
        "r.form_ref = ?1"
    } else {
        "r.form_ref IN (SELECT id FROM form WHERE form_id = ?1)"
    };
    summaries(
        conn,
        &format!("{which} AND (?2 IS NULL OR r.session_id = ?2)"),
        rusqlite::params![form, session],
    )
}

/// The live responses given in a session (of every form), in creation order.
pub fn session_responses(conn: &Connection, session: &str) -> Result<Vec<ResponseSummary>> {
    summaries(conn, "r.session_id = ?1", [session])
}

/// A live response, its form version's definition and its answers (live answer records; those
/// under a removed instance are there, and ignored by the engine).
pub fn response_answers(
    conn: &Connection,
    id: &str,
) -> Result<(ResponseSummary, FormDef, Answers)> {
    let summary = response_summary(conn, id)?;
    let def = cache::compiled(conn, &summary.form_ref)?.def().clone();
    let answers = stored_answers(conn, id)?;
    Ok((summary, def, answers))
}

/// A live response opened for filling: its form evaluated over its answers, texts in
/// `language` (a key of the form's `languages`; None or another: the form's default).
pub fn open_response(conn: &Connection, id: &str, language: Option<&str>) -> Result<ResponseView> {
    let response = response_summary(conn, id)?;
    let compiled = cache::compiled(conn, &response.form_ref)?;
    let form = summary(conn, &response.form_ref)?;
    let answers = stored_answers(conn, id)?;
    let language = language
        .filter(|l| compiled.def().languages.iter().any(|k| k == l))
        .map(str::to_string);
    let evaluation = compiled.evaluate(&answers, language.as_deref(), now());
    Ok(ResponseView {
        response,
        form,
        language,
        evaluation,
    })
}

/// Today and now on this laptop's clock, for `today()` and `now()`.
pub(crate) fn now() -> (chrono::NaiveDate, chrono::NaiveDateTime) {
    let now = chrono::Local::now().naive_local();
    (now.date(), now)
}

/// The summary of a live response, or NotFound.
pub(crate) fn response_summary(conn: &Connection, id: &str) -> Result<ResponseSummary> {
    summaries(conn, "r.id = ?1", [id])?
        .pop()
        .ok_or_else(|| Error::NotFound {
            entity: Entity::Response,
            id: id.to_string(),
        })
}

/// The answers of the response `id` as stored: its live answer records.
pub(crate) fn stored_answers(conn: &Connection, id: &str) -> Result<Answers> {
    let mut stmt = conn.prepare_cached(
        "SELECT path, value FROM answer
          WHERE response_id = ?1 AND deleted = 0 AND path IS NOT NULL AND value IS NOT NULL",
    )?;
    let mut rows = stmt.query([id])?;
    let mut answers = Answers::new();
    while let Some(r) = rows.next()? {
        let path: String = r.get(0)?;
        answers.set(&path, Some(r.get(1)?));
    }
    Ok(answers)
}

/// The live responses `cond` (on alias `r`) takes, in creation order.
fn summaries(
    conn: &Connection,
    cond: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<ResponseSummary>> {
    let (response, answer) = (Entity::Response.code(), Entity::Answer.code());
    let sql = format!(
        "SELECT r.id, r.form_ref, f.form_id, f.version, r.status, r.session_id,
                r.participant_id, p.code,
                (SELECT count(*) FROM answer a
                  WHERE a.response_id = r.id AND a.deleted = 0 AND a.value IS NOT NULL
                    AND a.path NOT LIKE '%]'),
                max(coalesce((SELECT max(l.hlc) FROM change_log l
                               WHERE l.entity = {response} AND l.row_id = r.id), 0),
                    coalesce((SELECT max(l.hlc) FROM answer a
                                JOIN change_log l ON l.entity = {answer} AND l.row_id = a.id
                               WHERE a.response_id = r.id), 0))
           FROM response r
           JOIN form f ON f.id = r.form_ref
           LEFT JOIN participant p ON p.id = r.participant_id
          WHERE {cond} AND {}
          ORDER BY r.id",
        live(Entity::Response, "r")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params, summary_of)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn summary_of(r: &Row<'_>) -> rusqlite::Result<ResponseSummary> {
    Ok(ResponseSummary {
        id: r.get(0)?,
        form_ref: r.get(1)?,
        form_id: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
        version: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
        status: r
            .get::<_, Option<String>>(4)?
            .unwrap_or_else(|| "draft".into()),
        session_id: r.get(5)?,
        participant_id: r.get(6)?,
        participant_code: r.get(7)?,
        answered: r.get::<_, i64>(8)?.max(0) as usize,
        updated_hlc: r.get(9)?,
    })
}
