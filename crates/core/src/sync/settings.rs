//! The sync's local settings (never synced): this laptop's name for the team, the hub last
//! synced with, the folder of the last bundle, and the titles of studies joined but not yet
//! received.

use std::path::Path;

use crate::error::Result;
use crate::store::Store;

/// Bundle headers carry this setting; hubs list devices by it.
pub(crate) const DEVICE_LABEL: &str = "device_label";
const HUB_URL: &str = "sync.hub_url";
const LAST_FOLDER: &str = "sync.last_folder";

/// The longest name a laptop may give itself.
pub(crate) const LABEL_CHARS: usize = 60;

fn join_title_key(study: &str) -> String {
    format!("sync.join_title.{study}")
}

/// Names this laptop for the team (trimmed, at most 60 characters; empty clears it).
pub fn set_device_label(store: &Store, label: &str) -> Result<()> {
    let label: String = label.trim().chars().take(LABEL_CHARS).collect();
    store.set_setting(DEVICE_LABEL, &label)
}

/// The name this laptop gave itself, if any.
pub fn device_label(store: &Store) -> Result<Option<String>> {
    Ok(store
        .setting(DEVICE_LABEL)?
        .filter(|l| !l.trim().is_empty()))
}

/// This laptop's name for the team (bundle headers, a hub's device list): the name set in
/// Terrain, else a neutral one (never the computer's host name, which often names its owner).
pub fn device_name(store: &Store) -> String {
    device_label(store)
        .ok()
        .flatten()
        .unwrap_or_else(|| default_device_label(store.node_id()))
}

/// The name of a laptop that did not name itself: "Ordinateur" and the first four hex digits
/// of its node id ("Ordinateur 1a2b").
pub fn default_device_label(node_id: &str) -> String {
    let tag: String = node_id
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(4)
        .collect();
    format!("Ordinateur {}", tag.to_lowercase())
}

/// The hub address of the last successful sync.
pub fn hub_url(store: &Store) -> Result<Option<String>> {
    store.setting(HUB_URL)
}

/// Remembers the hub synced with, to spare retyping it (a failure to remember changes nothing).
pub fn remember_hub_url(store: &Store, url: &str) {
    let _ = store.set_setting(HUB_URL, url);
}

/// The folder the last bundle went to or came from.
pub fn last_folder(store: &Store) -> Result<Option<String>> {
    store.setting(LAST_FOLDER)
}

/// Remembers where the last bundle went or came from (a failure to remember changes nothing).
pub(crate) fn remember_folder(store: &Store, folder: &Path) {
    let _ = store.set_setting(LAST_FOLDER, &folder.display().to_string());
}

/// The title a join file gave a study, shown until the study's records arrive.
pub(crate) fn join_title(store: &Store, study: &str) -> Result<Option<String>> {
    store.setting(&join_title_key(study))
}

pub(crate) fn note_join_title(store: &Store, study: &str, title: &str) -> Result<()> {
    store.set_setting(&join_title_key(study), title)
}
