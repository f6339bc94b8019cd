//! The local store: one SQLite file per installation, opened once with the pragmas that keep
//! a saved interview safe (WAL, synchronous=FULL, foreign keys, a busy timeout), migrated on
//! open, with this installation's node identity.

use std::path::{Path, PathBuf};
use std::time::Duration;

use include_dir::{include_dir, Dir};
use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

static MIGRATION_DIR: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../migrations");

/// The environment variable that overrides where the store lives (tests, portable installs).
pub const DATA_DIR_ENV: &str = "TERRAIN_DATA_DIR";
pub const DB_FILE: &str = "terrain.db";

/// The migrations, `NNNN_what.sql` files in name order: (file name, SQL).
/// rusqlite_migration would do this, but no release of it builds against rusqlite 0.41.
pub fn migrations() -> Vec<(&'static str, &'static str)> {
    let mut files: Vec<(&'static str, &'static str)> = MIGRATION_DIR
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "sql"))
        .map(|f| {
            (
                f.path().to_str().unwrap_or_default(),
                f.contents_utf8().unwrap_or_default(),
            )
        })
        .collect();
    files.sort();
    files
}

/// The schema version this build writes: the number of migrations.
pub fn schema_version() -> i64 {
    migrations().len() as i64
}

/// The OS's app-data directory for Terrain, or `TERRAIN_DATA_DIR` when set.
pub fn default_data_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("org", "Terrain", "Terrain")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| Error::Refused("no home directory to keep Terrain's data in".into()))
}

pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
    node_id: String,
    node_idx: i64,
    /// Added to the wall clock; lets tests play a laptop whose clock is wrong.
    pub(crate) clock_offset_ms: i64,
}

/// The page cache of a store, in KiB (negative: SQLite's unit for a size in KiB).
pub const CACHE_KIB: i64 = -16_384;

impl Store {
    /// Opens (creating if needed) the store in a data directory.
    pub fn open_in_dir(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir)?;
        Store::open(&dir.join(DB_FILE))
    }

    /// Opens (creating if needed) the store file at `path`, migrating it to this version.
    pub fn open(path: &Path) -> Result<Store> {
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Without this, a bound `?` compared against a partial index (`WHERE deleted = 0`)
        // makes SQLite re-plan the statement on every new value: the write path's
        // `... WHERE id = ?` on participant ran twice as slow.
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )?;
        // A participant's write runs about twenty distinct statements, more than the default 16.
        conn.set_prepared_statement_cache_capacity(64);
        // 16 MB of page cache (SQLite's default is 2 MB): a long attendance list or a merge
        // keeps its index pages in memory instead of spilling and re-reading them.
        conn.pragma_update(None, "cache_size", CACHE_KIB)?;
        migrate(&mut conn)?;
        let path = path.to_path_buf();
        let (node_id, node_idx) = ensure_node_identity(&conn, &path)?;
        Ok(Store {
            conn,
            path,
            node_id,
            node_idx,
            clock_offset_ms: std::env::var("TERRAIN_CLOCK_OFFSET_MS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This installation's node id (a UUID), the origin of every change written here.
    pub fn node_id(&self) -> &str {
        &self.node_id
    }

    pub(crate) fn node_idx(&self) -> i64 {
        self.node_idx
    }

    /// Read access for queries. Writes go through [`Store::write`].
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Shifts this store's clock (tests and simulations of skewed laptops).
    pub fn set_clock_offset_ms(&mut self, offset_ms: i64) {
        self.clock_offset_ms = offset_ms;
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// A local setting (language...), never synced.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        get_meta(&self.conn, &format!("setting.{key}"))
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        set_meta(&self.conn, &format!("setting.{key}"), value)
    }

    pub fn lang(&self) -> crate::Lang {
        self.setting("lang")
            .ok()
            .flatten()
            .and_then(|c| crate::Lang::parse(&c))
            .unwrap_or_default()
    }
}

/// Applies the migrations the file lacks, each in its own transaction with its version
/// number, so a crash mid-way leaves the file at the last complete version.
fn migrate(conn: &mut Connection) -> Result<()> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let all = migrations();
    let supported = all.len() as i64;
    if found > supported {
        return Err(Error::NewerSchema { found, supported });
    }
    for (i, (name, sql)) in all.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)
            .map_err(|e| Error::Migration(format!("{name}: {e}")))?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    // A migration that rewrote a large table (0005 and 0006 rewrite the change log) leaves the
    // old pages free inside the file: when they are a quarter of it or more, give them back to
    // the disk once (a store of 1,000,000 changes: a third free after 0006).
    if found > 0 && (found as usize) < all.len() {
        let pages: i64 = conn.pragma_query_value(None, "page_count", |r| r.get(0))?;
        let free: i64 = conn.pragma_query_value(None, "freelist_count", |r| r.get(0))?;
        if free * 4 > pages {
            conn.execute_batch("VACUUM")?;
        }
    }
    Ok(())
}

pub(crate) fn get_meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| {
            r.get::<_, String>(0)
        })
        .optional()?)
}

pub(crate) fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )?;
    Ok(())
}

/// The local handle of a node id, created on first sight.
pub(crate) fn node_idx(conn: &Connection, node_id: &str) -> Result<i64> {
    conn.execute(
        "INSERT OR IGNORE INTO nodes(node_id) VALUES (?1)",
        [node_id],
    )?;
    Ok(
        conn.query_row("SELECT idx FROM nodes WHERE node_id = ?1", [node_id], |r| {
            r.get(0)
        })?,
    )
}

/// Where this database lives and on which machine. A file copied to another laptop (or
/// another place) no longer matches, and must stop writing under the original's node id.
fn fingerprint(path: &Path) -> String {
    let machine = machine_uid::get().unwrap_or_else(|_| "unknown-machine".to_string());
    let place = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut h = Sha256::new();
    h.update(machine.as_bytes());
    h.update([0]);
    h.update(place.to_string_lossy().as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn ensure_node_identity(conn: &Connection, path: &Path) -> Result<(String, i64)> {
    let here = fingerprint(path);
    let known = get_meta(conn, "node_id")?;
    let seen_at = get_meta(conn, "node_fingerprint")?;
    let node_id = match (known, seen_at) {
        (Some(id), Some(at)) if at == here => id,
        (previous, _) => {
            // New database, or a copy: a fresh identity before anything is written.
            let id = uuid::Uuid::new_v4().to_string();
            if let Some(old) = previous {
                let list = get_meta(conn, "previous_node_ids")?.unwrap_or_default();
                set_meta(conn, "previous_node_ids", &format!("{list}{old};"))?;
            }
            set_meta(conn, "node_id", &id)?;
            set_meta(conn, "node_fingerprint", &here)?;
            id
        }
    };
    let idx = node_idx(conn, &node_id)?;
    Ok((node_id, idx))
}
