//! `terrain serve`: runs a sync hub on this store until Ctrl-C or SIGTERM.

use crate::ctx::{Ctx, Result};

#[derive(clap::Args)]
pub struct Args {
    /// Address and port to listen on (0.0.0.0 = every network of this machine).
    #[arg(long, default_value = "0.0.0.0:8765", value_name = "ADDR")]
    listen: String,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let path = ctx.open()?.path().to_path_buf();
    terrain_hub::init_logging();
    terrain_hub::server::serve_blocking(&path, &args.listen, terrain_hub::print_ready)
        .map_err(Into::into)
}
