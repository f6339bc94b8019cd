//! Where a format's output goes: a folder of files (CSV) or one file. The writers
//! (`writer.rs`, `form_rows.rs`) stream tables into it; each format has its own.

use std::path::PathBuf;

use crate::error::Result;
use crate::export::columns::{Cell, CodebookEntry, Col};

pub(crate) trait Sink {
    fn table(&mut self, name: &str, cols: &[Col]) -> Result<()>;
    fn row(&mut self, cells: &[Cell]) -> Result<()>;
    fn end_table(&mut self) -> Result<()>;
    fn codebook(&mut self, entries: &[CodebookEntry]) -> Result<()>;
    fn finish(self: Box<Self>) -> Result<Vec<PathBuf>>;
}
