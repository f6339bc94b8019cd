//! Sync between real stores through bundle files and folders.

mod authorship;
mod basic;
mod bundle_bad;
mod erasure;
mod folder;
mod join_sealed;
mod members;
mod prop;
mod repairs;
mod same_edit;
pub mod sealed;
mod summary;
