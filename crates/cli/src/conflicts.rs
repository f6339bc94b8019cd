//! `terrain conflicts list|resolve`: concurrent edits for a supervisor to review.

use crate::ctx::say;
use clap::Subcommand;
use terrain_core::sync as conflicts;

use crate::ctx::{print_json, Ctx, Result};

#[derive(Subcommand)]
pub enum Cmd {
    /// Unresolved conflicts: the overwritten value and the value in force, side by side.
    List {
        #[arg(long)]
        json: bool,
        /// Resolved ones too.
        #[arg(long)]
        all: bool,
    },
    /// Pick one of a conflict's values (the pick syncs like any edit).
    Resolve {
        id: String,
        #[arg(long, value_name = "VALUE_ID")]
        pick: String,
    },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<()> {
    match cmd {
        Cmd::List { json, all } => {
            let store = ctx.open()?;
            let list = conflicts::list_conflicts(store.conn(), all)?;
            if json {
                return print_json(&list);
            }
            for c in list {
                let winner = c
                    .winner
                    .as_ref()
                    .map(|w| format!("{} [{} {} {}]", w.value, w.value_id, w.device, w.at))
                    .unwrap_or_default();
                say!(
                    "{}  {}.{} {}\n  overwritten: {} [{} {} {}]\n  in force:    {winner}",
                    c.id,
                    c.entity,
                    c.field,
                    c.row_id,
                    c.loser.value,
                    c.loser.value_id,
                    c.loser.device,
                    c.loser.at
                );
            }
        }
        Cmd::Resolve { id, pick } => {
            let mut store = ctx.open()?;
            conflicts::resolve_conflict(&mut store, &id, &pick)?;
        }
    }
    Ok(())
}
