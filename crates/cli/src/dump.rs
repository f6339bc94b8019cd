//! `terrain dump --json [--study ID]`: the replicated state, canonical.

use crate::ctx::{Ctx, Result};

#[derive(clap::Args)]
pub struct Args {
    /// JSON output (the only format; accepted for scripts that say so).
    #[arg(long)]
    json: bool,
    /// Only what this study's sync carries.
    #[arg(long)]
    study: Option<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let _ = args.json;
    let store = ctx.open()?;
    let text = terrain_core::sync::dump_string(store.conn(), args.study.as_deref())?;
    crate::ctx::write_out(format_args!("{text}"))
}
