//! The changes a peer lacks, read from the log in bounded batches so that memory on both sides
//! stays small whatever the size of the database; and received changes checked, then applied
//! in one transaction.
//!
//! A batch holds, per (scope, origin node), the next changes in seq order, so a receiver that
//! applies whole batches always holds a prefix of each and its vector says where to resume.

use std::collections::{HashMap, HashSet};

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension};

use crate::changes::cover::{is_personal, Cover};
use crate::changes::merge::{Change, Stamp};
use crate::changes::outcome::Outcome;
use crate::changes::repair::{self, is_repair, Target};
use crate::changes::{admit, log};
use crate::clock;
use crate::error::{Error, Result, SyncError};
use crate::schema::Entity;
use crate::store::Store;
use crate::sync::questionnaires::check_received_questionnaire;
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
                cover: e.cover,
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
/// and the receiver's clock (`Store::received_clock_millis`), before anything is applied. A
/// change stamped too far ahead is refused here whatever repairs it: receivers judge those
/// with [`FutureStamps`] (see [`check_received`]).
pub fn validate_change_at(
    c: &Change,
    study: Option<&str>,
    wall_ms: i64,
) -> std::result::Result<(), SyncError> {
    let mut future = FutureStamps::default();
    check_received(c, study, wall_ms, &mut future)?;
    match future.ahead.first() {
        Some((t, _, ahead_ms)) => Err(future_stamp(t, *ahead_ms)),
        None => Ok(()),
    }
}

/// What receivers check of a change before anything is applied (bundle import and hub push
/// alike): its shape and value; a stamp too far ahead is noted in `future`, judged once the
/// repairs received with it are known ([`FutureStamps::refuse_unrepaired`]).
pub fn check_received(
    c: &Change,
    study: Option<&str>,
    wall_ms: i64,
    future: &mut FutureStamps,
) -> std::result::Result<(), SyncError> {
    check_shape(c, study).map_err(SyncError::Malformed)?;
    if let Some(ahead_ms) = clock::too_far_ahead(c.hlc, wall_ms) {
        let target = owned(c, c.hlc, &c.node);
        // A bundle of nothing but far stamps must not fill memory while it waits for repairs.
        if future.ahead.len() >= MAX_PENDING {
            return Err(future_stamp(&target, ahead_ms));
        }
        let id = (c.study.clone().unwrap_or_default(), c.seq);
        future.ahead.push((target, id, ahead_ms));
    }
    if let Some(p) = c.prev.as_ref().filter(|p| is_repair(c.hlc, p.hlc)) {
        if future.named.len() >= MAX_PENDING {
            return Err(SyncError::Malformed(format!(
                "more than {MAX_PENDING} repairs in one import"
            )));
        }
        future.named.insert(owned(c, p.hlc, &p.node));
    }
    Ok(())
}

/// Far stamps and repairs one import keeps while it is checked (about 150 bytes each): any
/// honest repair fits many times over.
const MAX_PENDING: usize = 100_000;

/// Received changes stamped too far ahead of the receiver's clock, and the stamps the repairs
/// received with them name (`changes::repair`). One that a repair names, received with it
/// (the same bundle, or the same hub batch) or held here, is stored and does not compete; one
/// already held here is a duplicate, skipped; any other is refused `future_stamp`.
#[derive(Debug, Default)]
pub struct FutureStamps {
    /// (entity, record, field, stamp, node) too far ahead, its (scope, seq), and by how much.
    ahead: Vec<(OwnedTarget, (String, i64), i64)>,
    named: HashSet<OwnedTarget>,
}

type OwnedTarget = (Entity, String, String, i64, String);

fn owned(c: &Change, hlc: i64, node: &str) -> OwnedTarget {
    (
        c.entity,
        c.row_id.clone(),
        c.field.clone(),
        hlc,
        node.to_string(),
    )
}

fn future_stamp(t: &OwnedTarget, ahead_ms: i64) -> SyncError {
    SyncError::FutureStamp {
        node: t.4.clone(),
        ahead_ms,
    }
}

impl FutureStamps {
    /// Refuses the first change too far ahead that no repair received or held here names.
    pub fn refuse_unrepaired(&self, conn: &Connection) -> Result<()> {
        for (t, (scope, seq), ahead_ms) in &self.ahead {
            let target = Target {
                entity: t.0,
                row_id: &t.1,
                field: &t.2,
                hlc: t.3,
                node: &t.4,
            };
            if self.named.contains(t) || repair::is_repaired_here(conn, &target)? {
                continue;
            }
            let held = match known_node(conn, &t.4)? {
                Some(node) => log::holds(conn, scope, node, *seq)?,
                None => false,
            };
            if !held {
                return Err(Error::Sync(future_stamp(t, *ahead_ms)));
            }
        }
        Ok(())
    }
}

/// The handle of a node id this store knows (None: never heard of).
fn known_node(conn: &Connection, node_id: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT idx FROM nodes WHERE node_id = ?1")?
        .query_row([node_id], |r| r.get(0))
        .optional()?)
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
        // Above the value it replaces, unless it is a repair: a day below it at least.
        let below = p.hlc >= c.hlc && !is_repair(c.hlc, p.hlc);
        if below || p.hlc < 0 || uuid::Uuid::parse_str(&p.node).is_err() {
            return Err(format!(
                "change {}/{} is older than the value it replaces",
                c.node, c.seq
            ));
        }
    }
    admit::check_value(c.entity, def, &c.value)?;
    check_received_questionnaire(c)?;
    // Only a personal field's change is salted or erased (`changes::cover`).
    let erased_with_value = matches!(c.cover, Cover::Erased(_)) && c.value != SqlValue::Null;
    if (c.cover != Cover::Value && !is_personal(c.entity, &c.field)) || erased_with_value {
        return Err(format!(
            "change {}/{} of {}.{} has a cover it cannot have",
            c.node, c.seq, c.entity, c.field
        ));
    }
    admit::check_scope(c)
}

/// Every change held, in (node id, scope, seq) order (tests, diagnostics).
pub fn all_changes(conn: &Connection) -> Result<Vec<Change>> {
    let mut stmt = conn.prepare(
        "SELECT n.node_id, c.seq, c.study, c.entity, c.row_id, c.field, c.value, c.hlc, c.prev_hlc, pn.node_id, c.cover
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
            cover: match r.get::<_, Option<String>>(10)? {
                None => Cover::Value,
                Some(text) => Cover::from_log(&text)
                    .ok_or_else(|| Error::Damaged(format!("change log cover {text:?}")))?,
            },
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
    let mut future = FutureStamps::default();
    for c in changes {
        check_received(c, study, wall, &mut future).map_err(Error::Sync)?;
    }
    future.refuse_unrepaired(store.conn())?;
    let max_hlc = changes.iter().map(|c| c.hlc).max().unwrap_or(0);
    store.write(|w| {
        let o = w.apply(changes, false)?;
        w.observe(max_hlc);
        Ok(o)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::types::Value as SqlValue;

    /// A hostile import of nothing but far stamps is refused once the pending list is full,
    /// instead of growing with the file (a bundle may hold a billion changes).
    #[test]
    fn far_stamps_waiting_for_repairs_stop_at_the_cap() {
        let study = "0191d2c0-0000-7000-8000-000000000001";
        let wall = 1_700_000_000_000;
        let far = clock::from_millis(wall + 10 * 365 * 24 * 3600 * 1000);
        let mut future = FutureStamps::default();
        let change = |seq: i64| Change {
            node: "0191d2c0-0000-7000-8000-0000000000aa".into(),
            seq,
            study: Some(study.into()),
            entity: Entity::Session,
            row_id: "0191d2c0-0000-7000-8000-0000000000bb".into(),
            field: "title".into(),
            value: SqlValue::Text("2036".into()),
            hlc: far + seq,
            prev: None,
            cover: crate::changes::cover::Cover::Value,
        };
        for seq in 1..=MAX_PENDING as i64 {
            check_received(&change(seq), Some(study), wall, &mut future).unwrap();
        }
        let refused = check_received(
            &change(MAX_PENDING as i64 + 1),
            Some(study),
            wall,
            &mut future,
        );
        assert!(
            matches!(refused, Err(SyncError::FutureStamp { .. })),
            "{refused:?}"
        );
        assert_eq!(future.ahead.len(), MAX_PENDING);
    }
}
