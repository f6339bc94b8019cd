//! Files written whole or not at all (bundles, join files, exports): a reader never sees half a
//! file, even when the laptop dies mid-way.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Writes `path` through a temporary file in the same folder, flushed to disk, then renamed,
/// so that a reader never sees half a file even if the laptop dies mid-way.
pub fn write_atomically(
    path: &Path,
    f: impl FnOnce(&mut BufWriter<File>) -> Result<()>,
) -> Result<()> {
    let tmp = temp_path(path);
    let result = (|| {
        let mut w = BufWriter::new(File::create(&tmp)?);
        f(&mut w)?;
        let file = w.into_inner().map_err(|e| Error::Io(e.into_error()))?;
        put_in_place(file, &tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

pub(crate) fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Flushes a finished temporary file to disk, then renames it to `path`.
pub(crate) fn put_in_place(file: File, tmp: &Path, path: &Path) -> Result<()> {
    file.sync_all()?;
    drop(file);
    rename_durably(tmp, path)
}

/// Renames `from` to `path` (replacing what was there) and makes the rename itself durable
/// where the OS lets us open a folder.
pub(crate) fn rename_durably(from: &Path, path: &Path) -> Result<()> {
    std::fs::rename(from, path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}
