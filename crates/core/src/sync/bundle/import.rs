//! Reading a bundle file: every byte is checked (size, signature, the header's tag with the
//! study key, the header's content, each change) before the first batch is applied, then
//! batches are applied one transaction each, so what a replica holds of each (scope, origin)
//! stays a prefix: a killed import leaves a prefix, and importing the same bundle again
//! completes it. The file is read twice, a batch at a time, never whole: memory stays that of
//! one batch whatever the file.

use std::path::Path;

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use super::codec;
use super::file::{read_signed, SignedBundle};
use super::header::{check_header, check_roster_len};
use crate::changes::log;
use crate::changes::outcome::{Outcome, SyncStart};
use crate::changes::roster_rules::{keep_entries, with_received};
use crate::clock;
use crate::error::{Error, Result, SyncError};
use crate::store::{schema_version, Store};
use crate::sync::authorship::{apply_checked, check_batch, roster_from_wire};
use crate::sync::batches::FutureStamps;
use crate::sync::progress::{Phase, Progress};
use crate::sync::vector::{held_vector, learn_peer_vector, Vector, VectorEntry};
use crate::sync::{devices, key_envelopes, keys};

/// What an import did.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub study: String,
    pub sender: String,
    pub sender_label: Option<String>,
    /// Records this laptop did not have.
    pub new_records: u64,
    /// Fields of known records whose value changed.
    pub updated_fields: u64,
    /// Concurrent edits added to the conflict log.
    pub conflicts: u64,
    /// Changes this laptop already held.
    pub already_known: u64,
    /// Changes newly held.
    pub applied: u64,
    pub batches: u32,
    /// The sender's clock minus ours (ms), as far as the bundle proves it: at least this much
    /// ahead (positive) or behind (negative); 0 when it proves nothing.
    pub clock_offset_ms: i64,
    /// The sender's clock is more than an hour off.
    pub clock_warning: bool,
}

/// Knobs for tests: stop after some batches (a simulated crash), pause between batches.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub stop_after_batches: Option<usize>,
    pub pause_between_batches_ms: u64,
}

/// Imports a bundle file: checks all of it, then applies it batch by batch.
pub fn import_bundle(
    store: &mut Store,
    path: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport> {
    import_bundle_with(store, path, &ImportOptions::default(), progress)
}

/// [`import_bundle`] with test knobs.
pub fn import_bundle_with(
    store: &mut Store,
    path: &Path,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport> {
    let signed = read_signed(path)?;
    // Only the study, the key's version and fingerprint and the roster (signed entries, each
    // checked on its own) are read before the header is authenticated.
    let study = signed.header.study.clone();
    check_roster_len(&signed.header)?;
    let entries = roster_from_wire(&signed.header.roster)?;
    let (roster, keep) = with_received(store.conn(), &study, &entries)?.ok_or_else(|| {
        Error::Sync(SyncError::NotJoined {
            study: study.clone(),
        })
    })?;
    // Study keys the roster's re-keys hand to this laptop: the bundle may be sealed with one.
    let learned = key_envelopes::keys_for_me(store.conn(), &roster, store.device_key())?;
    let key = bundle_key(store.conn(), &signed.header, &learned)?;
    signed.authenticate(&key)?;
    let h = signed.header.clone();
    let supported = schema_version();
    if h.schema_version > supported {
        return Err(Error::Sync(SyncError::NewerSchema {
            found: h.schema_version,
            supported,
        }));
    }
    check_header(&h, store.node_id())?;
    devices::check_sender_key(store.conn(), &h.sender, &h.sender_public_key)?;
    let done_before: bool = store.conn().query_row(
        "SELECT EXISTS(SELECT 1 FROM imported_bundles WHERE digest = ?1)",
        [&signed.digest[..]],
        |r| r.get(0),
    )?;
    if done_before {
        return Err(Error::Sync(SyncError::AlreadyImported));
    }
    let held = held_vector(store.conn(), &h.study)?;
    for e in &h.base {
        if held.get(&e.scope, &e.node) < e.max_seq {
            return Err(Error::Sync(SyncError::Gap));
        }
    }
    // Everything is checked before anything is applied, one batch in memory at a time.
    let n = signed.batch_count();
    let mut count = 0u64;
    // Read once: the store's clock (a meta row) does not move while a bundle is checked.
    let now_ms = store.received_clock_millis();
    // Stamps too far ahead are judged against the repairs of the whole bundle, whichever
    // batch carries them, and those held here.
    let mut future = FutureStamps::default();
    for (i, packed) in signed.batches(&key)?.enumerate() {
        let batch = codec::unpack_owned(packed?)?;
        check_batch(&roster, &h.study, &batch, now_ms, &mut future)?;
        count += batch.changes.len() as u64;
        progress(Progress {
            phase: Phase::Checking,
            done: i as u64 + 1,
            total: n as u64,
        });
    }
    if count != h.changes {
        return Err(Error::Sync(SyncError::Damaged));
    }
    future.refuse_unrepaired(store.conn())?;
    let digest = signed.digest;

    let now = store.wall_millis();
    let ours_seen = newest_of_ours_held_by(store, &h.held)?;
    let offset = bundle_clock_offset(h.sender_wall_ms, now, ours_seen);
    let mut report = ImportReport {
        study: h.study.clone(),
        sender: h.sender.clone(),
        sender_label: h.sender_label.clone(),
        batches: n as u32,
        clock_offset_ms: offset,
        clock_warning: offset.abs() > clock::MAX_DRIFT_MS,
        ..Default::default()
    };
    // The roster entries go in with the first batch: a replica holding any of a bundle's
    // changes holds what proves them, to pass on with them (an import may stop mid-way).
    let keep_roster = |conn: &Connection| {
        keep_entries(conn, &h.study, &keep)?;
        learned
            .iter()
            .try_for_each(|(version, key)| keys::keep_study_key(conn, &h.study, *version, key))
    };
    let finish = |conn: &Connection| -> Result<()> {
        keep_roster(conn)?;
        conn.execute(
            "INSERT OR IGNORE INTO imported_bundles(digest, study, sender, imported_at) VALUES (?1, ?2, ?3, ?4)",
            (&digest[..], &h.study, &h.sender, now),
        )?;
        learn_peer_vector(conn, &h.sender, &Vector::from_wire(&h.held))?;
        devices::record_contact(
            conn,
            &h.sender,
            h.sender_label.as_deref(),
            Some(&h.sender_public_key),
            offset,
            now,
        )
    };
    store.conn.set_prepared_statement_cache_capacity(256);
    // A larger page cache while merging many changes; put back afterwards.
    let cache: i64 = store
        .conn
        .pragma_query_value(None, "cache_size", |r| r.get(0))?;
    store.conn.pragma_update(None, "cache_size", -32_768)?;
    // Batches before the last are committed without waiting for the disk: WAL keeps each one
    // atomic, a power cut can only drop the latest ones, and those are re-applied by importing
    // the bundle again (its "imported" mark goes with the last batch, committed durably, which
    // also makes every earlier batch durable).
    store.conn.pragma_update(None, "synchronous", "NORMAL")?;
    let result = apply_batches(
        store,
        &signed,
        &key,
        opts,
        (&keep_roster, &finish),
        &mut report,
        progress,
    );
    let restored = store
        .conn
        .pragma_update(None, "synchronous", "FULL")
        .and_then(|_| store.conn.pragma_update(None, "cache_size", cache));
    result?;
    restored?;
    Ok(report)
}

/// The study key a bundle is sealed with, among those held here and those just `learned`
/// from its roster. A key older than the newest held is refused (replaced by a re-key: the
/// revoked laptop still has it); a version this laptop was not handed is named as such.
fn bundle_key(
    conn: &Connection,
    h: &super::header::Header,
    learned: &[(u32, keys::StudyKey)],
) -> Result<keys::StudyKey> {
    let newest = keys::current_study_key(conn, &h.study)?;
    let newest_version = newest
        .map_or(0, |(v, _)| v)
        .max(learned.iter().map(|(v, _)| *v).max().unwrap_or(0));
    let found = match keys::study_key_by_check(conn, &h.study, &h.key_check)? {
        Some(held) => Some(held),
        None => learned
            .iter()
            .find(|(_, k)| keys::key_check(k) == h.key_check)
            .copied(),
    };
    match found {
        Some((version, _)) if version < newest_version => {
            Err(Error::Sync(SyncError::KeyReplaced {
                found: version,
                held: newest_version,
            }))
        }
        Some((_, key)) => Ok(key),
        None if newest.is_none() => Err(Error::Sync(SyncError::NotJoined {
            study: h.study.clone(),
        })),
        None if h.key_version > newest_version => Err(Error::Sync(SyncError::KeyWithheld {
            version: h.key_version,
        })),
        None if h.key_version < newest_version && h.key_version > 0 => {
            Err(Error::Sync(SyncError::KeyReplaced {
                found: h.key_version,
                held: newest_version,
            }))
        }
        None => Err(Error::Sync(SyncError::WrongKey {
            study: h.study.clone(),
        })),
    }
}

/// How far a bundle's sender clock is from ours, as far as the bundle proves it. A bundle is
/// written before it is read, possibly days before (it waited on a USB stick), so its wall
/// time says nothing by itself about a clock running behind. It does prove:
/// - ahead: written at a time still in our future, by at least that much;
/// - behind: written at a time before one of our own changes its sender already held (it
///   received it before writing), by at least that much.
///
/// Otherwise 0.
pub fn bundle_clock_offset(sender_wall_ms: i64, now_ms: i64, ours_seen_ms: Option<i64>) -> i64 {
    if sender_wall_ms > now_ms {
        return sender_wall_ms - now_ms;
    }
    match ours_seen_ms {
        Some(t) if sender_wall_ms < t => sender_wall_ms - t,
        _ => 0,
    }
}

/// The time (by our clock) of the newest of our own changes a peer says it holds.
fn newest_of_ours_held_by(store: &Store, held: &[VectorEntry]) -> Result<Option<i64>> {
    let me = store.node_idx();
    let mut newest: Option<i64> = None;
    for e in held.iter().filter(|e| e.node == store.node_id()) {
        if let Some(hlc) = log::hlc_at(store.conn(), &e.scope, me, e.max_seq)? {
            let ms = clock::millis(hlc);
            newest = Some(newest.map_or(ms, |n| n.max(ms)));
        }
    }
    Ok(newest)
}

/// Work done inside a batch's transaction.
type InTx<'a> = &'a dyn Fn(&Connection) -> Result<()>;

fn apply_batches(
    store: &mut Store,
    signed: &SignedBundle,
    key: &keys::StudyKey,
    opts: &ImportOptions,
    (first, finish): (InTx<'_>, InTx<'_>),
    report: &mut ImportReport,
    progress: &mut dyn FnMut(Progress),
) -> Result<()> {
    let n = signed.batch_count();
    if n == 0 {
        store.conn.pragma_update(None, "synchronous", "FULL")?;
        store.write(|w| finish(w.conn()))?;
    }
    let stop = opts.stop_after_batches.unwrap_or(usize::MAX);
    // A record received in one batch is new, not updated, in the next.
    let start = SyncStart::read(&store.conn, &signed.header.study)?;
    for (i, packed) in signed.batches(key)?.enumerate() {
        if i >= stop {
            return Ok(());
        }
        if i > 0 && opts.pause_between_batches_ms > 0 {
            std::thread::sleep(std::time::Duration::from_millis(
                opts.pause_between_batches_ms,
            ));
        }
        // The very bytes checked before (each batch's hash from the first pass says so).
        let batch = codec::unpack_owned(packed?)?;
        let last = i + 1 == n;
        if last {
            store.conn.pragma_update(None, "synchronous", "FULL")?;
        }
        let outcome = store.write(|w| {
            w.count_from(&start);
            if i == 0 {
                first(w.conn())?;
            }
            let o = apply_checked(w, &batch)?;
            if last {
                finish(w.conn())?;
            }
            Ok(o)
        })?;
        crate::changes::erasure::checkpoint_if_erasing(&store.conn, &batch.changes)?;
        add(report, outcome);
        progress(Progress {
            phase: Phase::Applying,
            done: i as u64 + 1,
            total: n as u64,
        });
    }
    Ok(())
}

fn add(report: &mut ImportReport, o: Outcome) {
    report.new_records += o.new_records;
    report.updated_fields += o.updated_fields;
    report.conflicts += o.conflicts;
    report.already_known += o.duplicates;
    report.applied += o.applied;
}
