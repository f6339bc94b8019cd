//! Sync by bundle: export what a peer lacks of a study, import what a peer sent.
//!
//! What is held of a study is described per (scope, origin node) by the highest seq held,
//! where the scope is the study or '' for shared records (carried by every study's sync).
//! Exports send each node's changes of a scope above what the peer is known to hold, in seq
//! order, and imports apply them batch by batch, each batch in one transaction: so what a
//! replica holds of each (scope, node) is always a prefix, a killed import leaves a prefix,
//! and importing the same bundle again completes it.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::bundle::{self, BundleWriter, Header, VectorEntry};
use crate::error::{Error, Result};
use crate::merge::{Change, Outcome, Stamp};
use crate::schema::{Entity, Kind};
use crate::store::{self, Store};
use crate::{changelog, clock, devices, keys, Lang};

/// Why a sync operation was refused. Every refusal changes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncError {
    NotABundle,
    UnknownFormat {
        found: i64,
        supported: i64,
    },
    NewerSchema {
        found: i64,
        supported: i64,
    },
    Truncated,
    Damaged,
    NotJoined {
        study: String,
    },
    WrongKey {
        study: String,
    },
    Malformed(String),
    /// The bundle assumes changes this laptop does not hold (made for another laptop).
    Gap,
    AlreadyImported,
    KeyChanged {
        node: String,
    },
    UnknownStudy {
        study: String,
    },
    BadJoinFile,
    OtherKey {
        study: String,
    },
    UnknownConflict {
        id: String,
    },
    NotAConflictValue {
        id: String,
    },
}

impl SyncError {
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::NotABundle => "not_a_bundle",
            SyncError::UnknownFormat { .. } => "unknown_format",
            SyncError::NewerSchema { .. } => "bundle_newer_schema",
            SyncError::Truncated => "truncated",
            SyncError::Damaged => "damaged",
            SyncError::NotJoined { .. } => "not_joined",
            SyncError::WrongKey { .. } => "wrong_key",
            SyncError::Malformed(_) => "malformed",
            SyncError::Gap => "gap",
            SyncError::AlreadyImported => "already_imported",
            SyncError::KeyChanged { .. } => "device_key_changed",
            SyncError::UnknownStudy { .. } => "unknown_study",
            SyncError::BadJoinFile => "bad_join_file",
            SyncError::OtherKey { .. } => "other_key",
            SyncError::UnknownConflict { .. } => "unknown_conflict",
            SyncError::NotAConflictValue { .. } => "not_a_conflict_value",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match self {
            SyncError::NotABundle if fr => "Ce fichier n'est pas un paquet Terrain.".into(),
            SyncError::NotABundle => "This file is not a Terrain bundle.".into(),
            SyncError::UnknownFormat { found, supported } if fr => format!(
                "Ce paquet a un format inconnu (version {found}, cette version de Terrain lit la version {supported}) : mettez Terrain à jour."
            ),
            SyncError::UnknownFormat { found, supported } => format!(
                "This bundle has an unknown format (version {found}, this version of Terrain reads version {supported}): update Terrain."
            ),
            SyncError::NewerSchema { found, supported } if fr => format!(
                "Ce paquet vient d'une version plus récente de Terrain (schéma {found}, cette version connaît {supported}) : mettez Terrain à jour."
            ),
            SyncError::NewerSchema { found, supported } => format!(
                "This bundle comes from a newer version of Terrain (schema {found}, this version knows {supported}): update Terrain."
            ),
            SyncError::Truncated if fr => "Ce paquet est incomplet (fichier tronqué) : copiez-le à nouveau.".into(),
            SyncError::Truncated => "This bundle is incomplete (truncated file): copy it again.".into(),
            SyncError::Damaged if fr => "Ce paquet est endommagé ou a été modifié : il est refusé.".into(),
            SyncError::Damaged => "This bundle is damaged or was altered: it is refused.".into(),
            SyncError::NotJoined { study } if fr => format!(
                "Cet ordinateur n'a pas rejoint l'étude {study} : importez d'abord son fichier d'invitation (terrain study join)."
            ),
            SyncError::NotJoined { study } => format!(
                "This laptop has not joined study {study}: import its join file first (terrain study join)."
            ),
            SyncError::WrongKey { study } if fr => format!(
                "Ce paquet est chiffré avec une autre clé que celle de l'étude {study} sur cet ordinateur."
            ),
            SyncError::WrongKey { study } => format!(
                "This bundle is encrypted with another key than this laptop's key for study {study}."
            ),
            SyncError::Malformed(why) if fr => format!("Ce paquet contient une modification invalide ({why})."),
            SyncError::Malformed(why) => format!("This bundle contains an invalid change ({why})."),
            SyncError::Gap if fr => "Ce paquet suppose des données que cet ordinateur n'a pas : demandez un paquet complet (--full).".into(),
            SyncError::Gap => "This bundle assumes data this laptop does not hold: ask for a full bundle (--full).".into(),
            SyncError::AlreadyImported if fr => "Ce paquet a déjà été importé.".into(),
            SyncError::AlreadyImported => "This bundle was already imported.".into(),
            SyncError::KeyChanged { node } if fr => format!(
                "L'appareil {node} signe avec une autre clé que celle connue : paquet refusé."
            ),
            SyncError::KeyChanged { node } => format!(
                "Device {node} signs with another key than the one known here: bundle refused."
            ),
            SyncError::UnknownStudy { study } if fr => format!("Aucune étude {study} sur cet ordinateur."),
            SyncError::UnknownStudy { study } => format!("There is no study {study} on this laptop."),
            SyncError::BadJoinFile if fr => "Ce fichier n'est pas un fichier d'invitation Terrain valide.".into(),
            SyncError::BadJoinFile => "This file is not a valid Terrain join file.".into(),
            SyncError::OtherKey { study } if fr => format!(
                "Cet ordinateur a déjà une autre clé pour l'étude {study}."
            ),
            SyncError::OtherKey { study } => format!("This laptop already holds another key for study {study}."),
            SyncError::UnknownConflict { id } if fr => format!("Aucun conflit avec l'identifiant {id}."),
            SyncError::UnknownConflict { id } => format!("There is no conflict with id {id}."),
            SyncError::NotAConflictValue { id } if fr => {
                format!("La valeur {id} n'est pas l'une des valeurs de ce conflit.")
            }
            SyncError::NotAConflictValue { id } => format!("Value {id} is not one of this conflict's values."),
        }
    }
}

fn refused(e: SyncError) -> Error {
    Error::Sync(e)
}

/// (scope, origin node id) → highest seq. Scope '' is shared records.
pub type Vector = BTreeMap<(String, String), i64>;

/// What this replica holds of a study (and of shared records).
pub fn held_vector(conn: &Connection, study: &str) -> Result<Vector> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.scope, n.node_id, v.max_seq FROM scope_vector v JOIN nodes n ON n.idx = v.node
          WHERE v.scope = ?1 OR v.scope = ''",
    )?;
    let rows = stmt.query_map([study], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vector>>()?)
}

/// What a peer holds of a study, as last learned from it.
pub fn peer_vector(conn: &Connection, peer: &str, study: &str) -> Result<Vector> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.scope, n.node_id, v.max_seq FROM peer_vector v JOIN nodes n ON n.idx = v.node
          WHERE v.peer = ?1 AND (v.scope = ?2 OR v.scope = '')",
    )?;
    let rows = stmt.query_map([peer, study], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vector>>()?)
}

/// Remembers that `peer` holds at least `held` (from its bundle or a sync).
pub fn learn_peer_vector(conn: &Connection, peer: &str, held: &Vector) -> Result<()> {
    for ((scope, node), seq) in held {
        let idx = store::node_idx(conn, node)?;
        conn.prepare_cached(
            "INSERT INTO peer_vector(peer, scope, node, max_seq) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(peer, scope, node) DO UPDATE SET max_seq = max(max_seq, excluded.max_seq)",
        )?
        .execute((peer, scope, idx, seq))?;
    }
    Ok(())
}

fn to_entries(v: &Vector) -> Vec<VectorEntry> {
    v.iter()
        .map(|((scope, node), max_seq)| VectorEntry {
            scope: scope.clone(),
            node: node.clone(),
            max_seq: *max_seq,
        })
        .collect()
}

fn from_entries(v: &[VectorEntry]) -> Vector {
    v.iter()
        .map(|e| ((e.scope.clone(), e.node.clone()), e.max_seq))
        .collect()
}

/// Long work reports where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Phase {
    /// Reading the study's changes and writing the bundle.
    Writing,
    /// Checking the bundle (signature, decryption, every change) before applying anything.
    Checking,
    /// Applying batches.
    Applying,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Progress {
    pub phase: Phase,
    pub done: u64,
    pub total: u64,
}

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

/// The ranges a bundle carries: (scope, node handle, node id, above seq, up to seq).
type Plan = Vec<(String, i64, String, i64, i64)>;

fn plan(conn: &Connection, held: &Vector, base: &Vector) -> Result<Plan> {
    let mut out = Vec::new();
    for ((scope, node), max) in held {
        let from = base
            .get(&(scope.clone(), node.clone()))
            .copied()
            .unwrap_or(0);
        if *max > from {
            out.push((
                scope.clone(),
                store::node_idx(conn, node)?,
                node.clone(),
                from,
                *max,
            ));
        }
    }
    Ok(out)
}

/// Node handles → node ids, for the prev stamps of changes read from the log.
pub(crate) fn node_names(conn: &Connection) -> Result<HashMap<i64, String>> {
    let mut stmt = conn.prepare_cached("SELECT idx, node_id FROM nodes")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Reads a planned range of one node's changes in seq order, at most `limit`; `each` says
/// whether to go on.
pub(crate) fn read_range(
    conn: &Connection,
    names: &HashMap<i64, String>,
    (scope, idx, node, from, to): &(String, i64, String, i64, i64),
    limit: usize,
    each: &mut dyn FnMut(Change) -> Result<bool>,
) -> Result<()> {
    changelog::read_range(conn, scope, *idx, *from, *to, limit, &mut |item| {
        let e = item.entry;
        let prev = match (e.prev_hlc, e.prev_node) {
            (Some(hlc), Some(n)) => Some(Stamp {
                hlc,
                node: names
                    .get(&n)
                    .cloned()
                    .ok_or_else(|| Error::Refused(format!("unknown node handle {n}")))?,
            }),
            _ => None,
        };
        each(Change {
            node: node.clone(),
            seq: item.seq,
            study: item.study.clone(),
            entity: item.entity,
            row_id: item.row_id.to_string(),
            field: e.field,
            value: e.value,
            hlc: e.hlc,
            prev,
        })
    })
}

pub(crate) fn count_range(conn: &Connection, p: &(String, i64, String, i64, i64)) -> Result<u64> {
    let (scope, idx, _, from, to) = p;
    changelog::count_range(conn, scope, *idx, *from, *to)
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
    let batch_size = batch_size.max(1);
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
    let plan = plan(&tx, &held, &base)?;
    let mut total = 0u64;
    for p in &plan {
        total += count_range(&tx, p)?;
    }
    let batches = total.div_ceil(batch_size as u64) as u32;
    let header = Header {
        schema_version: store::schema_version(),
        study: study.to_string(),
        key_check: keys::key_check(&key),
        sender: store.node_id().to_string(),
        sender_label: store.setting("device_label")?,
        sender_public_key: B64.encode(signer.verifying_key().to_bytes()),
        sender_wall_ms: clock::wall_millis(store.clock_offset_ms),
        held: to_entries(&held),
        base: to_entries(&base),
        batches,
        changes: total,
    };
    let mut writer = BundleWriter::create(path, &header, &key)?;
    let mut buf: Vec<Change> = Vec::with_capacity(batch_size.min(total as usize));
    let mut done = 0u64;
    progress(Progress {
        phase: Phase::Writing,
        done,
        total,
    });
    let names = node_names(&tx)?;
    for p in &plan {
        read_range(&tx, &names, p, usize::MAX, &mut |c| {
            buf.push(c);
            if buf.len() == batch_size {
                writer.write_batch(&buf)?;
                done += buf.len() as u64;
                buf.clear();
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
        writer.write_batch(&buf)?;
        done += buf.len() as u64;
        progress(Progress {
            phase: Phase::Writing,
            done,
            total,
        });
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

/// Checks a change against the schema and the bundle's study before anything is applied.
pub fn validate_change(c: &Change, study: Option<&str>) -> std::result::Result<(), String> {
    let Some(def) = c.entity.field(&c.field) else {
        return Err(format!("unknown field {}.{}", c.entity, c.field));
    };
    if let Some(cs) = c.study.as_deref() {
        if study.is_some_and(|s| s != cs) {
            return Err(format!("a change of another study ({cs})"));
        }
        // '' is the shared scope's name in vectors: a study id must be a real id.
        if uuid::Uuid::parse_str(cs).is_err() {
            return Err(format!("bad study id {cs:?}"));
        }
    }
    if c.seq < 1 || c.hlc < 0 {
        return Err(format!(
            "bad sequence or clock in change {}/{}",
            c.node, c.seq
        ));
    }
    if uuid::Uuid::parse_str(&c.node).is_err() || uuid::Uuid::parse_str(&c.row_id).is_err() {
        return Err(format!("bad id in change {}/{}", c.node, c.seq));
    }
    if let Some(p) = &c.prev {
        if p.hlc >= c.hlc || uuid::Uuid::parse_str(&p.node).is_err() {
            return Err(format!(
                "change {}/{} is older than the value it replaces",
                c.node, c.seq
            ));
        }
    }
    let fits = match (def.kind, &c.value) {
        (_, SqlValue::Null) => c.field != crate::schema::DELETED,
        (Kind::Bool, SqlValue::Integer(i)) => *i == 0 || *i == 1,
        (Kind::Int { .. }, SqlValue::Integer(_)) => true,
        (
            Kind::Text { .. }
            | Kind::Date
            | Kind::Choice(_)
            | Kind::Ref(_)
            | Kind::Codes
            | Kind::Names,
            SqlValue::Text(_),
        ) => true,
        _ => false,
    };
    if !fits {
        return Err(format!(
            "value of the wrong kind for {}.{}",
            c.entity, c.field
        ));
    }
    Ok(())
}

/// [`import_bundle`] with test knobs.
pub fn import_bundle_with(
    store: &mut Store,
    path: &Path,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport> {
    let signed = bundle::read_signed(path)?;
    let h = signed.header.clone();
    let supported = store::schema_version();
    if h.schema_version > supported {
        return Err(refused(SyncError::NewerSchema {
            found: h.schema_version,
            supported,
        }));
    }
    let key = keys::study_key(store.conn(), &h.study)?.ok_or_else(|| {
        refused(SyncError::NotJoined {
            study: h.study.clone(),
        })
    })?;
    if keys::key_check(&key) != h.key_check {
        return Err(refused(SyncError::WrongKey {
            study: h.study.clone(),
        }));
    }
    let is_self = h.sender == store.node_id();
    if !is_self {
        devices::check_sender_key(store.conn(), &h.sender, &h.sender_public_key)?;
    }
    let done_before: bool = store.conn().query_row(
        "SELECT EXISTS(SELECT 1 FROM imported_bundles WHERE digest = ?1)",
        [&signed.digest[..]],
        |r| r.get(0),
    )?;
    if done_before {
        return Err(refused(SyncError::AlreadyImported));
    }
    let held = held_vector(store.conn(), &h.study)?;
    for e in &h.base {
        if held
            .get(&(e.scope.clone(), e.node.clone()))
            .copied()
            .unwrap_or(0)
            < e.max_seq
        {
            return Err(refused(SyncError::Gap));
        }
        if !e.scope.is_empty() && e.scope != h.study {
            return Err(refused(SyncError::Damaged));
        }
    }
    // Everything is checked before anything is applied; batches stay compressed meanwhile.
    let n = signed.batch_count();
    let mut packed = Vec::with_capacity(n);
    let mut count = 0u64;
    for i in 0..n {
        let p = signed.open_batch(&key, i)?;
        let changes = bundle::unpack_batch(&p)?;
        for c in &changes {
            validate_change(c, Some(&h.study)).map_err(|e| refused(SyncError::Malformed(e)))?;
        }
        count += changes.len() as u64;
        packed.push(p);
        progress(Progress {
            phase: Phase::Checking,
            done: i as u64 + 1,
            total: n as u64,
        });
    }
    if count != h.changes {
        return Err(refused(SyncError::Damaged));
    }
    let digest = signed.digest;
    drop(signed);

    let now = clock::wall_millis(store.clock_offset_ms);
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
    let finish = |conn: &Connection| -> Result<()> {
        conn.execute(
            "INSERT OR IGNORE INTO imported_bundles(digest, study, sender, imported_at) VALUES (?1, ?2, ?3, ?4)",
            (&digest[..], &h.study, &h.sender, now),
        )?;
        learn_peer_vector(conn, &h.sender, &from_entries(&h.held))?;
        if !is_self {
            devices::record_contact(
                conn,
                &h.sender,
                h.sender_label.as_deref(),
                Some(&h.sender_public_key),
                offset,
                now,
            )?;
        }
        Ok(())
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
    let result = apply_batches(store, &packed, opts, &finish, &mut report, progress);
    let restored = store
        .conn
        .pragma_update(None, "synchronous", "FULL")
        .and_then(|_| store.conn.pragma_update(None, "cache_size", cache));
    result?;
    restored?;
    Ok(report)
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
        if let Some(hlc) = changelog::hlc_at(store.conn(), &e.scope, me, e.max_seq)? {
            let ms = clock::millis(hlc);
            newest = Some(newest.map_or(ms, |n| n.max(ms)));
        }
    }
    Ok(newest)
}

fn apply_batches(
    store: &mut Store,
    packed: &[Vec<u8>],
    opts: &ImportOptions,
    finish: &dyn Fn(&Connection) -> Result<()>,
    report: &mut ImportReport,
    progress: &mut dyn FnMut(Progress),
) -> Result<()> {
    let n = packed.len();
    if n == 0 {
        store.conn.pragma_update(None, "synchronous", "FULL")?;
        store.write(|w| finish(w.conn()))?;
    }
    let stop = opts.stop_after_batches.unwrap_or(usize::MAX);
    for (i, p) in packed.iter().enumerate() {
        if i >= stop {
            return Ok(());
        }
        if i > 0 && opts.pause_between_batches_ms > 0 {
            std::thread::sleep(std::time::Duration::from_millis(
                opts.pause_between_batches_ms,
            ));
        }
        // Every change of these bytes was checked before the first batch was applied.
        let changes = bundle::unpack_batch(p)?;
        let max_hlc = changes.iter().map(|c| c.hlc).max().unwrap_or(0);
        let last = i + 1 == n;
        if last {
            store.conn.pragma_update(None, "synchronous", "FULL")?;
        }
        let outcome = store.write(|w| {
            let o = w.apply(&changes, false)?;
            w.observe(max_hlc);
            if last {
                finish(w.conn())?;
            }
            Ok(o)
        })?;
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

/// Every change held, in (node id, seq) order (tests, diagnostics).
pub fn all_changes(conn: &Connection) -> Result<Vec<Change>> {
    let mut stmt = conn.prepare(
        "SELECT n.node_id, c.seq, c.study, c.entity, c.row_id, c.field, c.value, c.hlc, c.prev_hlc, pn.node_id
           FROM changes c JOIN nodes n ON n.idx = c.node LEFT JOIN nodes pn ON pn.idx = c.prev_node
          ORDER BY n.node_id, c.seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let entity: String = r.get(3)?;
        let prev_hlc: Option<i64> = r.get(8)?;
        let prev_node: Option<String> = r.get(9)?;
        out.push(Change {
            node: r.get(0)?,
            seq: r.get(1)?,
            study: r.get(2)?,
            entity: Entity::parse(&entity).ok_or(Error::UnknownEntity(entity))?,
            row_id: r.get(4)?,
            field: r.get(5)?,
            value: r.get(6)?,
            hlc: r.get(7)?,
            prev: prev_hlc
                .zip(prev_node)
                .map(|(hlc, node)| Stamp { hlc, node }),
        });
    }
    Ok(out)
}

/// The changes of a study (and shared records) above a vector, per node in seq order: what a
/// peer holding `base` lacks. For transports other than bundle files (the hub).
pub fn changes_since(conn: &Connection, study: &str, base: &Vector) -> Result<Vec<Change>> {
    let held = held_vector(conn, study)?;
    let names = node_names(conn)?;
    let mut out = Vec::new();
    for p in plan(conn, &held, base)? {
        read_range(conn, &names, &p, usize::MAX, &mut |c| {
            out.push(c);
            Ok(true)
        })?;
    }
    Ok(out)
}

/// Checks and applies received changes in one transaction (all or nothing). `study` limits
/// them to one study's scope. The caller keeps each (scope, node) a prefix (send in seq order).
pub fn apply_changes(
    store: &mut Store,
    study: Option<&str>,
    changes: &[Change],
) -> Result<Outcome> {
    for c in changes {
        validate_change(c, study).map_err(|e| refused(SyncError::Malformed(e)))?;
    }
    let max_hlc = changes.iter().map(|c| c.hlc).max().unwrap_or(0);
    store.write(|w| {
        let o = w.apply(changes, false)?;
        w.observe(max_hlc);
        Ok(o)
    })
}
