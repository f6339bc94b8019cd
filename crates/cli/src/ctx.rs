//! What every command shares: opening the store, printing, turning errors into one line.

use std::path::PathBuf;
use std::process::ExitCode;

use terrain_core::error::LockError;
use terrain_core::store::{Kind, Unlock};
use terrain_core::{store, Lang, Store};
use terrain_hub::HubError;
use zeroize::Zeroizing;

/// The environment variable holding the passphrase of an encrypted store (scripts, services):
/// never an argument value, which other accounts could read in the process list.
pub const PASSPHRASE_ENV: &str = "TERRAIN_PASSPHRASE";

pub type Result<T> = std::result::Result<T, Failure>;

/// Why a command failed, with the stable code of the core's or the hub's error (printed with
/// the message, so scripts can branch on it).
#[derive(Debug)]
pub enum Failure {
    Core(terrain_core::Error),
    Hub(HubError),
    /// Whoever read our output stopped reading (`terrain record list | head`): not a failure,
    /// the command ends quietly.
    OutputClosed,
}

impl Failure {
    pub fn code(&self) -> String {
        match self {
            Failure::Core(e) => e.code().to_string(),
            Failure::Hub(e) => e.code(),
            Failure::OutputClosed => "output_closed".to_string(),
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            Failure::Core(e) => e.message(lang),
            Failure::Hub(e) => e.message(lang),
            Failure::OutputClosed => match lang {
                Lang::Fr => "la sortie a été fermée".to_string(),
                Lang::En => "the output was closed".to_string(),
            },
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

/// Where the store is and what unlocks it: `--db`, `--passphrase-file` (or TERRAIN_PASSPHRASE)
/// and `--recovery-file`, global options of every command.
pub struct Ctx {
    db: Option<PathBuf>,
    passphrase_file: Option<PathBuf>,
    recovery_file: Option<PathBuf>,
}

/// A secret read from a file (see `store::passphrase::read_secret_file`).
pub fn read_secret(path: &std::path::Path) -> Result<Zeroizing<String>> {
    Ok(store::passphrase::read_secret_file(path)?)
}

/// The recovery words (`--recovery-file`) and the passphrase (`--passphrase-file` or
/// TERRAIN_PASSPHRASE) given to a command.
pub struct Secrets {
    recovery: Option<Zeroizing<String>>,
    passphrase: Option<Zeroizing<String>>,
}

impl Secrets {
    /// How they unlock a store: the recovery words first (given when the passphrase is lost).
    pub fn unlock(&self) -> Unlock<'_> {
        match (&self.recovery, &self.passphrase) {
            (Some(words), _) => Unlock::Recovery(words),
            (None, Some(p)) => Unlock::Passphrase(p),
            (None, None) => Unlock::None,
        }
    }
}

impl Ctx {
    pub fn new(db: Option<PathBuf>) -> Ctx {
        Ctx {
            db,
            passphrase_file: None,
            recovery_file: None,
        }
    }

    /// Where the passphrase and the recovery words are read from, when given.
    pub fn with_secrets(
        mut self,
        passphrase_file: Option<PathBuf>,
        recovery_file: Option<PathBuf>,
    ) -> Ctx {
        self.passphrase_file = passphrase_file;
        self.recovery_file = recovery_file;
        self
    }

    /// The store file named by `--db`, or the default one; its folder is created if needed
    /// (the default data folder owner-only).
    pub fn db_path(&self) -> Result<PathBuf> {
        Ok(match &self.db {
            Some(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                path.clone()
            }
            None => {
                let dir = store::default_data_dir()?;
                // Opening a plain store there makes the folder owner-only; nothing is written
                // until a command opens it.
                std::fs::create_dir_all(&dir)?;
                dir.join(store::DB_FILE)
            }
        })
    }

    /// The passphrase given by `--passphrase-file` or TERRAIN_PASSPHRASE, if any.
    pub fn passphrase(&self) -> Result<Option<Zeroizing<String>>> {
        if let Some(path) = &self.passphrase_file {
            return read_secret(path).map(Some);
        }
        // An empty variable is no passphrase (a script that unsets it by emptying it).
        Ok(std::env::var(PASSPHRASE_ENV)
            .ok()
            .filter(|p| !p.is_empty())
            .map(Zeroizing::new))
    }

    /// The secrets this command was given to unlock a store, read once.
    pub fn secrets(&self) -> Result<Secrets> {
        Ok(Secrets {
            recovery: self.recovery_file.as_deref().map(read_secret).transpose()?,
            passphrase: self.passphrase()?,
        })
    }

    /// Opens (creating a plain one if needed) the store named by `--db`, or the default one,
    /// unlocked by the recovery words or the passphrase when given.
    pub fn open(&self) -> Result<Store> {
        let path = self.db_path()?;
        let secrets = self.secrets()?;
        let unlock = secrets.unlock();
        if !matches!(unlock, Unlock::None) && store::kind(&path)? == Kind::Missing {
            return Err(terrain_core::Error::Lock(LockError::NoStore {
                path: path.display().to_string(),
            })
            .into());
        }
        Ok(match &self.db {
            Some(_) => Store::open_with(&path, unlock)?,
            None => Store::open_in_dir_with(path.parent().unwrap_or(&path), unlock)?,
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
            Ok(()) | Err(Failure::OutputClosed) => ExitCode::SUCCESS,
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
    write_out(format_args!("{text}\n"))
}

/// Writes to stdout, as every command's output goes (see [`say!`]): `println!` would panic
/// with a backtrace when the reader has gone (`| head`); here that ends the command quietly.
pub fn write_out(text: std::fmt::Arguments<'_>) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_fmt(text)
        .and_then(|()| out.flush())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => Failure::OutputClosed,
            _ => e.into(),
        })
}

/// `println!` for command output: returns [`Failure::OutputClosed`] from the enclosing
/// function when the reader has gone, rather than panicking.
macro_rules! say {
    () => {
        $crate::ctx::write_out(format_args!("\n"))?
    };
    ($($arg:tt)*) => {
        $crate::ctx::write_out(format_args!("{}\n", format_args!($($arg)*)))?
    };
}
pub(crate) use say;
