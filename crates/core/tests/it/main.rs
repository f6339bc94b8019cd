//! Terrain-core's integration tests: one binary, one module per part of the crate.

mod layers;
mod session_page;
mod sync_folder;
