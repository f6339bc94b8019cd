//! The Sync screen's commands: study keys (invite with a role, join), members and their roles,
//! USB bundles (export, import), the conflict log, the devices seen, syncing with a hub, and
//! sharing this laptop as a hub on the office network. Each is a few lines over one terrain-core or terrain-hub function.
//!
//! Long work (bundles, hub syncs) runs on the blocking pool on its own connection to the
//! store file and reports progress through a Tauri channel given by the UI (a channel needs
//! no event permission in the capability and carries one task's progress only).

use std::sync::atomic::Ordering;

use tauri::ipc::Channel;
use tauri::State;
use terrain_core::schema::Role;
use terrain_core::store::typed_path;
use terrain_core::sync::bundle::{ExportReport, ExportTarget, ImportReport};
use terrain_core::sync::{
    self, ConflictList, Device, Invitation, JoinedStudy, MemberView, StudyAccess, StudyHq, SyncFile,
};
use terrain_core::Error;
use terrain_hub::{
    registry, share, LocalHub, ServeInfo, SyncOptions, SyncSummary, SyncTask, TaskProgress,
};

use crate::state::{blocking, AppError, AppState, SyncJobs};

type Res<T> = Result<T, AppError>;

/// Sends progress on the UI's channel; a lost message only leaves the bar behind.
fn reporter(channel: Channel<TaskProgress>) -> impl Fn(TaskProgress) {
    move |p| {
        let _ = channel.send(p);
    }
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_overview(
    state: State<'_, AppState>,
    jobs: State<'_, SyncJobs>,
) -> Res<share::SyncScreen> {
    let share = jobs.share().as_ref().map(|hub| hub.info.clone());
    state.with(|s| share::screen(s, share))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_set_device_label(state: State<'_, AppState>, label: String) -> Res<()> {
    state.with(|s| sync::set_device_label(s, &label))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_files(state: State<'_, AppState>, folder: String) -> Res<Vec<SyncFile>> {
    let lang = state.lang()?;
    typed_path(&folder)
        .and_then(|folder| sync::files_in(&folder))
        .map_err(|e| AppError::new(&e, lang))
}

/// The removable drives plugged in (USB sticks): one-click folders for the Sync screen.
#[tauri::command(rename_all = "snake_case")]
pub async fn sync_drives() -> Res<Vec<sync::Drive>> {
    Ok(sync::removable_drives())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_invite(
    state: State<'_, AppState>,
    study_id: String,
    role: Role,
    folder: String,
) -> Res<Invitation> {
    state.with(|s| sync::invite_to_folder(s, &study_id, role, &typed_path(&folder)?))
}

/// What this laptop's role lets it do in a study: what the screens show.
#[tauri::command(rename_all = "snake_case")]
pub async fn study_access(state: State<'_, AppState>, study_id: String) -> Res<StudyAccess> {
    state.with(|s| sync::study_access(s, &study_id))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn study_members(state: State<'_, AppState>, study_id: String) -> Res<Vec<MemberView>> {
    state.with(|s| sync::members(s, &study_id))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn study_grant(
    state: State<'_, AppState>,
    study_id: String,
    node_id: String,
    role: Role,
) -> Res<MemberView> {
    state.with(|s| sync::grant_member(s, &study_id, &node_id, role))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn study_revoke(
    state: State<'_, AppState>,
    study_id: String,
    node_id: String,
) -> Res<MemberView> {
    state.with(|s| sync::revoke_member(s, &study_id, &node_id))
}

/// A study's HQ key and sealed fields; with `key` (pasted or a file's path), sets it first.
#[tauri::command(rename_all = "snake_case")]
pub async fn study_hq(
    state: State<'_, AppState>,
    study_id: String,
    key: Option<String>,
) -> Res<StudyHq> {
    state.with(|s| match key {
        Some(k) => sync::set_hq_key(s, &study_id, &sync::public_key_input(&k)?),
        None => sync::study_hq(s, &study_id),
    })
}

/// Replaces a study's key (coordinators only); returns the new version.
#[tauri::command(rename_all = "snake_case")]
pub async fn study_rekey(state: State<'_, AppState>, study_id: String) -> Res<u32> {
    state.with(|s| sync::rekey(s, &study_id))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_join(state: State<'_, AppState>, path: String, code: String) -> Res<JoinedStudy> {
    state.with(|s| sync::join_from_file(s, &typed_path(&path)?, &code))
}

/// What a join file hands over, opened with its code but not joined: the screen shows the
/// fingerprints to compare aloud before joining.
#[tauri::command(rename_all = "snake_case")]
pub async fn sync_join_preview(
    state: State<'_, AppState>,
    path: String,
    code: String,
) -> Res<JoinedStudy> {
    let lang = state.lang()?;
    typed_path(&path)
        .and_then(|path| sync::preview_join_file(&path, &code))
        .map_err(|e| AppError::new(&e, lang))
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
    let slot = jobs.take_slot(state.lang()?)?;
    let tell = reporter(on_progress);
    let target = peer.map_or(ExportTarget::Full, ExportTarget::For);
    state
        .in_background(move |s| {
            let _slot = slot;
            let folder = typed_path(&folder)?;
            sync::export_to_folder(s, &study_id, &target, &folder, &mut |p| {
                tell(TaskProgress::of_bundle(SyncTask::Export, p))
            })
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
    let slot = jobs.take_slot(state.lang()?)?;
    let tell = reporter(on_progress);
    state
        .in_background(move |s| {
            let _slot = slot;
            sync::import_file(s, &typed_path(&path)?, &mut |p| {
                tell(TaskProgress::of_bundle(SyncTask::Import, p))
            })
        })
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_conflicts(state: State<'_, AppState>) -> Res<ConflictList> {
    state.with(|s| sync::conflict_views(s))
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
pub async fn study_future_values(
    state: State<'_, AppState>,
    study_id: String,
    repair: Option<(terrain_core::Entity, String, String)>,
) -> Res<Vec<sync::FutureValue>> {
    state.with(|s| sync::future_values_after(s, &study_id, repair))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_devices(state: State<'_, AppState>) -> Res<Vec<Device>> {
    state.with(|s| sync::list_devices(s))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_hub(
    state: State<'_, AppState>,
    jobs: State<'_, SyncJobs>,
    url: String,
    join_code: Option<String>,
    on_progress: Channel<TaskProgress>,
) -> Res<SyncSummary> {
    let slot = jobs.take_slot(state.lang()?)?;
    let cancel = jobs.cancel.clone();
    let tell = reporter(on_progress);
    state
        .in_background(move |s| {
            let _slot = slot;
            let opts = SyncOptions {
                join_code,
                ..SyncOptions::default()
            };
            terrain_hub::sync_joined(
                s,
                &url,
                &opts,
                &mut |p| tell(TaskProgress::of_hub(p)),
                &cancel,
            )
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
) -> Res<ServeInfo> {
    let (lang, file) = state.lang_and_file()?;
    if let Some(hub) = jobs.share().as_ref() {
        return Ok(hub.info.clone());
    }
    let address = state.with(|s| Ok::<_, Error>(share::listen_address(s, &address)))?;
    // The hub builds its own tokio runtime: that must happen off this async task's thread.
    let hub = blocking(lang, move || {
        LocalHub::start(file, &address).map_err(|e| AppError::new(&e, lang))
    })
    .await?;
    state.with(|s| Ok::<_, Error>(share::remember(s, hub.info.address)))?;
    // Two clicks raced: keep the hub already running (this one stops when dropped).
    Ok(jobs.share().get_or_insert(hub).info.clone())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_share_stop(state: State<'_, AppState>, jobs: State<'_, SyncJobs>) -> Res<()> {
    let lang = state.lang()?;
    let hub = jobs.share().take();
    match hub {
        // Lets the batches in flight finish before returning.
        Some(hub) => {
            blocking(lang, move || {
                hub.stop().map_err(|e| AppError::new(&e, lang))
            })
            .await
        }
        None => Ok(()),
    }
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_share_devices(state: State<'_, AppState>) -> Res<Vec<registry::Device>> {
    state.with(|s| registry::list(s.conn()))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_share_revoke(
    state: State<'_, AppState>,
    jobs: State<'_, SyncJobs>,
    node_id: String,
) -> Res<String> {
    let code = state.with(|s| registry::revoke_and_rotate(s, &node_id))?;
    if let Some(hub) = jobs.share().as_mut() {
        hub.info.join_code.clone_from(&code);
    }
    Ok(code)
}
