//! Writing a study's changes into a bundle file: everything, or what one peer lacks.

use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::file::BundleWriter;
use super::header::Header;
use crate::changes::merge::Change;
use crate::error::Result;
use crate::store::{schema_version, Store};
use crate::sync::batches::{count_range, read_range, weight, NodeIndex};
use crate::sync::keys;
use crate::sync::progress::{Phase, Progress};
use crate::sync::settings::DEVICE_LABEL;
use crate::sync::vector::{held_vector, peer_vector, Range, Vector};

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
    let key = keys::ensure_study_key(store, study)?;
    let signer = keys::device_key(store)?;
    let conn = store.conn();
    // One read transaction: the header's counts and vectors match the batches exactly.
    let tx = conn.unchecked_transaction()?;
    let held = held_vector(&tx, study)?;
    let base = match target {
        ExportTarget::Full => Vector::new(),
        ExportTarget::For(peer) => peer_vector(&tx, peer, study)?,
    };
    let plan = held.missing_from(&base);
    let nodes = NodeIndex::load(&tx)?;
    let mut total = 0u64;
    for range in &plan {
        total += count_range(&tx, &nodes, range)?;
    }
    // The header (written first) says how many batches follow: cut them once without
    // keeping anything, then write them along the same cuts.
    let cuts = batch_cuts(&tx, &nodes, &plan, batch_size)?;
    let batches = u32::try_from(cuts.len())
        .map_err(|_| crate::error::Error::Internal("too many batches".into()))?;
    let header = Header {
        schema_version: schema_version(),
        study: study.to_string(),
        key_check: keys::key_check(&key),
        sender: store.node_id().to_string(),
        sender_label: store.setting(DEVICE_LABEL)?,
        sender_public_key: B64.encode(signer.verifying_key().to_bytes()),
        sender_wall_ms: store.wall_millis(),
        held: held.to_wire(),
        base: base.to_wire(),
        batches,
        changes: total,
    };
    let mut writer = BundleWriter::create(path, &header, &key)?;
    let mut buf: Vec<Change> = Vec::new();
    let mut cut = cuts.iter();
    let mut size = cut.next().copied().unwrap_or(usize::MAX);
    let mut done = 0u64;
    progress(Progress {
        phase: Phase::Writing,
        done,
        total,
    });
    for range in &plan {
        read_range(&tx, &nodes, range, usize::MAX, &mut |c| {
            buf.push(c);
            if buf.len() == size {
                writer.write_batch(&buf)?;
                done += buf.len() as u64;
                buf.clear();
                size = cut.next().copied().unwrap_or(usize::MAX);
                progress(Progress {
                    phase: Phase::Writing,
                    done,
                    total,
                });
            }
            Ok(true)
        })?;
    }
    if !buf.is_empty() {
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

/// How many changes each batch takes: at most `batch_size`, and a batch ends at the change
/// that brings it to [`BATCH_BYTES`].
fn batch_cuts(
    conn: &rusqlite::Connection,
    nodes: &NodeIndex,
    plan: &[Range],
    batch_size: usize,
) -> Result<Vec<usize>> {
    let mut cuts = Vec::new();
    let (mut count, mut bytes) = (0usize, 0usize);
    for range in plan {
        read_range(conn, nodes, range, usize::MAX, &mut |c| {
            count += 1;
            bytes += weight(&c);
            if count == batch_size || bytes >= BATCH_BYTES {
                cuts.push(count);
                (count, bytes) = (0, 0);
            }
            Ok(true)
        })?;
    }
    if count > 0 {
        cuts.push(count);
    }
    Ok(cuts)
}
