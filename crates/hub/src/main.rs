//! `terrain-hub --db PATH --listen ADDR`: a hub alone, for an office server that needs no
//! desktop app (and for tests that kill a hub process). `terrain serve` does the same.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut db: Option<PathBuf> = None;
    let mut listen = "0.0.0.0:8765".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--db", Some(v)) => db = Some(PathBuf::from(v)),
            ("--listen", Some(v)) => listen = v,
            _ => {
                eprintln!("usage: terrain-hub --db PATH [--listen ADDR]");
                return ExitCode::from(2);
            }
        }
    }
    let Some(db) = db else {
        eprintln!("usage: terrain-hub --db PATH [--listen ADDR]");
        return ExitCode::from(2);
    };
    let lang = terrain_core::Lang::Fr;
    match terrain_hub::server::serve_blocking(&db, &listen, terrain_hub::print_ready) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", e.message(lang));
            ExitCode::FAILURE
        }
    }
}
