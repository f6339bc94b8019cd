//! The devices this laptop has heard from, with their last sync and clock warnings. Local to
//! this laptop (never synced); the hub keeps the same table.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::changes::log;
use crate::clock;
use crate::error::{Error, Result, SyncError};
use crate::store::Store;
use crate::sync::settings::DEVICE_LABEL;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ClockWarning {
    /// The device's clock runs more than an hour ahead of ours (or its changes are stamped in
    /// our future): its edits win over later ones made elsewhere until clocks catch up.
    Ahead,
    /// The device's clock was more than an hour behind ours when it wrote its last bundle (or
    /// the bundle is that old): its edits may lose to older ones.
    Behind,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Device {
    pub node_id: String,
    pub label: Option<String>,
    /// This laptop.
    pub is_self: bool,
    /// When we last imported from it (RFC 3339).
    pub last_sync: Option<String>,
    /// Its clock minus ours at that time (ms).
    pub clock_offset_ms: Option<i64>,
    /// The time of its newest change held here (RFC 3339).
    pub latest_change_at: Option<String>,
    pub clock_warning: Option<ClockWarning>,
}

/// Refuses a bundle signed by a key other than the one first seen for that device.
pub(crate) fn check_sender_key(conn: &Connection, node: &str, public_key: &str) -> Result<()> {
    // A node id is made from its key (store::identity): nobody speaks for another's id.
    let derived = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        public_key.as_bytes(),
    )
    .ok()
    .and_then(|b| <[u8; 32]>::try_from(b).ok())
    .and_then(|b| ed25519_dalek::VerifyingKey::from_bytes(&b).ok())
    .map(|k| crate::store::node_id_of(&k));
    if derived.as_deref() != Some(node) {
        return Err(Error::Sync(SyncError::Malformed(
            "the sender's id is not the one its key gives".into(),
        )));
    }
    let known: Option<Option<Vec<u8>>> = conn
        .query_row(
            "SELECT public_key FROM devices WHERE node_id = ?1",
            [node],
            |r| r.get(0),
        )
        .optional()?;
    let given = public_key.as_bytes();
    match known.flatten() {
        Some(k) if k != given => Err(Error::Sync(SyncError::KeyChanged {
            node: node.to_string(),
        })),
        _ => Ok(()),
    }
}

/// Records that we heard from a device: when, how far its clock was from ours, its key.
pub fn record_contact(
    conn: &Connection,
    node: &str,
    label: Option<&str>,
    public_key: Option<&str>,
    clock_offset_ms: i64,
    now_ms: i64,
) -> Result<()> {
    let flagged = clock_offset_ms.abs() > clock::MAX_DRIFT_MS;
    conn.execute(
        "INSERT INTO devices(node_id, label, public_key, last_sync_ms, clock_offset_ms, flagged)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(node_id) DO UPDATE SET
            label = coalesce(excluded.label, label),
            public_key = coalesce(public_key, excluded.public_key),
            last_sync_ms = excluded.last_sync_ms,
            clock_offset_ms = excluded.clock_offset_ms,
            flagged = excluded.flagged",
        (
            node,
            label,
            public_key.map(|k| k.as_bytes().to_vec()),
            now_ms,
            clock_offset_ms,
            flagged,
        ),
    )?;
    Ok(())
}

fn rfc3339_ms(ms: i64) -> String {
    clock::to_rfc3339(clock::from_millis(ms))
}

/// Every device known here: those we synced with and every origin of a held change.
pub fn list_devices(store: &Store) -> Result<Vec<Device>> {
    let conn = store.conn();
    let now = store.wall_millis();
    // The newest stamp of each origin: the stamp of its highest seq held, per scope.
    let mut stmt = conn.prepare(
        "SELECT n.node_id, v.scope, v.node, v.max_seq FROM scope_vector v
           JOIN nodes n ON n.idx = v.node",
    )?;
    let held = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut newest: std::collections::BTreeMap<String, (i64, i64)> = Default::default();
    for (node_id, scope, node, seq) in held {
        if let Some(hlc) = log::hlc_at(conn, &scope, node, seq)? {
            let e = newest.entry(node_id).or_insert((seq, hlc));
            if seq > e.0 {
                *e = (seq, hlc);
            }
        }
    }
    let mut latest: std::collections::BTreeMap<String, i64> =
        newest.into_iter().map(|(n, (_, h))| (n, h)).collect();
    let mut out = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT node_id, label, last_sync_ms, clock_offset_ms FROM devices ORDER BY node_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, Option<i64>>(3)?,
        ))
    })?;
    let mut seen = Vec::new();
    for row in rows {
        seen.push(row?);
    }
    for (node, label, last_sync, offset) in seen {
        let hlc = latest.remove(&node);
        out.push(device(store, node, label, last_sync, offset, hlc, now));
    }
    for (node, hlc) in latest {
        out.push(device(store, node, None, None, None, Some(hlc), now));
    }
    out.sort_by(|a, b| (!a.is_self, &a.node_id).cmp(&(!b.is_self, &b.node_id)));
    Ok(out)
}

fn device(
    store: &Store,
    node_id: String,
    label: Option<String>,
    last_sync: Option<i64>,
    offset: Option<i64>,
    latest_hlc: Option<i64>,
    now: i64,
) -> Device {
    let is_self = node_id == store.node_id();
    let future = latest_hlc.is_some_and(|h| clock::millis(h) > now + clock::MAX_DRIFT_MS);
    let clock_warning = match offset {
        Some(o) if o > clock::MAX_DRIFT_MS => Some(ClockWarning::Ahead),
        Some(o) if o < -clock::MAX_DRIFT_MS => Some(ClockWarning::Behind),
        _ if future && !is_self => Some(ClockWarning::Ahead),
        _ => None,
    };
    Device {
        label: label.or_else(|| {
            if is_self {
                store.setting(DEVICE_LABEL).ok().flatten()
            } else {
                None
            }
        }),
        is_self,
        last_sync: last_sync.map(rfc3339_ms),
        clock_offset_ms: offset,
        latest_change_at: latest_hlc.map(clock::to_rfc3339),
        clock_warning,
        node_id,
    }
}
