//! CSV: one UTF-8 file per table in a folder, with a byte-order mark so Excel reads accents,
//! values separated by commas or (for Excel in French) semicolons. Text that a spreadsheet
//! would run as a formula is neutralised (`neutralise.rs`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::columns::{Cell, CodebookEntry, Col, CODEBOOK_COLUMNS};
use super::neutralise::{flat_cell, neutralise};
use super::options::CsvSeparator;
use super::sink::Sink;
use crate::error::{Error, Result};

pub(crate) struct CsvSink {
    dir: PathBuf,
    hxl: bool,
    separator: CsvSeparator,
    current: Option<csv::Writer<BufWriter<File>>>,
    files: Vec<PathBuf>,
}

fn csv_err(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::Io(io),
        other => Error::Internal(format!("CSV: {other:?}")),
    }
}

impl CsvSink {
    pub(crate) fn create(dir: &Path, hxl: bool, separator: CsvSeparator) -> Result<CsvSink> {
        std::fs::create_dir_all(dir)?;
        Ok(CsvSink {
            dir: dir.to_path_buf(),
            hxl,
            separator,
            current: None,
            files: Vec::new(),
        })
    }

    fn open(&mut self, name: &str) -> Result<&mut csv::Writer<BufWriter<File>>> {
        let path = self.dir.join(format!("{name}.csv"));
        let mut file = BufWriter::new(File::create(&path)?);
        file.write_all("\u{FEFF}".as_bytes())?;
        self.files.push(path);
        let writer = csv::WriterBuilder::new()
            .delimiter(self.separator.byte())
            .from_writer(file);
        Ok(self.current.insert(writer))
    }

    fn close(&mut self) -> Result<()> {
        if let Some(mut w) = self.current.take() {
            w.flush()?;
        }
        Ok(())
    }
}

impl Sink for CsvSink {
    fn table(&mut self, name: &str, cols: &[Col]) -> Result<()> {
        let hxl = self.hxl;
        let w = self.open(name)?;
        w.write_record(cols.iter().map(|c| c.name.as_str()))
            .map_err(csv_err)?;
        if hxl {
            w.write_record(cols.iter().map(|c| c.hxl.as_str()))
                .map_err(csv_err)?;
        }
        Ok(())
    }

    fn row(&mut self, cells: &[Cell]) -> Result<()> {
        let w = self
            .current
            .as_mut()
            .ok_or_else(|| Error::Internal("CSV row outside a table".into()))?;
        w.write_record(cells.iter().map(flat_cell)).map_err(csv_err)
    }

    fn end_table(&mut self) -> Result<()> {
        self.close()
    }

    fn codebook(&mut self, entries: &[CodebookEntry]) -> Result<()> {
        let w = self.open("codebook")?;
        w.write_record(CODEBOOK_COLUMNS).map_err(csv_err)?;
        for e in entries {
            w.write_record(e.cells().map(|c| neutralise(c).into_owned()))
                .map_err(csv_err)?;
        }
        self.close()
    }

    fn finish(mut self: Box<Self>) -> Result<Vec<PathBuf>> {
        self.close()?;
        Ok(self.files)
    }
}
