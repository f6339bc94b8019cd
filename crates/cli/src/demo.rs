//! `terrain demo`: fills an empty store with the demo studies and says what it wrote.

use crate::ctx::say;
use terrain_core::demo::load_demo;
use terrain_core::Lang;

use crate::ctx::{print_json, Ctx, Result};

#[derive(clap::Args)]
pub struct Args {
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let mut store = ctx.open()?;
    let started = std::time::Instant::now();
    let s = load_demo(&mut store)?;
    if args.json {
        return print_json(&s);
    }
    let secs = started.elapsed().as_secs_f64();
    let db = store.path().display();
    match ctx.lang() {
        Lang::Fr => {
            say!("Données de démonstration chargées dans {db} en {secs:.1} s :");
            say!("  études            {}", s.studies);
            say!(
                "  séances           {} (dans {} régions)",
                s.sessions,
                s.regions
            );
            say!("  participants      {} (une ligne chacun)", s.participants);
            say!(
                "  décomptes         {} cases, {} personnes",
                s.tallies,
                s.people_tallied
            );
            say!("  constats          {}", s.findings);
            say!("  recommandations   {}", s.recommendations);
            say!(
                "  séances sans consentement enregistré : {}",
                s.sessions_without_consent
            );
        }
        Lang::En => {
            say!("Demo data loaded into {db} in {secs:.1} s:");
            say!("  studies           {}", s.studies);
            say!(
                "  sessions          {} (in {} regions)",
                s.sessions,
                s.regions
            );
            say!("  participants      {} (one line each)", s.participants);
            say!(
                "  tallies           {} cells, {} people",
                s.tallies,
                s.people_tallied
            );
            say!("  findings          {}", s.findings);
            say!("  recommendations   {}", s.recommendations);
            say!(
                "  sessions without a consent record: {}",
                s.sessions_without_consent
            );
        }
    }
    Ok(())
}
