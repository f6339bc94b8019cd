//! This installation's node id, and how a copied database file is told apart from its original.

use std::path::Path;

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use super::meta::{get_meta, node_idx, set_meta};
use crate::error::Result;

/// Where this database lives and on which machine. A file copied to another laptop (or
/// another place) no longer matches, and must stop writing under the original's node id.
fn fingerprint(path: &Path) -> String {
    let machine = machine_uid::get().unwrap_or_else(|_| "unknown-machine".to_string());
    let place = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut h = Sha256::new();
    h.update(machine.as_bytes());
    h.update([0]);
    h.update(place.to_string_lossy().as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn ensure_node_identity(conn: &Connection, path: &Path) -> Result<(String, i64)> {
    let here = fingerprint(path);
    let known = get_meta(conn, "node_id")?;
    let seen_at = get_meta(conn, "node_fingerprint")?;
    let node_id = match (known, seen_at) {
        (Some(id), Some(at)) if at == here => id,
        (previous, _) => {
            // New database, or a copy: a fresh identity before anything is written.
            let id = uuid::Uuid::new_v4().to_string();
            if let Some(old) = previous {
                let list = get_meta(conn, "previous_node_ids")?.unwrap_or_default();
                set_meta(conn, "previous_node_ids", &format!("{list}{old};"))?;
            }
            set_meta(conn, "node_id", &id)?;
            set_meta(conn, "node_fingerprint", &here)?;
            id
        }
    };
    let idx = node_idx(conn, &node_id)?;
    Ok((node_id, idx))
}
