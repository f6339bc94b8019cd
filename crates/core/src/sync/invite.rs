//! Join files: how a study's key reaches a new team laptop.

use std::io::Read;
use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::changes::value::normalize;
use crate::error::{Error, Result, SyncError};
use crate::read::records::get;
use crate::schema::{Entity, Role};
use crate::store::{write_atomically, Store};
use crate::sync::keys::{ensure_study_key, study_key, StudyKey};
use crate::sync::settings::note_join_title;

pub(crate) const JOIN_FORMAT: &str = "terrain-join";
const JOIN_VERSION: u32 = 1;
/// Join files are small: a larger file is not read (it may come from anyone's USB stick).
pub(crate) const MAX_JOIN_FILE: u64 = 64 * 1024;

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

/// A study joined from a join file (the key itself stays in the store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct JoinedStudy {
    pub study_id: String,
    pub title: String,
}

/// The join file of a study for a member who will hold `role`, as JSON text.
pub fn invite(store: &Store, study: &str, role: Role) -> Result<String> {
    let _ = role; // carried by the join file: wired with the roster on the wire
    let key = ensure_study_key(store, study)?;
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

/// Joins a study from a join file's text; returns the study id and title. Joining twice with
/// the same key is fine; a different key for a study already joined is refused. The title is
/// noted so that the study shows by name before its records arrive.
pub fn join(store: &Store, text: &str) -> Result<JoinedStudy> {
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
        || !is_study_title(&file.title)
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
    note_join_title(store, &file.study_id, &file.title)?;
    Ok(JoinedStudy {
        study_id: file.study_id,
        title: file.title,
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
