//! Terrain-core's integration tests: one binary, one module per part of the crate.

mod filter;
mod layers;
mod vocabulary;
