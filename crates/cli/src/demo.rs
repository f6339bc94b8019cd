//! `terrain demo`: fills an empty store with the demo studies and says what it wrote;
//! `terrain demo remove`: deletes them again in one action, and says what went.

use crate::ctx::say;
use terrain_core::demo::{load_demo, remove_demo, DemoSummary};
use terrain_core::Lang;

use crate::ctx::{print_json, Ctx, Result};

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Delete the demo studies with everything they hold (they can be restored like any
    /// deleted study); the demo can then be loaded again.
    Remove {
        /// Print what was removed as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    match args.action {
        Some(Action::Remove { json }) => remove(ctx, json),
        None => load(ctx, args.json),
    }
}

fn remove(ctx: &Ctx, json: bool) -> Result<()> {
    let mut store = ctx.open()?;
    let removed = remove_demo(&mut store)?;
    if json {
        return print_json(&removed);
    }
    let lang = ctx.lang();
    let what = removed.holdings.describe(lang);
    let line = match (lang, removed.studies) {
        (Lang::Fr, 0) => "Aucune donnée de démonstration à retirer.".to_string(),
        (Lang::Fr, n) => format!(
            "Données de démonstration retirées : {n} étude(s), avec {what}. Elles restent restaurables depuis la corbeille."
        ),
        (Lang::En, 0) => "No demo data to remove.".to_string(),
        (Lang::En, n) => format!(
            "Demo data removed: {n} stud{}, with {what}. They can still be restored from the bin.",
            if n == 1 { "y" } else { "ies" }
        ),
    };
    say!("{line}");
    Ok(())
}

fn load(ctx: &Ctx, json: bool) -> Result<()> {
    let mut store = ctx.open()?;
    let started = std::time::Instant::now();
    let s = load_demo(&mut store)?;
    if json {
        return print_json(&s);
    }
    let secs = started.elapsed().as_secs_f64();
    print_summary(&s, &store.path().display().to_string(), secs, ctx.lang())
}

fn print_summary(s: &DemoSummary, db: &str, secs: f64, lang: Lang) -> Result<()> {
    match lang {
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
