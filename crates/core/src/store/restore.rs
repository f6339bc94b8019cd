//! Restoring a backup in place of the store. The backup is input from another device: its head
//! is bounded and checked, its copy is written beside the store and proven (its check under the
//! key the passphrase unwraps, SQLite's own check, a schema this version knows) before anything
//! of the current store moves. Then the current store is put aside, the restored one takes its
//! name, and only once the restored one opens is the old one removed. A crash at any step leaves
//! the old store or the restored one: the next open finishes or undoes the swap (`swap`).

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use blake2::digest::Mac;
use rusqlite::Connection;

use super::backup::{check, forget_identity, read_head, Head};
use super::encryption::{self, connect, kind, Kind, Unlock};
use super::key_file::DbKey;
use super::permissions::create_owner_only;
use super::swap::{drop_aside, put_back, remove_all, staging, swap_in, tidy};
use super::Store;
use crate::error::{BackupError, Error, LockError, Result};

fn damaged(detail: &str) -> Error {
    Error::Backup(BackupError::Damaged {
        detail: detail.to_string(),
    })
}

impl Store {
    /// Restores the backup at `backup` as the store at `target` (no connection to it may be
    /// open), unlocked by the backup's passphrase or recovery words. A store already there is
    /// replaced only when `replace` is true, and kept until the restored one opens. The
    /// restored store takes a new device identity (`docs/design/backup.md`).
    pub fn restore_backup(
        target: &Path,
        backup: &Path,
        unlock: Unlock,
        replace: bool,
    ) -> Result<Store> {
        restore(target, backup, unlock, replace)
    }
}

fn restore(target: &Path, backup: &Path, unlock: Unlock, replace: bool) -> Result<Store> {
    tidy(target)?;
    encryption::tidy(target)?;
    let (head, mut reader) = read_head(backup)?;
    if kind(target)? != Kind::Missing && !replace {
        return Err(Error::Backup(BackupError::WouldReplace {
            path: target.display().to_string(),
        }));
    }
    let key = head.unlock(unlock)?;
    let supported = super::schema_version();
    if head.schema_version > supported {
        return Err(Error::NewerSchema {
            found: head.schema_version,
            supported,
        });
    }
    let staging = staging(target);
    let _ = std::fs::remove_file(&staging);
    let proven = copy_checked(&mut reader, &staging, &head, &key)
        .and_then(|()| prove(&staging, &key, supported));
    if let Err(e) = proven {
        remove_all(&staging);
        return Err(e);
    }
    swap_in(target, &staging, &head.key_file)?;
    match Store::open_with(target, Unlock::Key(&key)) {
        Ok(store) => {
            drop_aside(target)?;
            Ok(store)
        }
        Err(e) => {
            put_back(target)?;
            Err(e)
        }
    }
}

/// Copies the backup's database bytes to `staging`, checking them (and the head) against the
/// backup's check as they pass.
fn copy_checked(reader: &mut impl Read, staging: &Path, head: &Head, key: &DbKey) -> Result<()> {
    let mut mac = check(key)?;
    mac.update(&head.raw);
    create_owner_only(staging)?;
    let mut out = std::fs::OpenOptions::new().write(true).open(staging)?;
    let mut buf = vec![0u8; 256 * 1024];
    let mut left = head.db_bytes;
    while left > 0 {
        let want = left.min(buf.len() as u64) as usize;
        let n = reader.read(&mut buf[..want])?;
        if n == 0 {
            return Err(Error::Backup(BackupError::Truncated));
        }
        mac.update(&buf[..n]);
        out.write_all(&buf[..n])?;
        left -= n as u64;
    }
    let mut tag = [0u8; 32];
    reader
        .read_exact(&mut tag)
        .map_err(|_| Error::Backup(BackupError::Truncated))?;
    mac.verify_slice(&tag)
        .map_err(|_| damaged("its check does not match its content"))?;
    out.sync_all()?;
    Ok(())
}

/// Opens the copy with its key and proves it a store this version can open: SQLite's check,
/// a known schema; its device identity is dropped, so that it takes a new one.
fn prove(staging: &Path, key: &DbKey, supported: i64) -> Result<()> {
    let unreadable = |e: Error| match e {
        Error::Lock(LockError::KeyFileMismatch) | Error::Sql(_) => {
            damaged("the copy is not a database its key opens")
        }
        e => e,
    };
    let conn: Connection = connect(staging, Some(key)).map_err(unreadable)?;
    let verdict: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(|e| unreadable(e.into()))?;
    if verdict != "ok" {
        return Err(damaged("the copy fails SQLite's check"));
    }
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > supported {
        return Err(Error::NewerSchema { found, supported });
    }
    forget_identity(&conn, "main").map_err(unreadable)?;
    drop(conn);
    File::open(staging)?.sync_all()?;
    Ok(())
}
