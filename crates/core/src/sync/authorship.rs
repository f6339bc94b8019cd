//! The roster's use cases (a coordinator grants a role, revokes a device; a new member pins
//! the study's anchor) and the one door through which signed changes are received: checked
//! against the study's roster, then applied with their segments, all or nothing. Bundles and
//! the hub call `apply_signed` once the wire carries segments (docs/design/authorship.md).

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::SigningKey;
use rand::rngs::OsRng;
use rusqlite::Connection;

use crate::changes::outcome::{Outcome, SyncStart};
use crate::changes::roster::{
    anchor, stored_entries, Entry, EntryKind, Envelope, PublicKey, SignedEntry,
};
use crate::changes::roster_rules::{add_entries, keep_entries, with_received, Roster};
use crate::changes::signature::{store_segment, verify_received};
use crate::changes::write::Writer;
use crate::error::{AuthorshipError, Error, Result, SyncError};
use crate::schema::{Action, Role};
use crate::store::Store;
use crate::sync::batches::{check_received, FutureStamps};
use crate::sync::key_envelopes;
use crate::sync::keys::keep_study_key;
use crate::sync::signing::ChangeBatch;
use crate::sync::vector::held_vector;

/// Pins the founder's key of a study joined from elsewhere (it comes in the join file). A
/// study already pinned to another founder is refused.
pub fn pin_anchor(store: &Store, study: &str, founder: &PublicKey) -> Result<()> {
    pin_anchor_in(store.conn(), study, founder)
}

/// [`pin_anchor`] in the caller's transaction.
fn pin_anchor_in(conn: &Connection, study: &str, founder: &PublicKey) -> Result<()> {
    match anchor(conn, study)? {
        Some(known) if known == *founder => Ok(()),
        Some(_) => Err(Error::Sync(SyncError::OtherKey {
            study: study.to_string(),
        })),
        None => {
            conn.execute(
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
    sign_entry_with(store, study, kind, subject, after, Vec::new())
}

/// [`sign_entry`] with envelopes (a re-key).
pub(crate) fn sign_entry_with(
    store: &Store,
    study: &str,
    kind: EntryKind,
    subject: PublicKey,
    after: Vec<(String, i64)>,
    envelopes: Vec<Envelope>,
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
        envelopes,
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

/// Makes a one-time invitation key for a study: the roster says it may bring in one laptop
/// with `role`. Coordinators only. The key goes into a join file (`invite`).
pub fn make_invitation(store: &Store, study: &str, role: Role) -> Result<SigningKey> {
    let key = SigningKey::generate(&mut OsRng);
    sign_entry(
        store,
        study,
        EntryKind::Invite(role),
        key.verifying_key().to_bytes(),
        Vec::new(),
    )?;
    Ok(key)
}

/// Joins a study's roster with an invitation from its join file: pins the founder, keeps the
/// file's valid entries, then signs with the invitation key the grant of its role to this
/// laptop. All or nothing; joining again once a member changes nothing.
pub(crate) fn claim_invitation(
    store: &Store,
    study: &str,
    founder: &PublicKey,
    entries: &[SignedEntry],
    invitation: &SigningKey,
    role: Role,
) -> Result<()> {
    let tx = store.conn().unchecked_transaction()?;
    pin_anchor_in(&tx, study, founder)?;
    let (roster, keep) = with_received(&tx, study, entries)?
        .ok_or_else(|| Error::Internal("the anchor was just pinned".into()))?;
    keep_entries(&tx, study, &keep)?;
    if roster.current_role(store.node_id(), study).is_err() {
        let claim = Entry {
            study: study.to_string(),
            kind: EntryKind::Grant(role),
            subject: store.device_key().verifying_key().to_bytes(),
            box_key: None,
            envelopes: Vec::new(),
            after: Vec::new(),
            parents: roster.heads(),
            author: invitation.verifying_key().to_bytes(),
        }
        .sign(invitation)?;
        let (_, keep) = with_received(&tx, study, std::slice::from_ref(&claim))?
            .ok_or_else(|| Error::Internal("the anchor was just pinned".into()))?;
        if keep.is_empty() {
            return Err(Error::Authorship(AuthorshipError::InvitationUnusable));
        }
        keep_entries(&tx, study, &keep)?;
    }
    tx.commit()?;
    Ok(())
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

/// A study's roster entries as they travel (bundle headers, the hub's roster exchange): base64 of
/// each entry's body then signature.
pub fn roster_wire(conn: &Connection, study: &str) -> Result<Vec<String>> {
    Ok(stored_entries(conn, study)?
        .iter()
        .map(|e| B64.encode(e.to_bytes()))
        .collect())
}

/// Reads roster entries as they travel (not yet judged: see `with_received`).
pub fn roster_from_wire(wire: &[String]) -> Result<Vec<SignedEntry>> {
    wire.iter()
        .map(|text| {
            let bytes = B64
                .decode(text.as_bytes())
                .map_err(|_| Error::Authorship(AuthorshipError::BadRosterEntry("base64".into())))?;
            SignedEntry::from_bytes(&bytes)
        })
        .collect()
}

/// Adds the valid ones of roster entries received with a study's sync, and the study keys
/// they hand to this laptop (a re-key); returns the roster as it now stands (None: the study
/// is not joined here).
pub fn receive_entries(
    store: &Store,
    study: &str,
    entries: &[SignedEntry],
) -> Result<Option<Roster>> {
    let Some((roster, keep)) = with_received(store.conn(), study, entries)? else {
        return Ok(None);
    };
    let tx = store.conn().unchecked_transaction()?;
    keep_entries(&tx, study, &keep)?;
    for (version, key) in key_envelopes::keys_for_me(&tx, &roster, store.device_key())? {
        keep_study_key(&tx, study, version, &key)?;
    }
    tx.commit()?;
    Ok(Some(roster))
}

/// Checks a received batch of `study` before anything of it is applied: each change's shape
/// and value (`check_received`, by the receiver's clock `wall_ms`; stamps too far ahead are
/// noted in `future`, to be judged against the repairs of the whole import), then its
/// author's signature, membership and role at that change (`verify_received`).
pub fn check_batch(
    roster: &Roster,
    study: &str,
    batch: &ChangeBatch,
    wall_ms: i64,
    future: &mut FutureStamps,
) -> Result<()> {
    for c in &batch.changes {
        check_received(c, Some(study), wall_ms, future).map_err(Error::Sync)?;
    }
    verify_received(roster, &batch.changes, &batch.segments)
}

/// Applies a batch already checked (`check_batch`) with its segments, in the writer's
/// transaction: relays keep the origin's proof to pass it on.
pub(crate) fn apply_checked(w: &mut Writer<'_>, batch: &ChangeBatch) -> Result<Outcome> {
    let o = w.apply(&batch.changes, false)?;
    for s in &batch.segments {
        store_segment(w.conn(), s)?;
    }
    if let Some(max_hlc) = batch.changes.iter().map(|c| c.hlc).max() {
        w.observe(max_hlc);
    }
    Ok(o)
}

/// Checks a received batch of `study` against its roster here and applies it with its
/// segments in one transaction, all or nothing. A study without a roster here cannot receive
/// changes: join it first.
pub fn apply_signed(store: &mut Store, study: &str, batch: &ChangeBatch) -> Result<Outcome> {
    apply_signed_since(store, study, batch, None)
}

/// [`apply_signed`], one batch of a sync that began when this store held `start`: the
/// outcome counts a record received in an earlier batch of it as new, not updated.
pub fn apply_signed_since(
    store: &mut Store,
    study: &str,
    batch: &ChangeBatch,
    start: Option<&SyncStart>,
) -> Result<Outcome> {
    let roster = Roster::load(store.conn(), study)?.ok_or_else(|| {
        Error::Sync(SyncError::NotJoined {
            study: study.to_string(),
        })
    })?;
    // A hub batch is judged against the repairs it carries and those held: an honest sender
    // sends a repair before the change it repairs (`sync::signing::plan`).
    let mut future = FutureStamps::default();
    check_batch(
        &roster,
        study,
        batch,
        store.received_clock_millis(),
        &mut future,
    )?;
    future.refuse_unrepaired(store.conn())?;
    let outcome = store.write(|w| {
        if let Some(start) = start {
            w.count_from(start);
        }
        apply_checked(w, batch)
    })?;
    crate::changes::erasure::checkpoint_if_erasing(store.conn(), &batch.changes)?;
    Ok(outcome)
}
