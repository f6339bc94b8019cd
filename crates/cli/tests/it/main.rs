//! The `terrain` command's integration tests: one binary, one module per part of the command.

// A test stops at the first surprise, with the value that caused it.
#![allow(clippy::unwrap_used)]

mod backup;
mod bench;
mod deleted;
mod drives;
mod export;
mod forms;
mod hq;
mod output;
mod protection;
mod record;
mod study;
mod support;
mod sync;
