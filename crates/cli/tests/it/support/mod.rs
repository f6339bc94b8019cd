//! Helpers shared by the `terrain` command's tests: run the binary on a database file and read
//! what it prints.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_terrain");

pub fn cmd(db: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.env("TERRAIN_LANG", "en").arg("--db").arg(db);
    c
}

pub fn run(db: &Path, args: &[&str]) -> Output {
    cmd(db).args(args).output().unwrap()
}

/// Runs and expects success; returns stdout.
pub fn ok(db: &Path, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(
        out.status.success(),
        "terrain {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs and expects a refusal: non-zero exit and exactly one line on stderr.
pub fn refused(db: &Path, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(!out.status.success(), "terrain {args:?} was accepted");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "not one line: {err:?}");
    err
}

pub fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).unwrap()
}

pub fn node_id(db: &Path) -> String {
    json(db, &["info", "--json"])["node_id"]
        .as_str()
        .unwrap()
        .to_string()
}

pub fn dump(db: &Path) -> String {
    ok(db, &["dump", "--json"])
}
