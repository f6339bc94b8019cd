//! The Sync screen's commands: study keys (invite, join), USB bundles (export, import), the
//! conflict log, the devices seen, syncing with a hub, and sharing this laptop as a hub on the
//! office network.
//!
//! Long work (bundles, hub syncs) runs on the blocking pool on its own connection to the
//! store file, so the rest of the app stays usable meanwhile, and reports progress through a
//! Tauri channel given by the UI (a channel needs no event permission in the capability and
//! carries one task's progress only). Each command is a thin adapter over a plain function
//! below that the tests call directly.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde_json::Value as Json;
use tauri::ipc::Channel;
use tauri::State;
use terrain_core::read as query;
use terrain_core::sync::bundle::{self, ExportReport, ExportTarget, ImportReport};
use terrain_core::sync::{self, ClockWarning, Phase};
use terrain_core::{clock, Entity, Lang, Store};
use terrain_hub::registry;
use terrain_hub::{HubError, LocalHub, Stage, SyncOptions};
use ts_rs::TS;

use crate::state::{AppError, AppState};

type Res<T> = Result<T, AppError>;

/// The address "share on this network" listens on unless told otherwise: every interface, so
/// the other laptops on the office LAN or the hotspot can reach it.
pub const DEFAULT_SHARE_ADDRESS: &str = "0.0.0.0:7878";

/// Sync work in flight: one long task at a time, its cancel flag, and the shared hub.
#[derive(Default)]
pub struct SyncJobs {
    busy: Arc<AtomicBool>,
    cancel: Arc<AtomicBool>,
    share: Mutex<Option<LocalHub>>,
}

/// Holds the "one long task at a time" slot; frees it when dropped, even on a panic.
struct Slot(Arc<AtomicBool>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl SyncJobs {
    fn take_slot(&self, lang: Lang) -> Res<Slot> {
        if self.busy.swap(true, Ordering::SeqCst) {
            return Err(AppError::new(
                "busy",
                lang,
                "Une synchronisation est déjà en cours : attendez qu'elle se termine.",
                "A sync is already running: wait until it ends.",
            ));
        }
        self.cancel.store(false, Ordering::SeqCst);
        Ok(Slot(self.busy.clone()))
    }

    fn share(&self) -> std::sync::MutexGuard<'_, Option<LocalHub>> {
        self.share.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What long work is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SyncTask {
    Export,
    Import,
    Hub,
}

/// What long work sends on its progress channel. `total` is 0 while it is not known (a hub does not
/// say in advance how much it will send).
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

fn phase_name(p: Phase) -> &'static str {
    match p {
        Phase::Writing => "writing",
        Phase::Checking => "checking",
        Phase::Applying => "applying",
    }
}

fn bundle_progress(task: SyncTask, p: sync::Progress) -> TaskProgress {
    TaskProgress {
        task,
        stage: phase_name(p.phase).into(),
        done: p.done,
        total: p.total,
        sent: 0,
        received: 0,
    }
}

fn hub_progress(p: &terrain_hub::Progress) -> TaskProgress {
    let stage = match p.stage {
        Stage::Connecting => "connecting",
        Stage::Enrolling => "enrolling",
        Stage::Pushing => "pushing",
        Stage::Pulling => "pulling",
        Stage::Done => "done",
    };
    let (done, total) = match p.stage {
        Stage::Pushing => (p.sent, p.to_send),
        Stage::Pulling => (p.received, 0),
        _ => (0, 0),
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

/// A study as the Sync screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SyncStudy {
    pub id: String,
    pub title: String,
    /// This laptop holds the study key (created here, or joined from a join file).
    pub joined: bool,
    /// The study's records are here (a study joined but not yet synced has none).
    pub has_records: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ShareInfo {
    /// The address the hub listens on.
    pub listen: String,
    /// Addresses to give the other laptops ("http://192.168.1.20:7878").
    pub urls: Vec<String>,
    pub join_code: String,
    pub hub_node: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SyncOverview {
    pub node_id: String,
    /// The name this laptop gives itself in bundles and on hubs ("PC d'Awa, Mopti").
    pub device_label: Option<String>,
    /// Where files go unless the person picks another folder (their Documents folder).
    pub default_folder: String,
    pub default_share_address: String,
    /// The hub address of the last successful sync, and the folder of the last bundle.
    pub hub_url: Option<String>,
    pub last_folder: Option<String>,
    pub studies: Vec<SyncStudy>,
    /// The hub this laptop shares, when it does.
    pub share: Option<ShareInfo>,
    /// Unresolved conflicts.
    pub open_conflicts: u64,
}

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

/// A study joined from a join file (the key itself never goes to the UI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct JoinedStudy {
    pub study_id: String,
    pub title: String,
}

/// One value of a conflict, for showing side by side.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ConflictSide {
    pub value_id: String,
    #[ts(type = "unknown")]
    pub value: Json,
    pub device: String,
    pub device_label: Option<String>,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ConflictView {
    pub id: String,
    pub entity: Entity,
    pub entity_label: String,
    pub row_id: String,
    /// A few words that let a person recognise the record.
    pub record_label: String,
    pub field: String,
    pub field_label: String,
    /// The value overwritten without being seen.
    pub loser: ConflictSide,
    /// The value in force now.
    pub current: Option<ConflictSide>,
    pub picked: Option<String>,
}

/// A device this laptop heard from, or whose changes it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SeenDevice {
    pub node_id: String,
    pub label: Option<String>,
    pub is_self: bool,
    pub last_sync: Option<String>,
    pub clock_offset_ms: Option<i64>,
    pub latest_change_at: Option<String>,
    pub clock_warning: Option<ClockWarning>,
}

/// A laptop enrolled on the hub this laptop shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct EnrolledDevice {
    pub node_id: String,
    pub label: Option<String>,
    pub enrolled_at: String,
    pub last_seen_at: Option<String>,
    pub changes_in: i64,
    pub changes_out: i64,
    pub revoked: bool,
}

/// What one study's hub sync did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct HubStudyReport {
    pub study: String,
    pub title: String,
    pub sent: u64,
    pub sent_new: u64,
    pub received: u64,
    pub received_new: u64,
    pub new_records: u64,
    pub updated_fields: u64,
    pub conflicts: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct HubReport {
    pub hub_node: String,
    /// This laptop enrolled on the hub during this sync.
    pub enrolled: bool,
    pub studies: Vec<HubStudyReport>,
    /// Titles of this laptop's studies the hub does not hold (they were not synced).
    pub skipped_studies: Vec<String>,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub millis: u64,
}

fn core_err(lang: Lang) -> impl Fn(terrain_core::Error) -> AppError {
    move |e| AppError::from_core(&e, lang)
}

fn hub_err(e: &HubError, lang: Lang) -> AppError {
    AppError {
        code: e.code(),
        message: e.message(lang),
    }
}

// ---------------------------------------------------------------------------------------
// Plain functions (tested below)
// ---------------------------------------------------------------------------------------

/// The person's Documents folder (their home folder when there is none).
pub fn default_folder() -> PathBuf {
    directories::UserDirs::new()
        .and_then(|u| {
            u.document_dir()
                .map(Path::to_path_buf)
                .or_else(|| Some(u.home_dir().to_path_buf()))
        })
        .unwrap_or_else(std::env::temp_dir)
}

fn study_title(store: &Store, id: &str) -> Option<String> {
    query::get(store.conn(), Entity::Study, id)
        .ok()
        .and_then(|r| r.text("title").map(str::to_string))
}

/// The core writes this setting into bundle headers; hubs list devices by it.
const DEVICE_LABEL_SETTING: &str = "device_label";

/// Names this laptop for the team (trimmed, at most 60 characters; empty clears it).
pub fn set_device_label(store: &Store, label: &str) -> terrain_core::Result<()> {
    let label: String = label.trim().chars().take(60).collect();
    store.set_setting(DEVICE_LABEL_SETTING, &label)
}

/// Local settings that spare retyping: the last hub synced with, the last bundle folder.
const HUB_URL_SETTING: &str = "sync.hub_url";
const FOLDER_SETTING: &str = "sync.last_folder";

/// Remembers where the last bundle went or came from (a failure to remember changes nothing).
fn remember_folder(store: &Store, folder: &Path) {
    let _ = store.set_setting(FOLDER_SETTING, &folder.display().to_string());
}

/// Local-only note of a joined study's title, shown until its records arrive.
fn join_title_setting(study: &str) -> String {
    format!("sync.join_title.{study}")
}

/// A study's title for people: its record's, else the one noted when it was joined, else its id.
fn known_title(store: &Store, id: &str) -> String {
    study_title(store, id)
        .or_else(|| store.setting(&join_title_setting(id)).ok().flatten())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| id.to_string())
}

/// The studies the Sync screen offers: those with records here and those joined.
pub fn studies(store: &Store) -> terrain_core::Result<Vec<SyncStudy>> {
    let joined = sync::joined_studies(store.conn())?;
    let mut out: Vec<SyncStudy> = query::studies(store.conn())?
        .into_iter()
        .map(|row| SyncStudy {
            joined: joined.contains(&row.study.id),
            title: row.study.text("title").unwrap_or_default().to_string(),
            id: row.study.id,
            has_records: true,
        })
        .collect();
    for id in joined {
        if !out.iter().any(|s| s.id == id) {
            let title = store.setting(&join_title_setting(&id))?.unwrap_or_default();
            out.push(SyncStudy {
                id,
                title,
                joined: true,
                has_records: false,
            });
        }
    }
    Ok(out)
}

pub fn overview(store: &Store, share: Option<ShareInfo>) -> terrain_core::Result<SyncOverview> {
    Ok(SyncOverview {
        node_id: store.node_id().to_string(),
        device_label: store
            .setting(DEVICE_LABEL_SETTING)?
            .filter(|l| !l.trim().is_empty()),
        default_folder: default_folder().display().to_string(),
        default_share_address: DEFAULT_SHARE_ADDRESS.into(),
        hub_url: store.setting(HUB_URL_SETTING)?,
        last_folder: store.setting(FOLDER_SETTING)?,
        studies: studies(store)?,
        share,
        open_conflicts: sync::list_conflicts(store.conn(), false)?.len() as u64,
    })
}

/// Lowercase ASCII words joined by dashes, for file names people can read on a USB stick.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 40 {
            break;
        }
    }
    let s = out.trim_end_matches('-').to_string();
    if s.is_empty() {
        "etude".into()
    } else {
        s
    }
}

/// "20261124-0310" in UTC, from this laptop's clock.
fn stamp_now() -> String {
    let t = clock::to_rfc3339(clock::from_millis(clock::wall_millis(0)));
    let digits: String = t.chars().filter(char::is_ascii_digit).take(12).collect();
    format!(
        "{}-{}",
        &digits[..8.min(digits.len())],
        &digits[8.min(digits.len())..]
    )
}

fn existing_folder(folder: &str, lang: Lang) -> Res<PathBuf> {
    let path = PathBuf::from(folder.trim());
    if folder.trim().is_empty() || !path.is_dir() {
        return Err(AppError::new(
            "no_folder",
            lang,
            &format!("Le dossier « {} » n'existe pas : branchez la clé USB ou choisissez un autre dossier.", folder.trim()),
            &format!("The folder \"{}\" does not exist: plug in the USB stick or choose another folder.", folder.trim()),
        ));
    }
    Ok(path)
}

/// Writes a study's join file into `folder`; returns its path.
pub fn invite(store: &Store, study: &str, folder: &str) -> Res<String> {
    let lang = store.lang();
    let dir = existing_folder(folder, lang)?;
    let title = study_title(store, study).unwrap_or_default();
    let path = dir.join(format!("terrain-invitation-{}.json", slug(&title)));
    sync::invite_to_file(store, study, &path).map_err(core_err(lang))?;
    Ok(path.display().to_string())
}

/// Joins a study from a join file.
pub fn join(store: &Store, path: &str) -> Res<JoinedStudy> {
    let lang = store.lang();
    let file = sync::join_from_file(store, Path::new(path.trim())).map_err(core_err(lang))?;
    store
        .set_setting(&join_title_setting(&file.study_id), &file.title)
        .map_err(core_err(lang))?;
    Ok(JoinedStudy {
        study_id: file.study_id,
        title: file.title,
    })
}

/// Bundle and join files directly in `folder`, newest first. Files are recognised by their
/// content (a bundle's magic bytes, a join file's format tag), not their names.
pub fn files_in(folder: &str, lang: Lang) -> Res<Vec<SyncFile>> {
    let dir = existing_folder(folder, lang)?;
    let io = |e: std::io::Error| AppError::from_core(&terrain_core::Error::Io(e), lang);
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).map_err(io)?.take(2000) {
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
    use std::io::Read;
    let mut head = [0u8; 8];
    let mut f = std::fs::File::open(path).ok()?;
    if len >= 8 && f.read_exact(&mut head).is_ok() && &head == bundle::MAGIC {
        return Some(SyncFileKind::Bundle);
    }
    // Join files are small JSON documents.
    if len < 64 * 1024
        && path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        let text = std::fs::read_to_string(path).ok()?;
        let v: Json = serde_json::from_str(&text).ok()?;
        if v.get("format").and_then(Json::as_str) == Some("terrain-join") {
            return Some(SyncFileKind::Join);
        }
    }
    None
}

/// Writes a bundle of `study` into `folder`, for one peer (only what it lacks) or full.
pub fn export_to_folder(
    store: &Store,
    study: &str,
    peer: Option<&str>,
    folder: &str,
    progress: &mut dyn FnMut(TaskProgress),
) -> Res<ExportReport> {
    let lang = store.lang();
    let dir = existing_folder(folder, lang)?;
    let title = study_title(store, study).unwrap_or_default();
    let short = |id: &str| id.chars().take(8).collect::<String>();
    let whom = match peer {
        Some(p) => format!("pour-{}", short(p)),
        None => "complet".into(),
    };
    let name = format!(
        "terrain-{}-{}-{}-de-{}.terrain",
        slug(&title),
        whom,
        stamp_now(),
        short(store.node_id())
    );
    let target = match peer {
        Some(p) => ExportTarget::For(p.to_string()),
        None => ExportTarget::Full,
    };
    let report = bundle::export_bundle(store, study, &target, &dir.join(name), &mut |p| {
        progress(bundle_progress(SyncTask::Export, p))
    })
    .map_err(core_err(lang))?;
    remember_folder(store, &dir);
    Ok(report)
}

pub fn import_file(
    store: &mut Store,
    path: &str,
    progress: &mut dyn FnMut(TaskProgress),
) -> Res<ImportReport> {
    let lang = store.lang();
    let path = Path::new(path.trim());
    if !path.is_file() {
        return Err(AppError::new(
            "no_file",
            lang,
            &format!("Le fichier « {} » n'existe pas.", path.display()),
            &format!("The file \"{}\" does not exist.", path.display()),
        ));
    }
    let report = bundle::import_bundle(store, path, &mut |p| {
        progress(bundle_progress(SyncTask::Import, p))
    })
    .map_err(core_err(lang))?;
    if let Some(dir) = path.parent() {
        remember_folder(store, dir);
    }
    Ok(report)
}

/// A few words that let a person recognise a record in the conflicts list.
fn describe(store: &Store, entity: Entity, id: &str) -> String {
    let Ok(r) = query::get(store.conn(), entity, id) else {
        return id.chars().take(8).collect();
    };
    let pick = |names: &[&str]| {
        names
            .iter()
            .filter_map(|n| match r.fields.get(*n) {
                Some(Json::String(s)) if !s.is_empty() => Some(s.chars().take(60).collect()),
                Some(Json::Number(n)) => Some(n.to_string()),
                _ => None,
            })
            .collect::<Vec<String>>()
            .join(" · ")
    };
    let text = match entity {
        Entity::Study => pick(&["title"]),
        Entity::Session => pick(&["title", "date"]),
        Entity::Participant => pick(&["code", "age"]),
        Entity::Place => pick(&["name"]),
        Entity::Finding | Entity::Recommendation => pick(&["text"]),
        _ => String::new(),
    };
    if text.is_empty() {
        id.chars().take(8).collect()
    } else {
        text
    }
}

fn device_labels(store: &Store) -> std::collections::BTreeMap<String, String> {
    sync::list_devices(store)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|d| d.label.map(|l| (d.node_id, l)))
        .collect()
}

/// Unresolved conflicts, each with both values side by side.
pub fn conflict_views(store: &Store) -> terrain_core::Result<Vec<ConflictView>> {
    let lang = store.lang();
    let labels = device_labels(store);
    let side = |v: sync::ConflictValue| ConflictSide {
        device_label: labels.get(&v.device).cloned(),
        value_id: v.value_id,
        value: v.value,
        device: v.device,
        at: v.at,
    };
    Ok(sync::list_conflicts(store.conn(), false)?
        .into_iter()
        .map(|c| ConflictView {
            entity_label: c.entity.label(lang).to_string(),
            record_label: describe(store, c.entity, &c.row_id),
            field_label: c
                .entity
                .field(&c.field)
                .map(|f| f.label(lang).to_string())
                .unwrap_or_else(|| c.field.clone()),
            id: c.id,
            entity: c.entity,
            row_id: c.row_id,
            field: c.field,
            loser: side(c.loser),
            current: c.winner.map(side),
            picked: c.picked,
        })
        .collect())
}

pub fn seen_devices(store: &Store) -> terrain_core::Result<Vec<SeenDevice>> {
    Ok(sync::list_devices(store)?
        .into_iter()
        .map(|d| SeenDevice {
            node_id: d.node_id,
            label: d.label,
            is_self: d.is_self,
            last_sync: d.last_sync,
            clock_offset_ms: d.clock_offset_ms,
            latest_change_at: d.latest_change_at,
            clock_warning: d.clock_warning,
        })
        .collect())
}

/// This laptop's name on a hub's device list: the name set in Terrain, else the computer's.
fn device_label(store: &Store) -> Option<String> {
    store
        .setting("device_label")
        .ok()
        .flatten()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .filter(|s| !s.trim().is_empty())
}

/// Syncs every joined study with the hub at `url`, both ways.
pub fn sync_with_hub(
    store: &mut Store,
    url: &str,
    join_code: Option<&str>,
    progress: &mut dyn FnMut(TaskProgress),
    cancel: &AtomicBool,
) -> Res<HubReport> {
    let lang = store.lang();
    let url = normalise_url(url).ok_or_else(|| {
        AppError::new(
            "bad_url",
            lang,
            "Saisissez l'adresse du hub, par exemple http://192.168.1.20:7878.",
            "Type the hub's address, for example http://192.168.1.20:7878.",
        )
    })?;
    if sync::joined_studies(store.conn())
        .map_err(core_err(lang))?
        .is_empty()
    {
        return Err(AppError::new(
            "no_joined_study",
            lang,
            "Cet ordinateur n'a rejoint aucune étude : rejoignez-en une avec son fichier d'invitation avant de synchroniser.",
            "This laptop has not joined any study: join one with its join file before syncing.",
        ));
    }
    let opts = SyncOptions {
        join_code: join_code
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string),
        label: device_label(store),
        ..SyncOptions::default()
    };
    let summary = terrain_hub::sync(
        store,
        &url,
        &opts,
        &mut |p| progress(hub_progress(p)),
        cancel,
    )
    .map_err(|e| hub_err(&e, lang))?;
    let _ = store.set_setting(HUB_URL_SETTING, &url);
    let store: &Store = store;
    Ok(HubReport {
        studies: summary
            .studies
            .into_iter()
            .map(|s| HubStudyReport {
                title: known_title(store, &s.study),
                study: s.study,
                sent: s.sent,
                sent_new: s.sent_new,
                received: s.received,
                received_new: s.received_new,
                new_records: s.new_records,
                updated_fields: s.updated_fields,
                conflicts: s.conflicts,
            })
            .collect(),
        hub_node: summary.hub_node,
        enrolled: summary.enrolled,
        skipped_studies: summary
            .skipped_studies
            .iter()
            .map(|id| known_title(store, id))
            .collect(),
        bytes_sent: summary.bytes_sent,
        bytes_received: summary.bytes_received,
        millis: summary.millis,
    })
}

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

/// The addresses other laptops can use to reach a hub bound to `bound`.
fn share_urls(bound: std::net::SocketAddr) -> Vec<String> {
    if !bound.ip().is_unspecified() {
        return vec![format!("http://{bound}")];
    }
    let mut urls = Vec::new();
    // The address this laptop would use to reach the LAN: found through the routing table
    // (connecting a UDP socket sends nothing).
    if let Ok(sock) = std::net::UdpSocket::bind("0.0.0.0:0") {
        if sock.connect("192.168.255.255:9").is_ok() || sock.connect("10.255.255.255:9").is_ok() {
            if let Ok(local) = sock.local_addr() {
                if !local.ip().is_unspecified() && !local.ip().is_loopback() {
                    urls.push(format!("http://{}:{}", local.ip(), bound.port()));
                }
            }
        }
    }
    urls.push(format!("http://127.0.0.1:{}", bound.port()));
    urls
}

fn share_info(hub: &LocalHub) -> ShareInfo {
    ShareInfo {
        listen: hub.info.address.to_string(),
        urls: share_urls(hub.info.address),
        join_code: hub.info.join_code.clone(),
        hub_node: hub.info.hub_node.clone(),
    }
}

/// Starts serving the store file at `db` on `address`.
pub fn start_share(db: &Path, address: &str, lang: Lang) -> Res<LocalHub> {
    let address = if address.trim().is_empty() {
        DEFAULT_SHARE_ADDRESS
    } else {
        address.trim()
    };
    if address.parse::<std::net::SocketAddr>().is_err() {
        return Err(AppError::new(
            "bad_address",
            lang,
            &format!(
                "« {address} » n'est pas une adresse d'écoute valide (par exemple 0.0.0.0:7878)."
            ),
            &format!(
                "\"{address}\" is not a valid address to listen on (for example 0.0.0.0:7878)."
            ),
        ));
    }
    LocalHub::start(db, address).map_err(|e| match e {
        // The hub's own message says "cannot be reached", which reads wrong for a listen error.
        HubError::Unreachable { reason, .. } => AppError::new(
            "cannot_listen",
            lang,
            &format!("Impossible de partager sur {address} : {reason}. Un autre programme utilise peut-être ce port : essayez un autre numéro."),
            &format!("Cannot share on {address}: {reason}. Another program may be using this port: try another number."),
        ),
        e => hub_err(&e, lang),
    })
}

pub fn enrolled_devices(store: &Store) -> terrain_core::Result<Vec<EnrolledDevice>> {
    Ok(registry::list(store.conn())?
        .into_iter()
        .map(|d| EnrolledDevice {
            node_id: d.node_id,
            label: d.label,
            enrolled_at: d.enrolled_at,
            last_seen_at: d.last_seen_at,
            changes_in: d.changes_in,
            changes_out: d.changes_out,
            revoked: d.revoked,
        })
        .collect())
}

// ---------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------

fn lang_and_path(state: &AppState) -> Res<(Lang, PathBuf)> {
    state.with(|s| Ok((s.lang(), s.path().to_path_buf())))
}

/// Runs long work on the blocking pool on its own connection to the store file.
async fn in_background<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&mut Store) -> Res<T> + Send + 'static,
) -> Res<T> {
    let (lang, path) = lang_and_path(state)?;
    tauri::async_runtime::spawn_blocking(move || {
        let mut store = Store::open(&path).map_err(core_err(lang))?;
        work(&mut store)
    })
    .await
    .map_err(|e| {
        AppError::new(
            "internal",
            lang,
            &format!("Erreur interne : {e}"),
            &format!("Internal error: {e}"),
        )
    })?
}

fn reporter(channel: Channel<TaskProgress>) -> impl FnMut(TaskProgress) {
    move |p| {
        // A lost progress message only leaves the bar behind; the result still arrives.
        let _ = channel.send(p);
    }
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_overview(
    state: State<'_, AppState>,
    jobs: State<'_, SyncJobs>,
) -> Res<SyncOverview> {
    let share = jobs.share().as_ref().map(share_info);
    state.with(|s| overview(s, share))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_set_device_label(state: State<'_, AppState>, label: String) -> Res<()> {
    state.with(|s| set_device_label(s, &label))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_files(state: State<'_, AppState>, folder: String) -> Res<Vec<SyncFile>> {
    let (lang, _) = lang_and_path(&state)?;
    files_in(&folder, lang)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_invite(
    state: State<'_, AppState>,
    study_id: String,
    folder: String,
) -> Res<String> {
    state.try_with(|s| invite(s, &study_id, &folder))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_join(state: State<'_, AppState>, path: String) -> Res<JoinedStudy> {
    state.try_with(|s| join(s, &path))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_export_bundle(
    state: State<'_, AppState>,
    jobs: State<'_, SyncJobs>,
    study_id: String,
    peer: Option<String>,
    folder: String,
    on_progress: Channel<TaskProgress>,
) -> Res<ExportReport> {
    let (lang, _) = lang_and_path(&state)?;
    let slot = jobs.take_slot(lang)?;
    let mut tell = reporter(on_progress);
    in_background(&state, move |s| {
        let _slot = slot;
        export_to_folder(s, &study_id, peer.as_deref(), &folder, &mut tell)
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_import_bundle(
    state: State<'_, AppState>,
    jobs: State<'_, SyncJobs>,
    path: String,
    on_progress: Channel<TaskProgress>,
) -> Res<ImportReport> {
    let (lang, _) = lang_and_path(&state)?;
    let slot = jobs.take_slot(lang)?;
    let mut tell = reporter(on_progress);
    in_background(&state, move |s| {
        let _slot = slot;
        import_file(s, &path, &mut tell)
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_conflicts(state: State<'_, AppState>) -> Res<Vec<ConflictView>> {
    state.with(|s| conflict_views(s))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_resolve_conflict(
    state: State<'_, AppState>,
    conflict_id: String,
    value_id: String,
) -> Res<()> {
    state.with(|s| sync::resolve_conflict(s, &conflict_id, &value_id))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_devices(state: State<'_, AppState>) -> Res<Vec<SeenDevice>> {
    state.with(|s| seen_devices(s))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_hub(
    state: State<'_, AppState>,
    jobs: State<'_, SyncJobs>,
    url: String,
    join_code: Option<String>,
    on_progress: Channel<TaskProgress>,
) -> Res<HubReport> {
    let (lang, _) = lang_and_path(&state)?;
    let slot = jobs.take_slot(lang)?;
    let cancel = jobs.cancel.clone();
    let mut tell = reporter(on_progress);
    in_background(&state, move |s| {
        let _slot = slot;
        sync_with_hub(s, &url, join_code.as_deref(), &mut tell, &cancel)
    })
    .await
}

/// Stops the running hub sync at its next batch (what was applied stays applied).
#[tauri::command(rename_all = "snake_case")]
pub async fn sync_hub_cancel(jobs: State<'_, SyncJobs>) -> Res<()> {
    jobs.cancel.store(true, Ordering::SeqCst);
    Ok(())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_share_start(
    state: State<'_, AppState>,
    jobs: State<'_, SyncJobs>,
    address: String,
) -> Res<ShareInfo> {
    let (lang, path) = lang_and_path(&state)?;
    if let Some(hub) = jobs.share().as_ref() {
        return Ok(share_info(hub));
    }
    // The hub builds its own tokio runtime: that must happen off this async task's thread.
    let hub = tauri::async_runtime::spawn_blocking(move || start_share(&path, &address, lang))
        .await
        .map_err(|e| AppError::new("internal", lang, &e.to_string(), &e.to_string()))??;
    let mut share = jobs.share();
    if let Some(running) = share.as_ref() {
        // Two clicks raced: keep the hub already running (this one stops when dropped).
        return Ok(share_info(running));
    }
    let info = share_info(&hub);
    *share = Some(hub);
    Ok(info)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_share_stop(state: State<'_, AppState>, jobs: State<'_, SyncJobs>) -> Res<()> {
    let (lang, _) = lang_and_path(&state)?;
    let hub = jobs.share().take();
    match hub {
        // Lets the batches in flight finish before returning.
        Some(hub) => tauri::async_runtime::spawn_blocking(move || hub.stop())
            .await
            .map_err(|e| AppError::new("internal", lang, &e.to_string(), &e.to_string()))?
            .map_err(|e| hub_err(&e, lang)),
        None => Ok(()),
    }
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_share_devices(state: State<'_, AppState>) -> Res<Vec<EnrolledDevice>> {
    state.with(|s| enrolled_devices(s))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_share_revoke(state: State<'_, AppState>, node_id: String) -> Res<()> {
    state.try_with(|s| {
        let lang = s.lang();
        if registry::revoke(s.conn(), &node_id).map_err(core_err(lang))? {
            Ok(())
        } else {
            Err(AppError::new(
                "unknown_device",
                lang,
                &format!("Aucun appareil {node_id} n'est inscrit sur ce hub."),
                &format!("No device {node_id} is enrolled on this hub."),
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::fields;
    use serde_json::json;

    fn store(dir: &Path, name: &str) -> Store {
        Store::open_in_dir(&dir.join(name)).expect("open")
    }

    /// A study with one session and two participants on `a`; `b` joined it by a join file.
    fn team(dir: &Path) -> (Store, Store, String) {
        let mut a = store(dir, "a");
        let study = a
            .create(Entity::Study, &fields(json!({"title": "Études à Ségou"})))
            .expect("study");
        let session = a
            .create(
                Entity::Session,
                &fields(
                    json!({"study_id": study, "session_type": "focus_group", "date": "2026-03-02"}),
                ),
            )
            .expect("session");
        for sex in ["female", "male"] {
            a.create(
                Entity::Participant,
                &fields(json!({"session_id": session, "sex": sex, "age": 30})),
            )
            .expect("participant");
        }
        let folder = dir.display().to_string();
        let join_path = invite(&a, &study, &folder).expect("invite");
        assert!(join_path.ends_with("terrain-invitation-etudes-a-segou.json"));
        let b = store(dir, "b");
        let joined = join(&b, &join_path).expect("join");
        assert_eq!(joined.title, "Études à Ségou");
        (a, b, study)
    }

    #[test]
    fn a_bundle_travels_by_folder_and_reports_what_it_brought() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (a, mut b, study) = team(dir.path());
        // Joined but not synced: the study is offered, waiting for its records.
        let before = studies(&b).expect("studies");
        assert_eq!(before.len(), 1);
        assert!(before[0].joined && !before[0].has_records);
        assert_eq!(before[0].title, "Études à Ségou");

        let usb = dir.path().join("usb");
        std::fs::create_dir(&usb).expect("usb");
        let folder = usb.display().to_string();
        let mut seen = Vec::new();
        let report =
            export_to_folder(&a, &study, None, &folder, &mut |p| seen.push(p)).expect("export");
        assert!(report.changes > 0);
        assert!(seen
            .iter()
            .all(|p| p.task == SyncTask::Export && p.stage == "writing"));
        assert_eq!(seen.last().map(|p| p.done), Some(report.changes));

        std::fs::write(usb.join("notes.txt"), "pas un paquet").expect("noise");
        let files = files_in(&folder, Lang::En).expect("files");
        assert_eq!(files.len(), 1, "only the bundle is listed: {files:?}");
        assert_eq!(files[0].kind, SyncFileKind::Bundle);
        assert!(files[0].name.starts_with("terrain-etudes-a-segou-complet-"));

        let mut steps = Vec::new();
        let got =
            import_file(&mut b, &files[0].path, &mut |p| steps.push(p.stage)).expect("import");
        assert_eq!(got.new_records, 4, "study, session, two participants");
        assert_eq!(got.conflicts, 0);
        assert!(steps.contains(&"checking".to_string()) && steps.contains(&"applying".to_string()));
        assert!(studies(&b).expect("studies")[0].has_records);
        set_device_label(&b, "  PC d'Awa, Mopti  ").expect("label");
        let o = overview(&b, None).expect("overview");
        assert_eq!(o.device_label.as_deref(), Some("PC d'Awa, Mopti"));
        assert_eq!(o.last_folder.as_deref(), Some(folder.as_str()));
        assert_eq!(o.open_conflicts, 0);

        // The same file again is refused with a readable message, in the person's language.
        let again = import_file(&mut b, &files[0].path, &mut |_| {}).expect_err("replayed");
        assert_eq!(again.code, "already_imported");
        assert_eq!(again.message, "Ce paquet a déjà été importé.");
        // A bundle for b carries nothing new once b holds it all.
        let devices = seen_devices(&a).expect("devices");
        assert!(devices.iter().any(|d| d.is_self));
    }

    #[test]
    fn refusals_are_readable() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut s = store(dir.path(), "s");
        s.set_setting("lang", "en").expect("lang");
        let missing = dir.path().join("nowhere").display().to_string();
        assert_eq!(
            files_in(&missing, Lang::En).expect_err("no folder").code,
            "no_folder"
        );
        assert_eq!(
            import_file(&mut s, &missing, &mut |_| {})
                .expect_err("no file")
                .code,
            "no_file"
        );
        let junk = dir.path().join("junk.terrain");
        std::fs::write(&junk, b"not a bundle at all").expect("junk");
        let e = import_file(&mut s, &junk.display().to_string(), &mut |_| {}).expect_err("junk");
        assert_eq!(e.code, "not_a_bundle");
        assert_eq!(e.message, "This file is not a Terrain bundle.");
        let e = join(&s, &junk.display().to_string()).expect_err("not a join file");
        assert_eq!(e.code, "bad_join_file");
        let e = sync_with_hub(
            &mut s,
            "http://127.0.0.1:9",
            None,
            &mut |_| {},
            &AtomicBool::new(false),
        )
        .expect_err("nothing joined");
        assert_eq!(e.code, "no_joined_study");
        let jobs = SyncJobs::default();
        let slot = jobs.take_slot(Lang::En).expect("first");
        assert_eq!(
            jobs.take_slot(Lang::En).err().map(|e| e.code),
            Some("busy".into())
        );
        drop(slot);
        assert!(jobs.take_slot(Lang::En).is_ok());
    }

    #[test]
    fn concurrent_edits_show_side_by_side_and_a_pick_sticks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut a, mut b, study) = team(dir.path());
        let usb = dir.path().display().to_string();
        let r = export_to_folder(&a, &study, None, &usb, &mut |_| {}).expect("export");
        import_file(&mut b, &r.path, &mut |_| {}).expect("import");
        a.update(
            Entity::Study,
            &study,
            &fields(json!({"title": "Titre de A"})),
        )
        .expect("edit a");
        b.update(
            Entity::Study,
            &study,
            &fields(json!({"title": "Titre de B"})),
        )
        .expect("edit b");
        let from_a = export_to_folder(&a, &study, Some(b.node_id()), &usb, &mut |_| {}).expect("a");
        let from_b = export_to_folder(&b, &study, Some(a.node_id()), &usb, &mut |_| {}).expect("b");
        assert_ne!(
            from_a.path, from_b.path,
            "two laptops never overwrite each other's file"
        );
        let got = import_file(&mut b, &from_a.path, &mut |_| {}).expect("b reads a");
        import_file(&mut a, &from_b.path, &mut |_| {}).expect("a reads b");

        let views = conflict_views(&a).expect("conflicts");
        assert_eq!(views.len(), 1, "{views:?}");
        let c = &views[0];
        assert_eq!(
            (c.field_label.as_str(), c.entity_label.as_str()),
            ("titre", "étude")
        );
        let values = [
            c.loser.value.clone(),
            c.current.as_ref().expect("current").value.clone(),
        ];
        assert!(values.contains(&json!("Titre de A")) && values.contains(&json!("Titre de B")));
        assert!(got.conflicts + views.len() as u64 >= 1);
        let loser = c.loser.clone();
        sync::resolve_conflict(&mut a, &c.id, &loser.value_id).expect("pick");
        assert!(conflict_views(&a).expect("after").is_empty());
        let title = query::get(a.conn(), Entity::Study, &study).expect("study");
        assert_eq!(title.fields.get("title"), Some(&loser.value));
    }

    #[test]
    fn a_laptop_syncs_with_a_shared_laptop_and_can_be_revoked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (a, mut b, _study) = team(dir.path());
        let hub = start_share(a.path(), "127.0.0.1:0", Lang::Fr).expect("share");
        let info = share_info(&hub);
        assert_eq!(info.urls, vec![format!("http://{}", hub.info.address)]);
        let url = info.urls[0].clone();

        // b also joined a study the shared laptop does not hold: it is named, not synced.
        let mut c = store(dir.path(), "c");
        let other = c
            .create(Entity::Study, &fields(json!({"title": "Étude de Kayes"})))
            .expect("other study");
        join(
            &b,
            &invite(&c, &other, &dir.path().display().to_string()).expect("invite"),
        )
        .expect("join other");
        let e = sync_with_hub(&mut b, &url, None, &mut |_| {}, &AtomicBool::new(false))
            .expect_err("no join code yet");
        assert_eq!(e.code, "need_join_code");

        let mut stages = Vec::new();
        let report = sync_with_hub(
            &mut b,
            url.trim_start_matches("http://"),
            Some(&info.join_code),
            &mut |p| stages.push(p.stage),
            &AtomicBool::new(false),
        )
        .expect("sync");
        assert!(report.enrolled);
        assert_eq!(
            overview(&b, None).expect("overview").hub_url,
            Some(url.clone())
        );
        assert_eq!(report.studies.len(), 1);
        assert_eq!(report.skipped_studies, vec!["Étude de Kayes".to_string()]);
        assert_eq!(report.studies[0].title, "Études à Ségou");
        assert_eq!(report.studies[0].new_records, 4);
        assert!(
            stages.contains(&"pulling".to_string()) && stages.last() == Some(&"done".to_string())
        );

        let enrolled = enrolled_devices(&a).expect("enrolled");
        assert_eq!(enrolled.len(), 1);
        assert_eq!(enrolled[0].node_id, b.node_id());
        assert!(registry::revoke(a.conn(), b.node_id()).expect("revoke"));
        let e = sync_with_hub(&mut b, &url, None, &mut |_| {}, &AtomicBool::new(false))
            .expect_err("revoked");
        assert_eq!(e.code, "revoked");
        hub.stop().expect("stop");

        let cancelled = AtomicBool::new(true);
        let hub = start_share(a.path(), "127.0.0.1:0", Lang::Fr).expect("share again");
        let e = sync_with_hub(
            &mut b,
            &share_info(&hub).urls[0],
            None,
            &mut |_| {},
            &cancelled,
        )
        .expect_err("cancelled");
        assert_eq!(e.code, "cancelled");
        hub.stop().expect("stop");
        assert_eq!(
            start_share(a.path(), "not an address", Lang::En)
                .err()
                .map(|e| e.code),
            Some("bad_address".into())
        );
        let taken = start_share(a.path(), "127.0.0.1:0", Lang::En).expect("a port");
        let busy = start_share(a.path(), &taken.info.address.to_string(), Lang::En);
        assert_eq!(busy.err().map(|e| e.code), Some("cannot_listen".into()));
        taken.stop().expect("stop");
    }

    #[test]
    fn addresses_and_names() {
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
        assert_eq!(
            slug("Sécurité & paix — Mopti 2026"),
            "securite-paix-mopti-2026"
        );
        assert_eq!(slug("???"), "etude");
        assert!(stamp_now().len() == 13 && stamp_now().as_bytes()[8] == b'-');
    }
}
