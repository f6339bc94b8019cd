//! What the app's long sync work (a bundle written or read, a hub sync) reports on its progress
//! channel, in one shape for both, so one progress bar shows either.

use serde::Serialize;
use terrain_core::sync::Progress as BundleProgress;
use ts_rs::TS;

use crate::client::{Progress, Stage};

/// What long work is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SyncTask {
    Export,
    Import,
    Hub,
}

/// What long work sends on its progress channel, bundle or hub alike. `total` is 0 while it
/// is not known (a hub does not say in advance how much it will send).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct TaskProgress {
    pub task: SyncTask,
    /// writing, checking, applying (bundles); connecting, enrolling, pushing, pulling, done (hub).
    pub stage: String,
    pub done: u64,
    pub total: u64,
    pub sent: u64,
    pub received: u64,
}

impl TaskProgress {
    /// A bundle's export or import (`task`) at `p`.
    pub fn of_bundle(task: SyncTask, p: BundleProgress) -> TaskProgress {
        TaskProgress {
            task,
            stage: p.phase.name().into(),
            done: p.done,
            total: p.total,
            sent: 0,
            received: 0,
        }
    }

    /// A hub sync at `p`.
    pub fn of_hub(p: &Progress) -> TaskProgress {
        let (stage, done, total) = match p.stage {
            Stage::Connecting => ("connecting", 0, 0),
            Stage::Enrolling => ("enrolling", 0, 0),
            Stage::Pushing => ("pushing", p.sent, p.to_send),
            Stage::Pulling => ("pulling", p.received, 0),
            Stage::Done => ("done", 0, 0),
        };
        TaskProgress {
            task: SyncTask::Hub,
            stage: stage.into(),
            done,
            total,
            sent: p.sent,
            received: p.received,
        }
    }
}
