//! A sheet read as a table: its first non-empty row names the columns (trimmed, case-insensitive,
//! with XLSForm's aliases and language suffixes: `label::Français (fr)`, `label:fr`), the rows
//! below are read by column.

use std::collections::BTreeMap;

use super::workbook::Sheet;
use crate::error::{FormIssue, IssueKind};
use crate::forms::model::Labels;

/// The columns that carry text in several languages.
const TRANSLATED: &[&str] = &["label", "hint", "required_message", "constraint_message"];

/// One column: where it is, its header as written, what it means.
#[derive(Debug, Clone)]
pub struct Column {
    pub index: u32,
    /// The header as written (trimmed): what an issue names.
    pub header: String,
    /// What the column means (`label`, `required_message`), lowercased and un-aliased.
    pub base: String,
    /// The language suffix as written (`Français (fr)`), for a translated column.
    pub lang: Option<String>,
}

/// One row below the header.
pub struct Row<'a> {
    /// The row as a person reads it (1-based).
    pub number: u32,
    cells: &'a BTreeMap<u32, String>,
}

pub struct Table<'a> {
    pub sheet: &'a str,
    pub columns: Vec<Column>,
    pub rows: Vec<Row<'a>>,
}

impl<'a> Table<'a> {
    /// `aliases` maps a lowercased header to the column it means (`relevance` → `relevant`).
    pub fn new(sheet: &'a Sheet, aliases: &[(&str, &str)]) -> Table<'a> {
        let mut rows = sheet.rows.iter();
        let columns = rows
            .next()
            .map(|(_, header)| {
                header
                    .iter()
                    .map(|(index, text)| column(*index, text, aliases))
                    .collect()
            })
            .unwrap_or_default();
        Table {
            sheet: &sheet.name,
            columns,
            rows: rows
                .map(|(index, cells)| Row {
                    number: index.saturating_add(1),
                    cells,
                })
                .collect(),
        }
    }

    pub fn has(&self, base: &str) -> bool {
        self.columns.iter().any(|c| c.base == base)
    }

    /// The header of the first column meaning `base`, as written (for an issue), or `base`.
    pub fn header(&self, base: &str) -> String {
        self.columns
            .iter()
            .find(|c| c.base == base && c.lang.is_none())
            .or_else(|| self.columns.iter().find(|c| c.base == base))
            .map_or_else(|| base.to_string(), |c| c.header.clone())
    }

    /// The cell of the unsuffixed column meaning `base` (the first one), when not empty.
    pub fn get<'r>(&self, row: &Row<'r>, base: &str) -> Option<&'r str> {
        self.columns
            .iter()
            .filter(|c| c.base == base && c.lang.is_none())
            .find_map(|c| row.cells.get(&c.index))
            .map(String::as_str)
    }

    /// The cells of every column meaning `base`, by language ("" for the unsuffixed one).
    pub fn labels(&self, row: &Row<'_>, base: &str) -> Labels {
        let mut out = Labels::new();
        for c in self.columns.iter().filter(|c| c.base == base) {
            if let Some(text) = row.cells.get(&c.index) {
                out.entry(c.lang.clone().unwrap_or_default())
                    .or_insert_with(|| text.clone());
            }
        }
        out
    }

    /// The cells of the columns `keep` does not know, by header as written.
    pub fn others(&self, row: &Row<'_>, known: &[&str]) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for c in self
            .columns
            .iter()
            .filter(|c| !known.contains(&c.base.as_str()))
        {
            if let Some(text) = row.cells.get(&c.index) {
                out.entry(c.header.clone()).or_insert_with(|| text.clone());
            }
        }
        out
    }

    /// A warning for each column that holds something but that Terrain ignores.
    pub fn ignored(&self, is_ignored: impl Fn(&Column) -> bool, issues: &mut Vec<FormIssue>) {
        for c in self.columns.iter().filter(|c| is_ignored(c)) {
            if self.rows.iter().any(|r| r.cells.contains_key(&c.index)) {
                issues.push(FormIssue::warning(
                    self.sheet,
                    None,
                    Some(&c.header),
                    IssueKind::IgnoredColumn,
                ));
            }
        }
    }

    /// Whether a column is none of `used`, or a translation of a column that has none
    /// (`guidance_hint::fr`, `media::image::fr`).
    pub fn unused(column: &Column, used: &[&str]) -> bool {
        !used.contains(&column.base.as_str())
            || (column.lang.is_some() && !TRANSLATED.contains(&column.base.as_str()))
    }

    /// The language keys of the translated columns, in column order.
    pub fn languages(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in &self.columns {
            if !TRANSLATED.contains(&c.base.as_str()) {
                continue;
            }
            let key = c.lang.clone().unwrap_or_default();
            if !out.contains(&key) {
                out.push(key);
            }
        }
        out
    }
}

impl Row<'_> {
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
}

fn column(index: u32, text: &str, aliases: &[(&str, &str)]) -> Column {
    let header = text.trim().to_string();
    let alias = |name: &str| {
        let lower = name.trim().to_lowercase();
        aliases
            .iter()
            .find(|(from, _)| *from == lower)
            .map_or(lower, |(_, to)| (*to).to_string())
    };
    let whole = alias(&header);
    let (base, lang) = if aliases
        .iter()
        .any(|(from, _)| *from == header.to_lowercase())
    {
        (whole, None)
    } else if let Some((base, lang)) = header.split_once("::") {
        (alias(base), Some(lang.trim().to_string()))
    } else if let Some((base, lang)) = header
        .split_once(':')
        .filter(|(b, _)| TRANSLATED.contains(&alias(b).as_str()))
    {
        (alias(base), Some(lang.trim().to_string()))
    } else {
        (whole, None)
    };
    Column {
        index,
        header,
        base,
        lang,
    }
}
