//! `terrain bench export-forms`: a form's export over N responses (100,000 by default) of a
//! form of 24 questions with a repeat (two members a response: about 22 answers each), in
//! CSV, XLSX and JSON, with the time and the peak memory each adds (Linux VmHWM). It exports
//! at a tenth of N first, then at N: memory that stays flat while the responses grow tenfold
//! is what "streams in bounded memory" means.
//!
//! The study, its sessions, participants and the form are written through the write path; the
//! responses and their answers, millions of rows, are inserted with plain SQL in the tables
//! the write path fills (its cost is `terrain bench sync`'s subject): the export reads only
//! those tables.

use crate::ctx::say;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use terrain_core::changes::answer_id;
use terrain_core::export::{self, form_table_name, ExportOptions, Format};
use terrain_core::forms::{Choice, FormDef, Labels, Node, NodeKind, QuestionType};
use terrain_core::{Entity, Store};

use super::generate::fields;
use super::measure::{memory_kb, peak_memory_kb, reset_peak_memory};
use super::scratch::Scratch;
use super::stopped;
use crate::ctx::Result;

#[derive(clap::Args)]
pub struct Args {
    /// Responses to the form.
    #[arg(long, default_value_t = 100_000)]
    responses: u64,
    /// Where to build the scratch database (default: a temporary folder, removed after).
    #[arg(long)]
    dir: Option<PathBuf>,
}

const SESSIONS: usize = 50;
const PER_SESSION: usize = 20;
const SOURCES: [&str; 8] = [
    "puits", "forage", "riviere", "robinet", "pluie", "citerne", "marigot", "autre",
];

fn labels(text: &str) -> Labels {
    [
        ("Français (fr)".to_string(), text.to_string()),
        ("English (en)".to_string(), format!("{text} (en)")),
    ]
    .into()
}

fn node(name: &str, kind: NodeKind) -> Node {
    Node {
        label: labels(name),
        row: 2,
        ..Node::new(name, kind)
    }
}

fn q(name: &str, question: QuestionType) -> Node {
    node(name, NodeKind::Question { question })
}

/// The benchmark's form: 20 questions (text, numbers, dates, selects) and a repeat of 4.
fn form() -> FormDef {
    let mut body = vec![
        q("nom", QuestionType::Text),
        q("age", QuestionType::Integer),
    ];
    for i in 0..6 {
        body.push(q(
            &format!("avis_{i}"),
            QuestionType::SelectOne {
                list: "accord".into(),
                or_other: false,
            },
        ));
    }
    for i in 0..4 {
        body.push(q(
            &format!("sources_{i}"),
            QuestionType::SelectMultiple {
                list: "sources".into(),
                or_other: false,
            },
        ));
    }
    for i in 0..4 {
        body.push(q(&format!("montant_{i}"), QuestionType::Decimal));
    }
    body.push(q("date_visite", QuestionType::Date));
    body.push(q("commentaire", QuestionType::Text));
    body.push(q("nb_enfants", QuestionType::Integer));
    body.push(q("remarque", QuestionType::Note));
    body.push(node(
        "membres",
        NodeKind::Repeat {
            children: vec![
                q("m_nom", QuestionType::Text),
                q("m_age", QuestionType::Integer),
                q(
                    "m_sexe",
                    QuestionType::SelectOne {
                        list: "sexe".into(),
                        or_other: false,
                    },
                ),
                q(
                    "m_sources",
                    QuestionType::SelectMultiple {
                        list: "sources".into(),
                        or_other: false,
                    },
                ),
            ],
            repeat_count: None,
        },
    ));
    let list = |names: &[&str]| -> Vec<Choice> {
        names
            .iter()
            .map(|n| Choice {
                name: n.to_string(),
                label: labels(n),
                extra: BTreeMap::new(),
            })
            .collect()
    };
    FormDef {
        form_id: "bench_menage".into(),
        version: "1".into(),
        title: "Banc d'essai".into(),
        default_language: Some("Français (fr)".into()),
        languages: vec!["Français (fr)".into(), "English (en)".into()],
        body,
        choices: [
            ("accord".to_string(), list(&["oui", "non", "nsp"])),
            ("sources".to_string(), list(&SOURCES)),
            ("sexe".to_string(), list(&["f", "m"])),
        ]
        .into(),
    }
}

/// Every participant as (session id, participant id).
type People = Vec<(String, String)>;

/// The study, its sessions and participants, and the form; returns the form's record id,
/// the study's id and the participants.
fn setup(store: &mut Store) -> Result<(String, String, People)> {
    let study = store.create(Entity::Study, &fields(json!({"title": "Banc formulaires"})))?;
    let commune: Option<String> = store
        .conn()
        .query_row(
            "SELECT id FROM place WHERE kind = 'commune' ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .ok();
    let mut people = Vec::new();
    for s in 0..SESSIONS {
        let session = store.create(
            Entity::Session,
            &fields(
                json!({"study_id": study, "session_type": "individual_interview",
                           "date": format!("2025-{:02}-{:02}", 1 + s % 12, 1 + s % 28),
                           "place_id": commune}),
            ),
        )?;
        for p in 0..PER_SESSION {
            let sex = if p % 2 == 0 { "female" } else { "male" };
            let id = store.create(
                Entity::Participant,
                &fields(json!({"session_id": session, "sex": sex, "age": 18 + (p * 3) % 50,
                               "actor_group": if p % 3 == 0 { "youth" } else { "womens_association" }})),
            )?;
            people.push((session.clone(), id));
        }
    }
    let def = form();
    let definition = serde_json::to_string(&def).map_err(stopped)?;
    let form_ref = store.create(
        Entity::Form,
        &fields(
            json!({"study_id": study, "form_id": def.form_id, "version": def.version,
                       "title": def.title, "definition": definition,
                       "question_count": def.question_count()}),
        ),
    )?;
    Ok((form_ref, study, people))
}

/// Inserts responses `from..to` and their answers in one transaction.
fn add_responses(
    store: &Store,
    (form_ref, study): (&str, &str),
    people: &[(String, String)],
    (from, to): (u64, u64),
) -> Result<()> {
    let mut rng = StdRng::seed_from_u64(from);
    let conn = store.conn();
    conn.execute_batch("BEGIN")?;
    {
        let mut response = conn.prepare(
            "INSERT INTO response (id, study_id, form_ref, session_id, participant_id, status,
                                   deleted) VALUES (?1, ?2, ?3, ?4, ?5, 'final', 0)",
        )?;
        let mut answer = conn.prepare(
            "INSERT INTO answer (id, response_id, path, value, deleted) VALUES (?1, ?2, ?3, ?4, 0)",
        )?;
        for n in from..to {
            let id = uuid::Uuid::now_v7().to_string();
            let (session, person) = &people[n as usize % people.len()];
            // One response in ten is linked to nobody, outside any session.
            let (session, person) = if n % 10 == 9 {
                (None, None)
            } else {
                (Some(session), Some(person))
            };
            response.execute(rusqlite::params![id, study, form_ref, session, person])?;
            let mut put = |path: String, value: String| {
                answer.execute(rusqlite::params![answer_id(&id, &path), id, path, value])
            };
            put("nom".into(), format!("Personne {n}"))?;
            put("age".into(), rng.gen_range(18..90).to_string())?;
            for i in 0..6 {
                put(
                    format!("avis_{i}"),
                    ["oui", "non", "nsp"][rng.gen_range(0..3)].into(),
                )?;
            }
            for i in 0..4 {
                put(format!("sources_{i}"), pick_sources(&mut rng))?;
            }
            for i in 0..4 {
                put(
                    format!("montant_{i}"),
                    format!("{:.2}", rng.gen_range(0.0..50_000.0)),
                )?;
            }
            put("date_visite".into(), format!("2025-03-{:02}", 1 + n % 28))?;
            put(
                "commentaire".into(),
                "Rien à signaler pour ce ménage.".into(),
            )?;
            for m in 0..2 {
                let key = format!("membres[m{}aaaaaa]", m + 2);
                put(key.clone(), (m + 1).to_string())?;
                put(format!("{key}/m_nom"), format!("Membre {m}"))?;
                put(format!("{key}/m_age"), rng.gen_range(0..80).to_string())?;
                put(format!("{key}/m_sexe"), ["f", "m"][m].into())?;
            }
        }
    }
    conn.execute_batch("COMMIT")?;
    Ok(())
}

fn pick_sources(rng: &mut StdRng) -> String {
    let chosen: Vec<&str> = SOURCES
        .iter()
        .copied()
        .filter(|_| rng.gen_bool(0.3))
        .collect();
    chosen.join(" ")
}

pub fn run(a: Args) -> Result<()> {
    let scratch = Scratch::new(a.dir, "export-forms")?;
    let mut store = Store::open(&scratch.join("bench.db"))?;
    let (form_ref, study, people) = setup(&mut store)?;
    let n = a.responses.max(10);
    let tenth = n / 10;
    say!(
        "{:<24} {:>9} {:>12} {:>16}",
        "export of a form",
        "s",
        "rows",
        "peak added MB"
    );
    let mut done = 0;
    for size in [tenth, n] {
        let t = Instant::now();
        add_responses(&store, (&form_ref, &study), &people, (done, size))?;
        let added = size - done;
        done = size;
        store.conn().execute_batch("ANALYZE")?;
        say!(
            "built {size} responses (+{added} in {:.1} s)",
            t.elapsed().as_secs_f64()
        );
        exports(&mut store, scratch.path(), size)?;
    }
    Ok(())
}

/// Times the form's export in each format into `dir` and the memory each adds at its peak.
fn exports(store: &mut Store, dir: &Path, size: u64) -> Result<()> {
    let me = std::process::id();
    let table = form_table_name("bench_menage");
    for (label, format, out) in [
        ("csv", Format::Csv, dir.join("csv")),
        ("xlsx", Format::Xlsx, dir.join("out.xlsx")),
        ("json", Format::Json, dir.join("out.json")),
    ] {
        let reset = reset_peak_memory();
        let before = memory_kb(me);
        let t = Instant::now();
        let opts = ExportOptions {
            form_id: Some("bench_menage".into()),
            ..Default::default()
        };
        let sum = export::run(store, format, &out, &opts, &mut |_| {})?;
        let secs = t.elapsed().as_secs_f64();
        let rows: u64 = sum
            .tables
            .iter()
            .filter(|t| t.table.starts_with(&table))
            .map(|t| t.rows)
            .sum();
        let peak = match (reset, before, peak_memory_kb(me)) {
            (true, Some(b), Some(h)) => format!("{:.1}", h.saturating_sub(b) as f64 / 1024.0),
            _ => "n/a".to_string(),
        };
        say!(
            "{:<24} {secs:>9.2} {rows:>12} {peak:>16}",
            format!("{label} {size}")
        );
    }
    Ok(())
}
