//! A workbook's sheets as text cells, read with calamine whatever the file's extension says
//! (`.xlsx` or `.xls`, told apart by content), with the limits that keep a hostile file from
//! taking the laptop's memory: only the cells that hold something are kept, and reading stops
//! at the first limit crossed.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, DataRef, Reader, Sheets};

use crate::error::{FormIssue, IssueKind};

/// At most this many characters in a cell.
pub const MAX_CELL_CHARS: usize = 100_000;
/// At most this many non-empty cells in the whole workbook (5,000 rows of a few dozen
/// columns, 50,000 choices of a few columns).
pub const MAX_CELLS: usize = 1_000_000;
/// At most this many characters in all the kept cells together.
pub const MAX_TOTAL_CHARS: usize = 50_000_000;

/// What has been kept so far, against the limits.
#[derive(Default)]
struct Budget {
    cells: usize,
    chars: usize,
}

/// One sheet: its name as written, and its non-empty cells by row then column (0-based, as
/// the file stores them; a person's row number is the index + 1).
#[derive(Debug, Default)]
pub struct Sheet {
    pub name: String,
    pub rows: BTreeMap<u32, BTreeMap<u32, String>>,
}

/// The sheets a form reads, by their lowercased names (`survey`, `choices`, `settings`).
pub fn read(bytes: &[u8], wanted: &[&str]) -> Result<BTreeMap<String, Sheet>, FormIssue> {
    let not_readable =
        |detail: String| FormIssue::error("", None, None, IssueKind::NotASpreadsheet { detail });
    let mut book =
        open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| not_readable(e.to_string()))?;
    let mut budget = Budget::default();
    let mut out = BTreeMap::new();
    for name in book.sheet_names() {
        let key = name.trim().to_lowercase();
        if !wanted.contains(&key.as_str()) || out.contains_key(&key) {
            continue;
        }
        let mut sheet = Sheet {
            name: key.clone(),
            rows: BTreeMap::new(),
        };
        match &mut book {
            Sheets::Xlsx(xlsx) => {
                let mut reader = xlsx
                    .worksheet_cells_reader(&name)
                    .map_err(|e| not_readable(e.to_string()))?;
                while let Some(cell) = reader
                    .next_cell()
                    .map_err(|e| not_readable(e.to_string()))?
                {
                    let (row, col) = cell.get_position();
                    let text = text_of_ref(cell.get_value());
                    keep(&mut sheet, &mut budget, row, col, text)?;
                }
            }
            Sheets::Xls(xls) => {
                let range = xls
                    .worksheet_range(&name)
                    .map_err(|e| not_readable(e.to_string()))?;
                for (row, col, value) in range.used_cells() {
                    let (row, col) = (
                        u32::try_from(row)
                            .unwrap_or(u32::MAX)
                            .saturating_add(range.start().map_or(0, |s| s.0)),
                        u32::try_from(col)
                            .unwrap_or(u32::MAX)
                            .saturating_add(range.start().map_or(0, |s| s.1)),
                    );
                    keep(&mut sheet, &mut budget, row, col, text_of(value))?;
                }
            }
            // Binary .xlsb and OpenDocument sheets are not XLSForm files the field tools write.
            Sheets::Xlsb(_) | Sheets::Ods(_) => {
                return Err(not_readable("not .xlsx or .xls".into()));
            }
        }
        out.insert(key, sheet);
    }
    Ok(out)
}

fn keep(
    sheet: &mut Sheet,
    budget: &mut Budget,
    row: u32,
    col: u32,
    text: String,
) -> Result<(), FormIssue> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(());
    }
    let chars = text.chars().count();
    if chars > MAX_CELL_CHARS {
        return Err(FormIssue::error(
            &sheet.name,
            Some(row.saturating_add(1)),
            Some(&column_letters(col)),
            IssueKind::CellTooLong {
                max: MAX_CELL_CHARS,
            },
        ));
    }
    budget.cells += 1;
    budget.chars += chars;
    if budget.cells > MAX_CELLS || budget.chars > MAX_TOTAL_CHARS {
        return Err(FormIssue::error("", None, None, IssueKind::TooLarge));
    }
    sheet
        .rows
        .entry(row)
        .or_default()
        .insert(col, text.to_string());
    Ok(())
}

/// `A`, `B`, ..., `Z`, `AA`: a column's letters, for a cell no header names.
pub fn column_letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

fn text_of(value: &Data) -> String {
    match value {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => date_text(d.as_f64()),
        Data::Error(e) => e.to_string(),
        Data::Empty => String::new(),
    }
}

fn text_of_ref(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => date_text(d.as_f64()),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

/// A number as a person typed it: `3`, not `3.0`.
fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// A cell formatted as a date or a time (a number of days since 1899-12-30), as ODK writes it:
/// `2025-03-01`, `14:30:00` or `2025-03-01T14:30:00`.
fn date_text(days: f64) -> String {
    let Some(epoch) = chrono::NaiveDate::from_ymd_opt(1899, 12, 30) else {
        return number_text(days);
    };
    if !days.is_finite() || !(0.0..3_000_000.0).contains(&days) {
        return number_text(days);
    }
    let whole = days.floor();
    let seconds = ((days - whole) * 86_400.0).round() as i64;
    let Some(date) = epoch.checked_add_signed(chrono::Duration::days(whole as i64)) else {
        return number_text(days);
    };
    let time = chrono::NaiveTime::from_num_seconds_from_midnight_opt(
        u32::try_from(seconds.clamp(0, 86_399)).unwrap_or(0),
        0,
    )
    .unwrap_or_default();
    match (whole == 0.0, seconds == 0) {
        (true, _) => time.format("%H:%M:%S").to_string(),
        (false, true) => date.format("%Y-%m-%d").to_string(),
        (false, false) => date.and_time(time).format("%Y-%m-%dT%H:%M:%S").to_string(),
    }
}
