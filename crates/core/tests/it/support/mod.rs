//! Helpers shared by the integration tests: a record's fields written as JSON, a store in a
//! temp dir, and the stats fixture.

pub mod form_records;
pub mod stats_fixture;

use tempfile::TempDir;
use terrain_core::{Fields, Store};

/// A record's fields, written as a JSON object.
pub fn fields(v: serde_json::Value) -> Fields {
    serde_json::from_value(v).expect("fields are a JSON object")
}

/// A new store in a temp dir; the dir is removed when the returned `TempDir` is dropped.
pub fn temp_store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_in_dir(dir.path()).expect("open store");
    (dir, store)
}
