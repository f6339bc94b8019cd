//! `terrain bench sync`: throughput and memory of the sync engine (run it in release).

use std::path::PathBuf;

use clap::Subcommand;

mod dashboard;
mod hub;
mod sync;

use crate::ctx::{Ctx, Result};

#[derive(Subcommand)]
pub enum Cmd {
    /// Write path vs plain SQLite, merge of a large bundle, delta cost, bytes, memory.
    Sync {
        /// Field changes in the large bundle.
        #[arg(long, default_value_t = 1_000_000)]
        n: u64,
        /// Where to put the scratch databases (default: a temporary folder, removed after).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Dashboard queries and exports over a generated study of 100,000 participants.
    Dashboard(dashboard::Args),
    /// Network sync on loopback: first sync of 100,000 records, delta, 20 laptops at once.
    Hub(hub::Args),
}

pub fn run(_ctx: &Ctx, cmd: Cmd) -> Result<()> {
    match cmd {
        Cmd::Dashboard(a) => return dashboard::run(_ctx, a),
        Cmd::Hub(a) => return hub::run(_ctx, a),
        Cmd::Sync { n, dir } => {
            let (dir, remove) = match dir {
                Some(d) => (d, false),
                None => (
                    std::env::temp_dir().join(format!("terrain-bench-{}", std::process::id())),
                    true,
                ),
            };
            let result = sync::bench_sync(&dir, n, &mut |step| eprintln!("… {step}"));
            if remove {
                let _ = std::fs::remove_dir_all(&dir);
            }
            print!("{}", result?);
        }
    }
    Ok(())
}
