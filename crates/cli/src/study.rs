//! `terrain study invite|join`: hand a study's key to a new team laptop.

use std::path::PathBuf;

use clap::Subcommand;
use terrain_core::sync;

use crate::ctx::{Ctx, Result};

#[derive(Subcommand)]
pub enum Cmd {
    /// Write a join file (the study and its key) for a new team laptop.
    Invite {
        study_id: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Join a study from a join file.
    Join { file: PathBuf },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<()> {
    let store = ctx.open()?;
    match cmd {
        Cmd::Invite { study_id, out } => {
            sync::invite_to_file(&store, &study_id, &out)?;
            println!("{}", out.display());
        }
        Cmd::Join { file } => {
            let joined = sync::join_from_file(&store, &file)?;
            println!("{}\t{}", joined.study_id, joined.title);
        }
    }
    Ok(())
}
