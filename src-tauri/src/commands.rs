//! The commands the UI may call (each is granted one by one in capabilities/main.json).
//! Each is a few lines over one terrain-core function; errors cross as {code, message}.
//! Arguments keep their snake_case names on the JavaScript side too.

use serde::{Deserialize, Serialize};
use tauri::State;
use terrain_core::read::{
    self as query, HistoryEntry, ListOptions, Overview, PlaceHit, PlaceIndex, Record, SessionQuery,
    SessionRow, StudyRow, Totals,
};
use terrain_core::{demo, store, Entity, Fields, Lang, Store};
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

/// One write of a batch saved in a single transaction (an attendance list, a tally sheet).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "op", rename_all = "snake_case")]
#[ts(export)]
pub enum WriteOp {
    Create {
        entity: Entity,
        fields: Fields,
    },
    Update {
        entity: Entity,
        id: String,
        fields: Fields,
    },
    Delete {
        entity: Entity,
        id: String,
    },
}

#[tauri::command(rename_all = "snake_case")]
pub async fn get_settings(state: State<'_, AppState>) -> Res<Settings> {
    state.with(|s| Ok(Settings { lang: s.lang() }))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_language(state: State<'_, AppState>, lang: Lang) -> Res<()> {
    state.with(|s| s.set_setting("lang", lang.code()))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn app_info(state: State<'_, AppState>) -> Res<AppInfo> {
    state.with(|s| {
        Ok(AppInfo {
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

/// Returns, for each op, the id it wrote (the new id for a create).
#[tauri::command(rename_all = "snake_case")]
pub async fn write_batch(state: State<'_, AppState>, ops: Vec<WriteOp>) -> Res<Vec<String>> {
    state.with(|s| write_all(s, &ops))
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

#[tauri::command(rename_all = "snake_case")]
pub async fn list_sessions(
    state: State<'_, AppState>,
    filter: SessionQuery,
) -> Res<Vec<SessionRow>> {
    state.with(|s| query::sessions(s.conn(), &filter))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn session_totals(state: State<'_, AppState>, session_id: String) -> Res<Totals> {
    state.with(|s| query::session_totals(s.conn(), &session_id))
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
    state.with(|s| Ok(PlaceIndex::load(s.conn())?.search(&text, limit.min(200))))
}

/// A place with its full path ("Ségou › Ségou › Pelengana"), for showing a chosen place.
#[tauri::command(rename_all = "snake_case")]
pub async fn place_path(state: State<'_, AppState>, id: String) -> Res<Option<PlaceHit>> {
    state.with(|s| {
        let index = PlaceIndex::load(s.conn())?;
        Ok(index.get(&id).map(|p| index.hit(p)))
    })
}

#[tauri::command(rename_all = "snake_case")]
pub async fn load_demo(state: State<'_, AppState>) -> Res<demo::DemoSummary> {
    state.try_with(load_demo_if_empty)
}

/// Applies every op in one transaction: all land or none (a half-saved attendance list or
/// tally sheet would silently miscount a session).
pub fn write_all(store: &mut Store, ops: &[WriteOp]) -> terrain_core::Result<Vec<String>> {
    store.write(|w| {
        ops.iter()
            .map(|op| match op {
                WriteOp::Create { entity, fields } => w.create(*entity, fields),
                WriteOp::Update { entity, id, fields } => {
                    w.update(*entity, id, fields).map(|_| id.clone())
                }
                WriteOp::Delete { entity, id } => w.delete(*entity, id).map(|_| id.clone()),
            })
            .collect()
    })
}

/// Demo data goes only into a store without studies, so it never mixes with real work.
pub fn load_demo_if_empty(store: &mut Store) -> Res<demo::DemoSummary> {
    let lang = store.lang();
    let core = |e: terrain_core::Error| AppError::from_core(&e, lang);
    if !query::studies(store.conn()).map_err(core)?.is_empty() {
        return Err(AppError::new(
            "not_empty",
            lang,
            "Les données de démonstration ne se chargent que dans une base vide.",
            "Demo data can only be loaded into an empty database.",
        ));
    }
    demo::load_demo(store).map_err(core)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::fields;
    use serde_json::json;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = Store::open_in_dir(dir.path()).expect("open");
        (dir, s)
    }

    #[test]
    fn error_crosses_as_code_and_message_in_the_persons_language() {
        let (_d, s) = store();
        s.set_setting("lang", "en").expect("set");
        let state = AppState::with_store(s);
        let err = state
            .with(|s| s.create(Entity::Study, &fields(json!({"title": ""}))))
            .expect_err("title is required");
        assert_eq!(
            serde_json::to_value(&err).expect("json"),
            json!({"code": "invalid", "message": "The field \"title\" is required."})
        );
        state.with(|s| s.set_setting("lang", "fr")).expect("set");
        let err = state
            .with(|s| s.create(Entity::Study, &fields(json!({}))))
            .expect_err("title is required");
        assert_eq!(err.message, "Le champ « titre » est obligatoire.");
    }

    #[test]
    fn attendance_batch_is_all_or_nothing() {
        let (_d, mut s) = store();
        let study = s
            .create(Entity::Study, &fields(json!({"title": "Étude"})))
            .expect("study");
        let session = s
            .create(
                Entity::Session,
                &fields(
                    json!({"study_id": study, "session_type": "focus_group", "date": "2026-03-02"}),
                ),
            )
            .expect("session");
        let line = |sex: &str, age: i64| WriteOp::Create {
            entity: Entity::Participant,
            fields: fields(json!({"session_id": session, "sex": sex, "age": age})),
        };
        let ids = write_all(&mut s, &[line("female", 30), line("male", 40)]).expect("batch");
        assert_eq!(ids.len(), 2);
        let ops: Vec<WriteOp> = serde_json::from_value(json!([
            {"op": "delete", "entity": "participant", "id": ids[0]},
            {"op": "create", "entity": "participant", "fields": {"session_id": session, "sex": "female", "age": 22}},
            {"op": "create", "entity": "participant", "fields": {"session_id": session, "sex": "male", "age": 130}},
        ]))
        .expect("ops as the UI sends them");
        let err = write_all(&mut s, &ops).expect_err("age 130");
        assert_eq!(err.code(), "invalid");
        let totals = query::session_totals(s.conn(), &session).expect("totals");
        assert_eq!(
            (totals.women, totals.men),
            (1, 1),
            "the failed batch left nothing behind"
        );
    }

    #[test]
    fn demo_is_refused_once_there_is_real_work() {
        let (_d, mut s) = store();
        s.create(Entity::Study, &fields(json!({"title": "Mon étude"})))
            .expect("study");
        let err = load_demo_if_empty(&mut s).expect_err("not empty");
        assert_eq!(err.code, "not_empty");
        assert!(err.message.contains("vide"));
    }
}
