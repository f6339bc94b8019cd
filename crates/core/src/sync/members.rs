//! A study's members as screens and the CLI show them, and what this laptop's role lets it do
//! there: the app hides what the role cannot do, the CLI and the app change roles by node id.
//! The roster decides (docs/design/authorship.md, section 2); this module only reads it, and
//! refuses a role change the roster would ignore instead of storing it for nothing.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::changes::roster::PublicKey;
use crate::changes::roster::{EntryKind, MAX_ENVELOPES};
use crate::changes::roster_rules::{Member, Roster};
use crate::error::SyncError;
use crate::error::{AuthorshipError, Error, Result};
use crate::schema::{Action, Role};
use crate::store::Store;
use crate::sync::authorship::sign_entry_with;
use crate::sync::authorship::{grant, revoke, roster};
use crate::sync::devices::list_devices;
use crate::sync::key_envelopes::{commitment, seal_to};
use crate::sync::keys::{current_study_key, keep_study_key, KEY_LEN};
use crate::sync::settings::device_label;
use ed25519_dalek::VerifyingKey;
use rand::rngs::OsRng;
use rand::RngCore;

/// What this laptop may do in one study: what the app shows or hides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StudyAccess {
    /// False for a study made before rosters (or joined by an old join file): everything is
    /// allowed there, as before.
    pub managed: bool,
    /// This laptop's role; None when unmanaged, not a member, or revoked.
    pub role: Option<Role>,
    /// Create, edit, delete and restore records (sessions, participants, places...).
    pub may_edit_records: bool,
    pub may_resolve_conflicts: bool,
    /// Erase a participant's personal values (supervisors and coordinators).
    pub may_erase_people: bool,
    /// Edit the study's own record (title, dates, status).
    pub may_manage_study: bool,
    /// Invite, change roles, revoke, replace the study key.
    pub may_manage_members: bool,
    /// Mark free text reviewed for anonymised exports (supervisors and coordinators).
    pub may_review_text: bool,
    /// The version of the study key this laptop seals with (1, then one more per re-key; 0
    /// when it holds none).
    pub key_version: u32,
}

/// A member of a study as the members list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MemberView {
    pub node_id: String,
    /// A short fingerprint of its device key, to read out over the phone.
    pub fingerprint: String,
    /// The device's name, when this laptop knows it.
    pub label: Option<String>,
    /// None once revoked.
    pub role: Option<Role>,
    /// This laptop.
    pub is_self: bool,
}

/// What this laptop may do in `study`.
pub fn study_access(store: &Store, study: &str) -> Result<StudyAccess> {
    let key_version = current_study_key(store.conn(), study)?.map_or(0, |(v, _)| v);
    let Some(roster) = roster(store, study)? else {
        return Ok(StudyAccess {
            managed: false,
            role: None,
            may_edit_records: true,
            may_resolve_conflicts: true,
            may_erase_people: true,
            may_manage_study: true,
            may_manage_members: true,
            may_review_text: true,
            key_version,
        });
    };
    let role = roster.current_role(store.node_id(), study).ok();
    let may = |action| role.is_some_and(|r| r.may(action));
    Ok(StudyAccess {
        managed: true,
        role,
        may_edit_records: may(Action::EditRecords),
        may_resolve_conflicts: may(Action::ResolveConflicts),
        may_erase_people: may(Action::ErasePeople),
        may_manage_study: may(Action::ManageStudy),
        may_manage_members: may(Action::ManageRoster),
        may_review_text: may(Action::ReviewText),
        key_version,
    })
}

/// The members of `study`, this laptop first, then by label and node id; empty when the
/// study is unmanaged.
pub fn members(store: &Store, study: &str) -> Result<Vec<MemberView>> {
    let Some(roster) = roster(store, study)? else {
        return Ok(Vec::new());
    };
    let mut labels: BTreeMap<String, String> = list_devices(store)?
        .into_iter()
        .filter_map(|d| d.label.map(|l| (d.node_id, l)))
        .collect();
    if let Some(mine) = device_label(store)? {
        labels.insert(store.node_id().to_string(), mine);
    }
    let mut out: Vec<MemberView> = roster
        .members()
        .into_iter()
        .map(|m| MemberView {
            fingerprint: key_fingerprint(&m.key),
            label: labels.get(&m.node_id).cloned(),
            role: m.role,
            is_self: m.node_id == store.node_id(),
            node_id: m.node_id,
        })
        .collect();
    out.sort_by(|a, b| {
        (!a.is_self, a.label.is_none(), &a.label, &a.node_id).cmp(&(
            !b.is_self,
            b.label.is_none(),
            &b.label,
            &b.node_id,
        ))
    });
    Ok(out)
}

/// A public key as a person reads it out: the first 8 bytes of its SHA-256, in groups of four
/// hex digits ("3f2a 9c01 77be 0d45").
pub fn key_fingerprint(key: &PublicKey) -> String {
    let digest = Sha256::digest(key);
    digest[..8]
        .chunks(2)
        .map(|pair| format!("{:02x}{:02x}", pair[0], pair[1]))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The member of `study` whose node id is `node`, or starts with it (a prefix naming exactly
/// one member, as typed on the command line).
pub fn find_member(store: &Store, study: &str, node: &str) -> Result<Member> {
    let node = node.trim();
    let unknown = || {
        Error::Authorship(AuthorshipError::UnknownMember {
            node: node.to_string(),
        })
    };
    let roster = roster(store, study)?.ok_or_else(unknown)?;
    if node.is_empty() {
        return Err(unknown());
    }
    let all = roster.members();
    if let Some(exact) = all.iter().find(|m| m.node_id == node) {
        return Ok(exact.clone());
    }
    let mut found = all.into_iter().filter(|m| m.node_id.starts_with(node));
    match (found.next(), found.next()) {
        (Some(one), None) => Ok(one),
        (None, _) => Err(unknown()),
        (Some(_), Some(_)) => Err(Error::Authorship(AuthorshipError::AmbiguousMember {
            prefix: node.to_string(),
        })),
    }
}

/// Gives the member `node` (a node id or its unique prefix) `role` from its next change.
/// Coordinators only; a change the roster would ignore (a revoked device stays revoked) is
/// refused and nothing is stored.
pub fn grant_member(store: &Store, study: &str, node: &str, role: Role) -> Result<MemberView> {
    let member = find_member(store, study, node)?;
    change_member(store, study, &member, Some(role), |s| {
        grant(s, study, &member.key, role).map(drop)
    })
}

/// Revokes the member `node` (a node id or its unique prefix): its later changes are refused
/// everywhere. Coordinators only; revoking oneself, the founder or a more senior coordinator
/// is refused (the roster would not count it) and nothing is stored.
pub fn revoke_member(store: &Store, study: &str, node: &str) -> Result<MemberView> {
    let member = find_member(store, study, node)?;
    // The study key is replaced with the revocation: the revoked laptop keeps the old one.
    change_member(store, study, &member, None, |s| {
        revoke(s, study, &member.key)?;
        rekey_in(s, study).map(drop)
    })
}

/// Signs a roster entry in a transaction kept only when the roster then gives `member` the
/// role wanted (None: revoked).
fn change_member(
    store: &Store,
    study: &str,
    member: &Member,
    wanted: Option<Role>,
    sign: impl FnOnce(&Store) -> Result<()>,
) -> Result<MemberView> {
    let unchanged = || {
        Error::Authorship(AuthorshipError::MemberUnchanged {
            node: member.node_id.clone(),
        })
    };
    let tx = store.conn().unchecked_transaction()?;
    match sign(store) {
        // The roster refused to count the entry this laptop just signed (a revocation of
        // someone senior): say why in the person's terms.
        Err(Error::Authorship(AuthorshipError::BadRosterEntry(_))) => return Err(unchanged()),
        other => other?,
    }
    let now = roster(store, study)?.map(|r: Roster| r.current_role(&member.node_id, study).ok());
    if now != Some(wanted) {
        return Err(unchanged());
    }
    tx.commit()?;
    members(store, study)?
        .into_iter()
        .find(|m| m.node_id == member.node_id)
        .ok_or_else(|| Error::Internal("a member changed is no longer listed".into()))
}

/// Replaces a study's key: a new random key, one version above any this laptop knows of,
/// sealed to every device the roster counts as a member now (this one included) in a signed
/// re-key entry, and kept here. Coordinators only. In the caller's transaction if there is
/// one; returns the new version.
pub fn rekey(store: &Store, study: &str) -> Result<u32> {
    let tx = store.conn().unchecked_transaction()?;
    let version = rekey_in(store, study)?;
    tx.commit()?;
    Ok(version)
}

/// [`rekey`] inside a transaction the caller holds (revoking a member re-keys with it).
pub(crate) fn rekey_in(store: &Store, study: &str) -> Result<u32> {
    let roster = Roster::load(store.conn(), study)?.ok_or_else(|| {
        Error::Sync(SyncError::NotJoined {
            study: study.to_string(),
        })
    })?;
    let held = current_study_key(store.conn(), study)?.map_or(0, |(v, _)| v);
    let announced = roster.rekeys().first().map_or(0, |e| match e.kind {
        EntryKind::Rekey(v) => v,
        _ => 0,
    });
    let version = held.max(announced).max(1) + 1;
    // Current members, and laptops that joined with an invitation whose claim has not reached
    // this one yet (they hold its key: see `keep_invitation`).
    let members: Vec<VerifyingKey> = roster
        .members()
        .into_iter()
        .filter(|m| m.role.is_some())
        .map(|m| m.key)
        .chain(roster.unclaimed_invitations())
        .filter_map(|k| VerifyingKey::from_bytes(&k).ok())
        .collect();
    if members.len() > MAX_ENVELOPES {
        return Err(Error::Sync(SyncError::TooManyMembers {
            limit: MAX_ENVELOPES,
        }));
    }
    let mut key = [0u8; KEY_LEN];
    OsRng.fill_bytes(&mut key);
    let envelopes = members
        .iter()
        .map(|m| seal_to(m, study, version, &key))
        .collect::<Result<Vec<_>>>()?;
    sign_entry_with(
        store,
        study,
        EntryKind::Rekey(version),
        commitment(study, version, &key),
        Vec::new(),
        envelopes,
    )?;
    keep_study_key(store.conn(), study, version, &key)?;
    Ok(version)
}
