//! The hub's only door into the core's sync engine: keys, vectors, bounded batches, applying
//! a batch all-or-nothing, and what each side learns of the other. On the wire a batch is the
//! bundle's change encoding compressed with zstd (then sealed, see [`crate::seal`]).

use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use terrain_core::changes::SyncStart;
use terrain_core::sync::{self, bundle, Vector};
use terrain_core::Store;

/// About how much change data a batch carries before compression, well under the hub's body
/// limit even if nothing compresses: long texts make for fewer changes per batch, and a batch
/// goes on to the end of its last segment (about 1 MB more at most).
pub const MAX_BATCH_BYTES: usize = crate::protocol::MAX_BODY / 4;

/// A batch ready to travel.
pub struct Batch {
    pub bytes: Vec<u8>,
    pub count: u64,
    pub more: bool,
}

/// What applying a received batch did.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Imported {
    pub received: u64,
    pub applied: u64,
    pub duplicates: u64,
    pub conflicts: u64,
    pub new_records: u64,
    pub updated_fields: u64,
}

pub fn study_key(store: &Store, study: &str) -> terrain_core::Result<Option<[u8; 32]>> {
    sync::study_key(store.conn(), study)
}

pub fn signing_key(store: &Store) -> terrain_core::Result<SigningKey> {
    sync::device_key(store)
}

pub fn studies(store: &Store) -> terrain_core::Result<Vec<String>> {
    sync::member_studies(store)
}

/// A study's title for people, for sync summaries.
pub fn title(store: &Store, study: &str) -> String {
    sync::known_title(store, study)
}

/// What this store holds of a study and of shared records.
pub fn vector(store: &Store, study: &str) -> terrain_core::Result<Vector> {
    sync::held_vector(store.conn(), study)
}

/// How many changes a peer holding `have` lacks (this store's own, signed first, included).
pub fn missing(store: &Store, study: &str, have: &Vector) -> terrain_core::Result<u64> {
    sync::seal_own(store)?;
    sync::count_missing(store.conn(), study, have)
}

/// The next batch a peer holding `have` lacks; `have` moves past it.
pub fn export(
    store: &Store,
    study: &str,
    have: &mut Vector,
    max: usize,
) -> terrain_core::Result<Batch> {
    // What this store wrote itself (a laptop sharing, or pushing) is signed before it leaves.
    sync::seal_own(store)?;
    let (batch, more) = sync::next_batch(store.conn(), study, have, max, MAX_BATCH_BYTES)?;
    have.advance(&batch.changes);
    let bytes = bundle::pack(&batch)?;
    Ok(Batch {
        bytes,
        count: batch.changes.len() as u64,
        more,
    })
}

/// Checks every change of a received batch, then applies them in one transaction.
pub fn import(store: &mut Store, study: &str, bytes: &[u8]) -> terrain_core::Result<Imported> {
    import_from(store, study, bytes, &|_| false, None).map(|(done, _)| done)
}

/// What this store holds of a study when a sync begins: the batches of the sync count their
/// new records and updated fields against it (see [`import_since`]).
pub fn sync_start(store: &Store, study: &str) -> terrain_core::Result<SyncStart> {
    SyncStart::read(store.conn(), study)
}

/// [`import`], one batch of a sync that began at `start`: a record received in an earlier
/// batch of it is counted new, not updated, whatever the batch size.
pub fn import_since(
    store: &mut Store,
    study: &str,
    bytes: &[u8],
    start: &SyncStart,
) -> terrain_core::Result<Imported> {
    import_from(store, study, bytes, &|_| false, Some(start)).map(|(done, _)| done)
}

/// [`import`], leaving out the changes whose origin is `refused` (a device revoked here,
/// whoever relays its changes); returns how many were left out. The sender's other changes
/// still apply, so a teammate who holds a revoked laptop's changes can still sync.
pub fn import_from(
    store: &mut Store,
    study: &str,
    bytes: &[u8],
    refused: &dyn Fn(&str) -> bool,
    start: Option<&SyncStart>,
) -> terrain_core::Result<(Imported, u64)> {
    if bytes.is_empty() {
        return Ok((Imported::default(), 0));
    }
    let mut batch = bundle::unpack(bytes)?;
    let before = batch.changes.len();
    batch.changes.retain(|c| !refused(&c.node));
    batch.segments.retain(|s| !refused(&s.node));
    let left_out = (before - batch.changes.len()) as u64;
    let o = sync::apply_signed_since(store, study, &batch, start)?;
    let done = Imported {
        received: batch.changes.len() as u64,
        applied: o.applied,
        duplicates: o.duplicates,
        conflicts: o.conflicts,
        new_records: o.new_records,
        updated_fields: o.updated_fields,
    };
    Ok((done, left_out))
}

/// The study's roster entries as they travel.
pub fn roster(store: &Store, study: &str) -> terrain_core::Result<Vec<String>> {
    sync::roster_wire(store.conn(), study)
}

/// Adds the valid ones of a peer's roster entries (and the study keys they hand over); the
/// study's roster as it now stands, when it has one here.
pub fn receive_roster(
    store: &Store,
    study: &str,
    wire: &[String],
) -> terrain_core::Result<Option<terrain_core::changes::Roster>> {
    let entries = sync::roster_from_wire(wire)?;
    sync::receive_entries(store, study, &entries)
}

/// Remembers what a peer holds, so a later bundle for it carries only what it lacks.
pub fn learn(store: &Store, peer: &str, holds: &Vector) -> terrain_core::Result<()> {
    sync::learn_peer_vector(store.conn(), peer, holds)
}

/// Notes that we heard from a device, and how far its clock is from ours (its minus ours),
/// for the devices list and its clock warnings.
pub fn contact(
    store: &Store,
    peer: &str,
    label: Option<&str>,
    public_key: Option<&str>,
    clock_offset_ms: i64,
) -> terrain_core::Result<()> {
    let now = chrono::Utc::now().timestamp_millis();
    sync::record_contact(store.conn(), peer, label, public_key, clock_offset_ms, now)
}
