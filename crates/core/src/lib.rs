//! Terrain's core: the domain, the change-logged SQLite store, merge and sync, statistics,
//! reports and exports. Nothing here knows about Tauri, HTTP or a display.
//!
//! Each folder is a layer that imports only the layers above it in this list (a test,
//! `tests/it/layers.rs`, fails on any other import):
//! - `lang`, `clock`, `schema`, `error`: the domain's words, the hybrid logical clock, the
//!   entities and their fields, what can go wrong;
//! - `store`: the SQLite file (open, migrations, meta, rows, atomic file writes);
//! - `changes`: the change log, the merge, the one write path;
//! - `read`: what screens and the CLI read (records, sessions, studies, history, places);
//! - `sync`: version vectors and the planner, batches, bundles, keys, devices, conflicts, dump;
//! - `stats`, then `export` and `report`; `demo` writes through `changes`.

mod lang;

pub mod changes;
pub mod clock;
pub mod demo;
pub mod error;
pub mod export;
pub mod forms;
pub mod read;
pub mod report;
pub mod schema;
pub mod stats;
pub mod store;
pub mod sync;

pub use changes::Fields;
pub use error::{Error, Problem, Refusal, Result, SyncError, ValidationError};
pub use lang::Lang;
pub use schema::Entity;
pub use store::Store;
