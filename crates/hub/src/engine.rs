//! The hub's only door into the core's sync engine: keys, vectors, bounded batches, applying
//! a batch all-or-nothing, and what each side learns of the other. On the wire a batch is the
//! bundle's change encoding compressed with zstd (then sealed, see [`crate::seal`]).

use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use terrain_core::sync::{self, bundle, Vector};
use terrain_core::Store;

/// About how much change data a batch carries before compression, well under the hub's body
/// limit even if nothing compresses: long texts make for fewer changes per batch.
pub const MAX_BATCH_BYTES: usize = crate::protocol::MAX_BODY / 2;

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
    sync::joined_studies(store.conn())
}

/// A study's title for people, for sync summaries.
pub fn title(store: &Store, study: &str) -> String {
    sync::known_title(store, study)
}

/// What this store holds of a study and of shared records.
pub fn vector(store: &Store, study: &str) -> terrain_core::Result<Vector> {
    sync::held_vector(store.conn(), study)
}

pub fn missing(store: &Store, study: &str, have: &Vector) -> terrain_core::Result<u64> {
    sync::count_missing(store.conn(), study, have)
}

/// The next batch a peer holding `have` lacks; `have` moves past it.
pub fn export(
    store: &Store,
    study: &str,
    have: &mut Vector,
    max: usize,
) -> terrain_core::Result<Batch> {
    let (changes, more) = sync::next_batch(store.conn(), study, have, max, MAX_BATCH_BYTES)?;
    have.advance(&changes);
    let bytes = bundle::pack(&changes)?;
    Ok(Batch {
        bytes,
        count: changes.len() as u64,
        more,
    })
}

/// Checks every change of a received batch, then applies them in one transaction.
pub fn import(store: &mut Store, study: &str, bytes: &[u8]) -> terrain_core::Result<Imported> {
    import_from(store, study, bytes, &|_| false).map(|(done, _)| done)
}

/// [`import`], leaving out the changes whose origin is `refused` (a device revoked here,
/// whoever relays its changes); returns how many were left out. The sender's other changes
/// still apply, so a teammate who holds a revoked laptop's changes can still sync.
pub fn import_from(
    store: &mut Store,
    study: &str,
    bytes: &[u8],
    refused: &dyn Fn(&str) -> bool,
) -> terrain_core::Result<(Imported, u64)> {
    if bytes.is_empty() {
        return Ok((Imported::default(), 0));
    }
    let mut changes = bundle::unpack(bytes)?;
    let before = changes.len();
    changes.retain(|c| !refused(&c.node));
    let left_out = (before - changes.len()) as u64;
    let o = sync::apply_changes(store, Some(study), &changes)?;
    let done = Imported {
        received: changes.len() as u64,
        applied: o.applied,
        duplicates: o.duplicates,
        conflicts: o.conflicts,
        new_records: o.new_records,
        updated_fields: o.updated_fields,
    };
    Ok((done, left_out))
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
