// Declaring the app's commands makes Tauri generate one permission per command
// (allow-<name>), so capabilities/main.json can grant exactly these and nothing else.
const COMMANDS: &[&str] = &[
    "get_settings",
    "set_language",
    "app_info",
    "list_studies",
    "get_record",
    "list_records",
    "create_record",
    "update_record",
    "delete_record",
    "restore_record",
    "list_sessions",
    "session_page",
    "save_attendance",
    "study_overview",
    "record_history",
    "deleted_records",
    "search_places",
    "place_path",
    "load_demo",
    "sync_overview",
    "sync_set_device_label",
    "sync_files",
    "sync_invite",
    "sync_join",
    "study_access",
    "study_members",
    "study_grant",
    "study_revoke",
    "study_rekey",
    "study_hq",
    "sync_export_bundle",
    "sync_import_bundle",
    "sync_conflicts",
    "sync_resolve_conflict",
    "study_future_values",
    "sync_devices",
    "sync_hub",
    "sync_hub_cancel",
    "sync_share_start",
    "sync_share_stop",
    "sync_share_devices",
    "sync_share_revoke",
    "stats_dashboard",
    "study_report",
    "export_data",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
