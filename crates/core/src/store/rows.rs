//! A record's row as stored in its entity's table.

use std::collections::BTreeMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::schema::{self, Entity};

/// A record's stored fields (tombstone included), or None.
pub fn read_row(
    conn: &Connection,
    entity: Entity,
    id: &str,
) -> Result<Option<BTreeMap<&'static str, SqlValue>>> {
    let names: Vec<&'static str> = entity
        .fields()
        .iter()
        .map(|f| f.name)
        .chain([schema::DELETED])
        .collect();
    let columns = names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!("SELECT {columns} FROM {} WHERE id = ?1", entity.as_str());
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], |r| {
            let mut row = BTreeMap::new();
            for (i, name) in names.iter().enumerate() {
                row.insert(*name, r.get::<_, SqlValue>(i)?);
            }
            Ok(row)
        })
        .optional()?)
}
