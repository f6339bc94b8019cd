//! Join files: how a study's key reaches a new team laptop.

use std::io::Read;
use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::changes::roster::anchor;
use crate::changes::roster_rules::MAX_ENTRIES;
use crate::changes::value::normalize;
use crate::error::{Error, Result, SyncError};
use crate::read::records::get;
use crate::schema::Entity;
use crate::schema::Role;
use crate::store::{write_atomically, Store};
use crate::sync::authorship::{claim_invitation, make_invitation, roster_from_wire, roster_wire};
use crate::sync::key_envelopes::keep_invitation;
use crate::sync::keys::{
    current_study_key, ensure_study_key, keep_study_key, key_check, study_key_by_check, StudyKey,
};
use crate::sync::settings::note_join_title;

pub(crate) const JOIN_FORMAT: &str = "terrain-join";
/// Version 2 carries the study's roster and a one-time invitation key with the role it hands
/// over; version 1 files (a key alone) are refused.
const JOIN_VERSION: u32 = 2;
/// Join files are small: a larger file is not read (it may come from anyone's USB stick).
pub(crate) const MAX_JOIN_FILE: u64 = 1024 * 1024;

/// What a join file holds: enough for a new team laptop to read and write a study's bundles,
/// and to prove to its team that a coordinator let it in, with which role.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct JoinFile {
    pub format: String,
    pub version: u32,
    pub study_id: String,
    pub title: String,
    /// The study key, base64: the newest version the inviting laptop holds.
    pub key: String,
    /// That key's version (1 until a device is revoked, then one more per re-key).
    pub key_version: u32,
    /// The founder's public key (the roster's anchor), base64.
    pub founder: String,
    /// The study's roster entries, as bundles carry them.
    pub roster: Vec<String>,
    /// The secret of the one-time invitation key, base64.
    pub invitation: String,
    /// The role the invitation hands over.
    pub role: Role,
}

/// A study joined from a join file (the key itself stays in the store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct JoinedStudy {
    pub study_id: String,
    pub title: String,
    pub role: Role,
}

/// The join file of a study for one new laptop with `role`, as JSON text. Coordinators only:
/// it records a one-time invitation in the roster.
pub fn invite(store: &Store, study: &str, role: Role) -> Result<String> {
    ensure_study_key(store, study)?;
    let (key_version, key) = current_study_key(store.conn(), study)?.ok_or_else(|| {
        Error::Sync(SyncError::NotJoined {
            study: study.to_string(),
        })
    })?;
    let founder = anchor(store.conn(), study)?.ok_or_else(|| {
        Error::Sync(SyncError::NotJoined {
            study: study.to_string(),
        })
    })?;
    let invitation = make_invitation(store, study, role)?;
    let title = get(store.conn(), Entity::Study, study)?
        .text("title")
        .unwrap_or_default()
        .to_string();
    let file = JoinFile {
        format: JOIN_FORMAT.into(),
        version: JOIN_VERSION,
        study_id: study.to_string(),
        title,
        key: B64.encode(key),
        key_version,
        founder: B64.encode(founder),
        roster: roster_wire(store.conn(), study)?,
        invitation: B64.encode(invitation.to_bytes()),
        role,
    };
    serde_json::to_string_pretty(&file).map_err(|e| Error::Internal(e.to_string()))
}

/// Writes a study's join file (atomically: it holds a key, half a file is useless).
pub fn invite_to_file(store: &Store, study: &str, role: Role, path: &Path) -> Result<()> {
    let text = invite(store, study, role)?;
    write_atomically(path, |w| {
        use std::io::Write;
        w.write_all(text.as_bytes())?;
        Ok(())
    })
}

fn key32(text: &str) -> Result<[u8; 32]> {
    B64.decode(text.as_bytes())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(Error::Sync(SyncError::BadJoinFile))
}

/// Joins a study from a join file's text; returns the study id, title and role. Joining twice
/// with the same key is fine; a different key or founder for a study already joined is
/// refused. The title is noted so that the study shows by name before its records arrive.
pub fn join(store: &Store, text: &str) -> Result<JoinedStudy> {
    let file: JoinFile =
        serde_json::from_str(text).map_err(|_| Error::Sync(SyncError::BadJoinFile))?;
    let key: StudyKey = key32(&file.key)?;
    let founder = key32(&file.founder)?;
    let invitation = SigningKey::from_bytes(&key32(&file.invitation)?);
    if file.format != JOIN_FORMAT
        || file.version != JOIN_VERSION
        || uuid::Uuid::parse_str(&file.study_id).is_err()
        || file.study_id.len() != 36
        || !is_study_title(&file.title)
        || file.roster.len() > MAX_ENTRIES
    {
        return Err(Error::Sync(SyncError::BadJoinFile));
    }
    let entries = roster_from_wire(&file.roster)?;
    // A laptop holding another key of this study takes only a newer one (a coordinator
    // invited it again after a re-key).
    let held = study_key_by_check(store.conn(), &file.study_id, &key_check(&key))?;
    match current_study_key(store.conn(), &file.study_id)? {
        Some((version, _)) if held.is_none() && version >= file.key_version => {
            return Err(Error::Sync(SyncError::OtherKey {
                study: file.study_id.clone(),
            }))
        }
        _ => {}
    }
    if file.key_version == 0 {
        return Err(Error::Sync(SyncError::BadJoinFile));
    }
    claim_invitation(
        store,
        &file.study_id,
        &founder,
        &entries,
        &invitation,
        file.role,
    )?;
    keep_study_key(store.conn(), &file.study_id, file.key_version, &key)?;
    keep_invitation(store.conn(), &file.study_id, &invitation)?;
    note_join_title(store, &file.study_id, &file.title)?;
    Ok(JoinedStudy {
        study_id: file.study_id,
        title: file.title,
        role: file.role,
    })
}

/// A title the keyboard could have typed for a study (the join file's title is shown as the
/// study's name until its records arrive; empty when the inviting laptop had no record).
fn is_study_title(title: &str) -> bool {
    Entity::Study
        .field("title")
        .is_some_and(|def| normalize(Entity::Study, def, &serde_json::Value::from(title)).is_ok())
}

pub fn join_from_file(store: &Store, path: &Path) -> Result<JoinedStudy> {
    let bad = |_| Error::Sync(SyncError::BadJoinFile);
    let mut text = String::new();
    std::fs::File::open(path)
        .map_err(bad)?
        .take(MAX_JOIN_FILE + 1)
        .read_to_string(&mut text)
        .map_err(bad)?;
    if text.len() as u64 > MAX_JOIN_FILE {
        return Err(Error::Sync(SyncError::BadJoinFile));
    }
    join(store, &text)
}
