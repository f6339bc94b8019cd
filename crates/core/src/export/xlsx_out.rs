//! XLSX: one sheet per table plus a `codebook` sheet. Sheets are written in constant-memory
//! mode (each row goes to a temporary file as it is written); a table longer than Excel's
//! 1,048,576 rows continues on a sheet named `table_2`, `table_3`... Text that a spreadsheet
//! would run as a formula is neutralised (`neutralise.rs`). Excel takes sheet names of at most
//! 31 characters, unique whatever their case: a longer name (a form's repeat table) is cut and,
//! if the cut one is taken, ends in `~2`, `~3`...

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::columns::{Cell, CodebookEntry, Col, CODEBOOK_COLUMNS};
use super::neutralise::{flat_cell, neutralise};
use super::sink::Sink;
use crate::error::{Error, Result};

const MAX_ROWS: u32 = 1_048_576;
/// The longest sheet name Excel opens.
const MAX_NAME: usize = 31;

/// `wanted` cut to Excel's 31 characters and made unique among `used` (compared without case,
/// as Excel does); the name returned is added to `used`.
pub(crate) fn sheet_name(wanted: &str, used: &mut HashSet<String>) -> String {
    let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let mut name = cut(wanted, MAX_NAME);
    let mut n = 1;
    while used.contains(&name.to_lowercase()) {
        n += 1;
        let tail = format!("~{n}");
        name = format!("{}{tail}", cut(wanted, MAX_NAME - tail.len()));
    }
    used.insert(name.to_lowercase());
    name
}

pub(crate) struct XlsxSink {
    path: PathBuf,
    book: Workbook,
    hxl: bool,
    bold: Format,
    sheet: usize,
    row: u32,
    table: String,
    part: u32,
    cols: Vec<Col>,
    /// The sheet names given so far, in lower case.
    used: HashSet<String>,
}

fn xlsx_err(e: XlsxError) -> Error {
    match e {
        XlsxError::IoError(io) => Error::Io(io),
        other => Error::Internal(format!("XLSX: {other}")),
    }
}

impl XlsxSink {
    pub(crate) fn create(path: &Path, hxl: bool) -> Result<XlsxSink> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        Ok(XlsxSink {
            path: path.to_path_buf(),
            book: Workbook::new(),
            hxl,
            bold: Format::new().set_bold(),
            sheet: 0,
            row: 0,
            table: String::new(),
            part: 0,
            cols: Vec::new(),
            used: HashSet::new(),
        })
    }

    /// A new sheet with the header (and HXL) rows.
    fn sheet(&mut self, name: &str, headers: &[&str], tags: Option<Vec<String>>) -> Result<()> {
        let name = sheet_name(name, &mut self.used);
        let ws = self.book.add_worksheet_with_constant_memory();
        ws.set_name(name).map_err(xlsx_err)?;
        for (i, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, i as u16, *h, &self.bold)
                .map_err(xlsx_err)?;
        }
        self.row = 1;
        if let Some(tags) = tags {
            for (i, t) in tags.iter().enumerate() {
                ws.write_string(1, i as u16, t).map_err(xlsx_err)?;
            }
            self.row = 2;
        }
        self.sheet = self.book.worksheets().len() - 1;
        Ok(())
    }

    fn new_part(&mut self) -> Result<()> {
        self.part += 1;
        let name = if self.part == 1 {
            self.table.clone()
        } else {
            format!("{}_{}", self.table, self.part)
        };
        let cols = std::mem::take(&mut self.cols);
        let headers: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
        let tags = self
            .hxl
            .then(|| cols.iter().map(|c| c.hxl.clone()).collect());
        let out = self.sheet(&name, &headers, tags);
        self.cols = cols;
        out
    }
}

impl Sink for XlsxSink {
    fn table(&mut self, name: &str, cols: &[Col]) -> Result<()> {
        self.table = name.to_string();
        self.part = 0;
        self.cols = cols.to_vec();
        self.new_part()
    }

    fn row(&mut self, cells: &[Cell]) -> Result<()> {
        if self.row >= MAX_ROWS {
            self.new_part()?;
        }
        let row = self.row;
        let ws = self
            .book
            .worksheet_from_index(self.sheet)
            .map_err(xlsx_err)?;
        for (i, cell) in cells.iter().enumerate() {
            let col = i as u16;
            match cell {
                Cell::Null => {}
                Cell::Int(v) => {
                    ws.write_number(row, col, *v as f64).map_err(xlsx_err)?;
                }
                Cell::Num(v) => {
                    ws.write_number(row, col, *v).map_err(xlsx_err)?;
                }
                Cell::Bool(b) => {
                    ws.write_number(row, col, if *b { 1.0 } else { 0.0 })
                        .map_err(xlsx_err)?;
                }
                other => {
                    ws.write_string(row, col, flat_cell(other))
                        .map_err(xlsx_err)?;
                }
            }
        }
        self.row += 1;
        Ok(())
    }

    fn end_table(&mut self) -> Result<()> {
        Ok(())
    }

    fn codebook(&mut self, entries: &[CodebookEntry]) -> Result<()> {
        self.sheet("codebook", &CODEBOOK_COLUMNS, None)?;
        let ws = self
            .book
            .worksheet_from_index(self.sheet)
            .map_err(xlsx_err)?;
        for (r, e) in entries.iter().enumerate() {
            for (c, v) in e.cells().iter().enumerate() {
                ws.write_string(r as u32 + 1, c as u16, neutralise(v))
                    .map_err(xlsx_err)?;
            }
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<Vec<PathBuf>> {
        self.book.save(&self.path).map_err(xlsx_err)?;
        Ok(vec![self.path])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_sheet_names_are_cut_to_31_characters_and_kept_apart() {
        let mut used = HashSet::new();
        let long = "form_household_survey_2025_members_of_household";
        let a = sheet_name(long, &mut used);
        let b = sheet_name(long, &mut used);
        let c = sheet_name(&long.to_uppercase(), &mut used);
        assert_eq!(a, "form_household_survey_2025_memb");
        assert_eq!(b, "form_household_survey_2025_me~2");
        assert_eq!(c, "FORM_HOUSEHOLD_SURVEY_2025_ME~3");
        assert!([&a, &b, &c].iter().all(|n| n.chars().count() <= 31));
        assert_eq!(sheet_name("session", &mut used), "session");
    }
}
