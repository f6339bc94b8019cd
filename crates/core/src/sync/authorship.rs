//! The roster's use cases (a coordinator grants a role, revokes a device; a new member pins
//! the study's anchor) and the one door through which signed changes are received: checked
//! against the study's roster, then applied with their segments, all or nothing. Bundles and
//! the hub call `apply_signed` once the wire carries segments (docs/design/authorship.md).

use rusqlite::Connection;

use crate::changes::merge::{Change, Outcome};
use crate::changes::roster::{anchor, Entry, EntryKind, PublicKey, SignedEntry};
use crate::changes::roster_rules::{add_entries, Roster};
use crate::changes::signature::{store_segment, verify_received, Segment};
use crate::error::{AuthorshipError, Error, Result, SyncError};
use crate::schema::{Action, Role};
use crate::store::Store;
use crate::sync::batches::validate_change_at;
use crate::sync::vector::held_vector;

/// Pins the founder's key of a study joined from elsewhere (it comes in the join file). A
/// study already pinned to another founder is refused.
pub fn pin_anchor(store: &Store, study: &str, founder: &PublicKey) -> Result<()> {
    match anchor(store.conn(), study)? {
        Some(known) if known == *founder => Ok(()),
        Some(_) => Err(Error::Sync(SyncError::OtherKey {
            study: study.to_string(),
        })),
        None => {
            store.conn().execute(
                "INSERT INTO study_anchors(study, founder) VALUES (?1, ?2)",
                (study, &founder[..]),
            )?;
            Ok(())
        }
    }
}

/// The roster of a study here, None when the study is unmanaged.
pub fn roster(store: &Store, study: &str) -> Result<Option<Roster>> {
    Roster::load(store.conn(), study)
}

/// A new entry signed by this laptop, added to its roster if this laptop may manage it.
fn sign_entry(
    store: &Store,
    study: &str,
    kind: EntryKind,
    subject: PublicKey,
    after: Vec<(String, i64)>,
) -> Result<SignedEntry> {
    let roster = Roster::load(store.conn(), study)?.ok_or_else(|| {
        Error::Sync(SyncError::UnknownStudy {
            study: study.to_string(),
        })
    })?;
    let role = roster
        .current_role(store.node_id(), study)
        .map_err(Error::Authorship)?;
    if !role.may(Action::ManageRoster) {
        return Err(Error::Authorship(AuthorshipError::RoleRefused {
            role,
            action: Action::ManageRoster,
        }));
    }
    let entry = Entry {
        study: study.to_string(),
        kind,
        subject,
        box_key: None,
        after,
        parents: roster.heads(),
        author: store.device_key().verifying_key().to_bytes(),
    };
    let signed = entry.sign(store.device_key())?;
    add_entries(store.conn(), study, std::slice::from_ref(&signed))?;
    Ok(signed)
}

/// Gives `subject` (a device's public key) a role in a study, for its changes above what this
/// laptop holds of it now (all of them for a new member). Coordinators only.
pub fn grant(store: &Store, study: &str, subject: &PublicKey, role: Role) -> Result<SignedEntry> {
    let after = held_of(store.conn(), study, subject)?;
    sign_entry(store, study, EntryKind::Grant(role), *subject, after)
}

/// Revokes a device: its changes above what this laptop holds of it now are refused
/// everywhere, and it signs nothing any more. Coordinators only.
pub fn revoke(store: &Store, study: &str, subject: &PublicKey) -> Result<SignedEntry> {
    let after = held_of(store.conn(), study, subject)?;
    sign_entry(store, study, EntryKind::Revoke, *subject, after)
}

/// Per scope of the study (and '' for shared records), the highest seq held of a key's node.
fn held_of(conn: &Connection, study: &str, subject: &PublicKey) -> Result<Vec<(String, i64)>> {
    let key = ed25519_dalek::VerifyingKey::from_bytes(subject)
        .map_err(|_| Error::Authorship(AuthorshipError::BadRosterEntry("subject key".into())))?;
    let node = crate::store::node_id_of(&key);
    let held = held_vector(conn, study)?;
    let mut after: Vec<(String, i64)> = ["", study]
        .into_iter()
        .map(|scope| (scope.to_string(), held.get(scope, &node)))
        .filter(|(_, seq)| *seq > 0)
        .collect();
    after.sort();
    Ok(after)
}

/// Adds roster entries received with a study's sync (parents first).
pub fn receive_entries(store: &Store, study: &str, entries: &[SignedEntry]) -> Result<()> {
    let tx = store.conn().unchecked_transaction()?;
    add_entries(&tx, study, entries)?;
    tx.commit()?;
    Ok(())
}

/// Checks received changes of `study` (their shape, their authors' signatures, roles and
/// revocations) and applies them with their segments in one transaction, all or nothing.
/// A study without a roster here cannot receive signed changes: join it first.
pub fn apply_signed(
    store: &mut Store,
    study: &str,
    changes: &[Change],
    segments: &[Segment],
) -> Result<Outcome> {
    let wall = store.received_clock_millis();
    for c in changes {
        validate_change_at(c, Some(study), wall).map_err(Error::Sync)?;
    }
    let roster = Roster::load(store.conn(), study)?.ok_or_else(|| {
        Error::Sync(SyncError::NotJoined {
            study: study.to_string(),
        })
    })?;
    verify_received(&roster, changes, segments)?;
    let max_hlc = changes.iter().map(|c| c.hlc).max().unwrap_or(0);
    store.write(|w| {
        let o = w.apply(changes, false)?;
        for s in segments {
            store_segment(w.conn(), s)?;
        }
        w.observe(max_hlc);
        Ok(o)
    })
}
