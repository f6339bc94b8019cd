//! Sync by folder (a USB stick): the files a folder holds, the names Terrain gives the files
//! it writes there (neutral: no study title, role or person), and writing or reading them. The
//! desktop app and the CLI name files the same way, so a team sees the same names whichever
//! wrote them.

use std::io::Read;
use std::path::{Path, PathBuf};

use rand::rngs::OsRng;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::clock;
use crate::error::{Error, Refusal, Result};
use crate::schema::Role;
use crate::store::Store;
use crate::sync::bundle::export::{export_bundle, ExportReport, ExportTarget};
use crate::sync::bundle::file::MAGIC;
use crate::sync::bundle::import::{import_bundle, ImportReport};
use crate::sync::invite::{invite_to_file, Invitation, MAX_JOIN_FILE};
use crate::sync::join_seal::JOIN_FORMAT;
use crate::sync::progress::Progress;
use crate::sync::settings::remember_folder;

/// A folder with more entries than this is listed only in part (a USB stick never has that many).
const MAX_ENTRIES: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SyncFileKind {
    Bundle,
    Join,
}

/// A bundle or join file found in a folder (a USB stick).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SyncFile {
    pub path: String,
    pub name: String,
    pub kind: SyncFileKind,
    pub bytes: u64,
    /// Last modified, RFC 3339.
    pub modified: Option<String>,
}

/// Where files go unless the person picks another folder: their Documents folder (their home
/// folder when there is none).
pub fn default_folder() -> PathBuf {
    directories::UserDirs::new()
        .and_then(|u| {
            u.document_dir()
                .map(Path::to_path_buf)
                .or_else(|| Some(u.home_dir().to_path_buf()))
        })
        .unwrap_or_else(std::env::temp_dir)
}

fn existing_folder(folder: &Path) -> Result<&Path> {
    if folder.as_os_str().is_empty() || !folder.is_dir() {
        return Err(Error::Refused(Refusal::NoFolder {
            folder: folder.display().to_string(),
        }));
    }
    Ok(folder)
}

/// Bundle and join files directly in `folder`, newest first. Files are recognised by their
/// content (a bundle's magic bytes, a join file's format tag), not their names.
pub fn files_in(folder: &Path) -> Result<Vec<SyncFile>> {
    let dir = existing_folder(folder)?;
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)?.take(MAX_ENTRIES) {
        let Ok(entry) = entry else { continue };
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue; // temporary files of a bundle being written
        }
        let Some(kind) = sniff(&path, meta.len()) else {
            continue;
        };
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| clock::to_rfc3339(clock::from_millis(d.as_millis() as i64)));
        out.push(SyncFile {
            path: path.display().to_string(),
            name,
            kind,
            bytes: meta.len(),
            modified,
        });
    }
    out.sort_by(|a, b| b.modified.cmp(&a.modified).then(a.name.cmp(&b.name)));
    Ok(out)
}

fn sniff(path: &Path, len: u64) -> Option<SyncFileKind> {
    let mut head = [0u8; 8];
    let mut f = std::fs::File::open(path).ok()?;
    if len >= 8 && f.read_exact(&mut head).is_ok() && &head == MAGIC {
        return Some(SyncFileKind::Bundle);
    }
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if len < MAX_JOIN_FILE && json {
        let text = std::fs::read_to_string(path).ok()?;
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        if v.get("format").and_then(serde_json::Value::as_str) == Some(JOIN_FORMAT) {
            return Some(SyncFileKind::Join);
        }
    }
    None
}

/// "20261124-0310" in UTC, from this laptop's clock.
pub fn stamp_now() -> String {
    let t = clock::to_rfc3339(clock::from_millis(clock::wall_millis(0)));
    let digits: String = t.chars().filter(char::is_ascii_digit).take(12).collect();
    let (day, time) = digits.split_at(8.min(digits.len()));
    format!("{day}-{time}")
}

/// The first characters of a node id, letters and digits only: a peer id typed on the command
/// line or learned from another laptop never puts a path separator into a file name.
fn short(id: &str) -> String {
    id.chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect()
}

/// The name of a join file: "terrain-invitation-1a2b3c4d.json", eight random hex digits. A
/// stick's listing shows no study title, role or person.
pub fn invitation_name() -> String {
    let mut tag = [0u8; 4];
    OsRng.fill_bytes(&mut tag);
    format!("terrain-invitation-{}.json", hex(&tag))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Eight hex digits of a hash of the study and the day: bundles of one study and day sort
/// together on a stick, and the name says nothing of the study to whoever finds it.
fn study_tag(study: &str, day: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"terrain bundle name\0");
    h.update(study.as_bytes());
    h.update([0]);
    h.update(day.as_bytes());
    hex(&h.finalize()[..4])
}

/// The name of a bundle: the study (as a tag), when, for whom, and from which laptop, so that
/// two laptops never overwrite each other's file
/// ("terrain-5e6f7a8b-20261124-0310-complet-de-1a2b3c4d.terrain"); no study title.
pub fn bundle_name(store: &Store, study: &str, target: &ExportTarget) -> String {
    let whom = match target {
        ExportTarget::For(peer) => format!("pour-{}", short(peer)),
        ExportTarget::Full => "complet".into(),
    };
    let stamp = stamp_now();
    let day = stamp.split('-').next().unwrap_or_default();
    format!(
        "terrain-{}-{}-{}-de-{}.terrain",
        study_tag(study, day),
        stamp,
        whom,
        short(store.node_id())
    )
}

/// Writes a study's sealed join file into `folder` under a neutral name; returns the
/// invitation (its path, code and fingerprints).
pub fn invite_to_folder(
    store: &Store,
    study: &str,
    role: Role,
    folder: &Path,
) -> Result<Invitation> {
    let path = existing_folder(folder)?.join(invitation_name());
    invite_to_file(store, study, role, &path)
}

/// Writes a bundle of `study` into `folder`, for one peer (only what it lacks) or full, and
/// remembers the folder for next time.
pub fn export_to_folder(
    store: &Store,
    study: &str,
    target: &ExportTarget,
    folder: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport> {
    let dir = existing_folder(folder)?;
    let path = dir.join(bundle_name(store, study, target));
    let report = export_bundle(store, study, target, &path, progress)?;
    remember_folder(store, dir);
    Ok(report)
}

/// Imports a bundle file and remembers its folder for next time.
pub fn import_file(
    store: &mut Store,
    path: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport> {
    if !path.is_file() {
        return Err(Error::Refused(Refusal::NoFile {
            path: path.display().to_string(),
        }));
    }
    let report = import_bundle(store, path, progress)?;
    if let Some(dir) = path.parent() {
        remember_folder(store, dir);
    }
    Ok(report)
}
