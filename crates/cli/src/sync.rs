//! `terrain sync URL`: syncs this store with a hub, both ways, with progress on stderr and a
//! summary on stdout.

use crate::ctx::say;
use std::io::Write;
use std::sync::atomic::AtomicBool;

use terrain_core::Lang;
use terrain_hub::{Progress, Stage, SyncOptions};

use crate::ctx::{print_json, Ctx, Result};

#[derive(clap::Args)]
pub struct Args {
    /// The hub's address, as `terrain serve` prints it (http://192.168.1.10:8765).
    url: String,
    /// The hub's join code, needed on this device's first sync with that hub.
    #[arg(long, value_name = "CODE")]
    join: Option<String>,
    /// A name for this device on the hub's list of devices.
    #[arg(long)]
    label: Option<String>,
    /// Changes per batch.
    #[arg(long, default_value_t = terrain_hub::protocol::DEFAULT_BATCH)]
    batch: usize,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
    /// No progress lines.
    #[arg(long)]
    quiet: bool,
}

fn progress_line(p: &Progress, lang: Lang) -> String {
    let fr = lang == Lang::Fr;
    match p.stage {
        Stage::Connecting if fr => "connexion au hub…".into(),
        Stage::Connecting => "connecting to the hub…".into(),
        Stage::Enrolling if fr => "inscription de cet appareil…".into(),
        Stage::Enrolling => "enrolling this device…".into(),
        Stage::Pushing if fr => format!("envoi {}/{} modifications", p.sent, p.to_send),
        Stage::Pushing => format!("sending {}/{} changes", p.sent, p.to_send),
        Stage::Pulling if fr => format!("réception {} modifications", p.received),
        Stage::Pulling => format!("receiving {} changes", p.received),
        Stage::Done if fr => "terminé".into(),
        Stage::Done => "done".into(),
    }
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let mut store = ctx.open()?;
    let lang = ctx.lang();
    let opts = SyncOptions {
        join_code: args.join,
        label: args.label,
        batch: args.batch,
        ..SyncOptions::default()
    };
    let cancel = AtomicBool::new(false);
    let quiet = args.quiet;
    let mut last = String::new();
    let mut report = |p: &Progress| {
        let line = progress_line(p, lang);
        if !quiet && line != last {
            let _ = writeln!(std::io::stderr(), "… {line}");
            last = line;
        }
    };
    let summary = terrain_hub::sync_joined(&mut store, &args.url, &opts, &mut report, &cancel)?;
    if args.json {
        return print_json(&summary);
    }
    let fr = lang == Lang::Fr;
    for s in &summary.studies {
        if fr {
            say!(
                "étude {} : {} envoyées ({} nouvelles pour le hub), {} reçues ({} nouvelles, {} enregistrements nouveaux, {} champs mis à jour, {} conflits)",
                s.study, s.sent, s.sent_new, s.received, s.received_new, s.new_records, s.updated_fields, s.conflicts
            );
        } else {
            say!(
                "study {}: {} sent ({} new to the hub), {} received ({} new, {} new records, {} fields updated, {} conflicts)",
                s.study, s.sent, s.sent_new, s.received, s.received_new, s.new_records, s.updated_fields, s.conflicts
            );
        }
    }
    for s in &summary.skipped_studies {
        if fr {
            say!("étude {s} : absente du hub, non synchronisée");
        } else {
            say!("study {s}: not on the hub, not synced");
        }
    }
    let kb = |b: u64| (b as f64) / 1024.0;
    if fr {
        say!(
            "hub {} · {:.1} Ko envoyés, {:.1} Ko reçus, {} ms{}",
            summary.hub_node,
            kb(summary.bytes_sent),
            kb(summary.bytes_received),
            summary.millis,
            if summary.enrolled {
                " · appareil inscrit"
            } else {
                ""
            }
        );
    } else {
        say!(
            "hub {} · {:.1} KB sent, {:.1} KB received, {} ms{}",
            summary.hub_node,
            kb(summary.bytes_sent),
            kb(summary.bytes_received),
            summary.millis,
            if summary.enrolled {
                " · device enrolled"
            } else {
                ""
            }
        );
    }
    Ok(())
}
