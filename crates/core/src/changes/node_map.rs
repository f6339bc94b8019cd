//! Node ids and this database's integer handles for them, as a merge looks them up: once per
//! node and batch.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::error::Result;
use crate::store::meta::node_idx;

/// Maps node ids to this database's integer handles and back.
pub(crate) trait NodeMap {
    fn idx(&mut self, conn: &Connection, node_id: &str) -> Result<i64>;
}

/// A node map for one batch, filled by the caller (the writer, from its cache).
#[derive(Default)]
pub(crate) struct Nodes {
    by_id: HashMap<String, i64>,
}

impl Nodes {
    /// Notes the handle of a node id the caller already knows.
    pub(crate) fn insert(&mut self, node_id: &str, idx: i64) {
        self.by_id.insert(node_id.to_string(), idx);
    }

    pub(crate) fn contains(&self, node_id: &str) -> bool {
        self.by_id.contains_key(node_id)
    }
}

impl NodeMap for Nodes {
    fn idx(&mut self, conn: &Connection, node_id: &str) -> Result<i64> {
        if let Some(i) = self.by_id.get(node_id) {
            return Ok(*i);
        }
        let i = node_idx(conn, node_id)?;
        self.by_id.insert(node_id.to_string(), i);
        Ok(i)
    }
}
