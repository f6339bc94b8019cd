//! The one store handle of the app, and the error shape that crosses IPC.

use std::sync::{Mutex, MutexGuard};

use serde::Serialize;
use terrain_core::{store, Error, Lang, Store};
use ts_rs::TS;

/// What a failed command returns to the UI: a stable code to branch on and a message in the
/// person's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AppError {
    pub code: String,
    pub message: String,
}

impl AppError {
    pub fn from_core(e: &Error, lang: Lang) -> AppError {
        AppError {
            code: e.code().to_string(),
            message: e.message(lang),
        }
    }

    /// An error of the shell itself, with its two messages.
    pub fn new(code: &str, lang: Lang, fr: &str, en: &str) -> AppError {
        AppError {
            code: code.to_string(),
            message: match lang {
                Lang::Fr => fr.to_string(),
                Lang::En => en.to_string(),
            },
        }
    }
}

/// Why the store could not be opened, kept so that every command can tell the person
/// (a database from a newer Terrain, an unwritable folder) instead of the app dying silently.
#[derive(Debug, Clone)]
struct OpenFailure {
    code: &'static str,
    fr: String,
    en: String,
}

pub struct AppState {
    store: Mutex<Option<Store>>,
    failure: Option<OpenFailure>,
}

impl AppState {
    /// Opens the store in the OS's app-data directory (or `TERRAIN_DATA_DIR`).
    pub fn open_default() -> AppState {
        AppState::open(store::default_data_dir().and_then(|dir| Store::open_in_dir(&dir)))
    }

    /// Keeps an opened store, or why it could not be opened.
    pub fn open(opened: terrain_core::Result<Store>) -> AppState {
        match opened {
            Ok(s) => AppState::with_store(s),
            Err(e) => AppState {
                store: Mutex::new(None),
                failure: Some(OpenFailure {
                    code: e.code(),
                    fr: e.message(Lang::Fr),
                    en: e.message(Lang::En),
                }),
            },
        }
    }

    pub fn with_store(store: Store) -> AppState {
        AppState {
            store: Mutex::new(Some(store)),
            failure: None,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Option<Store>> {
        // A panic while holding the lock leaves SQLite consistent (the transaction rolled
        // back when it was dropped), so the store stays usable.
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the store and maps its error into the person's language.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Store) -> terrain_core::Result<T>,
    ) -> Result<T, AppError> {
        self.try_with(|s| f(s).map_err(|e| AppError::from_core(&e, s.lang())))
    }

    /// Like [`AppState::with`], for code that builds its own [`AppError`].
    pub fn try_with<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut guard = self.lock();
        match guard.as_mut() {
            Some(store) => f(store),
            None => Err(self.failure_error()),
        }
    }

    fn failure_error(&self) -> AppError {
        let f = self.failure.clone().unwrap_or(OpenFailure {
            code: "no_store",
            fr: "La base de données n'est pas ouverte.".into(),
            en: "The database is not open.".into(),
        });
        // The language setting lives in the store that could not be opened: say it in both.
        AppError {
            code: f.code.to_string(),
            message: format!("{}\n{}", f.fr, f.en),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_from_a_newer_terrain_is_refused_in_both_languages() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(store::DB_FILE);
        let conn = rusqlite::Connection::open(&path).expect("db");
        conn.pragma_update(None, "user_version", 99)
            .expect("version");
        drop(conn);
        let state = AppState::open(Store::open(&path));
        let err = state.with(|s| Ok(s.lang())).expect_err("refused");
        assert_eq!(err.code, "newer_schema");
        assert!(err.message.contains("plus récente"), "{}", err.message);
        assert!(err.message.contains("newer version"), "{}", err.message);
    }
}
