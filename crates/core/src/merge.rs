//! Applying one field change, local or received, to the store. Per field, the change with the
//! greatest (hlc, node id) wins. A value overwritten by a change that did not know it (its
//! `prev` is something else) is kept in the conflict log. The conflict log depends only on the
//! set of changes held — never on the order they arrived in — so replicas converge:
//! a change is in conflict iff it is not the winner of its field and no held change was
//! written on top of it. That needs one fact: a change written on top of another always has
//! a greater stamp (the write path guarantees it).

use std::cmp::Ordering;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::schema::Entity;

/// A stamp: hybrid logical clock and origin node id. Totally ordered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub hlc: i64,
    pub node: String,
}

impl Ord for Stamp {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.hlc, &self.node).cmp(&(other.hlc, &other.node))
    }
}

impl PartialOrd for Stamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// One field change as it travels: identity (node, seq), target, value, stamp and the stamp of
/// the value it replaced on its origin (None when the field had none).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub node: String,
    pub seq: i64,
    /// The study whose sync carries it; None for shared records (user-added places).
    pub study: Option<String>,
    pub entity: Entity,
    pub row_id: String,
    pub field: String,
    pub value: SqlValue,
    pub hlc: i64,
    pub prev: Option<Stamp>,
}

impl Change {
    pub fn stamp(&self) -> Stamp {
        Stamp {
            hlc: self.hlc,
            node: self.node.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Already held: nothing changed.
    Duplicate,
    /// Became the field's value.
    Won,
    /// Held and in the history, but an existing value wins.
    Lost,
}

/// The value currently winning a field, with its stamp.
pub(crate) fn winner(conn: &Connection, row_id: &str, field: &str) -> Result<Option<(Stamp, SqlValue)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.hlc, n.node_id, c.value FROM changes c JOIN nodes n ON n.idx = c.node
         WHERE c.row_id = ?1 AND c.field = ?2
         ORDER BY c.hlc DESC, n.node_id DESC LIMIT 1",
    )?;
    Ok(stmt
        .query_row((row_id, field), |r| {
            Ok((
                Stamp {
                    hlc: r.get(0)?,
                    node: r.get(1)?,
                },
                r.get::<_, SqlValue>(2)?,
            ))
        })
        .optional()?)
}

/// Applies one change inside the caller's transaction. `node_idx` maps node ids to local handles.
pub(crate) fn apply(
    conn: &Connection,
    change: &Change,
    node_idx: &mut impl FnMut(&str) -> Result<i64>,
) -> Result<Applied> {
    let current = winner(conn, &change.row_id, &change.field)?;
    let origin = node_idx(&change.node)?;
    let prev_node = match &change.prev {
        Some(p) => Some(node_idx(&p.node)?),
        None => None,
    };
    let inserted = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO changes(node, seq, study, entity, row_id, field, value, hlc, prev_hlc, prev_node)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute((
            origin,
            change.seq,
            &change.study,
            change.entity.as_str(),
            &change.row_id,
            &change.field,
            &change.value,
            change.hlc,
            change.prev.as_ref().map(|p| p.hlc),
            prev_node,
        ))?;
    if inserted == 0 {
        return Ok(Applied::Duplicate);
    }
    conn.prepare_cached(
        "INSERT INTO version_vector(node, max_seq) VALUES (?1, ?2)
         ON CONFLICT(node) DO UPDATE SET max_seq = max(max_seq, excluded.max_seq)",
    )?
    .execute((origin, change.seq))?;

    if let (Some(p), Some(pn)) = (&change.prev, prev_node) {
        // The replaced value was seen: it is not lost, whenever it arrives.
        conn.prepare_cached(
            "INSERT OR IGNORE INTO superseded(row_id, field, hlc, node) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute((&change.row_id, &change.field, p.hlc, pn))?;
        conn.prepare_cached(
            "DELETE FROM conflicts WHERE row_id = ?1 AND field = ?2 AND loser_hlc = ?3 AND loser_node = ?4",
        )?
        .execute((&change.row_id, &change.field, p.hlc, pn))?;
    }

    let stamp = change.stamp();
    match current {
        Some((ref w, _)) if *w > stamp => {
            let seen: bool = conn
                .prepare_cached(
                    "SELECT EXISTS(SELECT 1 FROM superseded WHERE row_id = ?1 AND field = ?2 AND hlc = ?3 AND node = ?4)",
                )?
                .query_row((&change.row_id, &change.field, change.hlc, origin), |r| r.get(0))?;
            if !seen {
                add_conflict(conn, change.entity, &change.row_id, &change.field, change.hlc, origin, &change.value)?;
            }
            Ok(Applied::Lost)
        }
        current => {
            if let Some((w, w_value)) = current {
                if change.prev.as_ref() != Some(&w) {
                    let w_node = node_idx(&w.node)?;
                    add_conflict(conn, change.entity, &change.row_id, &change.field, w.hlc, w_node, &w_value)?;
                }
            }
            set_column(conn, change.entity, &change.row_id, &change.field, &change.value)?;
            Ok(Applied::Won)
        }
    }
}

fn add_conflict(
    conn: &Connection,
    entity: Entity,
    row_id: &str,
    field: &str,
    hlc: i64,
    node: i64,
    value: &SqlValue,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO conflicts(row_id, field, entity, loser_hlc, loser_node, loser_value)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute((row_id, field, entity.as_str(), hlc, node, value))?;
    Ok(())
}

/// Writes a winning value into the entity's table, creating the row on first sight.
/// `field` was checked against the schema before it got here, so it is a real column.
fn set_column(conn: &Connection, entity: Entity, row_id: &str, field: &str, value: &SqlValue) -> Result<()> {
    let table = entity.as_str();
    conn.prepare_cached(&format!("INSERT OR IGNORE INTO {table}(id) VALUES (?1)"))?
        .execute([row_id])?;
    conn.prepare_cached(&format!("UPDATE {table} SET \"{field}\" = ?1 WHERE id = ?2"))?
        .execute((value, row_id))?;
    Ok(())
}
