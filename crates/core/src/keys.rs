//! Keys. A study key (32 random bytes) encrypts and authenticates that study's bundles; it is
//! made with the study and handed to team laptops by a join file. A device key (ed25519) signs
//! the bundles this laptop writes. Both stay in this database and are never synced.

use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::SigningKey;
use rand::rngs::OsRng;
use rand::RngCore;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::schema::Entity;
use crate::store::{self, Store};
use crate::sync::SyncError;

pub const KEY_LEN: usize = 32;
pub type StudyKey = [u8; KEY_LEN];

const JOIN_FORMAT: &str = "terrain-join";
const JOIN_VERSION: u32 = 1;

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

/// This device's signing key, made on first need. It is tied to the node id, so a copied
/// database (which gets a new node id) also gets its own key.
pub fn device_key(store: &Store) -> Result<SigningKey> {
    let name = format!("device_key.{}", store.node_id());
    if let Some(text) = store::get_meta(store.conn(), &name)? {
        let bytes: [u8; 32] = B64
            .decode(text.as_bytes())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| {
                Error::Refused("the device key stored in this database is damaged".into())
            })?;
        return Ok(SigningKey::from_bytes(&bytes));
    }
    let key = SigningKey::generate(&mut OsRng);
    store::set_meta(store.conn(), &name, &B64.encode(key.to_bytes()))?;
    Ok(key)
}

/// What a join file holds: enough for a new team laptop to read and write a study's bundles.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct JoinFile {
    pub format: String,
    pub version: u32,
    pub study_id: String,
    pub title: String,
    /// The study key, base64.
    pub key: String,
}

/// The join file of a study, as JSON text.
pub fn invite(store: &Store, study: &str) -> Result<String> {
    let key = ensure_study_key(store, study)?;
    let title = crate::query::get(store.conn(), Entity::Study, study)?
        .text("title")
        .unwrap_or_default()
        .to_string();
    let file = JoinFile {
        format: JOIN_FORMAT.into(),
        version: JOIN_VERSION,
        study_id: study.to_string(),
        title,
        key: B64.encode(key),
    };
    serde_json::to_string_pretty(&file).map_err(|e| Error::Refused(e.to_string()))
}

/// Writes a study's join file (atomically: it holds a key, half a file is useless).
pub fn invite_to_file(store: &Store, study: &str, path: &Path) -> Result<()> {
    let text = invite(store, study)?;
    crate::bundle::write_atomically(path, |w| {
        use std::io::Write;
        w.write_all(text.as_bytes())?;
        Ok(())
    })
}

/// Joins a study from a join file's text; returns the study id and title. Joining twice with
/// the same key is fine; a different key for a study already joined is refused.
pub fn join(store: &Store, text: &str) -> Result<JoinFile> {
    let file: JoinFile =
        serde_json::from_str(text).map_err(|_| Error::Sync(SyncError::BadJoinFile))?;
    let key: StudyKey = B64
        .decode(file.key.as_bytes())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(Error::Sync(SyncError::BadJoinFile))?;
    if file.format != JOIN_FORMAT
        || file.version != JOIN_VERSION
        || uuid::Uuid::parse_str(&file.study_id).is_err()
    {
        return Err(Error::Sync(SyncError::BadJoinFile));
    }
    match study_key(store.conn(), &file.study_id)? {
        Some(existing) if existing == key => {}
        Some(_) => {
            return Err(Error::Sync(SyncError::OtherKey {
                study: file.study_id.clone(),
            }))
        }
        None => {
            store.conn().execute(
                "INSERT INTO study_keys(study, key, created_at) VALUES (?1, ?2, ?3)",
                (
                    &file.study_id,
                    &key[..],
                    chrono::Utc::now().timestamp_millis(),
                ),
            )?;
        }
    }
    Ok(file)
}

pub fn join_from_file(store: &Store, path: &Path) -> Result<JoinFile> {
    let text = std::fs::read_to_string(path).map_err(|_| Error::Sync(SyncError::BadJoinFile))?;
    join(store, &text)
}

/// The studies this laptop holds a key for.
pub fn joined_studies(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT study FROM study_keys ORDER BY study")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
}
