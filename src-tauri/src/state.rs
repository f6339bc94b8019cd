//! The app's state: the one store handle, the sync work in flight (one long task at a time,
//! its cancel flag, the hub this laptop shares), and the error shape that crosses IPC.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use terrain_core::error::LockError;
use terrain_core::store::door::Door;
use terrain_core::store::StoreFile;
use terrain_core::{store, Error, Lang, Refusal, Store};
use terrain_hub::{HubError, LocalHub};
use ts_rs::TS;

/// What a failed command returns to the UI: a stable code to branch on and a message in the
/// person's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AppError {
    pub code: String,
    pub message: String,
}

/// An error of the core or the hub: each has a stable code and a message in French and English.
pub trait Explained {
    fn code(&self) -> String;
    fn message(&self, lang: Lang) -> String;
}

impl Explained for Error {
    fn code(&self) -> String {
        Error::code(self).to_string()
    }
    fn message(&self, lang: Lang) -> String {
        Error::message(self, lang)
    }
}

impl Explained for HubError {
    fn code(&self) -> String {
        HubError::code(self)
    }
    fn message(&self, lang: Lang) -> String {
        HubError::message(self, lang)
    }
}

impl AppError {
    pub fn new(e: &impl Explained, lang: Lang) -> AppError {
        AppError {
            code: e.code(),
            message: e.message(lang),
        }
    }

    /// An error told in French and English, one after the other: for the door, before the
    /// store (and the person's language setting in it) is open.
    pub fn in_both(e: &impl Explained) -> AppError {
        AppError {
            code: e.code(),
            message: format!("{}\n{}", e.message(Lang::Fr), e.message(Lang::En)),
        }
    }

    /// Work that panicked or was dropped on the blocking pool: Terrain's own fault.
    fn lost(e: impl std::fmt::Display, lang: Lang) -> AppError {
        AppError::new(&Error::Internal(e.to_string()), lang)
    }
}

/// The store behind its door (not created yet, locked, open, or failed to open): every
/// command reaches it through here.
pub struct AppState {
    door: Mutex<Door>,
}

impl AppState {
    /// The store in the OS's app-data directory (or `TERRAIN_DATA_DIR`): a plain one opens at
    /// once, an encrypted one waits for its passphrase, a missing one for its creation.
    pub fn open_default() -> AppState {
        let door = match store::default_data_dir() {
            Ok(dir) => Door::at(&dir.join(store::DB_FILE)),
            Err(e) => Door::failed(Path::new(store::DB_FILE), e),
        };
        AppState::with_door(door)
    }

    pub fn with_door(door: Door) -> AppState {
        AppState {
            door: Mutex::new(door),
        }
    }

    pub fn door(&self) -> MutexGuard<'_, Door> {
        // A panic while holding the lock leaves SQLite consistent (the transaction rolled
        // back when it was dropped), so the store stays usable.
        self.door.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the store and tells its error in the person's language.
    pub fn with<T, E: Explained>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, E>,
    ) -> Result<T, AppError> {
        let mut door = self.door();
        if let Some(store) = door.store() {
            return f(store).map_err(|e| AppError::new(&e, store.lang()));
        }
        let closed = Error::Lock(LockError::PassphraseNeeded);
        Err(AppError::in_both(door.failure().unwrap_or(&closed)))
    }

    /// Runs `f` on the door (create, unlock, lock...). Its errors are told in the person's
    /// language when the store is open, else in both: the language setting is inside it.
    pub fn at_door<T>(
        &self,
        f: impl FnOnce(&mut Door) -> terrain_core::Result<T>,
    ) -> Result<T, AppError> {
        let mut door = self.door();
        let result = f(&mut door);
        let lang = door.store().map(|s| s.lang());
        result.map_err(|e| match lang {
            Some(lang) => AppError::new(&e, lang),
            None => AppError::in_both(&e),
        })
    }

    /// The person's language, for work done away from the shared handle.
    pub fn lang(&self) -> Result<Lang, AppError> {
        self.with(|s| Ok::<_, Error>(s.lang()))
    }

    /// The person's language and the store with its key, to open connections of its own.
    pub fn lang_and_file(&self) -> Result<(Lang, StoreFile), AppError> {
        self.with(|s| Ok::<_, Error>((s.lang(), s.file())))
    }

    /// Runs long work on the blocking pool on its own connection to the store file, so the
    /// rest of the app stays usable meanwhile.
    pub async fn in_background<T: Send + 'static, E: Explained>(
        &self,
        work: impl FnOnce(&mut Store) -> Result<T, E> + Send + 'static,
    ) -> Result<T, AppError> {
        let (lang, file) = self.lang_and_file()?;
        blocking(lang, move || {
            let mut store = file.open().map_err(|e| AppError::new(&e, lang))?;
            work(&mut store).map_err(|e| AppError::new(&e, lang))
        })
        .await
    }
}

/// Runs `work` on the blocking pool (work that must not hold up the async runtime).
pub async fn blocking<T: Send + 'static>(
    lang: Lang,
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| AppError::lost(e, lang))?
}

/// Sync work in flight: one long task at a time, its cancel flag, and the shared hub.
#[derive(Default)]
pub struct SyncJobs {
    busy: Arc<AtomicBool>,
    pub cancel: Arc<AtomicBool>,
    share: Mutex<Option<LocalHub>>,
}

/// Holds the "one long task at a time" slot; frees it when dropped, even on a panic.
pub struct Slot(Arc<AtomicBool>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl SyncJobs {
    pub fn take_slot(&self, lang: Lang) -> Result<Slot, AppError> {
        if self.busy.swap(true, Ordering::SeqCst) {
            return Err(AppError::new(&Error::Refused(Refusal::Busy), lang));
        }
        self.cancel.store(false, Ordering::SeqCst);
        Ok(Slot(self.busy.clone()))
    }

    pub fn share(&self) -> MutexGuard<'_, Option<LocalHub>> {
        self.share.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use terrain_core::{Entity, Fields};

    fn fields(v: serde_json::Value) -> Fields {
        serde_json::from_value(v).expect("fields")
    }

    #[test]
    fn a_store_from_a_newer_terrain_is_refused_in_both_languages() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(store::DB_FILE);
        let conn = rusqlite::Connection::open(&path).expect("db");
        conn.pragma_update(None, "user_version", 99)
            .expect("version");
        drop(conn);
        let state = AppState::with_door(Door::at(&path));
        let err = state.lang().expect_err("refused");
        assert_eq!(err.code, "newer_schema");
        assert!(err.message.contains("plus récente"), "{}", err.message);
        assert!(err.message.contains("newer version"), "{}", err.message);
    }

    #[test]
    fn error_crosses_as_code_and_message_in_the_persons_language() {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = Store::open_in_dir(dir.path()).expect("open");
        s.set_setting("lang", "en").expect("set");
        let state = AppState::with_door(Door::open_on(s));
        let err = state
            .with(|s| s.create(Entity::Study, &fields(json!({"title": ""}))))
            .expect_err("title is required");
        assert_eq!(
            serde_json::to_value(&err).expect("json"),
            json!({"code": "invalid", "message": "The field \"title\" is required."})
        );
        state.with(|s| s.set_setting("lang", "fr")).expect("set");
        let err = state
            .with(|s| s.create(Entity::Study, &fields(json!({}))))
            .expect_err("title is required");
        assert_eq!(err.message, "Le champ « titre » est obligatoire.");
        let err = state
            .with(|_| Err::<(), _>(HubError::NoJoinedStudy))
            .expect_err("hub error");
        assert_eq!(err.code, "no_joined_study");
        assert!(err.message.contains("rejoint aucune étude"));
    }

    #[test]
    fn one_long_task_at_a_time() {
        let jobs = SyncJobs::default();
        let slot = jobs.take_slot(Lang::En).expect("first");
        assert_eq!(
            jobs.take_slot(Lang::En).err().map(|e| e.code),
            Some("busy".into())
        );
        drop(slot);
        assert!(jobs.take_slot(Lang::En).is_ok());
    }
}
