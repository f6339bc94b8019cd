//! Sync between real stores through bundle files.

mod basic;
mod bundle_bad;
mod prop;
