//! Version vectors. What a replica holds of a study is, per (scope, origin node), a prefix of
//! that origin's changes in that scope (the scope is the study, or '' for shared records that
//! every study's sync carries), so one number per pair says it all. Comparing what one side
//! holds with what the other holds is the one planner of every transport: bundle files and
//! the hub both send [`Vector::missing_from`].

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::changes::merge::Change;
use crate::error::Result;
use crate::store::meta;

/// (scope, origin node id) → highest seq held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vector(BTreeMap<(String, String), i64>);

/// One entry of a version vector as it travels (bundle headers, hub messages).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct VectorEntry {
    pub scope: String,
    pub node: String,
    pub max_seq: i64,
}

/// The changes of one origin in one scope with `from < seq <= to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    pub scope: String,
    pub node: String,
    pub from: i64,
    pub to: i64,
}

impl Vector {
    pub fn new() -> Vector {
        Vector::default()
    }

    /// The highest seq of `node` held in `scope` (0: none).
    pub fn get(&self, scope: &str, node: &str) -> i64 {
        self.0
            .get(&(scope.to_string(), node.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// Notes that `seq` of `node` in `scope` is held (a vector never goes down).
    pub fn raise(&mut self, scope: &str, node: &str, seq: i64) {
        let held = self
            .0
            .entry((scope.to_string(), node.to_string()))
            .or_insert(seq);
        *held = (*held).max(seq);
    }

    /// (scope, node id, highest seq), in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, i64)> {
        self.0
            .iter()
            .map(|((scope, node), seq)| (scope.as_str(), node.as_str(), *seq))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// What this side holds that a side holding `base` lacks, per (scope, origin): the plan of
    /// a bundle, of a hub push and of a hub pull.
    pub fn missing_from(&self, base: &Vector) -> Vec<Range> {
        self.iter()
            .filter_map(|(scope, node, to)| {
                let from = base.get(scope, node);
                (to > from).then(|| Range {
                    scope: scope.to_string(),
                    node: node.to_string(),
                    from,
                    to,
                })
            })
            .collect()
    }

    /// Moves past the changes of a batch the peer now holds.
    pub fn advance(&mut self, batch: &[Change]) {
        for c in batch {
            self.raise(c.study.as_deref().unwrap_or(""), &c.node, c.seq);
        }
    }

    pub fn to_wire(&self) -> Vec<VectorEntry> {
        self.iter()
            .map(|(scope, node, max_seq)| VectorEntry {
                scope: scope.to_string(),
                node: node.to_string(),
                max_seq,
            })
            .collect()
    }

    /// A vector from its travelling form; an entry given twice counts once, at its highest.
    pub fn from_wire(entries: &[VectorEntry]) -> Vector {
        let mut v = Vector::new();
        for e in entries {
            v.raise(&e.scope, &e.node, e.max_seq);
        }
        v
    }
}

fn read(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<Vector> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
    Ok(Vector(rows.collect::<rusqlite::Result<_>>()?))
}

/// What this replica holds of a study (and of shared records).
pub fn held_vector(conn: &Connection, study: &str) -> Result<Vector> {
    read(
        conn,
        "SELECT v.scope, n.node_id, v.max_seq FROM scope_vector v JOIN nodes n ON n.idx = v.node
          WHERE v.scope = ?1 OR v.scope = ''",
        [study],
    )
}

/// What a peer holds of a study, as last learned from it.
pub fn peer_vector(conn: &Connection, peer: &str, study: &str) -> Result<Vector> {
    read(
        conn,
        "SELECT v.scope, n.node_id, v.max_seq FROM peer_vector v JOIN nodes n ON n.idx = v.node
          WHERE v.peer = ?1 AND (v.scope = ?2 OR v.scope = '')",
        [peer, study],
    )
}

/// Remembers that `peer` holds at least `held` (from its bundle or a sync).
pub fn learn_peer_vector(conn: &Connection, peer: &str, held: &Vector) -> Result<()> {
    for (scope, node, seq) in held.iter() {
        let idx = meta::node_idx(conn, node)?;
        conn.prepare_cached(
            "INSERT INTO peer_vector(peer, scope, node, max_seq) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(peer, scope, node) DO UPDATE SET max_seq = max(max_seq, excluded.max_seq)",
        )?
        .execute((peer, scope, idx, seq))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(entries: &[(&str, &str, i64)]) -> Vector {
        let mut v = Vector::new();
        for (s, n, q) in entries {
            v.raise(s, n, *q);
        }
        v
    }

    #[test]
    fn the_plan_is_what_one_side_holds_above_the_other() {
        let held = v(&[("s", "a", 5), ("", "a", 2), ("s", "b", 3)]);
        let base = v(&[("s", "a", 5), ("s", "b", 1), ("s", "c", 9)]);
        let range = |scope: &str, node: &str, from, to| Range {
            scope: scope.into(),
            node: node.into(),
            from,
            to,
        };
        assert_eq!(
            held.missing_from(&base),
            [range("", "a", 0, 2), range("s", "b", 1, 3)]
        );
        assert!(held.missing_from(&held).is_empty());
        assert_eq!(Vector::from_wire(&held.to_wire()), held);
    }

    #[test]
    fn an_entry_sent_twice_counts_at_its_highest() {
        let e = |q| VectorEntry {
            scope: "s".into(),
            node: "a".into(),
            max_seq: q,
        };
        assert_eq!(Vector::from_wire(&[e(7), e(3)]).get("s", "a"), 7);
    }
}
