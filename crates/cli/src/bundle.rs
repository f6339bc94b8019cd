//! `terrain bundle export|import`: sync by file (USB stick).

use crate::ctx::say;
use std::path::PathBuf;

use clap::Subcommand;
use terrain_core::sync;
use terrain_core::sync::bundle::{self, ExportTarget, ImportOptions};

use crate::ctx::{print_json, Ctx, Result};

#[derive(Subcommand)]
pub enum Cmd {
    /// Write a bundle of a study's changes.
    Export {
        #[arg(long)]
        study: String,
        /// The bundle file to write, or an existing folder (a USB stick) to write it into
        /// under the name the desktop app gives it (the study, for whom, when, from which
        /// laptop), so that two laptops never overwrite each other's file.
        #[arg(long, value_name = "FILE|FOLDER")]
        out: PathBuf,
        /// Only what this node lacks, as last learned from its bundles or syncs.
        #[arg(
            long = "for",
            value_name = "NODE_ID",
            conflicts_with = "full",
            required_unless_present = "full"
        )]
        for_node: Option<String>,
        /// Everything this laptop holds of the study.
        #[arg(long)]
        full: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Read a bundle: checked in full, then applied batch by batch.
    Import {
        file: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<()> {
    match cmd {
        Cmd::Export {
            study,
            out,
            for_node,
            full: _,
            json,
        } => {
            let store = ctx.open()?;
            let target = match for_node {
                Some(node) => ExportTarget::For(node),
                None => ExportTarget::Full,
            };
            // Tests make many small batches to interrupt an import between them.
            let batch = std::env::var("TERRAIN_TEST_BATCH_SIZE")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(bundle::BATCH_SIZE);
            let out = if out.is_dir() {
                out.join(sync::bundle_name(&store, &study, &target))
            } else {
                out
            };
            let report =
                bundle::export_bundle_with(&store, &study, &target, &out, batch, &mut |_| {})?;
            if json {
                return print_json(&report);
            }
            say!(
                "{}: {} changes, {} batches, {} bytes",
                report.path,
                report.changes,
                report.batches,
                report.bytes
            );
        }
        Cmd::Import { file, json } => {
            let mut store = ctx.open()?;
            // Tests slow an import down to kill it between batches.
            let opts = ImportOptions {
                pause_between_batches_ms: std::env::var("TERRAIN_TEST_IMPORT_PAUSE_MS")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0),
                ..Default::default()
            };
            let report = bundle::import_bundle_with(&mut store, &file, &opts, &mut |_| {})?;
            if json {
                return print_json(&report);
            }
            say!(
                "new records {}, updated fields {}, conflicts {}, already known {}",
                report.new_records,
                report.updated_fields,
                report.conflicts,
                report.already_known
            );
            if report.clock_warning {
                eprintln!(
                    "terrain: the clock of {} is {} minutes off",
                    report.sender,
                    report.clock_offset_ms / 60_000
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use terrain_core::{Entity, Fields, Store};

    #[test]
    fn a_bundle_written_into_a_folder_gets_the_apps_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("a.db");
        let fields: Fields =
            serde_json::from_value(json!({"title": "Études à Ségou"})).expect("fields");
        let mut store = Store::open(&db).expect("store");
        let study = store.create(Entity::Study, &fields).expect("study");
        let node: String = store.node_id().chars().take(8).collect();
        drop(store);
        let export = |out: PathBuf| Cmd::Export {
            study: study.clone(),
            out,
            for_node: None,
            full: true,
            json: false,
        };
        let ctx = Ctx::new(Some(db));
        run(&ctx, export(dir.path().to_path_buf())).expect("into a folder");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".terrain"))
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        let tag = names[0].split('-').nth(1).unwrap_or_default();
        assert!(
            names[0].starts_with("terrain-")
                && tag.len() == 8
                && tag.chars().all(|c| c.is_ascii_hexdigit())
                && names[0].contains("-complet-")
                && !names[0].contains("segou"),
            "a neutral name, as the app gives it: {names:?}"
        );
        assert!(
            names[0].ends_with(&format!("-de-{node}.terrain")),
            "{names:?}"
        );
        run(&ctx, export(dir.path().join("a.terrain"))).expect("into a file");
        assert!(
            dir.path().join("a.terrain").is_file(),
            "--out FILE as before"
        );
    }
}
