//! Sequence numbers. Each origin numbers its changes per scope (a study, or '' for shared
//! records): 1, 2, 3… in study A whatever it writes in study B, so a member of A sees every
//! number of a laptop's changes in A and nothing else. Identity of a change is thus (scope,
//! node, seq), and what a replica holds of a (scope, node) is a prefix of its numbers, which
//! receipt keeps true: received numbers must follow on from what is held, without a gap.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{Connection, OptionalExtension};

use super::admit::MAX_SEQ;
use super::merge::Change;
use crate::error::{Error, Result, SyncError};

/// The highest seq held of `node` (an id) in `scope`: 0 when none.
fn held(conn: &Connection, scope: &str, node: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT v.max_seq FROM scope_vector v JOIN nodes n ON n.idx = v.node
              WHERE v.scope = ?1 AND n.node_id = ?2",
        )?
        .query_row((scope, node), |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

/// This laptop's next numbers, per scope, for one write transaction: read once per scope
/// from what it holds of itself (all of its own changes), then counted here.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    /// scope → the last seq handed out in it.
    last: HashMap<String, i64>,
}

impl Counters {
    /// Hands out `count` consecutive seqs of `node` (this laptop's id) in `scope`; returns
    /// the first. None is handed out above [`MAX_SEQ`].
    pub(crate) fn take(
        &mut self,
        conn: &Connection,
        scope: &str,
        node: &str,
        count: usize,
    ) -> Result<i64> {
        let last = match self.last.get(scope) {
            Some(last) => *last,
            None => held(conn, scope, node)?,
        };
        let exhausted = || {
            Error::Internal(format!(
                "this laptop's change numbers in scope {scope:?} are exhausted ({last})"
            ))
        };
        let count = i64::try_from(count).map_err(|_| exhausted())?;
        let new_last = last
            .checked_add(count)
            .filter(|s| *s <= MAX_SEQ)
            .ok_or_else(exhausted)?;
        self.last.insert(scope.to_string(), new_last);
        Ok(new_last - count + 1)
    }
}

/// Refuses received changes that would leave a hole in what this replica holds: per (scope,
/// node), their seqs in order must follow on from the highest held, each at most one above
/// the one before (repeats and seqs already held are duplicates, which merging skips). Checked
/// before anything is applied, in the applying transaction. This laptop's own changes
/// relayed back are all held, so they are duplicates, never a gap.
pub(crate) fn check_contiguous(conn: &Connection, changes: &[Change]) -> Result<()> {
    let mut seqs: BTreeMap<(&str, &str), Vec<i64>> = BTreeMap::new();
    for c in changes {
        let scope = c.study.as_deref().unwrap_or("");
        seqs.entry((scope, c.node.as_str()))
            .or_default()
            .push(c.seq);
    }
    for ((scope, node), mut list) in seqs {
        list.sort_unstable();
        let mut last = held(conn, scope, node)?;
        for seq in list {
            // Seqs held and received are at most MAX_SEQ, far from overflowing; checked all
            // the same: nothing can be above an i64::MAX held, so it is no gap.
            if last.checked_add(1).is_some_and(|next| seq > next) {
                return Err(Error::Sync(SyncError::SeqGap {
                    node: node.to_string(),
                    last,
                    found: seq,
                }));
            }
            last = last.max(seq);
        }
    }
    Ok(())
}
