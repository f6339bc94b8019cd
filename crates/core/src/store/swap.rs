//! A restore's swap of store files: the proven copy beside the store (`.restoring`), the current
//! store put aside (`.replaced`) while the copy takes its name, the old one removed once the
//! restored one opens or brought back if it does not, and `tidy`, which finishes or undoes a
//! swap a crash cut short before anything opens the store.

use std::path::{Path, PathBuf};

use super::encryption::{self, kind, sibling, wipe_and_remove, Kind};
use super::files::rename_durably;
use super::key_file::{key_file_path, KeyFile};
use crate::error::Result;

/// The restored copy being written and checked beside the store.
pub(crate) fn staging(target: &Path) -> PathBuf {
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

/// Renames each of a store's files that exists to the matching name of another store.
fn move_files(from: &Path, to: &Path) -> Result<()> {
    for (a, b) in files_of(from).iter().zip(files_of(to).iter()) {
        if a.exists() {
            rename_durably(a, b)?;
        }
    }
    Ok(())
}

pub(crate) fn remove_all(db: &Path) {
    for file in files_of(db) {
        let _ = std::fs::remove_file(file);
    }
}

/// Puts the current store aside (the database before its key file, so that a crash between
/// the two leaves the key where the database it opens will be found), writes the backup's key
/// file, and renames the proven copy into place.
pub(crate) fn swap_in(target: &Path, staging: &Path, key_file: &KeyFile) -> Result<()> {
    let aside = aside(target);
    remove_all(&aside);
    move_files(target, &aside)?;
    key_file.write(target)?;
    rename_durably(staging, target)
}

/// The old store, once the restored one opened: removed, its bytes overwritten first when it
/// was a plain store (they were readable).
pub(crate) fn drop_aside(target: &Path) -> Result<()> {
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
pub(crate) fn put_back(target: &Path) -> Result<()> {
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
