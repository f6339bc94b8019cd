//! The settings sheet: the form's id, title, version and default language.

use super::table::Table;
use crate::error::FormIssue;

pub const ALIASES: &[(&str, &str)] = &[("title", "form_title"), ("id_string", "form_id")];

const USED: &[&str] = &["form_title", "form_id", "version", "default_language"];

#[derive(Debug, Default)]
pub struct Settings {
    pub form_title: Option<String>,
    pub form_id: Option<String>,
    pub version: Option<String>,
    pub default_language: Option<String>,
}

/// The first row under the header (XLSForm reads no other).
pub fn read(table: &Table<'_>, issues: &mut Vec<FormIssue>) -> Settings {
    table.ignored(|c| Table::unused(c, USED), issues);
    let Some(row) = table.rows.iter().find(|r| !r.is_empty()) else {
        return Settings::default();
    };
    let get = |base: &str| table.get(row, base).map(str::to_string);
    Settings {
        form_title: get("form_title"),
        form_id: get("form_id"),
        version: get("version"),
        default_language: get("default_language"),
    }
}
