//! Terrain-hub's integration tests: one binary, one module per scenario, with the helpers they
//! share in `support`.

mod convergence;
mod crash;
mod fuzz_corpus;
mod laptop;
mod security;
mod support;
