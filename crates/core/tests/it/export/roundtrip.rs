//! Exports read back by standard readers (csv, calamine, serde_json) and compared, the HXL
//! row, the codebook, the export record, and what an anonymised export leaves out.

use std::collections::BTreeMap;
use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::Value;
use terrain_core::export::{self, is_hxl_tag, ExportOptions, Format};
use terrain_core::read::{self as query, ListOptions, SessionFilter};
use terrain_core::Entity;

use crate::support::stats_fixture::*;

type Table = Vec<BTreeMap<String, String>>;

fn read_csv(path: &Path) -> (Vec<String>, Option<Vec<String>>, Table, bool) {
    read_csv_with(path, b',')
}

fn read_csv_with(path: &Path, delimiter: u8) -> (Vec<String>, Option<Vec<String>>, Table, bool) {
    let bytes = std::fs::read(path).expect("read");
    let bom = bytes.starts_with("\u{FEFF}".as_bytes());
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(&bytes[3..]);
    let mut rows = r.records().map(|r| {
        r.expect("record")
            .iter()
            .map(str::to_string)
            .collect::<Vec<_>>()
    });
    let headers = rows.next().expect("header");
    let mut first: Vec<Vec<String>> = rows.collect();
    let hxl = if first
        .first()
        .is_some_and(|r| r.iter().all(|c| c.starts_with('#')))
    {
        Some(first.remove(0))
    } else {
        None
    };
    let table = first
        .into_iter()
        .map(|r| headers.iter().cloned().zip(r).collect())
        .collect();
    (headers, hxl, table, bom)
}

/// A JSON value as CSV and XLSX write it: text that a spreadsheet would run neutralised.
fn flat_json(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => if *b { "1" } else { "0" }.into(),
        Value::String(s) => export::neutralise(s).into_owned(),
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(|i| i.as_str().unwrap_or("").into()).collect();
            export::neutralise(&items.join("; ")).into_owned()
        }
        other => other.to_string(),
    }
}

fn flat_xlsx(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "1" } else { "0" }.into(),
        other => other.to_string(),
    }
}

fn read_xlsx(path: &Path, sheet: &str, hxl: bool) -> (Vec<String>, Option<Vec<String>>, Table) {
    let mut book: Xlsx<_> = open_workbook(path).expect("open xlsx");
    let range = book.worksheet_range(sheet).expect("sheet");
    let mut rows = range
        .rows()
        .map(|r| r.iter().map(flat_xlsx).collect::<Vec<_>>());
    let headers = rows.next().expect("header");
    let tags = if hxl { rows.next() } else { None };
    let table = rows
        .map(|r| headers.iter().cloned().zip(r).collect())
        .collect();
    (headers, tags, table)
}

fn json_table(v: &Value, name: &str) -> Table {
    v["tables"][name]
        .as_array()
        .expect("table")
        .iter()
        .map(|row| {
            row.as_object()
                .expect("row")
                .iter()
                .map(|(k, v)| (k.clone(), flat_json(v)))
                .collect()
        })
        .collect()
}

fn by_id(t: &Table) -> BTreeMap<String, BTreeMap<String, String>> {
    t.iter().map(|r| (r["id"].clone(), r.clone())).collect()
}

fn opts(fx: &Fixture) -> ExportOptions {
    ExportOptions {
        filter: SessionFilter {
            study_id: Some(fx.study_a.clone()),
            ..Default::default()
        },
        hxl: true,
        user_name: Some("Aminata".into()),
        ..Default::default()
    }
}

#[test]
fn csv_xlsx_and_json_carry_the_same_rows() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut fx = build(&dir.path().join("db"));
    let o = opts(&fx);
    let mut seen = Vec::new();
    let csv_dir = dir.path().join("csv");
    let sum = export::run(&mut fx.store, Format::Csv, &csv_dir, &o, &mut |p| {
        seen.push(p.table.clone())
    })
    .expect("csv");
    let xlsx = dir.path().join("out.xlsx");
    export::run(&mut fx.store, Format::Xlsx, &xlsx, &o, &mut |_| {}).expect("xlsx");
    let json_path = dir.path().join("out.json");
    export::run(&mut fx.store, Format::Json, &json_path, &o, &mut |_| {}).expect("json");
    assert!(
        seen.contains(&"participant".to_string()),
        "progress reported per table"
    );

    let counts: BTreeMap<String, u64> = sum
        .tables
        .iter()
        .map(|t| (t.table.clone(), t.rows))
        .collect();
    let want: BTreeMap<String, u64> = [
        ("study", 1),
        ("session", 4),
        ("participant", 8),
        ("tally", 2),
        ("finding", 2),
        ("recommendation", 3),
        ("people_by_region", 7),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(counts, want);

    let json: Value =
        serde_json::from_slice(&std::fs::read(&json_path).expect("read")).expect("valid JSON");
    for (table, _) in export::tables(false) {
        let (headers, tags, csv_rows, bom) = read_csv(&csv_dir.join(format!("{table}.csv")));
        assert!(bom, "{table}.csv starts with a UTF-8 byte-order mark");
        let tags = tags.expect("HXL row");
        assert_eq!(tags.len(), headers.len());
        for t in &tags {
            assert!(is_hxl_tag(t), "{table}: bad HXL tag {t}");
        }
        let (xh, xtags, x_rows) = read_xlsx(&xlsx, table, true);
        assert_eq!(xh, headers, "{table}: same columns in XLSX");
        assert_eq!(xtags.as_ref(), Some(&tags), "{table}: same HXL row in XLSX");
        let j_rows = json_table(&json, table);
        assert_eq!(
            json["hxl"][table].as_object().map(|m| m.len()),
            Some(headers.len())
        );
        assert_eq!(csv_rows.len() as u64, want[table], "{table} rows");
        if table == "people_by_region" {
            assert_eq!(csv_rows, x_rows);
            assert_eq!(csv_rows, j_rows);
        } else {
            assert_eq!(by_id(&csv_rows), by_id(&x_rows), "{table}: CSV = XLSX");
            assert_eq!(by_id(&csv_rows), by_id(&j_rows), "{table}: CSV = JSON");
        }
    }

    // Place columns carry names and P-codes; counts and accents survive.
    let (headers, tags, sessions, _) = read_csv(&csv_dir.join("session.csv"));
    let tags = tags.expect("hxl");
    for t in [
        "#adm1+name",
        "#adm1+code",
        "#adm2+name",
        "#adm3+name",
        "#loc+name",
        "#date",
        "#org",
        "#activity+type",
        "#reached+f",
        "#reached+m",
    ] {
        assert!(tags.iter().any(|x| x == t), "missing {t}");
    }
    assert_eq!(
        tags[headers
            .iter()
            .position(|h| h == "region_pcode")
            .expect("col")],
        "#adm1+code"
    );
    let s = by_id(&sessions);
    let s1 = &s[&fx.s[0]];
    assert_eq!(
        (
            s1["region_name"].as_str(),
            s1["region_pcode"].as_str(),
            s1["cercle_name"].as_str(),
            s1["cercle_pcode"].as_str(),
            s1["commune_name"].as_str()
        ),
        ("Kayes", "ML01", "Kayes", "ML0103", "Sadiola")
    );
    assert_eq!((s1["women"].as_str(), s1["men"].as_str()), ("7", "0"));
    assert_eq!(s1["organisation"], "ONG Sahel");
    assert_eq!(s1["languages"], "bm; fr");
    assert_eq!(s1["women_only"], "1");
    let s2 = &s[&fx.s[1]];
    assert_eq!(
        (
            s2["region_name"].as_str(),
            s2["women"].as_str(),
            s2["men"].as_str()
        ),
        ("Ségou", "1", "4")
    );
    let (_, _, studies, _) = read_csv(&csv_dir.join("study.csv"));
    assert_eq!(studies[0]["title"], "Étude A — sécurité");

    // The codebook lists every column of every table with both languages and allowed values.
    let (_, _, book) = read_xlsx(&xlsx, "codebook", false);
    let n_cols: usize = export::tables(false).iter().map(|(_, c)| c.len()).sum();
    assert_eq!(book.len(), n_cols);
    let sex = book
        .iter()
        .find(|r| r["table"] == "participant" && r["column"] == "sex")
        .expect("sex");
    assert_eq!(
        (
            sex["meaning_fr"].as_str(),
            sex["meaning_en"].as_str(),
            sex["allowed_values"].as_str()
        ),
        ("sexe", "sex", "female, male")
    );
    assert_eq!(json["codebook"].as_array().map(Vec::len), Some(n_cols));
    let (_, _, csv_book, _) = read_csv(&csv_dir.join("codebook.csv"));
    assert_eq!(csv_book.len(), n_cols);

    // Each export is a record that syncs with the study.
    let records =
        query::list(fx.store.conn(), Entity::Export, &ListOptions::default()).expect("list");
    assert_eq!(records.len(), 3);
    let first = records
        .iter()
        .find(|r| r.id == sum.export_id)
        .expect("record");
    assert_eq!(first.text("format"), Some("csv"));
    assert_eq!(first.text("study_id"), Some(fx.study_a.as_str()));
    assert_eq!(first.text("node_id"), Some(fx.store.node_id()));
    assert_eq!(first.text("user_name"), Some("Aminata"));
    let rows: Value =
        serde_json::from_str(first.text("row_counts").expect("counts")).expect("json");
    assert_eq!(rows["participant"], 8);
    let study: Option<String> = fx
        .store
        .conn()
        .query_row(
            "SELECT DISTINCT study FROM changes WHERE entity = 'export' AND row_id = ?1",
            [&sum.export_id],
            |r| r.get(0),
        )
        .expect("scope");
    assert_eq!(study.as_deref(), Some(fx.study_a.as_str()));
}

/// For Excel set to French: the same tables with semicolons, values holding `;` (lists) quoted.
#[test]
fn a_semicolon_csv_carries_the_same_rows() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut fx = build(&dir.path().join("db"));
    let o = opts(&fx);
    let commas = dir.path().join("commas");
    export::run(&mut fx.store, Format::Csv, &commas, &o, &mut |_| {}).expect("csv");
    let semi = dir.path().join("semicolons");
    let so = export::ExportOptions {
        csv_separator: export::CsvSeparator::Semicolon,
        ..o
    };
    let sum = export::run(&mut fx.store, Format::Csv, &semi, &so, &mut |_| {}).expect("csv;");
    assert!(sum.files.len() > 3);
    for file in sum.files.iter().map(Path::new) {
        let name = file.file_name().expect("name");
        let text = std::fs::read_to_string(file).expect("read");
        let header = text.lines().next().expect("header line");
        assert!(header.contains(';') && !header.contains(','), "{header}");
        assert_eq!(
            read_csv_with(file, b';'),
            read_csv(&commas.join(name)),
            "{name:?}"
        );
    }
}

#[test]
fn filters_narrow_every_table() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut fx = build(&dir.path().join("db"));
    let o = ExportOptions {
        filter: SessionFilter {
            region_id: Some(SEGOU.into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let out = dir.path().join("segou.json");
    let sum = export::run(&mut fx.store, Format::Json, &out, &o, &mut |_| {}).expect("json");
    let counts: BTreeMap<String, u64> = sum
        .tables
        .iter()
        .map(|t| (t.table.clone(), t.rows))
        .collect();
    // S2 (study A) and S5 (study B) are in Ségou; one recommendation comes from S2.
    assert_eq!(counts["session"], 2);
    assert_eq!(counts["participant"], 5);
    assert_eq!(counts["recommendation"], 1);
    assert_eq!(counts["study"], 2);
    let o = ExportOptions {
        filter: SessionFilter {
            study_id: Some(fx.study_a.clone()),
            session_type: Some("focus_group".into()),
            date_to: Some("2025-01-31".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let sum = export::run(&mut fx.store, Format::Json, &out, &o, &mut |_| {}).expect("json");
    let counts: BTreeMap<String, u64> = sum
        .tables
        .iter()
        .map(|t| (t.table.clone(), t.rows))
        .collect();
    assert_eq!(
        (counts["session"], counts["participant"], counts["tally"]),
        (2, 4, 1)
    );
}

#[test]
fn anonymised_export_drops_identifying_fields() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut fx = build(&dir.path().join("db"));
    let o = ExportOptions {
        anonymised: true,
        hxl: true,
        ..opts(&fx)
    };
    // A supervisor (here the study's founder) reviewed the quote of S1, which agreed to quotes.
    let quote: String = fx
        .store
        .conn()
        .query_row(
            "SELECT id FROM finding WHERE session_id = ?1",
            [&fx.s[0]],
            |r| r.get(0),
        )
        .expect("finding");
    export::set_reviewed(&mut fx.store, Entity::Finding, &quote, true).expect("review");
    let csv_dir = dir.path().join("anon");
    let sum = export::run(&mut fx.store, Format::Csv, &csv_dir, &o, &mut |_| {}).expect("csv");
    assert!(!csv_dir.join("participant.csv").exists());
    assert!(!csv_dir.join("tally.csv").exists());
    assert!(sum.suppressed_cells > 0);
    let mut everything = String::new();
    for f in std::fs::read_dir(&csv_dir).expect("dir") {
        let path = f.expect("entry").path();
        if path.file_name().is_some_and(|n| n != "codebook.csv") {
            everything.push_str(&std::fs::read_to_string(&path).expect("read"));
        }
    }
    for secret in [
        "Fanta",
        "+22370000001",
        "Diarra",
        "Awa Traoré",
        "Groupe de femmes",
        "Pelengana ferme",
    ] {
        assert!(
            !everything.contains(secret),
            "anonymised export contains {secret:?}"
        );
    }
    let (headers, _, sessions, _) = read_csv(&csv_dir.join("session.csv"));
    for gone in [
        "title",
        "facilitators",
        "note_taker",
        "commune_name",
        "place_id",
    ] {
        assert!(!headers.iter().any(|h| h == gone), "{gone} still exported");
    }
    // Counts below 5 are hidden; 7 women in S1 is published.
    let s = by_id(&sessions);
    assert_eq!(
        (s[&fx.s[0]]["women"].as_str(), s[&fx.s[0]]["men"].as_str()),
        ("7", "x")
    );
    assert_eq!(
        (s[&fx.s[1]]["women"].as_str(), s[&fx.s[1]]["men"].as_str()),
        ("x", "x")
    );
    // Notes nobody reviewed stay out.
    assert!(sessions.iter().all(|s| s["notes"].is_empty()));
    // The reviewed quote from the session that agreed to quotes stays.
    let (_, _, findings, _) = read_csv(&csv_dir.join("finding.csv"));
    assert!(findings
        .iter()
        .any(|f| f["text"] == "Les femmes demandent des audiences foraines."));
    let rec = query::get(fx.store.conn(), Entity::Export, &sum.export_id).expect("record");
    assert_eq!(rec.fields["anonymised"], Value::Bool(true));
    assert_eq!(rec.fields["min_cell"], Value::from(5));
}
