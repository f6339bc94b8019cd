//! Writing a study's changes into a bundle file: everything, or what one peer lacks.

use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::file::BundleWriter;
use super::header::Header;
use crate::error::Result;
use crate::store::{schema_version, Store};
use crate::sync::authorship::roster_wire;
use crate::sync::batches::weight;
use crate::sync::keys;
use crate::sync::progress::{Phase, Progress};
use crate::sync::settings::DEVICE_LABEL;
use crate::sync::signing::{plan, seal_own, walk, ChangeBatch};
use crate::sync::vector::{held_vector, peer_vector, Vector};

/// Whom a bundle is for.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportTarget {
    /// Everything this laptop holds of the study.
    Full,
    /// Only what this node (a node id) lacks, as last learned from it.
    For(String),
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExportReport {
    pub path: String,
    pub study: String,
    pub changes: u64,
    pub batches: u32,
    pub bytes: u64,
}

/// Changes per batch: large enough to compress well, small enough that a batch's transaction
/// stays short and its memory small.
pub const BATCH_SIZE: usize = 10_000;

/// About how much change data a batch carries before compression (long texts make batches
/// heavy): a batch ends at the change that reaches it, well under what a reader accepts
/// ([`super::codec::MAX_BATCH_PLAIN`]) since one change is at most a few MB.
pub const BATCH_BYTES: usize = 8 << 20;

/// Writes a bundle of `study` to `path`.
pub fn export_bundle(
    store: &Store,
    study: &str,
    target: &ExportTarget,
    path: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport> {
    export_bundle_with(store, study, target, path, BATCH_SIZE, progress)
}

/// [`export_bundle`] with a chosen batch size (tests use small ones).
pub fn export_bundle_with(
    store: &Store,
    study: &str,
    target: &ExportTarget,
    path: &Path,
    batch_size: usize,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport> {
    let batch_size = batch_size.clamp(1, super::codec::MAX_BATCH_CHANGES);
    keys::ensure_study_key(store, study)?;
    let (key_version, key) = keys::current_study_key(store.conn(), study)?.ok_or_else(|| {
        crate::error::Error::Sync(crate::error::SyncError::NotJoined {
            study: study.to_string(),
        })
    })?;
    let signer = keys::device_key(store)?;
    // What this laptop wrote is signed before it leaves.
    seal_own(store)?;
    let conn = store.conn();
    // One read transaction: the header's counts and vectors match the batches exactly.
    let tx = conn.unchecked_transaction()?;
    let held = held_vector(&tx, study)?;
    let base = match target {
        ExportTarget::Full => Vector::new(),
        ExportTarget::For(peer) => peer_vector(&tx, peer, study)?,
    };
    let planned = plan(&tx, study, &base)?;
    // The header (written first) says how many batches follow: cut them once without
    // keeping anything, then write them along the same cuts. A batch ends at a segment's end.
    let (mut count, mut bytes, mut total) = (0usize, 0usize, 0u64);
    let mut cuts = Vec::new();
    walk(&tx, &planned, &mut |c, ends| {
        count += 1;
        total += 1;
        bytes += weight(&c);
        if ends.is_some() && (count >= batch_size || bytes >= BATCH_BYTES) {
            cuts.push(count);
            (count, bytes) = (0, 0);
        }
        Ok(true)
    })?;
    if count > 0 {
        cuts.push(count);
    }
    let batches = u32::try_from(cuts.len())
        .map_err(|_| crate::error::Error::Internal("too many batches".into()))?;
    let header = Header {
        schema_version: schema_version(),
        study: study.to_string(),
        key_check: keys::key_check(&key),
        key_version,
        sender: store.node_id().to_string(),
        sender_label: store.setting(DEVICE_LABEL)?,
        sender_public_key: B64.encode(signer.verifying_key().to_bytes()),
        sender_wall_ms: store.wall_millis(),
        held: held.to_wire(),
        base: base.to_wire(),
        batches,
        changes: total,
        roster: roster_wire(&tx, study)?,
    };
    let mut writer = BundleWriter::create(path, &header, &key)?;
    let mut batch = ChangeBatch::default();
    let mut cut = cuts.iter();
    let mut size = cut.next().copied().unwrap_or(usize::MAX);
    let mut done = 0u64;
    progress(Progress {
        phase: Phase::Writing,
        done,
        total,
    });
    walk(&tx, &planned, &mut |c, ends| {
        batch.changes.push(c);
        if let Some(s) = ends {
            batch.segments.push(s.clone());
            if batch.changes.len() == size {
                writer.write_batch(&batch)?;
                done += batch.changes.len() as u64;
                batch = ChangeBatch::default();
                size = cut.next().copied().unwrap_or(usize::MAX);
                progress(Progress {
                    phase: Phase::Writing,
                    done,
                    total,
                });
            }
        }
        Ok(true)
    })?;
    if !batch.changes.is_empty() {
        // The log changed under the read transaction: never, but never write a lie either.
        return Err(crate::error::Error::Internal(
            "the changes read differ from the changes counted".into(),
        ));
    }
    drop(tx);
    let bytes = writer.finish(&signer)?;
    Ok(ExportReport {
        path: path.display().to_string(),
        study: study.to_string(),
        changes: total,
        batches,
        bytes,
    })
}
