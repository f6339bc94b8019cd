//! Anonymised exports that cannot single anyone out (issue 13): canaries searched in every
//! file of every format, and one test per rule (months, cercles, reviewed text, individual
//! interviews and small sessions, minimum cell, overlapping exports).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Reader, Xlsx};
use serde_json::{json, Value};
use terrain_core::export::{self, ExportOptions, Format};
use terrain_core::read::SessionFilter;
use terrain_core::{sync, Entity, Lang, Store};

use crate::support::stats_fixture::{build, create, SADIOLA};

/// Names, phones and text that must never leave in an anonymised export.
const NEVER: [&str; 14] = [
    "Fanta Keïta",
    "+22370000001",
    "Mme Diarra",
    "NOTE-CANARY",
    "QUOTE-CANARY",
    "THEME-CANARY",
    "RECO-CANARY",
    "EDITED-CANARY",
    "INTERVIEW-CANARY",
    "SMALL-CANARY",
    "Entretien avec le commandant",
    "2025-01-10",
    "2025-01-12",
    "2025-02-03",
];

/// Reviewed text that may leave.
const REVIEWED: [&str; 3] = [
    "Les femmes demandent des audiences foraines.",
    "Des audiences foraines à Kayes.",
    "Séance calme, relue.",
];

struct Canaries {
    store: Store,
    study: String,
    interview_finding: String,
    small_finding: String,
}

fn person(store: &mut Store, session: &str, v: Value) {
    let mut v = v;
    v["session_id"] = json!(session);
    create(store, Entity::Participant, v);
}

fn review(store: &mut Store, entity: Entity, id: &str) {
    export::set_reviewed(store, entity, id, true).expect("review");
}

/// A study with a focus group of six women at Sadiola (a commune of the Kayes cercle), an
/// individual interview and a session of two people, with names, phones, notes, findings and
/// recommendations, some reviewed by the study's coordinator (its founder, this laptop).
fn canaries(dir: &Path) -> Canaries {
    let mut store = Store::open_in_dir(dir).expect("open");
    let study = create(
        &mut store,
        Entity::Study,
        json!({"title": "Étude canari", "start_date": "2025-01-05"}),
    );
    let group = create(
        &mut store,
        Entity::Session,
        json!({"study_id": study, "session_type": "focus_group", "date": "2025-01-10",
               "place_id": SADIOLA, "consent_quotes": true,
               "notes": "NOTE-CANARY Mme Diarra a parlé de son fils."}),
    );
    person(
        &mut store,
        &group,
        json!({"sex": "female", "name": "Fanta Keïta", "phone": "+22370000001"}),
    );
    for _ in 0..5 {
        person(&mut store, &group, json!({"sex": "female"}));
    }
    let reviewed = create(
        &mut store,
        Entity::Finding,
        json!({"session_id": group, "theme": "justice", "speaker_category": "womens_association",
               "text": REVIEWED[0]}),
    );
    review(&mut store, Entity::Finding, &reviewed);
    create(
        &mut store,
        Entity::Finding,
        json!({"session_id": group, "theme": "THEME-CANARY", "text": "QUOTE-CANARY: Fanta a vu."}),
    );
    // Reviewed, then edited: the edit is not what the supervisor read.
    let edited = create(
        &mut store,
        Entity::Finding,
        json!({"session_id": group, "theme": "justice", "text": "Texte relu."}),
    );
    review(&mut store, Entity::Finding, &edited);
    store
        .update(
            Entity::Finding,
            &edited,
            &crate::support::fields(json!({"text": "EDITED-CANARY: le fils de Mme Diarra."})),
        )
        .expect("edit");

    let interview = create(
        &mut store,
        Entity::Session,
        json!({"study_id": study, "session_type": "individual_interview", "date": "2025-01-12",
               "place_id": SADIOLA, "consent_quotes": true, "title": "Entretien avec le commandant",
               "notes": "Séance calme, relue."}),
    );
    review(&mut store, Entity::Session, &interview);
    for _ in 0..6 {
        person(&mut store, &interview, json!({"sex": "male"}));
    }
    let interview_finding = create(
        &mut store,
        Entity::Finding,
        json!({"session_id": interview, "theme": "sécurité", "speaker_category": "police",
               "text": "INTERVIEW-CANARY: les patrouilles partent à l'aube."}),
    );
    review(&mut store, Entity::Finding, &interview_finding);

    let small = create(
        &mut store,
        Entity::Session,
        json!({"study_id": study, "session_type": "focus_group", "date": "2025-02-03",
               "place_id": SADIOLA, "consent_quotes": true}),
    );
    person(&mut store, &small, json!({"sex": "male"}));
    person(&mut store, &small, json!({"sex": "female"}));
    let small_finding = create(
        &mut store,
        Entity::Finding,
        json!({"session_id": small, "theme": "sécurité", "speaker_category": "youth",
               "text": "SMALL-CANARY: deux jeunes ont parlé."}),
    );
    review(&mut store, Entity::Finding, &small_finding);

    let reco = create(
        &mut store,
        Entity::Recommendation,
        json!({"study_id": study, "text": REVIEWED[1], "theme": "justice"}),
    );
    review(&mut store, Entity::Recommendation, &reco);
    create(
        &mut store,
        Entity::Recommendation,
        json!({"study_id": study, "text": "RECO-CANARY: protéger Fanta Keïta."}),
    );
    Canaries {
        store,
        study,
        interview_finding,
        small_finding,
    }
}

fn anonymised(study: &str, min_cell: i64) -> ExportOptions {
    ExportOptions {
        filter: SessionFilter {
            study_id: Some(study.to_string()),
            ..Default::default()
        },
        anonymised: true,
        hxl: true,
        min_cell,
        ..Default::default()
    }
}

/// Every cell of every sheet of a workbook, one per line (an XLSX file is compressed: its
/// bytes say nothing until read).
fn xlsx_text(path: &Path) -> String {
    let mut book: Xlsx<_> = open_workbook(path).expect("xlsx");
    let mut out = String::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).expect("sheet");
        for row in range.rows() {
            for cell in row {
                out.push_str(&cell.to_string());
                out.push('\n');
            }
        }
    }
    out
}

/// The text of every file an export wrote.
fn written(format: Format, files: &[String]) -> String {
    files
        .iter()
        .map(|f| match format {
            Format::Xlsx => xlsx_text(Path::new(f)),
            _ => String::from_utf8(std::fs::read(f).expect("read")).expect("utf-8"),
        })
        .collect()
}

/// A gazetteer place's P-code (empty when it has none).
fn pcode(store: &Store, place: &str) -> String {
    store
        .conn()
        .query_row("SELECT pcode FROM place WHERE id = ?1", [place], |r| {
            r.get::<_, Option<String>>(0)
        })
        .expect("pcode")
        .unwrap_or_default()
}

#[test]
fn canaries_stay_out_of_every_anonymised_export_but_reviewed_text() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut c = canaries(&dir.path().join("db"));
    let commune_code = pcode(&c.store, SADIOLA);
    for (format, out) in [
        (Format::Csv, dir.path().join("csv")),
        (Format::Xlsx, dir.path().join("anon.xlsx")),
        (Format::Json, dir.path().join("anon.json")),
    ] {
        let o = anonymised(&c.study, 3);
        let sum = export::run(&mut c.store, format, &out, &o, &mut |_| {}).expect("export");
        let text = written(format, &sum.files);
        for canary in NEVER.iter().chain(&["Sadiola", commune_code.as_str()]) {
            assert!(
                canary.is_empty() || !text.contains(canary),
                "{format:?} export contains {canary:?}"
            );
        }
        for kept in REVIEWED.iter().chain(&["2025-01", "Kayes"]) {
            assert!(text.contains(kept), "{format:?} export lacks {kept:?}");
        }
    }
    // The same data exported in full has every canary: the search above can fail.
    let o = ExportOptions {
        anonymised: false,
        ..anonymised(&c.study, 3)
    };
    let full = dir.path().join("full.json");
    let sum = export::run(&mut c.store, Format::Json, &full, &o, &mut |_| {}).expect("full");
    let text = written(Format::Json, &sum.files);
    for canary in NEVER.iter().chain(&["Sadiola", commune_code.as_str()]) {
        assert!(text.contains(canary), "the full export lacks {canary:?}");
    }
}

fn json_table(path: &PathBuf, table: &str) -> BTreeMap<String, Value> {
    let v: Value = serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json");
    v["tables"][table]
        .as_array()
        .expect("table")
        .iter()
        .map(|r| (r["id"].as_str().expect("id").to_string(), r.clone()))
        .collect()
}

#[test]
fn interviews_and_small_sessions_lose_their_quotes_and_speakers_even_reviewed() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut c = canaries(&dir.path().join("db"));
    let out = dir.path().join("anon.json");
    let o = anonymised(&c.study, 3);
    export::run(&mut c.store, Format::Json, &out, &o, &mut |_| {}).expect("export");
    let findings = json_table(&out, "finding");
    for id in [&c.interview_finding, &c.small_finding] {
        assert_eq!(findings[id]["text"], Value::Null);
        assert_eq!(findings[id]["speaker_category"], Value::Null);
        // The reviewed theme is kept: it names a subject, not a speaker.
        assert_eq!(findings[id]["theme"], json!("sécurité"));
    }
    // With a minimum cell of 2 the session of two would keep them, but 2 is refused; the
    // reviewed finding of the six women keeps its words and its speaker category.
    let kept = findings
        .values()
        .find(|f| f["text"] == json!(REVIEWED[0]))
        .expect("reviewed finding");
    assert_eq!(kept["speaker_category"], json!("womens_association"));
    let sessions = json_table(&out, "session");
    let months: Vec<&str> = sessions
        .values()
        .map(|s| s["date"].as_str().expect("date"))
        .collect();
    assert!(months.iter().all(|m| m.len() == 7), "{months:?}");
    for s in sessions.values() {
        assert_eq!(s["cercle_name"], json!("Kayes"));
        assert!(s.get("commune_name").is_none() && s.get("place_id").is_none());
    }
    let studies = json_table(&out, "study");
    assert_eq!(studies[&c.study]["start_date"], json!("2025-01"));
}

#[test]
fn a_minimum_cell_below_three_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut c = canaries(&dir.path().join("db"));
    let before = sync::dump_string(c.store.conn(), None).expect("dump");
    for min in [-1, 0, 1, 2] {
        for (format, out) in [
            (Format::Csv, dir.path().join(format!("csv{min}"))),
            (Format::Xlsx, dir.path().join(format!("anon{min}.xlsx"))),
            (Format::Json, dir.path().join(format!("anon{min}.json"))),
        ] {
            let o = anonymised(&c.study, min);
            let e = export::run(&mut c.store, format, &out, &o, &mut |_| {}).unwrap_err();
            assert_eq!(e.code(), "bad_min_cell");
            assert!(e.message(Lang::Fr).contains("au moins 3"));
            assert!(e.message(Lang::En).contains("at least 3"));
            assert!(!out.exists(), "{out:?} written");
        }
    }
    assert_eq!(
        sync::dump_string(c.store.conn(), None).expect("dump"),
        before
    );
    let noted: i64 = c
        .store
        .conn()
        .query_row("SELECT count(*) FROM anonymised_exports", [], |r| r.get(0))
        .expect("count");
    assert_eq!(noted, 0);
    // 3 is accepted, and the store still takes writes.
    let out = dir.path().join("three.json");
    export::run(
        &mut c.store,
        Format::Json,
        &out,
        &anonymised(&c.study, 3),
        &mut |_| {},
    )
    .expect("min cell 3");
    create(
        &mut c.store,
        Entity::Recommendation,
        json!({"study_id": c.study, "text": "Encore une."}),
    );
}

#[test]
fn an_anonymised_export_overlapping_an_earlier_one_warns() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut fx = build(&dir.path().join("db"));
    let mut n = 0;
    let mut run = |fx: &mut crate::support::stats_fixture::Fixture, o: ExportOptions| {
        n += 1;
        let out = dir.path().join(format!("e{n}.json"));
        export::run(&mut fx.store, Format::Json, &out, &o, &mut |_| {}).expect("export")
    };
    let (a, b) = (fx.study_a.clone(), fx.study_b.clone());
    let study_a = |filter: SessionFilter| ExportOptions {
        filter: SessionFilter {
            study_id: Some(a.clone()),
            ..filter
        },
        anonymised: true,
        ..Default::default()
    };
    // The whole of study A: nothing before it.
    let all = study_a(SessionFilter::default());
    let first = run(&mut fx, all.clone());
    assert!(first.overlaps.is_empty());
    // The same sessions again: the same aggregates, nothing to subtract.
    assert!(run(&mut fx, all.clone()).overlaps.is_empty());
    // A full (not anonymised) export is neither warned nor noted.
    let full = ExportOptions {
        anonymised: false,
        ..study_a(SessionFilter::default())
    };
    assert!(run(&mut fx, full).overlaps.is_empty());
    // January only: two of the four sessions of A. Subtracted from the whole, it gives
    // February and March alone.
    let january = study_a(SessionFilter {
        date_to: Some("2025-01-31".into()),
        ..Default::default()
    });
    let warned = run(&mut fx, january).overlaps;
    assert_eq!(warned.len(), 2, "{warned:?}");
    assert_eq!(
        (warned[0].shared, warned[0].earlier, warned[0].new),
        (2, 4, 2)
    );
    let fr = warned[0].message(Lang::Fr);
    let en = warned[0].message(Lang::En);
    assert!(
        fr.contains("Attention") && fr.contains("2 séance(s) en commun"),
        "{fr}"
    );
    assert!(
        en.contains("Warning") && en.contains("shares 2 session(s)"),
        "{en}"
    );
    // Study B shares no session with them.
    let other = ExportOptions {
        filter: SessionFilter {
            study_id: Some(b.clone()),
            ..Default::default()
        },
        anonymised: true,
        ..Default::default()
    };
    assert!(run(&mut fx, other).overlaps.is_empty());
    let noted: Vec<(Option<String>, i64, String)> = {
        let mut stmt = fx
            .store
            .conn()
            .prepare("SELECT study, min_cell, node FROM anonymised_exports ORDER BY id")
            .expect("prepare");
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query");
        rows.collect::<Result<_, _>>().expect("rows")
    };
    assert_eq!(noted.len(), 4);
    assert_eq!(noted[3].0.as_deref(), Some(b.as_str()));
    assert_eq!((noted[0].1, noted[0].2.as_str()), (5, fx.store.node_id()));
}
