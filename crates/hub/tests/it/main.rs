//! Terrain-hub's integration tests: one binary, one module per scenario, with the helpers they
//! share in `support`.

mod convergence;
mod crash;
mod encrypted;
mod erasure;
mod flood;
mod fuzz_corpus;
mod fuzz_seeds;
mod laptop;
mod rekey;
mod repairs;
mod rogue;
mod sealed;
mod security;
mod share;
mod summary;
mod support;
