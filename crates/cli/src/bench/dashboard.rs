//! `terrain bench dashboard`: builds a study of N participants (100,000 by default) through the
//! change-logged write path, times every dashboard query, then times the exports and the peak
//! memory they add (Linux VmHWM). Run it in release.

use std::path::PathBuf;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use terrain_core::export::{self, ExportOptions, Format};
use terrain_core::read::SessionFilter;
use terrain_core::stats::{self, StatsFilter};
use terrain_core::Fields;
use terrain_core::{Entity, Store};

use crate::ctx::{Ctx, Result};

#[derive(clap::Args)]
pub struct Args {
    /// Participants in the generated study.
    #[arg(long, default_value_t = 100_000)]
    participants: u64,
    /// Where to build the scratch database (default: a temporary folder, removed after).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Times each query is run (the median and the slowest are shown).
    #[arg(long, default_value_t = 7)]
    runs: usize,
    /// Skip the export timings.
    #[arg(long)]
    no_export: bool,
}

const PER_SESSION: u64 = 20;
const TYPES: [&str; 7] = [
    "focus_group",
    "focus_group",
    "individual_interview",
    "key_informant_interview",
    "workshop",
    "validation_workshop",
    "restitution",
];
const GROUPS: [&str; 10] = [
    "womens_association",
    "youth",
    "police",
    "gendarmerie",
    "national_guard",
    "armed_forces",
    "civil_protection",
    "religious_authority",
    "civil_society",
    "displaced_refugee",
];
const LANGS: [&str; 5] = ["bm", "fr", "ff", "son", "tmh"];
const THEMES: [&str; 5] = [
    "justice",
    "police de proximité",
    "participation",
    "violences",
    "accès",
];
const STATUS: [&str; 6] = [
    "proposed",
    "validated",
    "adopted",
    "in_progress",
    "implemented",
    "dropped",
];
const OTHER_NODES: [&str; 3] = [
    "0191d2c0-0000-7000-8000-0000000000d1",
    "0191d2c0-0000-7000-8000-0000000000d2",
    "0191d2c0-0000-7000-8000-0000000000d3",
];

fn fields(v: Value) -> Fields {
    v.as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// A study of `n` participants in sessions of 20 across Mali's communes, with tallies,
/// recommendations, a quarter of the sessions entered on other laptops, and a few
/// duplicates for the data-quality lists to find.
fn build(store: &mut Store, n: u64) -> Result<String> {
    let mut rng = StdRng::seed_from_u64(42);
    let mut communes: Vec<String> = Vec::new();
    {
        let mut stmt = store
            .conn()
            .prepare("SELECT id FROM place WHERE kind = 'commune' ORDER BY id")?;
        for id in stmt.query_map([], |r| r.get::<_, String>(0))? {
            communes.push(id?);
        }
    }
    let facilitators: Vec<String> = (0..40).map(|i| format!("Facilitateur {i:02}")).collect();
    let study = store.create(
        Entity::Study,
        &fields(json!({"title": "Étude de charge", "organisation": "Banc d'essai"})),
    )?;
    let sessions = n.div_ceil(PER_SESSION);
    let mut session_ids = Vec::with_capacity(sessions as usize);
    let mut written = 0u64;
    let batch = 50;
    for start in (0..sessions).step_by(batch) {
        let ids = store.write(|w| {
            let mut ids = Vec::new();
            for s in start..(start + batch as u64).min(sessions) {
                let t = *pick(&mut rng, &TYPES);
                let place = pick(&mut rng, &communes).clone();
                let day = rng.gen_range(0..600);
                let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
                    .map(|d| d + chrono::Duration::days(day))
                    .map(|d| d.to_string())
                    .unwrap_or_default();
                let consent = if rng.gen_bool(0.05) { Value::Null } else { json!("group") };
                let sid = w.create(
                    Entity::Session,
                    &fields(json!({
                        "study_id": study, "session_type": t, "date": date, "place_id": place,
                        "title": format!("Séance {s}"),
                        "languages": [pick(&mut rng, &LANGS), "fr"],
                        "facilitators": [pick(&mut rng, &facilitators)],
                        "woman_facilitator": rng.gen_bool(0.4), "women_only": rng.gen_bool(0.3),
                        "interpreter": rng.gen_bool(0.2), "consent_level": consent,
                    })),
                )?;
                let people = PER_SESSION.min(n - s * PER_SESSION);
                for p in 0..people {
                    let group = *pick(&mut rng, &GROUPS);
                    let dsf = ["police", "gendarmerie", "national_guard", "armed_forces", "civil_protection"].contains(&group);
                    let mut f = json!({
                        "session_id": sid,
                        "sex": if rng.gen_bool(0.55) { "female" } else { "male" },
                        "age": rng.gen_range(16..75), "actor_group": group,
                    });
                    if dsf {
                        f["institution"] = json!(format!("{group} — brigade {}", rng.gen_range(0..30)));
                        f["role"] = json!(if p % 2 == 0 { "agent" } else { "officier" });
                    }
                    w.create(Entity::Participant, &fields(f))?;
                }
                w.create(
                    Entity::Tally,
                    &fields(json!({"session_id": sid, "sex": "female", "actor_group": "youth", "count": rng.gen_range(0..12)})),
                )?;
                ids.push(sid);
            }
            Ok(ids)
        })?;
        written += ids.len() as u64 * PER_SESSION;
        session_ids.extend(ids);
        if start % 1000 == 0 {
            eprintln!("… {} / {n} participants", written.min(n));
        }
    }
    store.write(|w| {
        for i in 0..(sessions / 20).max(5) {
            let src = pick(&mut rng, &session_ids).clone();
            w.create(
                Entity::Recommendation,
                &fields(json!({
                    "study_id": study, "text": format!("Recommandation {i}"), "theme": pick(&mut rng, &THEMES),
                    "target_institution": pick(&mut rng, &["Gouvernorat", "Police nationale", "Mairie"]),
                    "status": pick(&mut rng, &STATUS), "source_sessions": [src],
                })),
            )?;
        }
        Ok(())
    })?;
    // A quarter of the sessions come from other laptops (as if synced): their changes get
    // another origin node.
    let conn = store.conn();
    for node in OTHER_NODES {
        conn.execute("INSERT OR IGNORE INTO nodes(node_id) VALUES (?1)", [node])?;
    }
    conn.execute_batch("BEGIN")?;
    for (i, sid) in session_ids.iter().enumerate().filter(|(i, _)| i % 4 == 0) {
        conn.execute(
            // row_id alone: the planner must take the (row_id, ...) index, not scan every
            // session change once per session.
            "UPDATE changes SET node = (SELECT idx FROM nodes WHERE node_id = ?1) WHERE row_id = ?2",
            (OTHER_NODES[i % 3], sid),
        )?;
    }
    conn.execute_batch("COMMIT; ANALYZE;")?;
    Ok(study)
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn status_kb(key: &str) -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// CPU time of this process in ms (Linux /proc/self/stat, 10 ms ticks): unlike wall time, it
/// does not count the time other programs on a busy machine kept us waiting.
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0)
}

/// One dashboard query, timed by the bench.
type Query<'a> = Box<dyn Fn() -> terrain_core::Result<()> + 'a>;

/// Times `f` `runs` times: (first, median, slowest) wall ms and mean CPU ms.
fn time(
    runs: usize,
    mut f: impl FnMut() -> terrain_core::Result<()>,
) -> Result<(f64, f64, f64, Option<f64>)> {
    let mut v = Vec::with_capacity(runs);
    let cpu0 = cpu_ms();
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        f()?;
        v.push(ms(t));
    }
    let cpu = match (cpu0, cpu_ms()) {
        (Some(a), Some(b)) => Some((b - a) / v.len() as f64),
        _ => None,
    };
    let first = v[0];
    v.sort_by(f64::total_cmp);
    Ok((first, v[v.len() / 2], v[v.len() - 1], cpu))
}

pub fn run(_ctx: &Ctx, a: Args) -> Result<()> {
    let (dir, remove) = match a.dir {
        Some(d) => (d, false),
        None => (
            std::env::temp_dir().join(format!("terrain-bench-dashboard-{}", std::process::id())),
            true,
        ),
    };
    let result = bench(&dir, &a.participants, a.runs, a.no_export);
    if remove {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

fn bench(dir: &std::path::Path, n: &u64, runs: usize, no_export: bool) -> Result<()> {
    let n = *n;
    std::fs::create_dir_all(dir)?;
    let mut store = Store::open(&dir.join("bench.db"))?;
    let t = Instant::now();
    let study = build(&mut store, n)?;
    println!(
        "built {n} participants in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let kayes: String = store.conn().query_row(
        "SELECT id FROM place WHERE kind = 'region' AND name = 'Kayes' AND map_version = '2016'",
        [],
        |r| r.get(0),
    )?;
    let c = store.conn();
    let study_f = StatsFilter {
        filter: SessionFilter {
            study_id: Some(study.clone()),
            ..Default::default()
        },
        ..Default::default()
    };
    let filters: [(&str, StatsFilter); 3] = [
        ("study", study_f.clone()),
        (
            "study+region+type+period",
            StatsFilter {
                filter: SessionFilter {
                    region_id: Some(kayes),
                    session_type: Some("focus_group".into()),
                    date_from: Some("2024-03-01".into()),
                    date_to: Some("2025-03-01".into()),
                    ..study_f.filter.clone()
                },
                ..study_f.clone()
            },
        ),
        (
            "all studies, by age",
            StatsFilter {
                by_age: true,
                ..Default::default()
            },
        ),
    ];
    println!(
        "{:<26} {:<26} {:>9} {:>9} {:>9} {:>9}",
        "query", "filter", "first ms", "median", "max", "cpu ms"
    );
    let mut worst: f64 = 0.0;
    let mut worst_cpu: f64 = 0.0;
    for (fname, f) in &filters {
        let rows: [(&str, Query); 8] = [
            ("1 people", Box::new(|| stats::people(c, f).map(drop))),
            (
                "2 sessions + follow-up",
                Box::new(|| stats::sessions(c, f).map(drop)),
            ),
            ("3 dsf", Box::new(|| stats::dsf(c, f).map(drop))),
            ("4 methods", Box::new(|| stats::methods(c, f).map(drop))),
            (
                "5 recommendations",
                Box::new(|| stats::recommendations(c, f).map(drop)),
            ),
            (
                "6 quality + duplicates",
                Box::new(|| stats::quality(c, f).map(drop)),
            ),
            ("7 activity", Box::new(|| stats::activity(c, f).map(drop))),
            (
                "all (dashboard)",
                Box::new(|| stats::dashboard(c, f).map(drop)),
            ),
        ];
        for (qname, q) in rows.iter() {
            let (first, median, max, cpu) = time(runs, q)?;
            if !qname.starts_with("all") {
                worst = worst.max(median);
                worst_cpu = worst_cpu.max(cpu.unwrap_or(0.0));
            }
            let cpu = cpu
                .map(|c| format!("{c:.0}"))
                .unwrap_or_else(|| "n/a".into());
            println!("{qname:<26} {fname:<26} {first:>9.1} {median:>9.1} {max:>9.1} {cpu:>9}");
        }
    }
    let d = stats::dashboard(c, &study_f)?;
    println!(
        "check: {} women, {} men in {} sessions; {} sessions without consent, {} possible duplicate sessions",
        d.people.women, d.people.men, d.sessions.sessions, d.quality.without_consent_count, d.quality.duplicate_session_groups
    );
    println!(
        "slowest single query: median {worst:.1} ms wall, {worst_cpu:.0} ms CPU (target < 200 ms)"
    );
    if no_export {
        return Ok(());
    }
    println!(
        "{:<28} {:>9} {:>12} {:>16}",
        "export", "s", "rows", "peak added MB"
    );
    for (label, format, out, anonymised) in [
        ("csv", Format::Csv, dir.join("csv"), false),
        ("xlsx", Format::Xlsx, dir.join("out.xlsx"), false),
        ("json", Format::Json, dir.join("out.json"), false),
        (
            "csv --anonymised --hxl",
            Format::Csv,
            dir.join("anon"),
            true,
        ),
    ] {
        let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
        let before = status_kb("VmRSS:");
        let t = Instant::now();
        let opts = ExportOptions {
            filter: SessionFilter {
                study_id: Some(study.clone()),
                ..Default::default()
            },
            anonymised,
            hxl: anonymised,
            ..Default::default()
        };
        let sum = export::run(&mut store, format, &out, &opts, &mut |_| {})?;
        let secs = t.elapsed().as_secs_f64();
        let rows: u64 = sum.tables.iter().map(|t| t.rows).sum();
        let peak = match (reset, before, status_kb("VmHWM:")) {
            (true, Some(b), Some(h)) => format!("{:.1}", h.saturating_sub(b) as f64 / 1024.0),
            _ => "n/a".to_string(),
        };
        println!("{label:<28} {secs:>9.2} {rows:>12} {peak:>16}");
    }
    Ok(())
}
