//! A record's history: every field change, with the value it replaced, when and where.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value as Json;
use ts_rs::TS;

use crate::changes::cover::{dormant, Cover, ERASED_REASON};
use crate::changes::merge::Stamp;
use crate::changes::repair::is_repair;
use crate::changes::sealed::Opener;
use crate::changes::value::to_json;
use crate::clock;
use crate::error::Result;
use crate::schema::Entity;

/// One field change in a record's history.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct HistoryEntry {
    pub field: String,
    pub old: Json,
    pub new: Json,
    /// RFC 3339 time of the change (from its clock stamp).
    pub at: String,
    /// The device (node id) that made it.
    pub device: String,
    /// Whether this value is the one in force now.
    pub current: bool,
}

/// Every change to a record, oldest first, with the value it replaced. A dormant change (an
/// erased change of a person not erased here, see `changes::merge`) says nothing about its
/// value: it is not shown.
pub fn history(conn: &Connection, entity: Entity, id: &str) -> Result<Vec<HistoryEntry>> {
    // The record's changes, then each one's replaced value found among them (its prev is a
    // change of the same field): a self-join on the `changes` view would expand the whole log.
    let mut stmt = conn.prepare_cached(
        "SELECT c.field, c.value, c.hlc, n.node_id, c.prev_hlc, c.prev_node, c.node, c.cover
           FROM changes c JOIN nodes n ON n.idx = c.node
          WHERE c.entity = ?2 AND c.row_id = ?1
          ORDER BY c.hlc, n.node_id",
    )?;
    type Row = (String, SqlValue, i64, String, Option<i64>, Option<i64>, i64);
    let mut rows: Vec<(Row, Option<String>)> = stmt
        .query_map((id, entity.as_str()), |r| {
            let row = (
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            );
            Ok((row, r.get(7)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let erasure = rows.iter().any(|((field, ..), _)| field == ERASED_REASON);
    rows.retain(|(_, cover)| {
        let cover = cover.as_deref().and_then(Cover::from_log);
        !cover.is_some_and(|c| dormant(c, erasure))
    });
    let rows: Vec<Row> = rows.into_iter().map(|(row, _)| row).collect();
    let by_stamp: HashMap<(&str, i64, i64), &SqlValue> = rows
        .iter()
        .map(|(field, value, hlc, _, _, _, node)| ((field.as_str(), *hlc, *node), value))
        .collect();
    // A repaired value is not in force (`changes::repair`).
    let repaired: HashSet<(&str, i64, i64)> = rows
        .iter()
        .filter_map(|(field, _, hlc, _, prev_hlc, prev_node, _)| {
            let p = prev_hlc.filter(|p| is_repair(*hlc, *p))?;
            Some((field.as_str(), p, (*prev_node)?))
        })
        .collect();
    let opener = Opener::load(conn)?;
    let mut out: Vec<HistoryEntry> = Vec::new();
    let mut winners: BTreeMap<String, Stamp> = BTreeMap::new();
    for (field, value, hlc, node_id, prev_hlc, prev_node, node) in &rows {
        let Some(def) = entity.field(field) else {
            continue;
        };
        let stamp = Stamp {
            hlc: *hlc,
            node: node_id.clone(),
        };
        if !repaired.contains(&(field.as_str(), *hlc, *node)) {
            let w = winners
                .entry(field.clone())
                .or_insert_with(|| stamp.clone());
            if stamp > *w {
                *w = stamp.clone();
            }
        }
        let old = prev_hlc
            .zip(*prev_node)
            .and_then(|(h, n)| by_stamp.get(&(field.as_str(), h, n)).copied())
            .cloned()
            .unwrap_or(SqlValue::Null);
        out.push(HistoryEntry {
            field: field.clone(),
            new: to_json(def, &opener.show(entity, field, value)),
            old: to_json(def, &opener.show(entity, field, &old)),
            at: clock::to_rfc3339(stamp.hlc),
            device: stamp.node,
            current: false,
        });
    }
    // Mark the change in force for each field: the last with the winning stamp.
    for e in out.iter_mut().rev() {
        if let Some(w) = winners.get(&e.field) {
            if clock::to_rfc3339(w.hlc) == e.at && w.node == e.device {
                e.current = true;
                winners.remove(&e.field);
            }
        }
    }
    Ok(out)
}
