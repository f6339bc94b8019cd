//! What an export is asked for (format, sessions, anonymisation, separator) and what it reports.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::export::overlap::Overlap;
use crate::export::tables::table_label;
use crate::read::filter::SessionFilter;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export, rename = "ExportFormat")]
pub enum Format {
    Csv,
    Xlsx,
    Json,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
        }
    }
}

/// What separates the values of a CSV line. Excel set to French (as in Bamako's offices)
/// reads `;` as the separator and shows a comma-separated file in one column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CsvSeparator {
    #[default]
    Comma,
    Semicolon,
}

impl CsvSeparator {
    pub fn byte(self) -> u8 {
        match self {
            CsvSeparator::Comma => b',',
            CsvSeparator::Semicolon => b';',
        }
    }
}

pub const DEFAULT_MIN_CELL: i64 = 5;
/// The smallest minimum cell an anonymised export accepts.
pub const MIN_CELL_FLOOR: i64 = 3;

fn default_min_cell() -> i64 {
    DEFAULT_MIN_CELL
}

/// What to export and how.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct ExportOptions {
    /// The sessions exported, and what hangs off them.
    #[serde(flatten)]
    pub filter: SessionFilter,
    /// Add an HXL hashtag row under the headers.
    #[serde(default)]
    pub hxl: bool,
    /// For sharing outside the team: no names, contacts or identifying text; small counts hidden.
    #[serde(default)]
    pub anonymised: bool,
    /// Counts below this are hidden in an anonymised export, and findings of sessions with
    /// fewer people lose their quotes and speaker categories; at least [`MIN_CELL_FLOOR`].
    #[serde(default = "default_min_cell")]
    pub min_cell: i64,
    /// Who exported, as recorded with the export (the device's node id is always recorded).
    #[serde(default)]
    pub user_name: Option<String>,
    /// CSV only: the separator of values.
    #[serde(default)]
    pub csv_separator: CsvSeparator,
    /// A form (its `form_id`, or one version's record id): its answers are exported after the
    /// study's tables, every version together (`export::forms`), and the export is its study's.
    #[serde(default)]
    #[ts(optional)]
    pub form_id: Option<String>,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            filter: SessionFilter::default(),
            hxl: false,
            anonymised: false,
            min_cell: DEFAULT_MIN_CELL,
            user_name: None,
            csv_separator: CsvSeparator::Comma,
            form_id: None,
        }
    }
}

/// How far an export has got, for a progress bar.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export, rename = "ExportProgress")]
pub struct Progress {
    pub table: String,
    /// The table as people name it (`export::table_label`), in French and English.
    pub label_fr: String,
    pub label_en: String,
    pub done: u64,
    pub total: u64,
}

impl Progress {
    pub fn of(table: &str, done: u64, total: u64) -> Progress {
        let label = table_label(table);
        Progress {
            table: table.to_string(),
            label_fr: label.fr.to_string(),
            label_en: label.en.to_string(),
            done,
            total,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct TableCount {
    /// The table's name in files and the codebook (`people_by_region`).
    pub table: String,
    /// As people name it (« personnes par région »).
    pub label_fr: String,
    pub label_en: String,
    pub rows: u64,
}

impl TableCount {
    pub fn of(table: &str, rows: u64) -> TableCount {
        let label = table_label(table);
        TableCount {
            table: table.to_string(),
            label_fr: label.fr.to_string(),
            label_en: label.en.to_string(),
            rows,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExportSummary {
    /// The id of the synced `export` record.
    pub export_id: String,
    pub format: Format,
    pub files: Vec<String>,
    pub tables: Vec<TableCount>,
    /// Cells hidden as "x" (anonymised exports).
    pub suppressed_cells: u64,
    /// Earlier anonymised exports made here whose sessions overlap this one's without being
    /// the same: a warning to show (the export is written all the same).
    pub overlaps: Vec<Overlap>,
}
