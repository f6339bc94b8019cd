//! `terrain demo`: fills an empty store with the demo studies and says what it wrote.

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
            println!("Données de démonstration chargées dans {db} en {secs:.1} s :");
            println!("  études            {}", s.studies);
            println!(
                "  séances           {} (dans {} régions)",
                s.sessions, s.regions
            );
            println!("  participants      {} (une ligne chacun)", s.participants);
            println!(
                "  décomptes         {} cases, {} personnes",
                s.tallies, s.people_tallied
            );
            println!("  constats          {}", s.findings);
            println!("  recommandations   {}", s.recommendations);
            println!(
                "  séances sans consentement enregistré : {}",
                s.sessions_without_consent
            );
        }
        Lang::En => {
            println!("Demo data loaded into {db} in {secs:.1} s:");
            println!("  studies           {}", s.studies);
            println!(
                "  sessions          {} (in {} regions)",
                s.sessions, s.regions
            );
            println!("  participants      {} (one line each)", s.participants);
            println!(
                "  tallies           {} cells, {} people",
                s.tallies, s.people_tallied
            );
            println!("  findings          {}", s.findings);
            println!("  recommendations   {}", s.recommendations);
            println!(
                "  sessions without a consent record: {}",
                s.sessions_without_consent
            );
        }
    }
    Ok(())
}
