//! The local store: one SQLite file per installation, opened once with the pragmas that keep
//! a saved interview safe (WAL, synchronous=FULL, foreign keys, a busy timeout), migrated on
//! open, with this installation's node identity.

pub(crate) mod files;
pub(crate) mod identity;
pub(crate) mod meta;
mod migrate;
pub(crate) mod rows;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;

use crate::clock;
use crate::error::{Error, Refusal, Result};
use crate::lang::Lang;

pub use files::write_atomically;
pub use identity::node_id_of;
pub use migrate::{migrations, schema_version};

/// The environment variable that overrides where the store lives (tests, portable installs).
pub const DATA_DIR_ENV: &str = "TERRAIN_DATA_DIR";
pub const DB_FILE: &str = "terrain.db";

/// The OS's app-data directory for Terrain, or `TERRAIN_DATA_DIR` when set.
pub fn default_data_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("org", "Terrain", "Terrain")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| Error::Refused(Refusal::NoDataDir))
}

pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
    node_id: String,
    node_idx: i64,
    /// The device key this node id comes from: it signs what this laptop writes.
    device_key: ed25519_dalek::SigningKey,
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
        migrate::migrate(&mut conn)?;
        let path = path.to_path_buf();
        let identity = identity::ensure_node_identity(&conn, &path)?;
        Ok(Store {
            conn,
            path,
            node_id: identity.node_id,
            node_idx: identity.node_idx,
            device_key: identity.key,
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

    /// This installation's device key, from which its node id is derived.
    pub fn device_key(&self) -> &ed25519_dalek::SigningKey {
        &self.device_key
    }

    /// Read access for queries. Writes go through [`Store::write`].
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// This laptop's wall clock in milliseconds (shifted in tests that play a wrong clock).
    pub fn wall_millis(&self) -> i64 {
        clock::wall_millis(self.clock_offset_ms)
    }

    /// The time received stamps are judged against: the wall clock, or this store's own last
    /// stamp when the wall clock is behind it. A laptop whose clock fell back (a flat CMOS
    /// battery puts it in 2000) then still accepts what its team wrote since its last write,
    /// instead of refusing every change as "years ahead". The store's stamp only follows remote
    /// stamps within an hour of the wall clock (`clock::observe`), so a sender cannot ratchet it.
    pub fn received_clock_millis(&self) -> i64 {
        let last = meta::get_meta(&self.conn, "hlc")
            .ok()
            .flatten()
            .and_then(|s| s.parse::<i64>().ok())
            .map_or(0, clock::millis);
        self.wall_millis().max(last)
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
        meta::get_meta(&self.conn, &format!("setting.{key}"))
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        meta::set_meta(&self.conn, &format!("setting.{key}"), value)
    }

    pub fn lang(&self) -> Lang {
        self.setting("lang")
            .ok()
            .flatten()
            .and_then(|c| Lang::parse(&c))
            .unwrap_or_default()
    }
}
