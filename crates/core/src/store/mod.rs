//! The local store: one SQLite file per installation, opened once with the pragmas that keep
//! a saved interview safe (WAL, synchronous=FULL, foreign keys, a busy timeout), migrated on
//! open, with this installation's node identity; encrypted at rest when it was created or
//! converted with a passphrase (`encryption`, `key_file`).

pub mod backup;
pub(crate) mod demo_mark;
pub mod door;
mod encryption;
pub(crate) mod files;
pub mod guide;
pub(crate) mod identity;
mod key_file;
pub(crate) mod meta;
mod migrate;
pub mod passphrase;
mod permissions;
mod restore;
pub(crate) mod rows;
mod swap;
mod typed_path;
pub mod words;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;

use crate::clock;
use crate::error::{Error, Refusal, Result};
use crate::lang::Lang;

pub use encryption::{kind, open_read_only, Kind, Unlock};
pub use files::write_atomically;
pub use identity::node_id_of;
pub use key_file::{key_file_path, DbKey, RecoveryWords};
pub use migrate::{migrations, schema_version};
pub use typed_path::typed_path;

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
    /// The key the file is encrypted with, kept for this store's other connections (`None`:
    /// a plain store). Dropped, and wiped, with the store: that is what locking means.
    key: Option<DbKey>,
}

/// A store file and the key that opens it (none for a plain store): what a worker thread or a
/// hub needs to open connections of its own to an unlocked store.
#[derive(Clone, Debug)]
pub struct StoreFile {
    pub path: PathBuf,
    key: Option<DbKey>,
}

impl StoreFile {
    pub fn open(&self) -> Result<Store> {
        Store::open_with(&self.path, self.unlock())
    }

    pub fn open_read_only(&self) -> Result<Connection> {
        open_read_only(&self.path, self.key.as_ref())
    }

    pub fn unlock(&self) -> Unlock<'_> {
        match &self.key {
            Some(key) => Unlock::Key(key),
            None => Unlock::None,
        }
    }
}

/// A plain store's file (tests, demos, and callers that open a store by its path).
impl From<&Path> for StoreFile {
    fn from(path: &Path) -> StoreFile {
        StoreFile {
            path: path.to_path_buf(),
            key: None,
        }
    }
}

impl From<&PathBuf> for StoreFile {
    fn from(path: &PathBuf) -> StoreFile {
        StoreFile::from(path.as_path())
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("node_id", &self.node_id)
            .field("encrypted", &self.key.is_some())
            .finish()
    }
}

/// The page cache of a store, in KiB (negative: SQLite's unit for a size in KiB).
pub const CACHE_KIB: i64 = -16_384;

impl Store {
    /// Opens (creating if needed) the plain store in a data directory, made owner-only.
    pub fn open_in_dir(dir: &Path) -> Result<Store> {
        Store::open_in_dir_with(dir, Unlock::None)
    }

    pub fn open_in_dir_with(dir: &Path, unlock: Unlock) -> Result<Store> {
        std::fs::create_dir_all(dir)?;
        permissions::owner_only_dir(dir);
        Store::open_with(&dir.join(DB_FILE), unlock)
    }

    /// Opens (creating if needed) a plain store file at `path`; an encrypted one is refused
    /// with `passphrase_needed`.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, Unlock::None)
    }

    /// Opens the store file at `path` with what unlocks it, migrating it to this version. A
    /// missing file is created plain: an encrypted store is made by [`Store::create_encrypted`].
    pub fn open_with(path: &Path, unlock: Unlock) -> Result<Store> {
        swap::tidy(path)?;
        encryption::tidy(path)?;
        let key = encryption::key_for(path, unlock)?;
        let mut conn = encryption::connect(path, key.as_ref())?;
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
            key,
        })
    }

    /// Creates a new encrypted store at `path` (nothing may be there yet). The recovery words
    /// are returned once: show them, they are not kept anywhere.
    pub fn create_encrypted(path: &Path, passphrase: &str) -> Result<(Store, RecoveryWords)> {
        let (key, words) = encryption::create(path, passphrase)?;
        let store = Store::open_with(path, Unlock::Key(&key))?;
        Ok((store, words))
    }

    /// Converts the plain store at `path` into an encrypted one in place. No connection to it
    /// may be open. Returns the recovery words, to show once.
    pub fn encrypt(path: &Path, passphrase: &str) -> Result<RecoveryWords> {
        encryption::tidy(path)?;
        match encryption::kind(path)? {
            Kind::Missing => {
                return Err(Error::Refused(Refusal::NoFile {
                    path: path.display().to_string(),
                }))
            }
            Kind::Encrypted => return Err(Error::Lock(crate::error::LockError::AlreadyEncrypted)),
            Kind::Plain => {}
        }
        // Brought up to this version first, so the copy is of a current store.
        drop(Store::open(path)?);
        encryption::convert(path, passphrase)
    }

    /// Wraps this store's key under a new passphrase (the database is not rewritten; the
    /// recovery words stay valid).
    pub fn change_passphrase(&self, new: &str) -> Result<()> {
        let key = self
            .key
            .as_ref()
            .ok_or(Error::Lock(crate::error::LockError::NotEncrypted))?;
        encryption::change_passphrase(&self.path, key, new)
    }

    /// Whether the file is encrypted at rest.
    pub fn is_encrypted(&self) -> bool {
        self.key.is_some()
    }

    /// What opens this store again from another connection (a worker thread, the hub's gate).
    pub fn unlock(&self) -> Unlock<'_> {
        match &self.key {
            Some(key) => Unlock::Key(key),
            None => Unlock::None,
        }
    }

    /// A second handle on the same store file (for work away from the shared handle).
    pub fn reopen(&self) -> Result<Store> {
        let mut store = Store::open_with(&self.path, self.unlock())?;
        store.clock_offset_ms = self.clock_offset_ms;
        Ok(store)
    }

    /// This store's file and key, to open it again from another thread or a hub.
    pub fn file(&self) -> StoreFile {
        StoreFile {
            path: self.path.clone(),
            key: self.key.clone(),
        }
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
