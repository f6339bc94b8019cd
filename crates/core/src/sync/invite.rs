//! Join files: how a study's key reaches a new team laptop. What a join file holds (below) is
//! sealed under a one-time code (`join_seal`): the inviting screen shows the code, the joining
//! laptop asks for it, and both show the study key's fingerprint and the inviting
//! coordinator's to compare aloud.

use std::io::Read;
use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::changes::roster::{anchor, Entry, EntryKind, PublicKey, SignedEntry};
use crate::changes::roster_rules::MAX_ENTRIES;
use crate::changes::value::normalize;
use crate::error::{AuthorshipError, Error, Refusal, Result, SyncError};
use crate::read::records::get;
use crate::schema::Entity;
use crate::schema::Role;
use crate::store::{write_atomically, Store};
use crate::sync::authorship::{claim_invitation, make_invitation, roster_from_wire, roster_wire};
use crate::sync::join_seal::{seal_join, unseal_join};
use crate::sync::key_envelopes::keep_invitation;
use crate::sync::keys::{
    current_study_key, ensure_study_key, keep_study_key, key_check, study_key_by_check, StudyKey,
};
use crate::sync::members::key_fingerprint;
use crate::sync::settings::note_join_title;

/// Join files are small: a larger file is not read (it may come from anyone's USB stick).
pub(crate) const MAX_JOIN_FILE: u64 = 1024 * 1024;

/// What a join file holds once opened: enough for a new team laptop to read and write a
/// study's bundles, and to prove to its team that a coordinator let it in, with which role.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JoinFile {
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

/// An invitation made: the sealed file, and what the inviting screen shows beside it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Invitation {
    /// The sealed join file's text (never sent to the screen).
    #[serde(skip)]
    #[ts(skip)]
    pub file: String,
    /// Where the file was written (empty when it was not written).
    pub path: String,
    /// The one-time code that opens it: eight words, one space apart.
    pub code: String,
    /// The study key's fingerprint, to compare aloud with the joining laptop's.
    pub study_fingerprint: String,
    /// This laptop's key fingerprint (the inviting coordinator's), likewise.
    pub inviter_fingerprint: String,
    pub role: Role,
}

/// A study a join file hands over (before joining, to compare the fingerprints; and once
/// joined; the key itself stays in the store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct JoinedStudy {
    pub study_id: String,
    pub title: String,
    pub role: Role,
    /// The study key's fingerprint: the inviting screen shows the same.
    pub study_fingerprint: String,
    /// The key fingerprint of the coordinator who made the invitation, as its members list
    /// shows it.
    pub inviter_fingerprint: String,
}

/// A study key's fingerprint as people read it out: its check (see [`key_check`]) in groups of
/// four ("1a2b 3c4d 5e6f 7a8b").
pub fn study_fingerprint(key: &StudyKey) -> String {
    let check = key_check(key);
    check
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// An invitation to a study for one new laptop with `role`: the sealed join file and its
/// one-time code. Coordinators only: it records a one-time invitation in the roster.
pub fn invite(store: &Store, study: &str, role: Role) -> Result<Invitation> {
    let record = get(store.conn(), Entity::Study, study)?;
    if record.deleted {
        // A laptop invited now would join a study whose sessions it is never shown.
        return Err(Error::Refused(Refusal::StudyDeleted {
            title: record.text("title").unwrap_or_default().to_string(),
        }));
    }
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
    let title = record.text("title").unwrap_or_default().to_string();
    let content = JoinFile {
        study_id: study.to_string(),
        title,
        key: B64.encode(key),
        key_version,
        founder: B64.encode(founder),
        roster: roster_wire(store.conn(), study)?,
        invitation: B64.encode(invitation.to_bytes()),
        role,
    };
    let text = Zeroizing::new(
        serde_json::to_string(&content).map_err(|e| Error::Internal(e.to_string()))?,
    );
    let sealed = seal_join(&text)?;
    Ok(Invitation {
        file: sealed.file,
        path: String::new(),
        code: sealed.code.to_string(),
        study_fingerprint: study_fingerprint(&key),
        inviter_fingerprint: key_fingerprint(&store.device_key().verifying_key().to_bytes()),
        role,
    })
}

/// Writes a study's sealed join file (atomically: half a file is useless).
pub fn invite_to_file(store: &Store, study: &str, role: Role, path: &Path) -> Result<Invitation> {
    let mut invitation = invite(store, study, role)?;
    write_atomically(path, |w| {
        use std::io::Write;
        w.write_all(invitation.file.as_bytes())?;
        Ok(())
    })?;
    invitation.path = path.display().to_string();
    Ok(invitation)
}

fn key32(text: &str) -> Result<[u8; 32]> {
    B64.decode(text.as_bytes())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(Error::Sync(SyncError::BadJoinFile))
}

/// A join file opened and checked (nothing stored): its content and what it hands over.
struct Opened {
    file: JoinFile,
    key: Zeroizing<StudyKey>,
    founder: PublicKey,
    invitation: SigningKey,
    entries: Vec<SignedEntry>,
    shown: JoinedStudy,
}

fn open(text: &str, code: &str) -> Result<Opened> {
    let content = unseal_join(text, code)?;
    let file: JoinFile =
        serde_json::from_str(&content).map_err(|_| Error::Sync(SyncError::BadJoinFile))?;
    let key = Zeroizing::new(key32(&file.key)?);
    let founder = key32(&file.founder)?;
    let invitation = SigningKey::from_bytes(&key32(&file.invitation)?);
    if uuid::Uuid::parse_str(&file.study_id).is_err()
        || file.study_id.len() != 36
        || !is_study_title(&file.title)
        || file.roster.len() > MAX_ENTRIES
        || file.key_version == 0
    {
        return Err(Error::Sync(SyncError::BadJoinFile));
    }
    let entries = roster_from_wire(&file.roster)?;
    let inviter = inviter_of(&entries, &invitation)?;
    let shown = JoinedStudy {
        study_id: file.study_id.clone(),
        title: file.title.clone(),
        role: file.role,
        study_fingerprint: study_fingerprint(&key),
        inviter_fingerprint: key_fingerprint(&inviter),
    };
    Ok(Opened {
        file,
        key,
        founder,
        invitation,
        entries,
        shown,
    })
}

/// Who made the invitation: the author of the roster's signed entry that names its key (so the
/// fingerprint shown is the one the roster proves, not one the file merely claims).
fn inviter_of(entries: &[SignedEntry], invitation: &SigningKey) -> Result<PublicKey> {
    let subject = invitation.verifying_key().to_bytes();
    entries
        .iter()
        .filter_map(|signed| Entry::open(signed).ok())
        .find(|e| matches!(e.kind, EntryKind::Invite(_)) && e.subject == subject)
        .map(|e| e.author)
        .ok_or(Error::Authorship(AuthorshipError::InvitationUnusable))
}

/// What a join file hands over, opened with its code, without joining: the joining screen
/// shows it to compare the fingerprints aloud first.
pub fn preview_join(text: &str, code: &str) -> Result<JoinedStudy> {
    Ok(open(text, code)?.shown)
}

/// Joins a study from a join file's text and its one-time code. Joining twice with the same
/// key is fine; a different key or founder for a study already joined is refused. The title is
/// noted so that the study shows by name before its records arrive.
pub fn join(store: &Store, text: &str, code: &str) -> Result<JoinedStudy> {
    let Opened {
        file,
        key,
        founder,
        invitation,
        entries,
        shown,
    } = open(text, code)?;
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
    Ok(shown)
}

/// Joins with an invitation made in this process (benches, tests): its file and its code.
pub fn join_invitation(store: &Store, invitation: &Invitation) -> Result<JoinedStudy> {
    join(store, &invitation.file, &invitation.code)
}

/// A title the keyboard could have typed for a study (the join file's title is shown as the
/// study's name until its records arrive; empty when the inviting laptop had no record).
fn is_study_title(title: &str) -> bool {
    Entity::Study
        .field("title")
        .is_some_and(|def| normalize(Entity::Study, def, &serde_json::Value::from(title)).is_ok())
}

/// A join file's text, read from a path (bounded: it may come from anyone's USB stick).
fn read_join_file(path: &Path) -> Result<String> {
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
    Ok(text)
}

/// [`preview_join`] of a file.
pub fn preview_join_file(path: &Path, code: &str) -> Result<JoinedStudy> {
    preview_join(&read_join_file(path)?, code)
}

/// [`join`] from a file.
pub fn join_from_file(store: &Store, path: &Path, code: &str) -> Result<JoinedStudy> {
    join(store, &read_join_file(path)?, code)
}
