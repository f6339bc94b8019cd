//! The printable report of a study: overview, the dashboard figures as tables, the
//! recommendations and the methodology counts, in French or English. Core renders a
//! self-contained HTML document (tables, print styles); the desktop app shows it next to its
//! charts, and the person prints it or saves it as PDF.
//!
//! `content` holds what the report is made of, `sections` writes one function per section of
//! the document with the helpers of `html`, and `report.css` is its style sheet.

pub(crate) mod content;
mod html;
mod sections;

use rusqlite::Connection;

use crate::error::{Error, Refusal, Result};
use crate::lang::Lang;
use crate::read::{self, SessionFilter};
use crate::schema::Entity;
use crate::stats::{self, StatsFilter};

pub use content::{Methodology, ReportRecommendation, StudyReport};

/// The report of one study. `as_of` (YYYY-MM-DD) fixes the day recommendations are aged at.
pub fn study_report(
    conn: &Connection,
    study_id: &str,
    lang: Lang,
    as_of: Option<String>,
) -> Result<StudyReport> {
    let study = read::get(conn, Entity::Study, study_id)?;
    if study.deleted {
        // Its sessions are hidden with it: a report would be empty, or say what is in the bin.
        return Err(Error::Refused(Refusal::StudyDeleted {
            title: study.text("title").unwrap_or_default().to_string(),
        }));
    }
    let filter = StatsFilter {
        filter: SessionFilter {
            study_id: Some(study_id.to_string()),
            ..Default::default()
        },
        by_age: true,
        as_of,
    };
    let dashboard = stats::dashboard(conn, &filter)?;
    let methodology = content::methodology(conn, study_id)?;
    let recommendations = content::recommendations(conn, study_id)?;
    let mut report = StudyReport {
        study_id: study_id.to_string(),
        lang,
        title: study.text("title").unwrap_or_default().to_string(),
        organisation: study.text("organisation").map(str::to_string),
        generated_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        dashboard,
        methodology,
        recommendations,
        html: String::new(),
    };
    report.html = sections::render(&report, &study);
    Ok(report)
}
