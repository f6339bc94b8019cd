//! Repairs: what makes a change a repair, and which stamps repairs take out of a field's
//! competition (docs/sync-protocol.md, "Repairs").
//!
//! The write path always stamps a change above the value it replaces (its `prev`). A change
//! stamped more than `clock::MAX_AHEAD_MS` below its `prev` can therefore only be a repair: a
//! supervisor's or coordinator's change that takes a value stamped far in the future out of
//! the competition for its field. The shape of the change says so; nothing else travels. The
//! repaired stamp no longer competes for that record's field, whichever of the two arrived
//! first: the field's winner is the highest of the other stamps (the repair, stamped now,
//! unless someone wrote on top of it since).

use std::collections::HashSet;

use rusqlite::Connection;

use super::log::Run;
use crate::clock;
use crate::error::Result;
use crate::schema::Entity;

/// Whether a change stamped `hlc` that replaced the value stamped `prev_hlc` is a repair.
pub fn is_repair(hlc: i64, prev_hlc: i64) -> bool {
    clock::millis(prev_hlc).saturating_sub(clock::millis(hlc)) > clock::MAX_AHEAD_MS
}

/// The stamps repairs take out of one record's competition: (field, stamp, node handle).
#[derive(Default)]
pub(crate) struct Repaired<'a> {
    stamps: HashSet<(&'a str, i64, i64)>,
    /// Some of them were named by changes not held before this batch.
    fresh: bool,
}

impl<'a> Repaired<'a> {
    /// Named by the repairs among a record's held runs.
    pub(crate) fn of_runs(runs: &'a [Run]) -> Self {
        let mut out = Repaired::default();
        for e in runs.iter().flat_map(|r| &r.entries) {
            if let (Some(hlc), Some(node)) = (e.prev_hlc, e.prev_node) {
                if is_repair(e.hlc, hlc) {
                    out.stamps.insert((e.field.as_str(), hlc, node));
                }
            }
        }
        out
    }

    /// Adds the stamp a newly held change of `field` stamped `hlc` names as its `prev`, when
    /// it is a repair (`prev_node`: the handle of the prev's node).
    pub(crate) fn add(&mut self, field: &'a str, hlc: i64, prev_hlc: i64, prev_node: i64) {
        if is_repair(hlc, prev_hlc) {
            self.fresh |= self.stamps.insert((field, prev_hlc, prev_node));
        }
    }

    pub(crate) fn holds(&self, field: &str, hlc: i64, node: i64) -> bool {
        !self.stamps.is_empty() && self.stamps.contains(&(field, hlc, node))
    }

    /// Whether a change of this batch repaired a stamp no held repair named.
    pub(crate) fn has_fresh(&self) -> bool {
        self.fresh
    }
}

/// A repair as the `repairs` table keeps it (see migrations/0008_repairs.sql).
pub(crate) struct Noted<'a> {
    pub scope: &'a str,
    pub node: &'a str,
    pub seq: i64,
    pub target: Target<'a>,
}

/// A repaired field and stamp: record, field, stamp and its node id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Target<'a> {
    pub entity: Entity,
    pub row_id: &'a str,
    pub field: &'a str,
    pub hlc: i64,
    pub node: &'a str,
}

/// Notes a repair newly held, in the applying transaction.
pub(crate) fn note(conn: &Connection, r: &Noted<'_>) -> Result<()> {
    let t = &r.target;
    conn.prepare_cached(
        "INSERT OR IGNORE INTO repairs(scope, node, seq, entity, row_id, field, repaired_hlc, repaired_node)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute((
        r.scope,
        r.node,
        r.seq,
        t.entity.as_str(),
        t.row_id,
        t.field,
        t.hlc,
        t.node,
    ))?;
    Ok(())
}

/// Whether a repair held here names exactly this stamp for this record and field.
pub(crate) fn is_repaired_here(conn: &Connection, t: &Target<'_>) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM repairs WHERE entity = ?1 AND row_id = ?2 AND field = ?3
                AND repaired_hlc = ?4 AND repaired_node = ?5)",
        )?
        .query_row((t.entity.as_str(), t.row_id, t.field, t.hlc, t.node), |r| {
            r.get(0)
        })?)
}

/// Whether the changes of `node` in `scope` with `from < seq <= to` hold a repair: the sync
/// planner sends those first, so that a receiver holds a repair before the change it repairs
/// (which it would refuse alone: stamped too far ahead).
pub(crate) fn any_in(
    conn: &Connection,
    scope: &str,
    node: &str,
    from: i64,
    to: i64,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM repairs WHERE scope = ?1 AND node = ?2
                AND seq > ?3 AND seq <= ?4)",
        )?
        .query_row((scope, node, from, to), |r| r.get(0))?)
}

/// One field's held stamps as a repair sees them: those too far ahead of the wall clock that
/// no repair names yet, highest first, and the highest of the others (a repair is stamped
/// above it, so that it wins).
#[derive(Debug, Default)]
pub(crate) struct Ahead {
    pub stamps: Vec<(i64, String)>,
    pub highest_other: i64,
}

pub(crate) fn ahead_in(
    conn: &Connection,
    entity: Entity,
    row_id: &str,
    field: &str,
    wall_ms: i64,
) -> Result<Ahead> {
    let runs = super::log::record_runs(conn, entity, row_id)?;
    let repaired = Repaired::of_runs(&runs);
    let mut out = Ahead::default();
    for run in &runs {
        for e in run.entries.iter().filter(|e| e.field == field) {
            if repaired.holds(field, e.hlc, run.node) {
                continue;
            }
            if clock::too_far_ahead(e.hlc, wall_ms).is_some() {
                out.stamps.push((e.hlc, run.node_id.clone()));
            } else {
                out.highest_other = out.highest_other.max(e.hlc);
            }
        }
    }
    out.stamps.sort_by(|a, b| b.cmp(a));
    Ok(out)
}
