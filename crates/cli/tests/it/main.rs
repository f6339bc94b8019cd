//! The `terrain` command's integration tests: one binary, one module per part of the command.

// A test stops at the first surprise, with the value that caused it.
#![allow(clippy::unwrap_used)]

mod backup;
mod bench;
mod export;
mod hq;
mod protection;
mod study;
mod support;
mod sync;
