//! The records commands: settings, studies, records, sessions and the session screen, history,
//! places, demo data. Each is a few lines over one terrain-core function; arguments keep their
//! snake_case names on the JavaScript side too.

use serde::Serialize;
use tauri::State;
use terrain_core::changes::WriteOp;
use terrain_core::read::{
    self as query, AttendanceSaved, HistoryEntry, ListOptions, Overview, PeopleFound, PeopleQuery,
    PlaceHit, PlaceIndex, Record, SessionPage, SessionQuery, SessionRow, StudyRow,
};
use terrain_core::{demo, store, Entity, Error, Fields, Lang};
use ts_rs::TS;

use crate::state::{AppError, AppState};

type Res<T> = Result<T, AppError>;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Settings {
    pub lang: Lang,
}

/// Where the data lives, for the settings screen (and support calls).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub data_file: String,
    pub node_id: String,
    pub schema_version: i64,
    pub supported_schema: i64,
}

#[tauri::command(rename_all = "snake_case")]
pub async fn get_settings(state: State<'_, AppState>) -> Res<Settings> {
    state.with(|s| Ok::<_, Error>(Settings { lang: s.lang() }))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_language(state: State<'_, AppState>, lang: Lang) -> Res<()> {
    state.with(|s| s.set_setting("lang", lang.code()))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn app_info(state: State<'_, AppState>) -> Res<AppInfo> {
    state.with(|s| {
        Ok::<_, Error>(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            data_file: s.path().display().to_string(),
            node_id: s.node_id().to_string(),
            schema_version: s.schema_version()?,
            supported_schema: store::schema_version(),
        })
    })
}

#[tauri::command(rename_all = "snake_case")]
pub async fn list_studies(state: State<'_, AppState>) -> Res<Vec<StudyRow>> {
    state.with(|s| query::studies(s.conn()))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn get_record(state: State<'_, AppState>, entity: Entity, id: String) -> Res<Record> {
    state.with(|s| query::get(s.conn(), entity, &id))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn list_records(
    state: State<'_, AppState>,
    entity: Entity,
    options: ListOptions,
) -> Res<Vec<Record>> {
    state.with(|s| query::list(s.conn(), entity, &options))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn create_record(
    state: State<'_, AppState>,
    entity: Entity,
    fields: Fields,
) -> Res<String> {
    state.with(|s| s.create(entity, &fields))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn update_record(
    state: State<'_, AppState>,
    entity: Entity,
    id: String,
    fields: Fields,
) -> Res<usize> {
    state.with(|s| s.update(entity, &id, &fields))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn delete_record(state: State<'_, AppState>, entity: Entity, id: String) -> Res<()> {
    state.with(|s| s.delete(entity, &id))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn restore_record(state: State<'_, AppState>, entity: Entity, id: String) -> Res<()> {
    state.with(|s| s.restore(entity, &id))
}

/// Erases a participant's personal values, with the reason (supervisors and coordinators).
#[tauri::command(rename_all = "snake_case")]
pub async fn erase_participant(state: State<'_, AppState>, id: String, reason: String) -> Res<()> {
    state.with(|s| s.erase_participant(&id, &reason))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn list_sessions(
    state: State<'_, AppState>,
    filter: SessionQuery,
) -> Res<Vec<SessionRow>> {
    state.with(|s| query::sessions(s.conn(), &filter))
}

/// People of a study (or of all) by words of their code or name (sealed names not searched).
#[tauri::command(rename_all = "snake_case")]
pub async fn find_people(state: State<'_, AppState>, query: PeopleQuery) -> Res<PeopleFound> {
    state.with(|s| query::find_people(s.conn(), &query))
}

/// The session screen in one call.
#[tauri::command(rename_all = "snake_case")]
pub async fn session_page(state: State<'_, AppState>, session_id: String) -> Res<SessionPage> {
    state.with(|s| query::session_page(s.conn(), &session_id))
}

/// An attendance line (add, edit, delete) or a whole tally sheet, in one transaction; the
/// answer is the attendance as it now stands.
#[tauri::command(rename_all = "snake_case")]
pub async fn save_attendance(
    state: State<'_, AppState>,
    session_id: String,
    ops: Vec<WriteOp>,
) -> Res<AttendanceSaved> {
    state.with(|s| query::save_attendance(s, &session_id, &ops))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn study_overview(state: State<'_, AppState>, study_id: String) -> Res<Overview> {
    state.with(|s| query::study_overview(s.conn(), &study_id))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn record_history(
    state: State<'_, AppState>,
    entity: Entity,
    id: String,
) -> Res<Vec<HistoryEntry>> {
    state.with(|s| query::history(s.conn(), entity, &id))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn deleted_records(state: State<'_, AppState>) -> Res<Vec<Record>> {
    state.with(|s| query::deleted_records(s.conn()))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn search_places(
    state: State<'_, AppState>,
    text: String,
    limit: usize,
) -> Res<Vec<PlaceHit>> {
    state.with(|s| Ok::<_, Error>(PlaceIndex::load(s.conn())?.search(&text, limit.min(200))))
}

/// A place with its full path ("Ségou › Ségou › Pelengana"), for showing a chosen place.
#[tauri::command(rename_all = "snake_case")]
pub async fn place_path(state: State<'_, AppState>, id: String) -> Res<Option<PlaceHit>> {
    state.with(|s| query::place_with_path(s.conn(), &id))
}

/// Demo data goes only into a store without studies, so it never mixes with real work.
#[tauri::command(rename_all = "snake_case")]
pub async fn load_demo(state: State<'_, AppState>) -> Res<demo::DemoSummary> {
    state.with(demo::load_demo)
}

/// « Retirer les données de démonstration »: deletes the demo studies in one action.
#[tauri::command(rename_all = "snake_case")]
pub async fn remove_demo(state: State<'_, AppState>) -> Res<demo::DemoRemoved> {
    state.with(demo::remove_demo)
}

/// What deleting a study or a session takes with it, for its confirmation.
#[tauri::command(rename_all = "snake_case")]
pub async fn record_holdings(
    state: State<'_, AppState>,
    entity: Entity,
    id: String,
) -> Res<query::Holdings> {
    state.with(|s| query::holdings(s.conn(), entity, &id))
}
