//! The dashboard, export and report commands (terrain-core's stats, export and report).
//! Exports run on the blocking pool on their own connection, with progress over a channel.

use std::path::PathBuf;

use tauri::ipc::Channel;
use tauri::State;
use terrain_core::export::{self, ExportOptions, ExportSummary, Format, Progress};
use terrain_core::report::{self, StudyReport};
use terrain_core::stats::{self, Dashboard, StatsFilter};
use terrain_core::{Lang, Store};

use crate::state::{AppError, AppState};

type Res<T> = Result<T, AppError>;

#[tauri::command(rename_all = "snake_case")]
pub async fn stats_dashboard(state: State<'_, AppState>, filter: StatsFilter) -> Res<Dashboard> {
    state.with(|s| stats::dashboard(s.conn(), &filter))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn study_report(
    state: State<'_, AppState>,
    study_id: String,
    lang: Option<Lang>,
) -> Res<StudyReport> {
    state.with(|s| {
        let lang = lang.unwrap_or_else(|| s.lang());
        report::study_report(s.conn(), &study_id, lang, None)
    })
}

/// Writes an export into `out` (a folder for CSV, a file for XLSX and JSON) and records it.
#[tauri::command(rename_all = "snake_case")]
pub async fn export_data(
    state: State<'_, AppState>,
    format: Format,
    out: String,
    options: ExportOptions,
    on_progress: Channel<Progress>,
) -> Res<ExportSummary> {
    let (lang, path) = state.with(|s| Ok((s.lang(), s.path().to_path_buf())))?;
    let internal = |e: String| {
        AppError::new(
            "internal",
            lang,
            &format!("Erreur interne : {e}"),
            &format!("Internal error: {e}"),
        )
    };
    tauri::async_runtime::spawn_blocking(move || {
        // Its own connection: the window stays usable while a large export runs.
        let mut store = Store::open(&path).map_err(|e| AppError::from_core(&e, lang))?;
        let out = PathBuf::from(out);
        export::run(&mut store, format, &out, &options, &mut |p| {
            // A lost progress message only leaves the bar behind; the result still arrives.
            let _ = on_progress.send(p.clone());
        })
        .map_err(|e| AppError::from_core(&e, lang))
    })
    .await
    .map_err(|e| internal(e.to_string()))?
}
