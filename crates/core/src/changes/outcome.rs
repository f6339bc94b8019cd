//! What applying received changes did, counted for the sync summary, and what this replica
//! held when the sync began: a sync split into small batches (a hub's pulls, a bundle's
//! batches) counts a record first received in one batch as new, not as updated in the next.

use std::collections::HashMap;

use rusqlite::Connection;

use super::log::Run;
use crate::error::Result;

/// What applying a batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Records this replica had no change of before.
    pub new_records: u64,
    /// Fields whose value changed, of records held before: before the sync began when the
    /// writer was told when (`Writer::count_from`), else before this transaction.
    pub updated_fields: u64,
    /// Entries added to the conflict log.
    pub conflicts: u64,
    /// Changes already held.
    pub duplicates: u64,
    /// Changes newly held.
    pub applied: u64,
}

impl Outcome {
    pub fn add(&mut self, o: Outcome) {
        self.new_records += o.new_records;
        self.updated_fields += o.updated_fields;
        self.conflicts += o.conflicts;
        self.duplicates += o.duplicates;
        self.applied += o.applied;
    }
}

/// What this replica held of a study (and of shared records) when a sync began: per scope,
/// per node handle, the highest seq held. A node's changes in a scope are held without a
/// gap (`seqs::check_contiguous`), so a run was held then iff its first seq is at most that.
#[derive(Debug, Clone, Default)]
pub struct SyncStart {
    held: HashMap<String, HashMap<i64, i64>>,
}

impl SyncStart {
    /// What is held now of `study` and of shared records ('' scope).
    pub fn read(conn: &Connection, study: &str) -> Result<SyncStart> {
        let mut held: HashMap<String, HashMap<i64, i64>> = HashMap::new();
        let mut stmt = conn.prepare_cached(
            "SELECT scope, node, max_seq FROM scope_vector WHERE scope IN (?1, '')",
        )?;
        let mut rows = stmt.query([study])?;
        while let Some(r) = rows.next()? {
            held.entry(r.get(0)?)
                .or_default()
                .insert(r.get(1)?, r.get(2)?);
        }
        Ok(SyncStart { held })
    }

    /// Whether the run was held when the sync began.
    pub(crate) fn held(&self, run: &Run) -> bool {
        self.held
            .get(&run.scope)
            .and_then(|nodes| nodes.get(&run.node))
            .is_some_and(|max| run.first_seq <= *max)
    }
}
