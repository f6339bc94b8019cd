//! The `meta` table (local settings and this installation's identity, never synced) and the
//! `nodes` table (node ids by local handle).

use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;

pub(crate) fn get_meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| {
            r.get::<_, String>(0)
        })
        .optional()?)
}

pub(crate) fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )?;
    Ok(())
}

/// The local handle of a node id, created on first sight.
pub(crate) fn node_idx(conn: &Connection, node_id: &str) -> Result<i64> {
    conn.execute(
        "INSERT OR IGNORE INTO nodes(node_id) VALUES (?1)",
        [node_id],
    )?;
    Ok(
        conn.query_row("SELECT idx FROM nodes WHERE node_id = ?1", [node_id], |r| {
            r.get(0)
        })?,
    )
}
