//! Terrain-core's integration tests: one binary, one module per part of the crate, with the
//! helpers they share in `support`. (The streaming export's memory test is its own binary,
//! `tests/export_streaming.rs`: it measures its whole process.)

// A test stops at the first surprise, with the value that caused it.
#![allow(clippy::unwrap_used)]

mod attacks;
mod deleted;
mod demo;
mod export;
mod filter;
mod forms;
mod fuzz_corpus;
mod layers;
mod people;
mod report;
mod session_page;
mod smoke;
mod stats;
mod store;
mod support;
mod sync;
mod vocabulary;
