//! `terrain bench dashboard`: builds a study of N participants (100,000 by default) through the
//! change-logged write path (a quarter of it received from other laptops, through
//! `sync::apply_changes`), times every dashboard query, then times the exports and the peak
//! memory they add (Linux VmHWM). Run it in release.

use crate::ctx::say;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use terrain_core::changes::{participant_code, Change, Writer};
use terrain_core::export::{self, ExportOptions, Format};
use terrain_core::read::SessionFilter;
use terrain_core::schema::{age_band_of, DSF_GROUPS, RECOMMENDATION_STATUSES};
use terrain_core::stats::{self, StatsFilter};
use terrain_core::sync::apply_changes;
use terrain_core::{Entity, Fields, Store};

use super::generate::{fields, Laptops};
use super::measure::{memory_kb, peak_memory_kb, reset_peak_memory, time_runs};
use super::scratch::Scratch;
use crate::ctx::Result;

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
const OTHER_NODES: [&str; 3] = [
    "0191d2c0-0000-7000-8000-0000000000d1",
    "0191d2c0-0000-7000-8000-0000000000d2",
    "0191d2c0-0000-7000-8000-0000000000d3",
];

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// Sessions written per transaction while building.
const BATCH: u64 = 50;

/// A study of `n` participants in sessions of 20 across Mali's communes, with tallies,
/// recommendations, a quarter of the sessions entered on other laptops (received as their
/// changes, as a sync brings them), and a few duplicates for the data-quality lists to find.
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
    let mut elsewhere = Laptops::new(&study, &OTHER_NODES);
    let sessions = n.div_ceil(PER_SESSION);
    let mut session_ids = Vec::with_capacity(sessions as usize);
    for start in (0..sessions).step_by(BATCH as usize) {
        let batch: Vec<(u64, Planned)> = (start..(start + BATCH).min(sessions))
            .map(|s| (s, plan(&mut rng, &study, s, n, &communes, &facilitators)))
            .collect();
        let ids = write_batch(store, &mut elsewhere, &study, &batch)?;
        session_ids.extend(ids);
        if start % 1000 == 0 {
            eprintln!(
                "… {} / {n} participants",
                (session_ids.len() as u64 * PER_SESSION).min(n)
            );
        }
    }
    recommend(store, &mut rng, &study, &session_ids)?;
    // Statistics for SQLite's query planner, as on a store in use.
    store.conn().execute_batch("ANALYZE")?;
    Ok(study)
}

/// Writes planned sessions: one in four made on another laptop and merged as received
/// changes, the others typed here. Returns their ids, in order.
fn write_batch(
    store: &mut Store,
    elsewhere: &mut Laptops,
    study: &str,
    batch: &[(u64, Planned)],
) -> Result<Vec<String>> {
    let mut ids = vec![String::new(); batch.len()];
    let mut received = Vec::new();
    for ((s, p), id) in batch
        .iter()
        .zip(ids.iter_mut())
        .filter(|((s, _), _)| s % 4 == 0)
    {
        *id = uuid::Uuid::now_v7().to_string();
        received.extend(made_elsewhere(elsewhere, (s % 3) as usize, id, p)?);
    }
    apply_changes(store, Some(study), &received)?;
    store.write(|w| {
        for ((_, p), id) in batch
            .iter()
            .zip(ids.iter_mut())
            .filter(|(_, id)| id.is_empty())
        {
            *id = write_here(w, p)?;
        }
        Ok(())
    })?;
    Ok(ids)
}

/// One recommendation per 20 sessions (at least 5), each drawn from one of them.
fn recommend(store: &mut Store, rng: &mut StdRng, study: &str, sessions: &[String]) -> Result<()> {
    store.write(|w| {
        for i in 0..(sessions.len() / 20).max(5) {
            let src = pick(rng, sessions).clone();
            w.create(
                Entity::Recommendation,
                &fields(json!({
                    "study_id": study, "text": format!("Recommandation {i}"), "theme": pick(rng, &THEMES),
                    "target_institution": pick(rng, &["Gouvernorat", "Police nationale", "Mairie"]),
                    "status": pick(rng, RECOMMENDATION_STATUSES), "source_sessions": [src],
                })),
            )?;
        }
        Ok(())
    })?;
    Ok(())
}

/// One session as typed: its fields, its people's and its tally's (without their session id,
/// which is known once it is written).
struct Planned {
    session: Fields,
    people: Vec<Fields>,
    tally: Fields,
}

/// Session `s` of the study, drawn from `rng` wherever it is then written.
fn plan(
    rng: &mut StdRng,
    study: &str,
    s: u64,
    n: u64,
    communes: &[String],
    facilitators: &[String],
) -> Planned {
    let t = *pick(rng, &TYPES);
    let place = pick(rng, communes).clone();
    let day = rng.gen_range(0..600);
    let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .map(|d| d + chrono::Duration::days(day))
        .map(|d| d.to_string())
        .unwrap_or_default();
    let consent = if rng.gen_bool(0.05) {
        Value::Null
    } else {
        json!("group")
    };
    let session = fields(json!({
        "study_id": study, "session_type": t, "date": date, "place_id": place,
        "title": format!("Séance {s}"),
        "languages": [pick(rng, &LANGS), "fr"],
        "facilitators": [pick(rng, facilitators)],
        "woman_facilitator": rng.gen_bool(0.4), "women_only": rng.gen_bool(0.3),
        "interpreter": rng.gen_bool(0.2), "consent_level": consent,
    }));
    let people = (0..PER_SESSION.min(n - s * PER_SESSION))
        .map(|p| {
            let group = *pick(rng, &GROUPS);
            let mut f = json!({
                "sex": if rng.gen_bool(0.55) { "female" } else { "male" },
                "age": rng.gen_range(16..75), "actor_group": group,
            });
            if DSF_GROUPS.contains(&group) {
                f["institution"] = json!(format!("{group} — brigade {}", rng.gen_range(0..30)));
                f["role"] = json!(if p % 2 == 0 { "agent" } else { "officier" });
            }
            fields(f)
        })
        .collect();
    let tally =
        fields(json!({"sex": "female", "actor_group": "youth", "count": rng.gen_range(0..12)}));
    Planned {
        session,
        people,
        tally,
    }
}

/// `fields` with the session id of the record.
fn in_session(fields: &Fields, session: &str) -> Fields {
    let mut f = fields.clone();
    f.insert("session_id".into(), json!(session));
    f
}

/// A planned session typed on this laptop, through the write path; returns its id.
fn write_here(w: &mut Writer<'_>, p: &Planned) -> terrain_core::Result<String> {
    let sid = w.create(Entity::Session, &p.session)?;
    for person in &p.people {
        w.create(Entity::Participant, &in_session(person, &sid))?;
    }
    w.create(Entity::Tally, &in_session(&p.tally, &sid))?;
    Ok(sid)
}

/// A planned session typed on laptop `laptop` of `elsewhere`, with id `sid`: the changes its
/// write path logged, with the code and age band it gave each person.
fn made_elsewhere(
    elsewhere: &mut Laptops,
    laptop: usize,
    sid: &str,
    p: &Planned,
) -> terrain_core::Result<Vec<Change>> {
    let mut out = elsewhere.create(laptop, Entity::Session, sid, &p.session)?;
    for (i, person) in p.people.iter().enumerate() {
        let id = uuid::Uuid::now_v7().to_string();
        let mut f = in_session(person, sid);
        let age = f.get("age").and_then(Value::as_i64).unwrap_or_default();
        f.insert("age_band".into(), json!(age_band_of(age)));
        f.insert("code".into(), json!(participant_code(&id, i as i64 + 1)));
        out.extend(elsewhere.create(laptop, Entity::Participant, &id, &f)?);
    }
    let tally = uuid::Uuid::now_v7().to_string();
    out.extend(elsewhere.create(laptop, Entity::Tally, &tally, &in_session(&p.tally, sid))?);
    Ok(out)
}

pub fn run(a: Args) -> Result<()> {
    let scratch = Scratch::new(a.dir, "dashboard")?;
    let mut store = Store::open(&scratch.join("bench.db"))?;
    let n = a.participants;
    let t = Instant::now();
    let study = build(&mut store, n)?;
    say!(
        "built {n} participants in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    queries(&store, &study, a.runs)?;
    if !a.no_export {
        exports(&mut store, &study, scratch.path())?;
    }
    Ok(())
}

/// One dashboard query, timed by the bench.
type Query<'a> = Box<dyn Fn() -> terrain_core::Result<()> + 'a>;

/// Times every dashboard query under three filters, then checks what the dashboard counts.
fn queries(store: &Store, study: &str, runs: usize) -> Result<()> {
    let kayes: String = store.conn().query_row(
        "SELECT id FROM place WHERE kind = 'region' AND name = 'Kayes' AND map_version = '2016'",
        [],
        |r| r.get(0),
    )?;
    let c = store.conn();
    let study_f = StatsFilter {
        filter: SessionFilter {
            study_id: Some(study.to_string()),
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
    say!(
        "{:<26} {:<26} {:>9} {:>9} {:>9} {:>9}",
        "query",
        "filter",
        "first ms",
        "median",
        "max",
        "cpu ms"
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
            let r = time_runs(runs, q)?;
            if !qname.starts_with("all") {
                worst = worst.max(r.median);
                worst_cpu = worst_cpu.max(r.cpu.unwrap_or(0.0));
            }
            let cpu = r
                .cpu
                .map(|c| format!("{c:.0}"))
                .unwrap_or_else(|| "n/a".into());
            say!(
                "{qname:<26} {fname:<26} {:>9.1} {:>9.1} {:>9.1} {cpu:>9}",
                r.first,
                r.median,
                r.max
            );
        }
    }
    let d = stats::dashboard(c, &study_f)?;
    say!(
        "check: {} women, {} men in {} sessions; {} sessions without consent, {} possible duplicate sessions",
        d.people.women, d.people.men, d.sessions.sessions, d.quality.without_consent_count, d.quality.duplicate_session_groups
    );
    say!(
        "slowest single query: median {worst:.1} ms wall, {worst_cpu:.0} ms CPU (target < 200 ms)"
    );
    Ok(())
}

/// Times each export of the study into `dir` and the memory it adds at its peak.
fn exports(store: &mut Store, study: &str, dir: &Path) -> Result<()> {
    say!(
        "{:<28} {:>9} {:>12} {:>16}",
        "export",
        "s",
        "rows",
        "peak added MB"
    );
    let me = std::process::id();
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
        let reset = reset_peak_memory();
        let before = memory_kb(me);
        let t = Instant::now();
        let opts = ExportOptions {
            filter: SessionFilter {
                study_id: Some(study.to_string()),
                ..Default::default()
            },
            anonymised,
            hxl: anonymised,
            ..Default::default()
        };
        let sum = export::run(store, format, &out, &opts, &mut |_| {})?;
        let secs = t.elapsed().as_secs_f64();
        let rows: u64 = sum.tables.iter().map(|t| t.rows).sum();
        let peak = match (reset, before, peak_memory_kb(me)) {
            (true, Some(b), Some(h)) => format!("{:.1}", h.saturating_sub(b) as f64 / 1024.0),
            _ => "n/a".to_string(),
        };
        say!("{label:<28} {secs:>9.2} {rows:>12} {peak:>16}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_study_holds_every_person_and_a_quarter_of_its_sessions_come_from_other_laptops() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(&dir.path().join("bench.db")).expect("store");
        // 11 sessions: the last one holds the 10 people left over.
        let study = build(&mut store, 210).expect("built");
        let filter = StatsFilter {
            filter: SessionFilter {
                study_id: Some(study),
                ..Default::default()
            },
            ..Default::default()
        };
        let d = stats::dashboard(store.conn(), &filter).expect("dashboard");
        let (people, tallied): (i64, i64) = store
            .conn()
            .query_row(
                "SELECT (SELECT count(*) FROM participant), (SELECT sum(count) FROM tally)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("counts");
        assert_eq!(people, 210);
        assert_eq!(d.people.women + d.people.men, people + tallied);
        assert_eq!(d.sessions.sessions, 11);
        let mut devices: Vec<(String, i64)> = d
            .activity
            .by_device
            .iter()
            .map(|w| (w.key.clone(), w.sessions))
            .collect();
        devices.sort();
        let mut expected: Vec<(String, i64)> = OTHER_NODES
            .iter()
            .map(|n| (n.to_string(), 1))
            .chain([(store.node_id().to_string(), 8)])
            .collect();
        expected.sort();
        assert_eq!(
            devices, expected,
            "sessions 0, 4 and 8 come from other laptops"
        );
    }
}
