//! The first-run guide on the Studies screen: whether it shows, dismissed or reopened (a local
//! setting of the store, `store::Guide`).

use tauri::State;
use terrain_core::store::guide::Guide;
use terrain_core::Error;

use crate::state::{AppError, AppState};

type Res<T> = Result<T, AppError>;

#[tauri::command(rename_all = "snake_case")]
pub async fn get_guide(state: State<'_, AppState>) -> Res<Guide> {
    state.with(|s| Ok::<_, Error>(s.guide()))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_guide(state: State<'_, AppState>, guide: Guide) -> Res<()> {
    state.with(|s| s.set_guide(guide))
}
