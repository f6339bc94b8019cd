//! Keys. A study key (32 random bytes) encrypts and authenticates that study's bundles; it is
//! made with the study and handed to team laptops by a join file (see `invite`). A device key
//! (ed25519) signs the bundles this laptop writes. Both stay in this database and are never
//! synced.

use ed25519_dalek::SigningKey;
use rand::rngs::OsRng;
use rand::RngCore;
use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result, SyncError};
use crate::store::Store;

pub const KEY_LEN: usize = 32;
pub type StudyKey = [u8; KEY_LEN];

/// The key of a study, if this laptop has it.
pub fn study_key(conn: &Connection, study: &str) -> Result<Option<StudyKey>> {
    let blob: Option<Vec<u8>> = conn
        .query_row(
            "SELECT key FROM study_keys WHERE study = ?1",
            [study],
            |r| r.get(0),
        )
        .optional()?;
    Ok(blob.and_then(|b| b.try_into().ok()))
}

/// The key of a study, created when the study lives here and has none yet (a study created on
/// this laptop). Call it right after creating a study; export and invite call it too.
pub fn ensure_study_key(store: &Store, study: &str) -> Result<StudyKey> {
    if let Some(key) = study_key(store.conn(), study)? {
        return Ok(key);
    }
    let exists: bool = store.conn().query_row(
        "SELECT EXISTS(SELECT 1 FROM study WHERE id = ?1)",
        [study],
        |r| r.get(0),
    )?;
    if !exists {
        return Err(Error::Sync(SyncError::UnknownStudy {
            study: study.to_string(),
        }));
    }
    let mut key = [0u8; KEY_LEN];
    OsRng.fill_bytes(&mut key);
    // OR IGNORE and re-read: two windows creating it at once end with one key.
    store.conn().execute(
        "INSERT OR IGNORE INTO study_keys(study, key, created_at) VALUES (?1, ?2, ?3)",
        (study, &key[..], chrono::Utc::now().timestamp_millis()),
    )?;
    study_key(store.conn(), study)?.ok_or_else(|| {
        Error::Sync(SyncError::NotJoined {
            study: study.to_string(),
        })
    })
}

/// A short public fingerprint of a study key, written in bundle headers so that a bundle
/// made with another key is told apart from a damaged one.
pub fn key_check(key: &StudyKey) -> String {
    let mut h = Sha256::new();
    h.update(b"terrain study key check\0");
    h.update(key);
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// This device's signing key (made with the node identity, which is derived from it: see
/// `store::identity`).
pub fn device_key(store: &Store) -> Result<SigningKey> {
    Ok(store.device_key().clone())
}

/// The studies this laptop holds a key for.
pub fn joined_studies(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT study FROM study_keys ORDER BY study")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
}
