//! The store's door: the first start's creation, the unlock screen, locking (by hand or after
//! the idle time), recovery words, converting a plain store, changing the passphrase, backup and
//! restore. Each is a few lines over terrain-core's `Door`.

use tauri::State;
use terrain_core::store::backup::{self, BackupSummary};
use terrain_core::store::door::DoorStatus;
use terrain_core::store::passphrase::{self, Strength};
use terrain_core::store::typed_path;

use crate::state::{AppError, AppState, SyncJobs};

type Res<T> = Result<T, AppError>;

#[tauri::command(rename_all = "snake_case")]
pub async fn store_status(state: State<'_, AppState>) -> Res<DoorStatus> {
    Ok(state.door().status())
}

/// Creates this laptop's store, encrypted when a passphrase is given; returns the recovery
/// words to show once.
#[tauri::command(rename_all = "snake_case")]
pub async fn store_create(
    state: State<'_, AppState>,
    passphrase: Option<String>,
) -> Res<Option<String>> {
    let words = state.at_door(|d| d.create(passphrase.as_deref()))?;
    Ok(words.map(|w| w.as_str().to_string()))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn store_unlock(state: State<'_, AppState>, passphrase: String) -> Res<()> {
    state.at_door(|d| d.unlock(&passphrase))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn store_recover(
    state: State<'_, AppState>,
    words: String,
    new_passphrase: String,
) -> Res<()> {
    state.at_door(|d| d.recover(&words, &new_passphrase))
}

/// Locks the store. Sharing this laptop as a hub stops with it: the hub needs the key.
#[tauri::command(rename_all = "snake_case")]
pub async fn store_lock(state: State<'_, AppState>, jobs: State<'_, SyncJobs>) -> Res<()> {
    if let Some(hub) = jobs.share().take() {
        let _ = hub.stop();
    }
    state.at_door(|d| d.lock())
}

/// Converts the plain store in place; returns the recovery words to show once.
#[tauri::command(rename_all = "snake_case")]
pub async fn store_encrypt(
    state: State<'_, AppState>,
    jobs: State<'_, SyncJobs>,
    passphrase: String,
) -> Res<String> {
    if let Some(hub) = jobs.share().take() {
        let _ = hub.stop();
    }
    let words = state.at_door(|d| d.encrypt(&passphrase))?;
    Ok(words.as_str().to_string())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn store_change_passphrase(
    state: State<'_, AppState>,
    current: String,
    new_passphrase: String,
) -> Res<()> {
    state.at_door(|d| d.change_passphrase(&current, &new_passphrase))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn store_set_idle_lock(state: State<'_, AppState>, minutes: u32) -> Res<()> {
    state.at_door(|d| d.set_idle_lock_minutes(minutes))
}

/// The strength hint shown while a new passphrase is typed.
#[tauri::command(rename_all = "snake_case")]
pub async fn passphrase_strength(passphrase: String) -> Res<Strength> {
    Ok(passphrase::strength(&passphrase))
}

/// Writes a backup of the open store to `path`; a plain store's is encrypted under
/// `passphrase`, and its recovery words come back to show once.
#[tauri::command(rename_all = "snake_case")]
pub async fn store_backup(
    state: State<'_, AppState>,
    path: String,
    passphrase: Option<String>,
) -> Res<BackupSummary> {
    state.at_door(|d| d.backup(&typed_path(&path)?, passphrase.as_deref()))
}

/// What a backup file is (when made, how large), before the person confirms its restore.
#[tauri::command(rename_all = "snake_case")]
pub async fn backup_info(state: State<'_, AppState>, path: String) -> Res<BackupSummary> {
    state.at_door(|_| backup::describe(&typed_path(&path)?))
}

/// Where the app proposes to write a backup.
#[tauri::command(rename_all = "snake_case")]
pub async fn backup_suggested_path() -> Res<String> {
    Ok(backup::suggested_path().display().to_string())
}

/// Replaces the store by a backup (the person confirmed), unlocked by the backup's passphrase
/// or its recovery words. Sharing this laptop as a hub stops first: it holds the old store.
#[tauri::command(rename_all = "snake_case")]
pub async fn store_restore(
    state: State<'_, AppState>,
    jobs: State<'_, SyncJobs>,
    path: String,
    secret: String,
    recovery: bool,
) -> Res<()> {
    if let Some(hub) = jobs.share().take() {
        let _ = hub.stop();
    }
    state.at_door(|d| d.restore(&typed_path(&path)?, &secret, recovery))
}
