//! A laptop's sync with a hub as a person starts it (the desktop app's "Sync now"): the
//! address as typed, every study this laptop joined, its name on the hub's list of devices,
//! and the address kept for next time.

use std::sync::atomic::AtomicBool;

use terrain_core::sync::{device_name, remember_hub_url};
use terrain_core::Store;

use crate::client::{sync, Progress, SyncOptions, SyncSummary};
use crate::engine;
use crate::error::{HubError, Result};

/// "192.168.1.20:7878" → "http://192.168.1.20:7878"; None for an empty or unusable address.
pub fn normalise_url(url: &str) -> Option<String> {
    let u = url.trim().trim_end_matches('/');
    if u.is_empty() || u.contains(char::is_whitespace) {
        return None;
    }
    if u.starts_with("http://") || u.starts_with("https://") {
        Some(u.to_string())
    } else if u.contains("://") {
        None
    } else {
        Some(format!("http://{u}"))
    }
}

/// Syncs every study this laptop joined with the hub at `url` (as a person types it), both
/// ways; the desktop app and `terrain sync` both run it. The join code is needed on this
/// laptop's first sync with that hub; without a label of its own, the laptop goes by its name
/// (see `sync::device_name`).
pub fn sync_joined(
    store: &mut Store,
    url: &str,
    opts: &SyncOptions,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> Result<SyncSummary> {
    let url = normalise_url(url).ok_or(HubError::BadUrl)?;
    if engine::studies(store)?.is_empty() {
        return Err(HubError::NoJoinedStudy);
    }
    let opts = SyncOptions {
        join_code: opts
            .join_code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string),
        label: opts.label.clone().or_else(|| Some(device_name(store))),
        ..opts.clone()
    };
    let summary = sync(store, &url, &opts, progress, cancel)?;
    remember_hub_url(store, &url);
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_as_people_type_them() {
        assert_eq!(
            normalise_url(" 192.168.1.20:7878/ ").as_deref(),
            Some("http://192.168.1.20:7878")
        );
        assert_eq!(
            normalise_url("http://hub.local").as_deref(),
            Some("http://hub.local")
        );
        assert_eq!(normalise_url("ftp://x"), None);
        assert_eq!(normalise_url("  "), None);
    }
}
