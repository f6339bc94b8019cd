//! `terrain hq keygen|show` on the headquarters' store: the key pair to which field laptops
//! seal names and phones (docs/design/protection.md, slice 4); `terrain study set-hq-key` hands
//! its public half to a study.

use crate::ctx::say;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::json;
use terrain_core::{sync, Lang, Store};

use crate::ctx::{print_json, Ctx, Result};

#[derive(Subcommand)]
pub enum Cmd {
    /// Make an HQ key pair: the private half stays in this store, the public half goes to
    /// --out (a one-line text file to hand to the studies' coordinators).
    Keygen {
        /// The public key file to write (an existing file is not replaced).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// The HQ keys this store holds, by fingerprint (newest first).
    Show {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<()> {
    let store = ctx.open()?;
    match cmd {
        Cmd::Keygen { out } => {
            // Opened before the key is made: a file already there is not replaced.
            let mut file = std::fs::File::options()
                .write(true)
                .create_new(true)
                .open(&out)?;
            let text = sync::hq_keygen(&store)?;
            writeln!(file, "{text}")?;
            file.sync_all()?;
            let held = sync::hq_keys_held(&store)?;
            say!("{}", held.first().map(String::as_str).unwrap_or(""));
        }
        Cmd::Show { json } => {
            let held = sync::hq_keys_held(&store)?;
            if json {
                return print_json(&json!({ "hq_keys": held }));
            }
            if held.is_empty() {
                eprintln!(
                    "{}",
                    match ctx.lang() {
                        Lang::Fr => "Cette base ne détient aucune clé du siège.",
                        Lang::En => "This store holds no headquarters key.",
                    }
                );
            }
            for f in held {
                say!("{f}");
            }
        }
    }
    Ok(())
}

/// `terrain study set-hq-key ID FILE`: the study's names, phones and marked fields are sealed
/// to this key from now on (coordinators only). Prints the key's fingerprint.
pub fn set_study_key(store: &Store, study: &str, file: &Path) -> Result<()> {
    let text = std::fs::read_to_string(file)?;
    let hq = sync::set_hq_key(store, study, &text)?;
    say!("{}", hq.fingerprint.unwrap_or_default());
    Ok(())
}
