//! What every command shares: opening the store, printing, turning errors into one line.

use std::path::PathBuf;
use std::process::ExitCode;

use terrain_core::{store, Lang, Store};
use terrain_hub::HubError;

pub type Result<T> = std::result::Result<T, Failure>;

/// Why a command failed, with the stable code of the core's or the hub's error (printed with
/// the message, so scripts can branch on it).
#[derive(Debug)]
pub enum Failure {
    Core(terrain_core::Error),
    Hub(HubError),
}

impl Failure {
    pub fn code(&self) -> String {
        match self {
            Failure::Core(e) => e.code().to_string(),
            Failure::Hub(e) => e.code(),
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            Failure::Core(e) => e.message(lang),
            Failure::Hub(e) => e.message(lang),
        }
    }
}

impl From<terrain_core::Error> for Failure {
    fn from(e: terrain_core::Error) -> Failure {
        Failure::Core(e)
    }
}

impl From<HubError> for Failure {
    fn from(e: HubError) -> Failure {
        match e {
            HubError::Core(e) => Failure::Core(e),
            e => Failure::Hub(e),
        }
    }
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Failure {
        Failure::Core(e.into())
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure::Core(e.into())
    }
}

pub struct Ctx {
    db: Option<PathBuf>,
}

impl Ctx {
    pub fn new(db: Option<PathBuf>) -> Ctx {
        Ctx { db }
    }

    /// Opens (creating if needed) the store named by `--db`, or the default one.
    pub fn open(&self) -> Result<Store> {
        Ok(match &self.db {
            Some(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                Store::open(path)?
            }
            None => Store::open_in_dir(&store::default_data_dir()?)?,
        })
    }

    /// The language of messages: TERRAIN_LANG (fr or en), French by default.
    pub fn lang(&self) -> Lang {
        std::env::var("TERRAIN_LANG")
            .ok()
            .and_then(|l| Lang::parse(l.trim()))
            .unwrap_or_default()
    }

    /// Exit status and, on failure, a one-line reason on stderr ending with its code:
    /// `terrain: <message> [<code>]`.
    pub fn finish(&self, result: Result<()>) -> ExitCode {
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                let msg = e.message(self.lang()).replace('\n', " ");
                eprintln!("terrain: {msg} [{}]", e.code());
                ExitCode::FAILURE
            }
        }
    }
}

/// Prints JSON (pretty) on stdout.
pub fn print_json(value: &impl serde::Serialize) -> Result<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| terrain_core::Error::Internal(e.to_string()))?;
    println!("{text}");
    Ok(())
}
