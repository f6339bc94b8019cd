//! The hub's own bookkeeping, kept in its store: enrolled devices (their keys, revocation),
//! the join code, and a short log of recent syncs for the status page. Local to the hub,
//! never synced. Created on first use: these tables only exist on stores that serve.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use terrain_core::Store;
use ts_rs::TS;

use crate::error::{HubError, Refusal};

const TABLES: &str = "
CREATE TABLE IF NOT EXISTS hub_device (
    node_id        TEXT PRIMARY KEY,
    public_key     TEXT NOT NULL,
    label          TEXT,
    enrolled_study TEXT NOT NULL,
    enrolled_ms    INTEGER NOT NULL,
    last_seen_ms   INTEGER,
    changes_in     INTEGER NOT NULL DEFAULT 0,
    changes_out    INTEGER NOT NULL DEFAULT 0,
    revoked_ms     INTEGER
) STRICT;
";

const JOIN_CODE_SETTING: &str = "hub.join_code";
/// Where [`Store::set_setting`] keeps the join code in `meta`: a revocation rotates it with
/// only a connection at hand (a unit test below keeps the two in step).
const JOIN_CODE_META_KEY: &str = "setting.hub.join_code";

/// A device enrolled on this hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "HubDevice")]
pub struct Device {
    pub node_id: String,
    pub public_key: String,
    pub label: Option<String>,
    pub enrolled_study: String,
    pub enrolled_at: String,
    pub last_seen_at: Option<String>,
    pub changes_in: i64,
    pub changes_out: i64,
    pub revoked: bool,
    pub revoked_at: Option<String>,
}

pub fn ensure_tables(conn: &Connection) -> terrain_core::Result<()> {
    conn.execute_batch(TABLES)?;
    Ok(())
}

fn time(ms: Option<i64>) -> Option<String> {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// The join code a new device gives on its first sync. Kept across restarts so a code
/// written on the office whiteboard stays valid.
pub fn join_code(store: &Store) -> terrain_core::Result<String> {
    if let Some(code) = store.setting(JOIN_CODE_SETTING)? {
        return Ok(code);
    }
    let code = new_join_code();
    store.set_setting(JOIN_CODE_SETTING, &code)?;
    Ok(code)
}

/// A new join code; the old one stops working.
pub fn rotate_join_code(store: &Store) -> terrain_core::Result<String> {
    let code = new_join_code();
    store.set_setting(JOIN_CODE_SETTING, &code)?;
    Ok(code)
}

/// 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L): about 60 bits,
/// read aloud across a room without mistakes.
fn new_join_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::rngs::OsRng;
    let chars: Vec<char> = (0..12)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Compares codes ignoring case, spaces and dashes, in constant time.
pub fn code_matches(expected: &str, given: &str) -> bool {
    let norm = |s: &str| -> Vec<u8> {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase() as u8)
            .collect()
    };
    let (a, b) = (norm(expected), norm(given));
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(&b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn list(conn: &Connection) -> terrain_core::Result<Vec<Device>> {
    ensure_tables(conn)?;
    let mut stmt = conn.prepare(
        "SELECT node_id, public_key, label, enrolled_study, enrolled_ms, last_seen_ms,
                changes_in, changes_out, revoked_ms
         FROM hub_device ORDER BY enrolled_ms, node_id",
    )?;
    let rows = stmt.query_map([], |r| {
        let revoked: Option<i64> = r.get(8)?;
        Ok(Device {
            node_id: r.get(0)?,
            public_key: r.get(1)?,
            label: r.get(2)?,
            enrolled_study: r.get(3)?,
            enrolled_at: time(Some(r.get(4)?)).unwrap_or_default(),
            last_seen_at: time(r.get(5)?),
            changes_in: r.get(6)?,
            changes_out: r.get(7)?,
            revoked: revoked.is_some(),
            revoked_at: time(revoked),
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Refuses a device from now on, and rotates the join code (the holder of a lost laptop
/// knows the old one and could enrol again under a new node id). Returns false when no such
/// device is enrolled.
pub fn revoke(conn: &Connection, node_id: &str) -> terrain_core::Result<bool> {
    ensure_tables(conn)?;
    let now = chrono::Utc::now().timestamp_millis();
    let tx = conn.unchecked_transaction()?;
    let n = tx.execute(
        "UPDATE hub_device SET revoked_ms = coalesce(revoked_ms, ?2) WHERE node_id = ?1",
        (node_id, now),
    )?;
    if n > 0 {
        tx.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (JOIN_CODE_META_KEY, new_join_code()),
        )?;
    }
    tx.commit()?;
    Ok(n > 0)
}

/// The devices revoked on this hub: their changes are refused even when another device
/// relays them.
pub fn revoked_nodes(conn: &Connection) -> terrain_core::Result<std::collections::HashSet<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT node_id FROM hub_device WHERE revoked_ms IS NOT NULL")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A label as the hub keeps it: printable characters only, at most [`MAX_LABEL`] of them.
///
/// [`MAX_LABEL`]: crate::protocol::MAX_LABEL
pub fn clean_label(label: Option<&str>) -> Option<String> {
    let text: String = label?
        .chars()
        .filter(|c| !c.is_control())
        .take(crate::protocol::MAX_LABEL)
        .collect();
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// Refuses a device from now on; a device not enrolled here is an error a person can read.
pub fn revoke_device(conn: &Connection, node_id: &str) -> crate::Result<()> {
    if revoke(conn, node_id)? {
        Ok(())
    } else {
        Err(HubError::UnknownDevice {
            node: node_id.to_string(),
        })
    }
}

/// Revokes a device and answers the join code that replaces the one it knew (the share panel
/// shows it at once).
pub fn revoke_and_rotate(store: &Store, node_id: &str) -> crate::Result<String> {
    revoke_device(store.conn(), node_id)?;
    Ok(join_code(store)?)
}

/// What the hub knows of a device that signs a request.
pub enum Known {
    Active(String),
    /// Revoked, with the key it had.
    Revoked(String),
    Unknown,
}

pub fn lookup(conn: &Connection, node_id: &str) -> terrain_core::Result<Known> {
    let row: Option<(String, Option<i64>)> = conn
        .prepare_cached("SELECT public_key, revoked_ms FROM hub_device WHERE node_id = ?1")?
        .query_row([node_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match row {
        Some((key, Some(_))) => Known::Revoked(key),
        Some((key, None)) => Known::Active(key),
        None => Known::Unknown,
    })
}

pub fn revoked_refusal() -> Refusal {
    Refusal::new(
        403,
        "revoked",
        "Cet appareil a été révoqué sur ce hub : il ne peut plus se synchroniser.",
        "This device was revoked on this hub: it can no longer sync.",
    )
}

pub fn not_enrolled_refusal() -> Refusal {
    Refusal::new(
        401,
        "not_enrolled",
        "Cet appareil n'est pas inscrit sur ce hub : synchronisez une première fois avec le code d'inscription du hub.",
        "This device is not enrolled on this hub: sync once with the hub's join code.",
    )
}

/// Enrols a device. Same key again is fine (a retried enrolment). A different key under an
/// active node id is refused (`key_mismatch`): the first key wins, so a squatter cannot take
/// over a laptop already enrolled. A revoked key stays refused. But a *new* key under a
/// revoked node id is accepted and replaces it: if someone squatted a teammate's node id
/// before that laptop first synced, the operator revokes the squatter (which rotates the
/// join code, so the squatter cannot come back) and the real laptop enrols with the new
/// code. A revoked node id is never locked out for good.
pub fn enrol(
    conn: &Connection,
    node_id: &str,
    public_key: &str,
    label: Option<&str>,
    study: &str,
) -> Result<bool, Refusal> {
    let now = chrono::Utc::now().timestamp_millis();
    match lookup(conn, node_id).map_err(Refusal::from)? {
        Known::Revoked(key) if key == public_key => Err(revoked_refusal()),
        Known::Revoked(_) => {
            conn.execute(
                "UPDATE hub_device SET public_key = ?2, label = ?3, enrolled_study = ?4,
                        enrolled_ms = ?5, last_seen_ms = NULL, changes_in = 0,
                        changes_out = 0, revoked_ms = NULL
                 WHERE node_id = ?1",
                (node_id, public_key, label, study, now),
            )
            .map_err(Refusal::internal)?;
            Ok(false)
        }
        Known::Active(key) if key == public_key => Ok(true),
        Known::Active(_) => Err(Refusal::new(
            409,
            "key_mismatch",
            "Un autre appareil est déjà inscrit sous cet identifiant.",
            "Another device is already enrolled under this node id.",
        )),
        Known::Unknown => {
            conn.execute(
                "INSERT INTO hub_device(node_id, public_key, label, enrolled_study, enrolled_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                (node_id, public_key, label, study, now),
            )
            .map_err(Refusal::internal)?;
            Ok(false)
        }
    }
}

pub fn seen(
    conn: &Connection,
    node_id: &str,
    changes_in: u64,
    changes_out: u64,
) -> terrain_core::Result<()> {
    conn.prepare_cached(
        "UPDATE hub_device SET last_seen_ms = ?2, changes_in = changes_in + ?3,
                changes_out = changes_out + ?4 WHERE node_id = ?1",
    )?
    .execute((
        node_id,
        chrono::Utc::now().timestamp_millis(),
        changes_in as i64,
        changes_out as i64,
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_codes_compare_loosely_but_exactly() {
        let code = new_join_code();
        assert_eq!(code.len(), 14);
        assert!(code_matches(&code, &code.to_lowercase().replace('-', " ")));
        assert!(!code_matches(&code, "AAAA-BBBB-CCCC"));
        assert!(!code_matches(&code, ""));
    }

    #[test]
    fn revoking_a_device_rotates_the_join_code_the_store_reads() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("hub.db")).expect("store");
        ensure_tables(store.conn()).expect("tables");
        let before = join_code(&store).expect("code");
        let node = uuid::Uuid::new_v4().to_string();
        enrol(store.conn(), &node, "key", None, "study").expect("enrol");
        assert!(revoke(store.conn(), &node).expect("revoke"));
        let after = join_code(&store).expect("code");
        assert_ne!(before, after);
        assert_eq!(after.len(), 14);
        assert!(!revoke(store.conn(), "nobody").expect("no such device"));
        assert_eq!(join_code(&store).expect("code"), after);
    }

    #[test]
    fn labels_are_cut_and_cleaned() {
        let long = "é".repeat(500);
        assert_eq!(
            clean_label(Some(&long)).map(|l| l.chars().count()),
            Some(crate::protocol::MAX_LABEL)
        );
        assert_eq!(clean_label(Some("a\nb\u{7}")), Some("ab".into()));
        assert_eq!(clean_label(Some("  ")), None);
    }
}
