//! Where this laptop stands for sync, in one read: its name, where files go, the hub and
//! folder last used, the studies it can sync and the conflicts waiting for a supervisor. (A
//! hub the desktop app runs is the app's to add.)

use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::store::Store;
use crate::sync::conflicts::open_conflicts;
use crate::sync::folder::default_folder;
use crate::sync::settings::{default_device_label, device_label, hub_url, last_folder};
use crate::sync::studies::{offered_studies, SyncStudy};

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SyncOverview {
    pub node_id: String,
    /// The name this laptop gives itself in bundles and on hubs ("Portable 3, Mopti").
    pub device_label: Option<String>,
    /// The name the team sees while none is set: neutral, never the computer's host name
    /// ("Ordinateur 1a2b").
    pub default_label: String,
    /// Where files go unless the person picks another folder (their Documents folder).
    pub default_folder: String,
    /// The hub address of the last successful sync, and the folder of the last bundle.
    pub hub_url: Option<String>,
    pub last_folder: Option<String>,
    pub studies: Vec<SyncStudy>,
    /// Unresolved conflicts.
    pub open_conflicts: u64,
}

pub fn overview(store: &Store) -> Result<SyncOverview> {
    Ok(SyncOverview {
        node_id: store.node_id().to_string(),
        device_label: device_label(store)?,
        default_label: default_device_label(store.node_id()),
        default_folder: default_folder().display().to_string(),
        hub_url: hub_url(store)?,
        last_folder: last_folder(store)?,
        studies: offered_studies(store)?,
        open_conflicts: open_conflicts(store.conn())?,
    })
}
