//! `terrain bench sealed`: what sealing names and phones to headquarters costs the write path
//! (the same participants, with a name and a phone, written into a study without an HQ key and
//! into one with), and how fast the HQ store opens them again (a participants list read).

use crate::ctx::say;
use std::fmt;
use std::path::PathBuf;
use std::time::Instant;

use serde_json::json;
use terrain_core::read::{self, ListOptions};
use terrain_core::{sync, Entity, Fields, Result, Store};

use super::generate::{fields, participant};
use super::measure::{median, ms};
use super::scratch::Scratch;

#[derive(clap::Args)]
pub struct Args {
    /// Participants written in each study.
    #[arg(long, default_value_t = 20_000)]
    rows: usize,
    /// Where to put the scratch databases (default: a temporary folder, removed after).
    #[arg(long)]
    dir: Option<PathBuf>,
}

const ROUNDS: usize = 3;
const PER_SESSION: usize = 25;

pub fn run(args: Args) -> crate::ctx::Result<()> {
    let scratch = Scratch::new(args.dir, "sealed")?;
    let mut plain = Vec::new();
    let mut sealed = Vec::new();
    let mut open = Vec::new();
    for round in 0..ROUNDS {
        let mut store = Store::open_in_dir(&scratch.fresh(&format!("round-{round}"))?)?;
        let key = sync::hq_keygen(&store)?;
        plain.push(write_study(&mut store, args.rows, None)?.0);
        let (ms_sealed, study) = write_study(&mut store, args.rows, Some(&key))?;
        sealed.push(ms_sealed);
        let t = Instant::now();
        let people = read::list(store.conn(), Entity::Participant, &ListOptions::default())?;
        open.push(ms(t));
        let opened = people
            .iter()
            .filter(|p| p.text("name").is_some_and(|n| n.starts_with("Nom ")))
            .count();
        if opened != 2 * args.rows {
            return Err(super::stopped(format!(
                "{opened} names of {} read back in study {study}",
                2 * args.rows
            )));
        }
    }
    let report = SealedBench {
        rows: args.rows,
        plain_ms: median(&mut plain),
        sealed_ms: median(&mut sealed),
        open_ms: median(&mut open),
    };
    say!("{report}");
    Ok(())
}

/// Writes `rows` participants with a name and a phone into a new study, in one transaction;
/// `hq`: the HQ key set first. Returns the milliseconds and the study.
fn write_study(store: &mut Store, rows: usize, hq: Option<&str>) -> Result<(f64, String)> {
    let study = store.create(Entity::Study, &fields(json!({"title": "Bench"})))?;
    if let Some(key) = hq {
        sync::set_hq_key(store, &study, key)?;
    }
    let sessions: Vec<String> = store.write(|w| {
        (0..rows.div_ceil(PER_SESSION))
            .map(|_| {
                w.create(
                    Entity::Session,
                    &fields(json!({"study_id": study, "session_type": "focus_group", "date": "2026-11-20"})),
                )
            })
            .collect()
    })?;
    let typed: Vec<Fields> = (0..rows)
        .map(|i| {
            let mut f = participant(&sessions[i / PER_SESSION], i);
            f.insert("name".into(), json!(format!("Nom {i} Prénom")));
            f.insert("phone".into(), json!(format!("+223 7{i:07}")));
            f
        })
        .collect();
    let t = Instant::now();
    store.write(|w| {
        for f in &typed {
            w.create(Entity::Participant, f)?;
        }
        Ok(())
    })?;
    Ok((ms(t), study))
}

struct SealedBench {
    rows: usize,
    plain_ms: f64,
    sealed_ms: f64,
    open_ms: f64,
}

impl fmt::Display for SealedBench {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per_s = |ms: f64| self.rows as f64 / (ms / 1000.0);
        writeln!(
            f,
            "Sealing names and phones to headquarters (median of {ROUNDS})"
        )?;
        writeln!(
            f,
            "  write path, no HQ key   {} participants in {:.0} ms ({:.0}/s)",
            self.rows,
            self.plain_ms,
            per_s(self.plain_ms)
        )?;
        writeln!(
            f,
            "  write path, HQ key      {} participants in {:.0} ms ({:.0}/s), {:.2}x",
            self.rows,
            self.sealed_ms,
            per_s(self.sealed_ms),
            self.sealed_ms / self.plain_ms
        )?;
        write!(
            f,
            "  HQ reads them opened    {} participants in {:.0} ms",
            2 * self.rows,
            self.open_ms
        )
    }
}
