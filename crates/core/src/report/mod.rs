//! The printable report of a study: overview, the dashboard figures as tables, the
//! recommendations and the methodology counts, in French or English. Core renders a
//! self-contained HTML document (tables, print styles); the desktop app shows it next to its
//! charts, and the person prints it, saves it as PDF, or saves the document itself (`save_report`).
//!
//! `content` holds what the report is made of, `sections` writes one function per section of
//! the document with the helpers of `html`, and `report.css` is its style sheet.

pub(crate) mod content;
mod html;
mod sections;

use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::error::{Error, Refusal, Result};
use crate::lang::Lang;
use crate::read::{self, SessionFilter};
use crate::schema::Entity;
use crate::stats::{self, StatsFilter};
use crate::store::write_atomically;

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

/// Writes a study's report as one HTML file at `path` (".html" added when it has no extension,
/// so that a double click opens it in a browser), whole or not at all; returns the file written.
pub fn save_report(conn: &Connection, study_id: &str, lang: Lang, path: &Path) -> Result<PathBuf> {
    let folder = path.parent().filter(|f| !f.as_os_str().is_empty());
    if !folder.is_some_and(Path::is_dir) {
        return Err(Error::Refused(Refusal::NoFolder {
            folder: folder.map(|f| f.display().to_string()).unwrap_or_default(),
        }));
    }
    let path = if path.extension().is_none() {
        path.with_extension("html")
    } else {
        path.to_path_buf()
    };
    let report = study_report(conn, study_id, lang, None)?;
    write_atomically(&path, |w| Ok(w.write_all(report.html.as_bytes())?))?;
    Ok(path)
}
