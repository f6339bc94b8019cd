//! How long sync work says where it is.

use serde::Serialize;
use ts_rs::TS;

/// Long work reports where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Phase {
    /// Reading the study's changes and writing the bundle.
    Writing,
    /// Checking the bundle (signature, decryption, every change) before applying anything.
    Checking,
    /// Applying batches.
    Applying,
}

impl Phase {
    /// The name the UI shows a stage by (as serialized).
    pub fn name(self) -> &'static str {
        match self {
            Phase::Writing => "writing",
            Phase::Checking => "checking",
            Phase::Applying => "applying",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Progress {
    pub phase: Phase,
    pub done: u64,
    pub total: u64,
}
