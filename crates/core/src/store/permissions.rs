//! Who may read the store's files: on Unix, only their owner (the data folder 0700, its files
//! 0600), so another account on a shared laptop cannot copy them. Elsewhere the OS's per-user
//! folder is the boundary. Best effort: a folder on a FAT stick has no owner to set.

use std::path::Path;

/// Makes `path` readable and writable by its owner only, if it exists.
pub(crate) fn owner_only_file(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if path.exists() {
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Makes the folder `path` enterable by its owner only.
pub(crate) fn owner_only_dir(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700));
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Creates an empty file at `path` that only its owner can read, unless something is there:
/// SQLite then opens it as a new database and gives its `-wal` and `-shm` the same mode.
pub(crate) fn create_owner_only(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}
