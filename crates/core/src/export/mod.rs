//! Exports of a study (or all studies) to CSV, XLSX or JSON, optionally with an HXL hashtag
//! row and anonymised for sharing outside the team. Rows are streamed from SQLite to the file:
//! only sessions (a few per thousand participants) and small aggregates are held in memory.
//! Every export is recorded as a synced `export` record.
//!
//! Every export, anonymised or not, neutralises text cells of CSV and XLSX that a spreadsheet
//! would run as a formula (`neutralise.rs`); JSON stays exact.
//!
//! Anonymised exports (a minimum cell below 3 is refused):
//! - drop names, contact details and identifying free text: session title, facilitators and
//!   note-taker; the participant and tally tables (person-level lines and sheets whose counts
//!   would give away every hidden cell) are left out; free text (session notes, a finding's
//!   theme and text, a recommendation's text, theme and target) only as a supervisor reviewed
//!   it (`review.rs`); a finding's text only when the session consented to quotes; neither
//!   its text nor its speaker category for an individual interview or a session of fewer
//!   people than the minimum cell;
//! - give dates as months and places down to the cercle (no commune, no place);
//! - are noted on this laptop, and warn when one's sessions overlap an earlier one's
//!   (`overlap.rs`);
//! - publish head counts in two places only — the women/men columns of each session and the
//!   `people_by_region` table (region × actor group × sex) — and hide any of those cells below
//!   `min_cell` as "x". Both tables add up to the same region totals per sex, so a hidden cell
//!   could be recovered by subtraction when it is the only non-zero hidden cell of its region
//!   and sex: one more cell is then hidden (see `suppression.rs`). No totals are written.
//!
//! With a form (`ExportOptions::form_id`), the study's tables are followed by the form's
//! (`forms.rs` plans them, `form_rows.rs` writes them): one workbook holds the answers next to
//! the sessions and attendance they belong to.
//!
//! The tables and their columns are in `tables.rs` (cells and codebook labels in
//! `columns.rs`), the options and the summary in `options.rs`, the writer that streams rows in
//! `writer.rs`, and each format's sink in `csv_out.rs`, `json_out.rs` and `xlsx_out.rs`.

mod columns;
mod csv_out;
mod form_rows;
mod forms;
mod json_out;
mod neutralise;
mod options;
mod overlap;
mod review;
mod sink;
mod suppression;
mod tables;
mod writer;
mod xlsx_out;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value as Json;

use crate::error::{Error, Refusal, Result};
use crate::read::records::get;
use crate::schema::Entity;
use crate::store::Store;
use forms::FormExport;
use sink::Sink;
use writer::write_all;

pub use columns::{is_hxl_tag, CodebookEntry};
pub use forms::form_table_name;
pub use neutralise::neutralise;
pub use options::{
    CsvSeparator, ExportOptions, ExportSummary, Format, Progress, TableCount, DEFAULT_MIN_CELL,
    MIN_CELL_FLOOR,
};
pub use overlap::Overlap;
pub use review::{fingerprint, is_reviewed, review, reviewed_fields, set_reviewed};
pub use tables::{codebook, table_label, tables};

/// Exports to `out` (a folder for CSV, a file otherwise) and records the export.
pub fn run(
    store: &mut Store,
    format: Format,
    out: &Path,
    opts: &ExportOptions,
    progress: &mut dyn FnMut(&Progress),
) -> Result<ExportSummary> {
    opts.filter.check()?;
    if opts.anonymised && opts.min_cell < MIN_CELL_FLOOR {
        return Err(Error::Refused(Refusal::MinCellTooSmall {
            given: opts.min_cell,
            floor: MIN_CELL_FLOOR,
        }));
    }
    if let Some(study) = opts.filter.study() {
        get(store.conn(), Entity::Study, study)?;
    }
    // A form belongs to one study: the export is that study's.
    let form = match opts.form_id.as_deref() {
        Some(f) => Some(FormExport::load(
            store.conn(),
            f,
            opts.filter.study(),
            opts.anonymised,
        )?),
        None => None,
    };
    let narrowed;
    let opts = match &form {
        Some(form) if opts.filter.study().is_none() => {
            let mut o = opts.clone();
            o.filter.study_id = Some(form.study_id.clone());
            narrowed = o;
            &narrowed
        }
        _ => opts,
    };
    let sink: Box<dyn Sink> = match format {
        Format::Csv => Box::new(csv_out::CsvSink::create(out, opts.hxl, opts.csv_separator)?),
        Format::Xlsx => Box::new(xlsx_out::XlsxSink::create(out, opts.hxl)?),
        Format::Json => Box::new(json_out::JsonSink::create(
            out,
            opts.hxl,
            &header_json(store, format, opts, form.as_ref()),
        )?),
    };
    let written = write_all(store.conn(), sink, (opts, form.as_ref()), progress)?;
    let exported_at = now_rfc3339();
    let mut fields = BTreeMap::new();
    if let Some(study) = opts.filter.study() {
        fields.insert("study_id".to_string(), Json::String(study.to_string()));
    }
    fields.insert("format".into(), Json::String(format.as_str().into()));
    fields.insert("exported_at".into(), Json::String(exported_at.clone()));
    fields.insert("node_id".into(), Json::String(store.node_id().to_string()));
    if let Some(u) = opts.user_name.as_deref().filter(|u| !u.trim().is_empty()) {
        fields.insert("user_name".into(), Json::String(u.trim().to_string()));
    }
    fields.insert(
        "filters".into(),
        Json::String(filters(opts, form.as_ref()).to_string()),
    );
    fields.insert("hxl".into(), Json::Bool(opts.hxl));
    fields.insert("anonymised".into(), Json::Bool(opts.anonymised));
    if opts.anonymised {
        fields.insert("min_cell".into(), Json::from(opts.min_cell));
    }
    let rows: serde_json::Map<String, Json> = written
        .counts
        .iter()
        .map(|c| (c.table.clone(), Json::from(c.rows)))
        .collect();
    fields.insert(
        "row_counts".into(),
        Json::String(Json::Object(rows).to_string()),
    );
    let export_id = store.create(Entity::Export, &fields)?;
    let mut overlaps = Vec::new();
    if opts.anonymised {
        overlaps = overlap::overlaps(store.conn(), &written.sessions)?;
        let at = (store.node_id(), exported_at.as_str());
        let asked = (&opts.filter, opts.min_cell);
        overlap::note(store.conn(), asked, at, &written.sessions)?;
    }
    Ok(ExportSummary {
        export_id,
        format,
        files: written
            .files
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        tables: written.counts,
        suppressed_cells: written.suppressed,
        overlaps,
    })
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// What the export was narrowed to: the sessions' filter and the form's `form_id`.
fn filters(opts: &ExportOptions, form: Option<&FormExport>) -> Json {
    let mut f = opts.filter.to_json();
    if let (Some(form), Json::Object(map)) = (form, &mut f) {
        map.insert("form_id".into(), Json::String(form.form_id.clone()));
    }
    f
}

fn header_json(
    store: &Store,
    format: Format,
    opts: &ExportOptions,
    form: Option<&FormExport>,
) -> Json {
    serde_json::json!({
        "format": format.as_str(),
        "exported_at": now_rfc3339(),
        "node_id": store.node_id(),
        "user_name": opts.user_name,
        "filters": filters(opts, form),
        "hxl": opts.hxl,
        "anonymised": opts.anonymised,
        "min_cell": if opts.anonymised { Some(opts.min_cell) } else { None },
    })
}
