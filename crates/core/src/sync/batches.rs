//! The changes a peer lacks, read from the log in bounded batches so that memory on both sides
//! stays small whatever the size of the database; and received changes checked, then applied
//! in one transaction.
//!
//! A batch holds, per (scope, origin node), the next changes in seq order, so a receiver that
//! applies whole batches always holds a prefix of each and its vector says where to resume.

use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;

use crate::changes::merge::{Change, Outcome, Stamp};
use crate::changes::{admit, log};
use crate::clock;
use crate::error::{Error, Result, SyncError};
use crate::schema::Entity;
use crate::store::Store;
use crate::sync::vector::Range;

/// This store's node handles and ids both ways, read once for an export or a batch.
pub(crate) struct NodeIndex {
    ids: HashMap<i64, String>,
    handles: HashMap<String, i64>,
}

impl NodeIndex {
    pub(crate) fn load(conn: &Connection) -> Result<NodeIndex> {
        let mut stmt = conn.prepare_cached("SELECT idx, node_id FROM nodes")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let mut index = NodeIndex {
            ids: HashMap::new(),
            handles: HashMap::new(),
        };
        for row in rows {
            let (idx, id) = row?;
            index.handles.insert(id.clone(), idx);
            index.ids.insert(idx, id);
        }
        Ok(index)
    }

    fn id(&self, idx: i64) -> Result<&str> {
        self.ids.get(&idx).map(String::as_str).ok_or_else(|| {
            Error::Damaged(format!("the change log names an unknown node handle {idx}"))
        })
    }
}

/// Reads a planned range of one origin's changes in seq order, at most `limit`; `each` says
/// whether to go on.
pub(crate) fn read_range(
    conn: &Connection,
    nodes: &NodeIndex,
    range: &Range,
    limit: usize,
    each: &mut dyn FnMut(Change) -> Result<bool>,
) -> Result<()> {
    let Some(&idx) = nodes.handles.get(&range.node) else {
        return Ok(());
    };
    log::read_range(
        conn,
        &range.scope,
        idx,
        range.from,
        range.to,
        limit,
        &mut |item| {
            let e = item.entry;
            let prev = match (e.prev_hlc, e.prev_node) {
                (Some(hlc), Some(n)) => Some(Stamp {
                    hlc,
                    node: nodes.id(n)?.to_string(),
                }),
                _ => None,
            };
            each(Change {
                node: range.node.clone(),
                seq: item.seq,
                study: item.study.clone(),
                entity: item.entity,
                row_id: item.row_id.to_string(),
                field: e.field,
                value: e.value,
                hlc: e.hlc,
                prev,
            })
        },
    )
}

/// Roughly what a change weighs before compression: its value and ids.
pub(crate) fn weight(c: &Change) -> usize {
    let value = match &c.value {
        SqlValue::Text(t) => t.len(),
        SqlValue::Blob(b) => b.len(),
        _ => 8,
    };
    value + c.row_id.len() + c.field.len() + 48
}

pub use crate::changes::admit::MAX_SEQ;

/// Checks a change against the schema, the write path's rules for values, the bundle's study
/// and the receiver's clock (`Store::received_clock_millis`), before anything is applied
/// (bundle import and hub push alike).
pub fn validate_change_at(
    c: &Change,
    study: Option<&str>,
    wall_ms: i64,
) -> std::result::Result<(), SyncError> {
    check_shape(c, study).map_err(SyncError::Malformed)?;
    if let Some(ahead_ms) = clock::too_far_ahead(c.hlc, wall_ms) {
        return Err(SyncError::FutureStamp {
            node: c.node.clone(),
            ahead_ms,
        });
    }
    Ok(())
}

fn check_shape(c: &Change, study: Option<&str>) -> std::result::Result<(), String> {
    let Some(def) = c.entity.field(&c.field) else {
        return Err(format!("unknown field {}.{}", c.entity, c.field));
    };
    if let Some(cs) = c.study.as_deref() {
        if study.is_some_and(|s| s != cs) {
            return Err(format!("a change of another study ({cs})"));
        }
        // '' is the shared scope's name in vectors: a study id must be a real id.
        if uuid::Uuid::parse_str(cs).is_err() {
            return Err(format!("bad study id {cs:?}"));
        }
    }
    if c.seq < 1 || c.seq > MAX_SEQ || c.hlc < 0 {
        return Err(format!(
            "bad sequence or clock in change {}/{}",
            c.node, c.seq
        ));
    }
    if uuid::Uuid::parse_str(&c.node).is_err() || uuid::Uuid::parse_str(&c.row_id).is_err() {
        return Err(format!("bad id in change {}/{}", c.node, c.seq));
    }
    if let Some(p) = &c.prev {
        if p.hlc >= c.hlc || p.hlc < 0 || uuid::Uuid::parse_str(&p.node).is_err() {
            return Err(format!(
                "change {}/{} is older than the value it replaces",
                c.node, c.seq
            ));
        }
    }
    admit::check_value(c.entity, def, &c.value)?;
    admit::check_scope(c)
}

/// Every change held, in (node id, scope, seq) order (tests, diagnostics).
pub fn all_changes(conn: &Connection) -> Result<Vec<Change>> {
    let mut stmt = conn.prepare(
        "SELECT n.node_id, c.seq, c.study, c.entity, c.row_id, c.field, c.value, c.hlc, c.prev_hlc, pn.node_id
           FROM changes c JOIN nodes n ON n.idx = c.node LEFT JOIN nodes pn ON pn.idx = c.prev_node
          ORDER BY n.node_id, c.study, c.seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let entity: String = r.get(3)?;
        let prev_hlc: Option<i64> = r.get(8)?;
        let prev_node: Option<String> = r.get(9)?;
        out.push(Change {
            node: r.get(0)?,
            seq: r.get(1)?,
            study: r.get(2)?,
            entity: Entity::parse(&entity).ok_or(Error::UnknownEntity(entity))?,
            row_id: r.get(4)?,
            field: r.get(5)?,
            value: r.get(6)?,
            hlc: r.get(7)?,
            prev: prev_hlc
                .zip(prev_node)
                .map(|(hlc, node)| Stamp { hlc, node }),
        });
    }
    Ok(out)
}

/// Checks and applies received changes in one transaction (all or nothing). `study` limits
/// them to one study's scope. The caller keeps each (scope, node) a prefix (send in seq order).
pub fn apply_changes(
    store: &mut Store,
    study: Option<&str>,
    changes: &[Change],
) -> Result<Outcome> {
    let wall = store.received_clock_millis();
    for c in changes {
        validate_change_at(c, study, wall).map_err(Error::Sync)?;
    }
    let max_hlc = changes.iter().map(|c| c.hlc).max().unwrap_or(0);
    store.write(|w| {
        let o = w.apply(changes, false)?;
        w.observe(max_hlc);
        Ok(o)
    })
}
