//! `terrain drives`: the removable drives plugged in (USB sticks), with the folder to give to
//! `terrain bundle export --folder` or `import`, the same list the Sync screen offers.

use terrain_core::{sync, Lang};

use crate::ctx::{print_json, say, Ctx, Result};

#[derive(clap::Args)]
pub struct Args {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let drives = sync::removable_drives();
    if args.json {
        return print_json(&drives);
    }
    let fr = ctx.lang() == Lang::Fr;
    if drives.is_empty() {
        say!(
            "{}",
            if fr {
                "Aucune clé USB branchée."
            } else {
                "No USB stick plugged in."
            }
        );
        return Ok(());
    }
    for d in &drives {
        let free = gigabytes(d.free_bytes, fr);
        let total = gigabytes(d.total_bytes, fr);
        let (space, locked) = if fr {
            (
                format!("{free} Go libres sur {total} Go"),
                " · lecture seule",
            )
        } else {
            (format!("{free} GB free of {total} GB"), " · read-only")
        };
        let locked = if d.read_only { locked } else { "" };
        say!("{}\t{}\t{space}{locked}", d.label, d.path);
    }
    Ok(())
}

/// Bytes in gigabytes with one decimal, a comma in French.
fn gigabytes(bytes: u64, fr: bool) -> String {
    let text = format!("{:.1}", bytes as f64 / 1e9);
    if fr {
        text.replace('.', ",")
    } else {
        text
    }
}
