//! XLSX: one sheet per table plus a `codebook` sheet. Sheets are written in constant-memory
//! mode (each row goes to a temporary file as it is written); a table longer than Excel's
//! 1,048,576 rows continues on a sheet named `table_2`, `table_3`... Text that a spreadsheet
//! would run as a formula is neutralised (`neutralise.rs`).

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::columns::{Cell, CodebookEntry, Col, CODEBOOK_COLUMNS};
use super::neutralise::{flat_cell, neutralise};
use super::writer::Sink;
use crate::error::{Error, Result};

const MAX_ROWS: u32 = 1_048_576;

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
        })
    }

    /// A new sheet with the header (and HXL) rows.
    fn sheet(&mut self, name: &str, headers: &[&str], tags: Option<Vec<String>>) -> Result<()> {
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
        let headers: Vec<&str> = cols.iter().map(|c| c.name).collect();
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
