//! Terrain's desktop shell: a face over terrain-core and terrain-hub. The store is opened once
//! at start-up and kept behind a mutex (`state`); every command in `commands` is a few lines
//! over one core or hub function. A command is declared in three places that must agree: the
//! handler list below, `build.rs` (which makes its permission) and `capabilities/main.json`
//! (which grants it); a test checks them.

pub mod commands {
    pub mod analysis;
    pub mod door;
    pub mod guide;
    pub mod records;
    pub mod sync;
}
pub mod state;

pub use state::{AppError, AppState};

use commands::{analysis, door, guide, records, sync};

/// Starts the desktop app (the binary's `main` calls this).
pub fn run() {
    let state = AppState::open_default();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .manage(state::SyncJobs::default())
        .invoke_handler(tauri::generate_handler![
            door::store_status,
            door::store_create,
            door::store_unlock,
            door::store_recover,
            door::store_lock,
            door::store_encrypt,
            door::store_change_passphrase,
            door::store_set_idle_lock,
            door::passphrase_strength,
            door::store_backup,
            door::backup_info,
            door::backup_suggested_path,
            door::store_restore,
            guide::get_guide,
            guide::set_guide,
            records::get_settings,
            records::set_language,
            records::app_info,
            records::list_studies,
            records::get_record,
            records::list_records,
            records::create_record,
            records::update_record,
            records::delete_record,
            records::restore_record,
            records::erase_participant,
            records::list_sessions,
            records::find_people,
            records::session_page,
            records::save_attendance,
            records::study_overview,
            records::record_history,
            records::deleted_records,
            records::search_places,
            records::place_path,
            records::load_demo,
            records::remove_demo,
            records::record_holdings,
            sync::sync_overview,
            sync::sync_set_device_label,
            sync::sync_files,
            sync::sync_drives,
            sync::sync_invite,
            sync::sync_join,
            sync::sync_join_preview,
            sync::study_access,
            sync::study_members,
            sync::study_grant,
            sync::study_revoke,
            sync::study_rekey,
            sync::study_hq,
            sync::sync_export_bundle,
            sync::sync_import_bundle,
            sync::sync_conflicts,
            sync::sync_resolve_conflict,
            sync::study_future_values,
            sync::sync_devices,
            sync::sync_hub,
            sync::sync_hub_cancel,
            sync::sync_share_start,
            sync::sync_share_stop,
            sync::sync_share_devices,
            sync::sync_share_revoke,
            analysis::stats_dashboard,
            analysis::study_report,
            analysis::report_save,
            analysis::export_data,
            analysis::review_text,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Terrain could not start: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    fn source(path: &str) -> String {
        let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
    }

    /// The text between `start` and the next `end` after it.
    fn between<'t>(text: &'t str, start: &str, end: &str) -> &'t str {
        let from = text.find(start).unwrap_or_else(|| panic!("no {start}")) + start.len();
        let len = text[from..].find(end).unwrap_or_else(|| panic!("no {end}"));
        &text[from..from + len]
    }

    /// The commands given to `generate_handler!` in lib.rs (`module::name,` each).
    fn handled() -> BTreeSet<String> {
        between(&source("src/lib.rs"), "generate_handler![", "]")
            .split(',')
            .filter_map(|item| item.trim().rsplit("::").next())
            .filter(|name| !name.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The commands build.rs declares (one permission each).
    fn declared() -> BTreeSet<String> {
        between(&source("build.rs"), "COMMANDS: &[&str] = &[", "]")
            .split(',')
            .map(|item| item.trim().trim_matches('"').to_string())
            .filter(|name| !name.is_empty())
            .collect()
    }

    /// Every permission the main window is granted, as written.
    fn permissions() -> Vec<String> {
        let capability: serde_json::Value =
            serde_json::from_str(&source("capabilities/main.json")).expect("capability JSON");
        capability["permissions"]
            .as_array()
            .expect("permissions")
            .iter()
            .map(|p| p.as_str().expect("a permission name").to_string())
            .collect()
    }

    /// The commands the main window is granted (`allow-<name>` with dashes); a plugin's
    /// permissions (`plugin:…`) aside.
    fn granted() -> BTreeSet<String> {
        permissions()
            .iter()
            .filter(|p| !p.contains(':'))
            .map(|p| {
                let name = p.strip_prefix("allow-").unwrap_or_else(|| panic!("{p}"));
                name.replace('-', "_")
            })
            .collect()
    }

    #[test]
    fn handler_list_build_script_and_capability_name_the_same_commands() {
        let handled = handled();
        assert!(handled.len() > 30, "the handler list was read: {handled:?}");
        assert_eq!(handled, declared(), "lib.rs and build.rs");
        assert_eq!(handled, granted(), "lib.rs and capabilities/main.json");
    }

    /// The one plugin is the dialog one, for its file and folder pickers only: no message
    /// boxes, no `default` set, and no fs plugin (the picked path goes to Terrain's commands).
    #[test]
    fn the_only_plugin_permissions_are_the_open_and_save_dialogs() {
        let plugin: Vec<String> = permissions()
            .into_iter()
            .filter(|p| p.contains(':'))
            .collect();
        assert_eq!(plugin, ["dialog:allow-open", "dialog:allow-save"]);
        let lib = source("src/lib.rs");
        let run = lib.split("#[cfg(test)]").next().unwrap_or_default();
        assert!(
            run.contains(".plugin(tauri_plugin_dialog::init())"),
            "the dialogs are registered"
        );
        assert_eq!(run.matches(".plugin(").count(), 1, "and no other plugin");
        let manifest = source("Cargo.toml");
        assert!(!manifest.contains("tauri-plugin-fs"), "no fs plugin");
    }
}
