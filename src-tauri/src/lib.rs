//! Terrain's desktop shell. The store is opened once at start-up and kept behind a mutex;
//! every command in `commands` is a thin adapter over one terrain-core function.

pub mod analysis;
pub mod commands;
pub mod state;
pub mod sync;
#[cfg(test)]
mod test_support;

pub use state::{AppError, AppState};

/// Starts the desktop app (the binary's `main` calls this).
pub fn run() {
    let state = AppState::open_default();
    let result = tauri::Builder::default()
        .manage(state)
        .manage(sync::SyncJobs::default())
        .invoke_handler(tauri::generate_handler![
            commands::get_settings,
            commands::set_language,
            commands::app_info,
            commands::list_studies,
            commands::get_record,
            commands::list_records,
            commands::create_record,
            commands::write_batch,
            commands::update_record,
            commands::delete_record,
            commands::restore_record,
            commands::list_sessions,
            commands::session_totals,
            commands::study_overview,
            commands::record_history,
            commands::deleted_records,
            commands::search_places,
            commands::place_path,
            commands::load_demo,
            sync::sync_overview,
            sync::sync_set_device_label,
            sync::sync_files,
            sync::sync_invite,
            sync::sync_join,
            sync::sync_export_bundle,
            sync::sync_import_bundle,
            sync::sync_conflicts,
            sync::sync_resolve_conflict,
            sync::sync_devices,
            sync::sync_hub,
            sync::sync_hub_cancel,
            sync::sync_share_start,
            sync::sync_share_stop,
            sync::sync_share_devices,
            sync::sync_share_revoke,
            analysis::stats_dashboard,
            analysis::study_report,
            analysis::export_data,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Terrain could not start: {e}");
        std::process::exit(1);
    }
}
