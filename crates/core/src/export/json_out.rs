//! JSON: one file, `{"export": {...}, "tables": {"session": [{...}, ...], ...},
//! "codebook": [...], "hxl": {"session": {"column": "#tag"}}}`, written row by row.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use super::columns::{Cell, CodebookEntry, Col};
use super::sink::Sink;
use crate::error::{Error, Result};

pub(crate) struct JsonSink {
    path: PathBuf,
    out: BufWriter<File>,
    hxl: bool,
    hxl_map: serde_json::Map<String, Json>,
    first_table: bool,
    first_row: bool,
    columns: Vec<String>,
}

fn json_err(e: serde_json::Error) -> Error {
    Error::Io(std::io::Error::other(e))
}

impl JsonSink {
    pub(crate) fn create(path: &Path, hxl: bool, header: &Json) -> Result<JsonSink> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut out = BufWriter::new(File::create(path)?);
        out.write_all(b"{\"export\":")?;
        serde_json::to_writer(&mut out, header).map_err(json_err)?;
        out.write_all(b",\n\"tables\":{")?;
        Ok(JsonSink {
            path: path.to_path_buf(),
            out,
            hxl,
            hxl_map: serde_json::Map::new(),
            first_table: true,
            first_row: true,
            columns: Vec::new(),
        })
    }
}

impl Sink for JsonSink {
    fn table(&mut self, name: &str, cols: &[Col]) -> Result<()> {
        if !self.first_table {
            self.out.write_all(b",")?;
        }
        self.first_table = false;
        self.first_row = true;
        serde_json::to_writer(&mut self.out, name).map_err(json_err)?;
        self.out.write_all(b":[")?;
        self.columns = cols.iter().map(|c| c.name.clone()).collect();
        if self.hxl {
            let tags = cols
                .iter()
                .map(|c| (c.name.to_string(), Json::String(c.hxl.clone())))
                .collect();
            self.hxl_map.insert(name.to_string(), Json::Object(tags));
        }
        Ok(())
    }

    fn row(&mut self, cells: &[Cell]) -> Result<()> {
        self.out
            .write_all(if self.first_row { b"\n" } else { b",\n" })?;
        self.first_row = false;
        let obj: serde_json::Map<String, Json> = self
            .columns
            .iter()
            .zip(cells)
            .map(|(c, v)| (c.clone(), v.json()))
            .collect();
        serde_json::to_writer(&mut self.out, &obj).map_err(json_err)
    }

    fn end_table(&mut self) -> Result<()> {
        self.out.write_all(b"]")?;
        Ok(())
    }

    fn codebook(&mut self, entries: &[CodebookEntry]) -> Result<()> {
        self.out.write_all(b"},\n\"codebook\":")?;
        serde_json::to_writer(&mut self.out, entries).map_err(json_err)
    }

    fn finish(mut self: Box<Self>) -> Result<Vec<PathBuf>> {
        if self.hxl {
            self.out.write_all(b",\n\"hxl\":")?;
            serde_json::to_writer(&mut self.out, &self.hxl_map).map_err(json_err)?;
        }
        self.out.write_all(b"}\n")?;
        self.out.flush()?;
        Ok(vec![self.path])
    }
}
