//! A record's row as stored in its entity's table: every field of the entity, then the
//! tombstone. The readers of rows (a record, a list, the canonical dump) select them here.

use std::collections::BTreeMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::schema::{self, Entity};

/// A record's stored values by field name, the tombstone included.
pub type Row = BTreeMap<&'static str, SqlValue>;

/// The stored columns of an entity: its fields, then the tombstone.
pub(crate) fn columns(entity: Entity) -> Vec<&'static str> {
    entity
        .fields()
        .iter()
        .map(|f| f.name)
        .chain([schema::DELETED])
        .collect()
}

/// The columns as a SQL select list, each quoted, and prefixed with `alias.` when one is given.
pub(crate) fn select_list(names: &[&str], alias: Option<&str>) -> String {
    let prefix = alias.map(|a| format!("{a}.")).unwrap_or_default();
    names
        .iter()
        .map(|n| format!("{prefix}\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The row held by the result columns `first..` of `r`, selected by `select_list(names, …)`.
pub(crate) fn row_at(
    r: &rusqlite::Row<'_>,
    names: &[&'static str],
    first: usize,
) -> rusqlite::Result<Row> {
    let mut row = Row::new();
    for (i, name) in names.iter().enumerate() {
        row.insert(*name, r.get::<_, SqlValue>(first + i)?);
    }
    Ok(row)
}

/// A record's stored row, or None.
pub fn read_row(conn: &Connection, entity: Entity, id: &str) -> Result<Option<Row>> {
    let names = columns(entity);
    let sql = format!(
        "SELECT {} FROM {} WHERE id = ?1",
        select_list(&names, None),
        entity.as_str()
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], |r| row_at(r, &names, 0))
        .optional()?)
}
