//! What a study or a session holds, counted as a delete would take it away: the confirmation
//! says « 52 séances, 373 personnes, 12 constats, 5 recommandations, 40 réponses aux
//! questionnaires » before a study goes, the attendance lines and findings before a session
//! goes, and the responses before a form version goes. Records deleted on their own are
//! not counted (they are in the bin already); the study's own flag is left out, so a deleted
//! study's holdings are what restoring it brings back.

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::lang::Lang;
use crate::schema::Entity;

/// What deleting a record takes with it. Zero everywhere for a record that holds nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Holdings {
    pub sessions: i64,
    /// People counted: one per attendance line, plus the people of tally sheets.
    pub people: i64,
    pub attendance_lines: i64,
    pub tally_sheets: i64,
    pub findings: i64,
    pub recommendations: i64,
    /// Questionnaire responses (of the study's forms, or of the form).
    pub responses: i64,
}

/// What `id` of `entity` holds: for a study its sessions, their people and findings, and its
/// recommendations and responses; for a session its attendance and findings; for a form its
/// responses; nothing for other records.
pub fn holdings(conn: &Connection, entity: Entity, id: &str) -> Result<Holdings> {
    if entity == Entity::Form {
        let responses = conn.query_row(
            "SELECT count(*) FROM response WHERE form_ref = ?1 AND deleted = 0",
            [id],
            |r| r.get(0),
        )?;
        return Ok(Holdings {
            responses,
            ..Holdings::default()
        });
    }
    // The sessions in question, as SQL on alias `s`.
    let sessions = match entity {
        Entity::Study => "s.study_id = ?1",
        Entity::Session => "s.id = ?1",
        _ => return Ok(Holdings::default()),
    };
    let count = |sql: String| -> Result<i64> {
        Ok(conn
            .query_row(&sql, [id], |r| r.get::<_, Option<i64>>(0))?
            .unwrap_or(0))
    };
    let of_sessions = |select: &str, table: &str| -> Result<i64> {
        count(format!(
            "SELECT {select} FROM {table} x JOIN session s ON s.id = x.session_id
              WHERE x.deleted = 0 AND s.deleted = 0 AND {sessions}"
        ))
    };
    let study_sessions = count(format!(
        "SELECT count(*) FROM session s WHERE s.deleted = 0 AND {sessions}"
    ))?;
    let lines = of_sessions("count(*)", "participant")?;
    let tallied = of_sessions("sum(x.count)", "tally")?;
    let mut h = Holdings {
        sessions: if entity == Entity::Study {
            study_sessions
        } else {
            0
        },
        people: lines + tallied,
        attendance_lines: lines,
        tally_sheets: of_sessions("count(DISTINCT x.session_id)", "tally")?,
        findings: of_sessions("count(*)", "finding")?,
        recommendations: 0,
        responses: 0,
    };
    if entity == Entity::Study {
        h.recommendations = count(
            "SELECT count(*) FROM recommendation WHERE study_id = ?1 AND deleted = 0".into(),
        )?;
        // A response of a form deleted on its own is in the bin with its form.
        h.responses = count(
            "SELECT count(*) FROM response r JOIN form f ON f.id = r.form_ref
              WHERE r.study_id = ?1 AND r.deleted = 0 AND f.deleted = 0"
                .into(),
        )?;
    }
    Ok(h)
}

impl Holdings {
    /// Adds another record's holdings to these.
    pub fn add(&mut self, other: &Holdings) {
        self.sessions += other.sessions;
        self.people += other.people;
        self.attendance_lines += other.attendance_lines;
        self.tally_sheets += other.tally_sheets;
        self.findings += other.findings;
        self.recommendations += other.recommendations;
        self.responses += other.responses;
    }

    /// Whether deleting takes nothing beyond the record itself.
    pub fn is_empty(&self) -> bool {
        *self == Holdings::default()
    }

    /// « 52 séances, 373 personnes, 12 constats, 5 recommandations » (what is there only);
    /// empty when it holds nothing.
    pub fn describe(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        let mut parts = Vec::new();
        let mut say = |n: i64, fr_one: &str, fr_many: &str, en_one: &str, en_many: &str| {
            if n > 0 {
                let word = match (fr, n == 1) {
                    (true, true) => fr_one,
                    (true, false) => fr_many,
                    (false, true) => en_one,
                    (false, false) => en_many,
                };
                parts.push(format!("{n} {word}"));
            }
        };
        say(self.sessions, "séance", "séances", "session", "sessions");
        say(self.people, "personne", "personnes", "person", "people");
        if self.sessions == 0 {
            // A session's own: the lines typed and the sign-in sheets counted.
            say(
                self.attendance_lines,
                "ligne de présence",
                "lignes de présence",
                "attendance line",
                "attendance lines",
            );
            say(
                self.tally_sheets,
                "décompte",
                "décomptes",
                "tally sheet",
                "tally sheets",
            );
        }
        say(self.findings, "constat", "constats", "finding", "findings");
        say(
            self.recommendations,
            "recommandation",
            "recommandations",
            "recommendation",
            "recommendations",
        );
        say(
            self.responses,
            "réponse au questionnaire",
            "réponses aux questionnaires",
            "form response",
            "form responses",
        );
        parts.join(", ")
    }
}
