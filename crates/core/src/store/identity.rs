//! This installation's node id and device key, and how a copied database file is told apart
//! from its original. The node id is derived from the device key's public half, so no laptop
//! can claim another's id: whoever uses an id must sign with the key it comes from.

use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{SigningKey, VerifyingKey};
use rand::rngs::OsRng;
use rusqlite::Connection;
use sha2::{Digest, Sha256};

use super::meta::{get_meta, node_idx, set_meta};
use crate::error::{Error, Result};

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

/// The node id a device key speaks for: a UUIDv8 made of the first 16 bytes of a hash of the
/// public key.
pub fn node_id_of(key: &VerifyingKey) -> String {
    let mut h = Sha256::new();
    h.update(b"terrain node id\0");
    h.update(key.as_bytes());
    let digest = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// The meta entry holding the device key of a node id.
fn key_name(node_id: &str) -> String {
    format!("device_key.{node_id}")
}

fn read_key(conn: &Connection, node_id: &str) -> Result<Option<SigningKey>> {
    let Some(text) = get_meta(conn, &key_name(node_id))? else {
        return Ok(None);
    };
    let bytes: [u8; 32] = B64
        .decode(text.as_bytes())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Error::Damaged("the device key".into()))?;
    Ok(Some(SigningKey::from_bytes(&bytes)))
}

/// This installation's identity: node id, its local handle, and the device key it comes from.
pub(crate) struct Identity {
    pub node_id: String,
    pub node_idx: i64,
    pub key: SigningKey,
}

pub(crate) fn ensure_node_identity(conn: &Connection, path: &Path) -> Result<Identity> {
    let here = fingerprint(path);
    let known = get_meta(conn, "node_id")?;
    let seen_at = get_meta(conn, "node_fingerprint")?;
    let kept = match (&known, seen_at) {
        (Some(id), Some(at)) if at == here => read_key(conn, id)?
            .filter(|key| node_id_of(&key.verifying_key()) == *id)
            .map(|key| (id.clone(), key)),
        _ => None,
    };
    let (node_id, key) = match kept {
        Some(found) => found,
        None => {
            // New database, a copy, or an id made before ids came from keys: a fresh identity
            // before anything is written.
            let key = SigningKey::generate(&mut OsRng);
            let id = node_id_of(&key.verifying_key());
            if let Some(old) = known {
                let list = get_meta(conn, "previous_node_ids")?.unwrap_or_default();
                set_meta(conn, "previous_node_ids", &format!("{list}{old};"))?;
            }
            set_meta(conn, &key_name(&id), &B64.encode(key.to_bytes()))?;
            set_meta(conn, "node_id", &id)?;
            set_meta(conn, "node_fingerprint", &here)?;
            (id, key)
        }
    };
    let node_idx = node_idx(conn, &node_id)?;
    Ok(Identity {
        node_id,
        node_idx,
        key,
    })
}
