//! The store encrypted at rest: which key opens a database file, connecting with it, creating
//! an encrypted store, converting a plain one in place, and tidying after a conversion that a
//! crash interrupted. A plain store (tests, demos) opens as before, without a key.
//!
//! Conversion never leaves a moment where the data exists nowhere: the encrypted copy is made
//! beside the plain file, flushed, its key file written, and only then renamed over the plain
//! file; the plain file's old content is then overwritten with zeros. A crash at any step leaves
//! either the plain store (and the conversion can start again) or the encrypted one.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::key_file::{DbKey, KeyFile, RecoveryWords};
use super::permissions::{create_owner_only, owner_only_file};
use crate::error::{Error, LockError, Result};

/// How an encrypted store is unlocked.
#[derive(Clone, Copy)]
pub enum Unlock<'a> {
    /// A plain store (or one being created plain).
    None,
    Passphrase(&'a str),
    /// The twelve recovery words shown at creation.
    Recovery(&'a str),
    /// The key of a store already unlocked (a second connection to it).
    Key(&'a DbKey),
}

/// What is at a store's path, told without unlocking it (the app's first screen).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Missing,
    Plain,
    Encrypted,
}

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// What is at `path`: nothing (or an empty file), a plain SQLite file, or anything else, which
/// SQLCipher's files look like (random bytes from the first one).
pub fn kind(path: &Path) -> Result<Kind> {
    let mut head = [0u8; 16];
    let read = match File::open(path) {
        Ok(mut f) => f.read(&mut head)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
        Err(e) => return Err(e.into()),
    };
    Ok(match read {
        0 => Kind::Missing,
        _ if &head == SQLITE_HEADER => Kind::Plain,
        _ => Kind::Encrypted,
    })
}

pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!("{name}.{suffix}"))
}

/// The encrypted copy being made during a conversion.
fn staging(path: &Path) -> PathBuf {
    sibling(path, "encrypting")
}

/// A second name of the plain file during a conversion, so that its content can be wiped
/// once the encrypted file has taken its place.
fn plain_leftover(path: &Path) -> PathBuf {
    sibling(path, "plain")
}

/// The key that opens the store at `path`, or `None` for a plain (or new plain) store.
pub(crate) fn key_for(path: &Path, unlock: Unlock) -> Result<Option<DbKey>> {
    let Some(file) = KeyFile::read(path)? else {
        if kind(path)? == Kind::Encrypted {
            return Err(Error::Lock(LockError::KeyFileMissing {
                path: super::key_file::key_file_path(path).display().to_string(),
            }));
        }
        return Ok(None);
    };
    match unlock {
        Unlock::None => Err(Error::Lock(LockError::PassphraseNeeded)),
        Unlock::Passphrase(p) => file.unlock_with_passphrase(p).map(Some),
        Unlock::Recovery(words) => file.unlock_with_recovery(words).map(Some),
        Unlock::Key(key) => Ok(Some(key.clone())),
    }
}

/// Gives the key to a fresh connection and proves it opens the file (SQLCipher only finds out
/// at the first read).
fn apply_key(conn: &Connection, key: Option<&DbKey>) -> Result<()> {
    if let Some(key) = key {
        conn.execute_batch(&key.pragma())?;
    }
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::NotADatabase => {
            Err(Error::Lock(match key {
                Some(_) => LockError::KeyFileMismatch,
                None => LockError::PassphraseNeeded,
            }))
        }
        Err(e) => Err(e.into()),
    }
}

/// Opens a connection to the store file with its key, creating the file (owner-only) if new.
/// Freed pages are zeroed (`secure_delete`) and temporary tables stay in memory, so neither a
/// deleted value nor a sort's spill lands on disk in clear.
pub(crate) fn connect(path: &Path, key: Option<&DbKey>) -> Result<Connection> {
    create_owner_only(path)?;
    let conn = Connection::open(path)?;
    apply_key(&conn, key)?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    for file in [
        path.to_path_buf(),
        sibling(path, "key"),
        path.with_file_name(format!("{}-wal", file_name(path))),
        path.with_file_name(format!("{}-shm", file_name(path))),
    ] {
        owner_only_file(&file);
    }
    Ok(conn)
}

pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A read-only connection to a store (the hub's gate reads its directory beside the store).
pub fn open_read_only(path: &Path, key: Option<&DbKey>) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    apply_key(&conn, key)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(conn)
}

/// Finishes what a crash interrupted during a conversion, before anything else opens the
/// store: with the plain file still in place, the half-made copy and its key file are dropped
/// (the conversion can start again); with the encrypted file in place, the plain leftover is
/// wiped.
pub(crate) fn tidy(path: &Path) -> Result<()> {
    let here = kind(path)?;
    let staging = staging(path);
    if staging.exists() {
        std::fs::remove_file(&staging)?;
    }
    let leftover = plain_leftover(path);
    if leftover.exists() {
        if here == Kind::Plain {
            // Still a second name of the live plain file: only the name goes.
            std::fs::remove_file(&leftover)?;
        } else {
            wipe_and_remove(&leftover)?;
        }
    }
    if here == Kind::Plain && KeyFile::read(path).ok().flatten().is_some() {
        std::fs::remove_file(super::key_file::key_file_path(path))?;
    }
    remove_killed_key_rewrites(path);
    Ok(())
}

/// Removes what a passphrase change killed mid-way left (`files::temp_path` of the key file):
/// it holds the key wrapped under a passphrase that may be the old one.
fn remove_killed_key_rewrites(path: &Path) {
    let key_file = super::key_file::key_file_path(path);
    let (Some(dir), Some(name)) = (key_file.parent(), key_file.file_name()) else {
        return;
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(&prefix) && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Overwrites a file's bytes with zeros, flushes, then removes it. (On flash storage the old
/// blocks may survive in the drive's spare area: said in docs/security.md, not fixed here.)
pub(crate) fn wipe_and_remove(path: &Path) -> Result<()> {
    let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
    let len = file.metadata()?.len();
    file.seek(SeekFrom::Start(0))?;
    let zeros = vec![0u8; 64 * 1024];
    let mut left = len;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        file.write_all(&zeros[..n])?;
        left -= n as u64;
    }
    file.sync_all()?;
    drop(file);
    std::fs::remove_file(path)?;
    Ok(())
}

/// Creates a new encrypted store at `path`: its key file first, then the database under it.
/// Returns the recovery words, to show once.
pub(crate) fn create(path: &Path, passphrase: &str) -> Result<(DbKey, RecoveryWords)> {
    if kind(path)? != Kind::Missing {
        return Err(Error::Lock(LockError::StoreExists {
            path: path.display().to_string(),
        }));
    }
    let (file, key, words) = KeyFile::create(passphrase)?;
    file.write(path)?;
    Ok((key, words))
}

/// Converts the plain store at `path` (closed: no other connection may be open, and
/// `Store::encrypt` has checked it is plain) into an encrypted one in place. Returns the recovery words, to show once.
pub(crate) fn convert(path: &Path, passphrase: &str) -> Result<RecoveryWords> {
    // `Store::encrypt` has tidied the folder and checked that a plain store is there.
    let (file, key, words) = KeyFile::create(passphrase)?;
    let staging = staging(path);
    {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // Everything into the main file first, so the copy takes all of it.
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        create_owner_only(&staging)?;
        conn.execute(
            "ATTACH DATABASE ?1 AS encrypted KEY ?2",
            (staging.to_string_lossy().as_ref(), key.literal().as_str()),
        )?;
        conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        conn.execute_batch(&format!("PRAGMA encrypted.user_version = {version};"))?;
        conn.execute_batch("DETACH DATABASE encrypted;")?;
    }
    File::open(&staging)?.sync_all()?;
    file.write(path)?;
    let leftover = plain_leftover(path);
    let linked = std::fs::hard_link(path, &leftover).is_ok();
    super::files::rename_durably(&staging, path)?;
    if linked {
        wipe_and_remove(&leftover)?;
    }
    Ok(words)
}

/// Rewraps the database key of the encrypted store at `path` under a new passphrase; the
/// database itself is not touched.
pub(crate) fn change_passphrase(path: &Path, key: &DbKey, new: &str) -> Result<()> {
    let file = KeyFile::read(path)?.ok_or(Error::Lock(LockError::NotEncrypted))?;
    file.with_passphrase(key, new)?.write(path)
}
