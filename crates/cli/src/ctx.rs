//! What every command shares: opening the store, printing, turning errors into one line.

use std::path::PathBuf;
use std::process::ExitCode;

use terrain_core::{store, Lang, Store};

pub type Result<T> = terrain_core::Result<T>;

pub struct Ctx {
    db: Option<PathBuf>,
}

impl Ctx {
    pub fn new(db: Option<PathBuf>) -> Ctx {
        Ctx { db }
    }

    /// Opens (creating if needed) the store named by `--db`, or the default one.
    pub fn open(&self) -> Result<Store> {
        match &self.db {
            Some(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                Store::open(path)
            }
            None => Store::open_in_dir(&store::default_data_dir()?),
        }
    }

    /// The language of messages: TERRAIN_LANG (fr or en), French by default.
    pub fn lang(&self) -> Lang {
        std::env::var("TERRAIN_LANG")
            .ok()
            .and_then(|l| Lang::parse(l.trim()))
            .unwrap_or_default()
    }

    /// Exit status and, on failure, a one-line reason on stderr.
    pub fn finish(&self, result: Result<()>) -> ExitCode {
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                let msg = e.message(self.lang()).replace('\n', " ");
                eprintln!("terrain: {msg}");
                ExitCode::FAILURE
            }
        }
    }
}

/// Prints JSON (pretty) on stdout.
pub fn print_json(value: &impl serde::Serialize) -> Result<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| terrain_core::Error::Refused(e.to_string()))?;
    println!("{text}");
    Ok(())
}
