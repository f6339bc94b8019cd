//! The store as the desktop app holds it through a day: not created yet, locked, or open. The
//! app starts on this door: a new laptop creates its store (with a passphrase, or plain for a
//! demonstration), an encrypted one waits for its passphrase, and locking drops the open store
//! and with it the database key, so a laptop left open at a checkpoint shows nothing.

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use super::backup::BackupSummary;
use super::encryption::{self, Kind, Unlock};
use super::key_file::{KeyFile, RecoveryWords};
use super::Store;
use crate::error::{Error, LockError, Result};

/// Minutes without a key or a click before the app locks itself, unless the person set another.
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 15;
const IDLE_LOCK_SETTING: &str = "idle_lock_minutes";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DoorState {
    /// No store yet: the first start on this laptop.
    New,
    /// An encrypted store waiting for its passphrase.
    Locked,
    Open,
    /// The store could not be opened (a newer Terrain's, an unwritable folder): see `failure`.
    Failed,
}

/// What the app's first screen needs to know.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DoorStatus {
    pub state: DoorState,
    pub encrypted: bool,
    /// 0: never.
    pub idle_lock_minutes: u32,
}

pub struct Door {
    path: PathBuf,
    store: Option<Store>,
    failure: Option<Error>,
}

impl Door {
    /// The door of the store at `path`: a plain store opens at once (as before encryption
    /// existed), an encrypted one stays locked, a missing one waits to be created.
    pub fn at(path: &Path) -> Door {
        let mut door = Door {
            path: path.to_path_buf(),
            store: None,
            failure: None,
        };
        // A restore a crash interrupted is finished or undone first: the store is then where
        // it was, never "missing" for a moment.
        if let Err(e) = super::swap::tidy(path) {
            door.failure = Some(e);
            return door;
        }
        match encryption::kind(path) {
            Ok(Kind::Plain) => door.keep(Store::open(path)),
            Ok(_) => {}
            Err(e) => door.failure = Some(e),
        }
        door
    }

    /// A door already open on `store` (tests, and stores opened elsewhere).
    pub fn open_on(store: Store) -> Door {
        Door {
            path: store.path().to_path_buf(),
            store: Some(store),
            failure: None,
        }
    }

    /// A door whose store could not be opened, for the reason given.
    pub fn failed(path: &Path, failure: Error) -> Door {
        Door {
            path: path.to_path_buf(),
            store: None,
            failure: Some(failure),
        }
    }

    fn keep(&mut self, opened: Result<Store>) {
        match opened {
            Ok(store) => {
                self.store = Some(store);
                self.failure = None;
            }
            Err(e) => self.failure = Some(e),
        }
    }

    pub fn status(&self) -> DoorStatus {
        let encrypted = match &self.store {
            Some(store) => store.is_encrypted(),
            None => encryption::kind(&self.path).ok() == Some(Kind::Encrypted),
        };
        let state = match (&self.store, &self.failure) {
            (Some(_), _) => DoorState::Open,
            (None, Some(_)) => DoorState::Failed,
            (None, None) if encrypted => DoorState::Locked,
            (None, None) => DoorState::New,
        };
        DoorStatus {
            state,
            encrypted,
            idle_lock_minutes: self
                .store
                .as_ref()
                .map_or(DEFAULT_IDLE_LOCK_MINUTES, idle_lock_minutes),
        }
    }

    /// The open store, if it is open (else see [`Door::failure`] and [`Door::status`]).
    pub fn store(&mut self) -> Option<&mut Store> {
        self.store.as_mut()
    }

    fn open_store(&mut self) -> Result<&mut Store> {
        self.store
            .as_mut()
            .ok_or(Error::Lock(LockError::PassphraseNeeded))
    }

    /// Why the store could not be opened, if it could not.
    pub fn failure(&self) -> Option<&Error> {
        self.failure.as_ref()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Creates this laptop's store: encrypted under `passphrase`, or plain without one (a
    /// demonstration, a training). Returns the recovery words of an encrypted store, to show once.
    pub fn create(&mut self, passphrase: Option<&str>) -> Result<Option<RecoveryWords>> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
            super::permissions::owner_only_dir(dir);
        }
        match passphrase {
            Some(p) => {
                let (store, words) = Store::create_encrypted(&self.path, p)?;
                self.keep(Ok(store));
                Ok(Some(words))
            }
            None => {
                if encryption::kind(&self.path)? != Kind::Missing {
                    return Err(Error::Lock(LockError::StoreExists {
                        path: self.path.display().to_string(),
                    }));
                }
                self.store = Some(Store::open(&self.path)?);
                self.failure = None;
                Ok(None)
            }
        }
    }

    /// Opens the locked store with its passphrase. A wrong one changes nothing.
    pub fn unlock(&mut self, passphrase: &str) -> Result<()> {
        let store = Store::open_with(&self.path, Unlock::Passphrase(passphrase))?;
        self.keep(Ok(store));
        Ok(())
    }

    /// Opens the locked store with its recovery words and sets a new passphrase.
    pub fn recover(&mut self, words: &str, new_passphrase: &str) -> Result<()> {
        super::passphrase::check_new(new_passphrase)?;
        let store = Store::open_with(&self.path, Unlock::Recovery(words))?;
        store.change_passphrase(new_passphrase)?;
        self.keep(Ok(store));
        Ok(())
    }

    /// Closes an encrypted store: its key leaves memory with it. A plain store has nothing to
    /// lock, and stays open.
    pub fn lock(&mut self) -> Result<()> {
        match &self.store {
            Some(store) if store.is_encrypted() => {
                self.store = None;
                Ok(())
            }
            Some(_) => Err(Error::Lock(LockError::NotEncrypted)),
            None => Ok(()),
        }
    }

    /// Converts the open plain store into an encrypted one in place, and opens it again.
    pub fn encrypt(&mut self, passphrase: &str) -> Result<RecoveryWords> {
        super::passphrase::check_new(passphrase)?;
        if self.store.as_ref().is_some_and(Store::is_encrypted) {
            return Err(Error::Lock(LockError::AlreadyEncrypted));
        }
        // The conversion needs the file closed.
        self.store = None;
        let converted = Store::encrypt(&self.path, passphrase);
        let reopened = match &converted {
            Ok(_) => Store::open_with(&self.path, Unlock::Passphrase(passphrase)),
            Err(_) => Store::open(&self.path),
        };
        self.keep(reopened);
        converted
    }

    /// Changes the open store's passphrase, once the current one is proven.
    pub fn change_passphrase(&mut self, current: &str, new: &str) -> Result<()> {
        let file = KeyFile::read(&self.path)?.ok_or(Error::Lock(LockError::NotEncrypted))?;
        file.unlock_with_passphrase(current)?;
        self.open_store()?.change_passphrase(new)
    }

    /// Writes a backup of the open store to `out`; a plain store's needs a passphrase of its
    /// own, and its recovery words come back.
    pub fn backup(&mut self, out: &Path, passphrase: Option<&str>) -> Result<BackupSummary> {
        let store = self.open_store()?;
        // An encrypted store's backup is under its own key file: a passphrase typed would
        // not be used, so none is asked.
        let passphrase = passphrase.filter(|_| !store.is_encrypted());
        Ok(store.backup(out, passphrase)?.summary())
    }

    /// Replaces the open store by the backup at `backup` (the person confirmed it), unlocked by
    /// the backup's passphrase or, with `recovery`, its recovery words. The restored store stays
    /// open; if anything refuses, the current one is open again, unchanged.
    pub fn restore(&mut self, backup: &Path, secret: &str, recovery: bool) -> Result<()> {
        let unlock = match recovery {
            true => Unlock::Recovery(secret),
            false => Unlock::Passphrase(secret),
        };
        // A locked store is replaced only by whoever can open it first.
        if self.store.is_none() && encryption::kind(&self.path)? != Kind::Missing {
            return Err(Error::Lock(LockError::PassphraseNeeded));
        }
        // Refused before the store closes: what is not a backup changes nothing at all.
        super::backup::inspect(backup)?;
        // A new laptop's data folder may not exist yet.
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
            super::permissions::owner_only_dir(dir);
        }
        let current = self.store.take().map(|s| s.file());
        match Store::restore_backup(&self.path, backup, unlock, true) {
            Ok(store) => {
                self.keep(Ok(store));
                Ok(())
            }
            Err(e) => {
                if let Some(file) = current {
                    self.keep(file.open());
                }
                Err(e)
            }
        }
    }

    /// Sets the idle time after which the app locks itself (0: never).
    pub fn set_idle_lock_minutes(&mut self, minutes: u32) -> Result<()> {
        self.open_store()?
            .set_setting(IDLE_LOCK_SETTING, &minutes.min(24 * 60).to_string())
    }
}

fn idle_lock_minutes(store: &Store) -> u32 {
    store
        .setting(IDLE_LOCK_SETTING)
        .ok()
        .flatten()
        .and_then(|m| m.parse().ok())
        .unwrap_or(DEFAULT_IDLE_LOCK_MINUTES)
}
