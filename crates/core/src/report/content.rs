//! What the report holds beyond the dashboard: the study's methodology counts and its
//! recommendations, read from the store.

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::lang::Lang;
use crate::stats::{self, Dashboard};

/// A study's report: the figures and the HTML document made from them.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct StudyReport {
    pub study_id: String,
    pub lang: Lang,
    pub title: String,
    pub organisation: Option<String>,
    /// RFC 3339 time the report was made.
    pub generated_at: String,
    pub dashboard: Dashboard,
    pub methodology: Methodology,
    pub recommendations: Vec<ReportRecommendation>,
    /// The whole report as one printable HTML document.
    pub html: String,
}

/// How sessions were documented, for the methodology section.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Methodology {
    pub sessions: i64,
    /// Total recorded duration in minutes (sessions without a duration are not counted).
    pub minutes: i64,
    pub sessions_with_duration: i64,
    /// Sessions per consent level ("unknown" when not recorded).
    pub consent_levels: Vec<stats::Count>,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReportRecommendation {
    pub id: String,
    pub text: String,
    pub theme: Option<String>,
    pub target_institution: Option<String>,
    pub level: Option<String>,
    pub status: Option<String>,
}

pub(crate) fn methodology(conn: &Connection, study_id: &str) -> Result<Methodology> {
    let (sessions, minutes, with_duration, first, last) = conn.query_row(
        "SELECT count(*), coalesce(sum(duration_minutes), 0), count(duration_minutes), min(date), max(date)
           FROM session WHERE study_id = ?1 AND deleted = 0",
        [study_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(consent_level, 'unknown'), count(*) FROM session
          WHERE study_id = ?1 AND deleted = 0 GROUP BY 1 ORDER BY 2 DESC, 1",
    )?;
    let consent_levels = stmt
        .query_map([study_id], |r| {
            Ok(stats::Count {
                key: r.get(0)?,
                count: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Methodology {
        sessions,
        minutes,
        sessions_with_duration: with_duration,
        consent_levels,
        first_date: first,
        last_date: last,
    })
}

pub(crate) fn recommendations(
    conn: &Connection,
    study_id: &str,
) -> Result<Vec<ReportRecommendation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, coalesce(text, ''), theme, target_institution, level, status FROM recommendation
          WHERE study_id = ?1 AND deleted = 0 ORDER BY theme, id",
    )?;
    let rows = stmt.query_map([study_id], |r| {
        Ok(ReportRecommendation {
            id: r.get(0)?,
            text: r.get(1)?,
            theme: r.get(2)?,
            target_institution: r.get(3)?,
            level: r.get(4)?,
            status: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
