//! The removable drives plugged in (USB sticks), offered as one-click folders to sync by. The
//! system is asked through `sysinfo` (on Linux the mounts whose device is on the USB bus, on
//! Windows the drives of the removable type); a drive is shown by its label, as the file
//! manager names it: « Clé USB KINGSTON (/media/ana/KINGSTON) ».

use std::ffi::OsStr;
use std::path::Path;

use serde::Serialize;
use sysinfo::{DiskRefreshKind, Disks};
use ts_rs::TS;

/// A removable drive, mounted: where its files are and what it is called.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Drive {
    /// Its volume label ("KINGSTON"), or the last part of its folder when it has none.
    pub label: String,
    /// The folder it is mounted at ("/media/ana/KINGSTON", "E:\\").
    pub path: String,
    pub total_bytes: u64,
    pub free_bytes: u64,
    /// Mounted read-only: bundles can be read from it, not written to it.
    pub read_only: bool,
}

/// The removable drives mounted now, by folder. Asks the system each time (a stick comes and
/// goes); an unreadable mount is left out rather than failing the list.
pub fn removable_drives() -> Vec<Drive> {
    let disks = Disks::new_with_refreshed_list_specifics(DiskRefreshKind::nothing().with_storage());
    let mut drives: Vec<Drive> = disks
        .list()
        .iter()
        .filter(|d| d.is_removable())
        .map(|d| Drive {
            label: drive_label(d.name(), d.mount_point()),
            path: d.mount_point().display().to_string(),
            total_bytes: d.total_space(),
            free_bytes: d.available_space(),
            read_only: d.is_read_only(),
        })
        .collect();
    drives.sort_by(|a, b| a.path.cmp(&b.path));
    drives.dedup_by(|a, b| a.path == b.path);
    drives
}

/// The name a person knows a drive by. Windows gives the volume label ("KINGSTON", empty when
/// there is none: then "E:"); Linux gives the device ("/dev/sdb1"), and mounts a stick at a
/// folder named after its label ("/media/ana/KINGSTON").
fn drive_label(name: &OsStr, mount: &Path) -> String {
    let name = name.to_string_lossy();
    let name = name.trim();
    if !name.is_empty() && !name.starts_with("/dev/") {
        return name.to_string();
    }
    if let Some(last) = mount.file_name() {
        return last.to_string_lossy().into_owned();
    }
    // A drive's root ("E:\\" on Windows, "/" elsewhere): its path without the separator.
    let whole = mount.display().to_string();
    let bare = whole.trim_end_matches(['\\', '/']);
    if bare.is_empty() {
        whole
    } else {
        bare.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(name: &str, mount: &str) -> String {
        drive_label(OsStr::new(name), Path::new(mount))
    }

    #[test]
    fn a_volume_label_names_the_drive() {
        assert_eq!(label("KINGSTON", r"E:\"), "KINGSTON");
        assert_eq!(label(" CLÉ ANA ", r"F:\"), "CLÉ ANA");
    }

    #[test]
    fn a_linux_device_is_named_by_the_folder_it_is_mounted_at() {
        assert_eq!(label("/dev/sdb1", "/media/ana/KINGSTON"), "KINGSTON");
        assert_eq!(label("/dev/sdc1", "/run/media/ana/CLÉ USB"), "CLÉ USB");
    }

    #[test]
    fn a_drive_without_a_label_is_named_by_its_root() {
        assert_eq!(label("", "/"), "/");
        if cfg!(windows) {
            assert_eq!(label("", r"E:\"), "E:");
        }
    }

    #[test]
    fn listing_the_drives_never_fails() {
        // Whatever is plugged in here: every drive listed has a folder and a name.
        for d in removable_drives() {
            assert!(!d.path.is_empty() && !d.label.is_empty(), "{d:?}");
        }
    }
}
