//! Keys. A study key (32 random bytes) encrypts and authenticates that study's bundles and hub
//! payloads; it is made with the study and handed to team laptops by a join file (see
//! `invite`), and replaced by a newer version when a device is revoked (see `members::rekey`).
//! A device key (ed25519) signs the bundles this laptop writes. Both stay in this database and
//! are never synced.

use ed25519_dalek::SigningKey;
use rand::rngs::OsRng;
use rand::RngCore;
use rusqlite::Connection;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result, SyncError};
use crate::store::Store;

pub const KEY_LEN: usize = 32;
pub type StudyKey = [u8; KEY_LEN];

/// The newest key of a study, if this laptop has one: what bundles and hub payloads are
/// sealed with. Two coordinators re-keying at once make two keys of one version; the one
/// whose bytes sort first is used, by every laptop alike.
pub fn study_key(conn: &Connection, study: &str) -> Result<Option<StudyKey>> {
    Ok(current_study_key(conn, study)?.map(|(_, key)| key))
}

/// The newest key of a study with its version.
pub fn current_study_key(conn: &Connection, study: &str) -> Result<Option<(u32, StudyKey)>> {
    Ok(study_keys(conn, study)?.into_iter().next())
}

/// Every key of a study this laptop holds, newest first (of one version, the one whose bytes
/// sort first comes first).
pub fn study_keys(conn: &Connection, study: &str) -> Result<Vec<(u32, StudyKey)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT version, key FROM study_key_versions WHERE study = ?1 ORDER BY version DESC, key",
    )?;
    let rows = stmt.query_map([study], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (version, blob) = row?;
        if let (Ok(version), Ok(key)) = (u32::try_from(version), StudyKey::try_from(blob)) {
            out.push((version, key));
        }
    }
    Ok(out)
}

/// The key of a study whose fingerprint (see [`key_check`]) is `check`, with its version.
pub fn study_key_by_check(
    conn: &Connection,
    study: &str,
    check: &str,
) -> Result<Option<(u32, StudyKey)>> {
    Ok(study_keys(conn, study)?
        .into_iter()
        .find(|(_, key)| key_check(key) == check))
}

/// Keeps a key of a study (a new study's, a join file's, a re-key's); keeping it twice is a
/// no-op. In the caller's transaction.
pub(crate) fn keep_study_key(
    conn: &Connection,
    study: &str,
    version: u32,
    key: &StudyKey,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO study_key_versions(study, version, key, created_at)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute((
        study,
        version,
        &key[..],
        chrono::Utc::now().timestamp_millis(),
    ))?;
    Ok(())
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
    // One statement, so two windows creating it at once end with one key.
    store.conn().execute(
        "INSERT INTO study_key_versions(study, version, key, created_at)
         SELECT ?1, 1, ?2, ?3
         WHERE NOT EXISTS (SELECT 1 FROM study_key_versions WHERE study = ?1)",
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

/// The studies this laptop is a member of: those it holds a key for, and those created here
/// (a creator is a member of its studies), whose key is made now if it was not yet (a study
/// made in the app or by the demo gets it at its first export, invitation or sync). Deleted
/// studies stay: their deletion syncs too.
pub fn member_studies(store: &Store) -> Result<Vec<String>> {
    let created_here: Vec<String> = {
        let mut stmt = store.conn().prepare_cached(
            "SELECT s.id FROM study s
              WHERE NOT EXISTS (SELECT 1 FROM study_key_versions k WHERE k.study = s.id)
                AND (SELECT c.node FROM change_log c WHERE c.entity = ?1 AND c.row_id = s.id
                      ORDER BY c.hlc LIMIT 1) = ?2
              ORDER BY s.id",
        )?;
        let rows = stmt.query_map(
            (crate::schema::Entity::Study.code(), store.node_idx()),
            |r| r.get(0),
        )?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for study in created_here {
        ensure_study_key(store, &study)?;
    }
    joined_studies(store.conn())
}

/// The studies this laptop holds a key for.
pub fn joined_studies(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT DISTINCT study FROM study_key_versions ORDER BY study")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
}
