//! `terrain-hub --db PATH --listen ADDR`: a hub alone, for an office server that needs no
//! desktop app (and for tests that kill a hub process). `terrain serve` does the same.
//! Logs go to stderr (level from RUST_LOG, info by default). The limits may be set for tests
//! and benchmarks: `--max-connections N`, `--header-timeout-ms MS`, `--body-timeout-ms MS`.
//! An encrypted store is unlocked by `--passphrase-file FILE` or TERRAIN_PASSPHRASE.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: terrain-hub --db PATH [--listen ADDR] [--passphrase-file FILE] [--max-connections N] [--header-timeout-ms MS] [--body-timeout-ms MS]";

fn main() -> ExitCode {
    let mut db: Option<PathBuf> = None;
    let mut passphrase_file: Option<PathBuf> = None;
    // This machine only unless told where, as `terrain serve`: every network is a choice.
    let mut listen = "127.0.0.1:8765".to_string();
    let mut limits = terrain_hub::Limits::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        let number = value.as_deref().and_then(|v| v.parse::<u64>().ok());
        match (arg.as_str(), value, number) {
            ("--db", Some(v), _) => db = Some(PathBuf::from(v)),
            ("--listen", Some(v), _) => listen = v,
            ("--passphrase-file", Some(v), _) => passphrase_file = Some(PathBuf::from(v)),
            ("--max-connections", _, Some(n)) => limits.max_connections = n as usize,
            ("--header-timeout-ms", _, Some(n)) => limits.header_timeout = Duration::from_millis(n),
            ("--body-timeout-ms", _, Some(n)) => limits.body_timeout = Duration::from_millis(n),
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(db) = db else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    terrain_hub::init_logging();
    let lang = terrain_core::Lang::Fr;
    let passphrase = match passphrase_file {
        Some(path) => match terrain_core::store::passphrase::read_secret_file(&path) {
            Ok(text) => Some(text),
            Err(e) => {
                eprintln!("{} [{}]", e.message(lang), e.code());
                return ExitCode::FAILURE;
            }
        },
        None => std::env::var("TERRAIN_PASSPHRASE")
            .ok()
            .filter(|p| !p.is_empty())
            .map(zeroize::Zeroizing::new),
    };
    let unlock = match &passphrase {
        Some(p) => terrain_core::store::Unlock::Passphrase(p),
        None => terrain_core::store::Unlock::None,
    };
    let file = match terrain_core::Store::open_with(&db, unlock) {
        Ok(store) => store.file(),
        Err(e) => {
            eprintln!("{} [{}]", e.message(lang), e.code());
            return ExitCode::FAILURE;
        }
    };
    match terrain_hub::server::serve_blocking_with(file, &listen, limits, terrain_hub::print_ready)
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", e.message(lang));
            ExitCode::FAILURE
        }
    }
}
