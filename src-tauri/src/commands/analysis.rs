//! The dashboard, export and report commands (terrain-core's stats, export and report).
//! Exports run on the blocking pool on their own connection, with progress over a channel.

use tauri::ipc::Channel;
use tauri::State;
use terrain_core::export::{self, ExportOptions, ExportSummary, Format, Progress};
use terrain_core::report::{self, StudyReport};
use terrain_core::stats::{self, Dashboard, StatsFilter};
use terrain_core::store::typed_path;
use terrain_core::{Entity, Lang};

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

/// Saves a study's report as an HTML file at `path`; returns the file written.
#[tauri::command(rename_all = "snake_case")]
pub async fn report_save(
    state: State<'_, AppState>,
    study_id: String,
    lang: Lang,
    path: String,
) -> Res<String> {
    state.with(|s| {
        let path = report::save_report(s.conn(), &study_id, lang, &typed_path(&path)?)?;
        Ok::<_, terrain_core::Error>(path.display().to_string())
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
    state
        .in_background(move |s| {
            export::run(s, format, &typed_path(&out)?, &options, &mut |p| {
                // A lost progress message only leaves the bar behind; the result still arrives.
                let _ = on_progress.send(p.clone());
            })
        })
        .await
}

/// Marks a record's free text reviewed or not when `set` is given; whether it reads reviewed.
#[tauri::command(rename_all = "snake_case")]
pub async fn review_text(
    state: State<'_, AppState>,
    entity: Entity,
    id: String,
    set: Option<bool>,
) -> Res<bool> {
    state.with(|s| export::review(s, entity, &id, set))
}
