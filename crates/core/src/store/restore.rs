//! Restoring a backup in place of the store. The backup is input from another device: its head
//! is bounded and checked, its copy is written beside the store and proven (its check under the
//! key the passphrase unwraps, SQLite's own check, a schema this version knows) before anything
//! of the current store moves. Then the current store is put aside, the restored one takes its
//! name, and only once the restored one opens is the old one removed. A crash at any step leaves
//! the old store or the restored one: the next open finishes or undoes the swap (`tidy`).

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use blake2::digest::Mac;
use rusqlite::Connection;

use super::backup::{check, forget_identity, read_head, Head};
use super::encryption::{self, connect, kind, sibling, wipe_and_remove, Kind, Unlock};
use super::files::rename_durably;
use super::key_file::{key_file_path, DbKey, KeyFile};
use super::permissions::create_owner_only;
use super::Store;
use crate::error::{BackupError, Error, LockError, Result};

/// The restored copy being written and checked beside the store.
fn staging(target: &Path) -> PathBuf {
    sibling(target, "restoring")
}

/// The current store, put aside while the restored one takes its place.
fn aside(target: &Path) -> PathBuf {
    sibling(target, "replaced")
}

/// A store's files: the database, its WAL and shared memory, its key file.
fn files_of(db: &Path) -> [PathBuf; 4] {
    let name = encryption::file_name(db);
    [
        db.with_file_name(format!("{name}-wal")),
        db.with_file_name(format!("{name}-shm")),
        db.to_path_buf(),
        key_file_path(db),
    ]
}

fn damaged(detail: &str) -> Error {
    Error::Backup(BackupError::Damaged {
        detail: detail.to_string(),
    })
}

/// Restores the backup at `backup` as the store at `target`, unlocked by the backup's
/// passphrase or recovery words. A store already at `target` is replaced only when `replace`
/// says so. The restored store keeps its data and takes a new device identity.
pub(crate) fn restore(
    target: &Path,
    backup: &Path,
    unlock: Unlock,
    replace: bool,
) -> Result<Store> {
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

/// Renames each of a store's files that exists to the matching name of another store.
fn move_files(from: &Path, to: &Path) -> Result<()> {
    for (a, b) in files_of(from).iter().zip(files_of(to).iter()) {
        if a.exists() {
            rename_durably(a, b)?;
        }
    }
    Ok(())
}

fn remove_all(db: &Path) {
    for file in files_of(db) {
        let _ = std::fs::remove_file(file);
    }
}

/// Puts the current store aside (the database before its key file, so that a crash between
/// the two leaves the key where the database it opens will be found), writes the backup's key
/// file, and renames the proven copy into place.
fn swap_in(target: &Path, staging: &Path, key_file: &KeyFile) -> Result<()> {
    let aside = aside(target);
    remove_all(&aside);
    move_files(target, &aside)?;
    key_file.write(target)?;
    rename_durably(staging, target)
}

/// The old store, once the restored one opened: removed, its bytes overwritten first when it
/// was a plain store (they were readable).
fn drop_aside(target: &Path) -> Result<()> {
    let aside = aside(target);
    let plain = kind(&aside)? == Kind::Plain;
    for file in files_of(&aside) {
        if !file.exists() {
            continue;
        }
        if plain {
            wipe_and_remove(&file)?;
        } else {
            std::fs::remove_file(&file)?;
        }
    }
    Ok(())
}

/// The restored store did not open: it goes, the old one comes back.
fn put_back(target: &Path) -> Result<()> {
    let aside = aside(target);
    if !aside.exists() {
        // There was no store before: nothing to bring back.
        remove_all(target);
        return Ok(());
    }
    remove_all(target);
    move_files(&aside, target)
}

/// Finishes or undoes a restore a crash interrupted, before anything opens the store: a copy
/// still being checked is dropped; an old store put aside comes back if the restored one is not
/// in place yet, and goes if it is.
pub(crate) fn tidy(target: &Path) -> Result<()> {
    let staging = staging(target);
    if staging.exists() {
        remove_all(&staging);
    }
    if aside(target).exists() {
        if kind(target)? == Kind::Missing {
            move_files(&aside(target), target)?;
        } else {
            drop_aside(target)?;
        }
    }
    Ok(())
}
