//! `terrain export --anonymised` and `terrain record review` (issue 13): a minimum cell below
//! 3 is refused and nothing written, free text leaves only once reviewed, and an export whose
//! sessions overlap an earlier one's warns on stderr (in the user's language) without failing.

use std::path::Path;

use crate::support::{cmd, dump, json, ok, refused};

/// A study with two focus groups of three women (January and February) and a finding each.
fn study(db: &Path) -> (String, [String; 2]) {
    let study = ok(db, &["record", "new", "study", "title=Mopti"])
        .trim()
        .to_string();
    let mut findings = Vec::new();
    for date in ["2025-01-10", "2025-02-10"] {
        let s = ok(
            db,
            &[
                "record",
                "new",
                "session",
                &format!("study_id={study}"),
                "session_type=focus_group",
                &format!("date={date}"),
                "consent_quotes=true",
            ],
        )
        .trim()
        .to_string();
        for _ in 0..3 {
            ok(
                db,
                &[
                    "record",
                    "new",
                    "participant",
                    &format!("session_id={s}"),
                    "sex=female",
                ],
            );
        }
        let f = ok(
            db,
            &[
                "record",
                "new",
                "finding",
                &format!("session_id={s}"),
                "theme=justice",
                &format!("text=Constat du {date}"),
            ],
        )
        .trim()
        .to_string();
        findings.push(f);
    }
    (study, [findings[0].clone(), findings[1].clone()])
}

fn export(db: &Path, out: &Path, args: &[&str], lang: &str) -> (String, String) {
    let o = cmd(db)
        .env("TERRAIN_LANG", lang)
        .args(["export", "json", "--quiet", "--anonymised", "--out"])
        .arg(out)
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (
        std::fs::read_to_string(out).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

#[test]
fn a_minimum_cell_below_three_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let (study, _) = study(&db);
    let before = dump(&db);
    let out = dir.path().join("anon.json");
    let out_arg = out.to_str().unwrap();
    let args = [
        "export",
        "json",
        "--anonymised",
        "--min-cell",
        "2",
        "--study",
        &study,
        "--out",
        out_arg,
    ];
    let err = refused(&db, &args);
    assert!(
        err.contains("at least 3") && err.ends_with("[bad_min_cell]\n"),
        "{err}"
    );
    assert!(!out.exists());
    assert_eq!(dump(&db), before);
    // 3 is accepted.
    let args = [
        "export",
        "json",
        "--quiet",
        "--anonymised",
        "--min-cell",
        "3",
        "--study",
        &study,
        "--out",
        out_arg,
    ];
    let summary = json(&db, &args);
    assert_eq!(summary["overlaps"], serde_json::json!([]));
    assert!(out.exists());
}

#[test]
fn reviewed_text_leaves_and_an_overlapping_export_warns() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let (study, [january, february]) = study(&db);
    let whole = ["--study", study.as_str(), "--min-cell", "3"];
    let (text, warned) = export(&db, &dir.path().join("a.json"), &whole, "en");
    assert!(!text.contains("Constat du"), "unreviewed text exported");
    assert!(warned.is_empty(), "{warned}");

    ok(&db, &["record", "review", "finding", &january]);
    ok(&db, &["record", "review", "finding", &february]);
    ok(&db, &["record", "review", "finding", &february, "--undo"]);
    let (text, warned) = export(&db, &dir.path().join("b.json"), &whole, "en");
    assert!(text.contains("Constat du 2025-01-10") && !text.contains("Constat du 2025-02-10"));
    assert!(!text.contains("\"2025-01-10\""), "an exact date");
    assert!(warned.is_empty(), "the same sessions again: {warned}");

    // January alone: taken from the whole, it leaves February alone.
    let january_only = ["--study", study.as_str(), "--to", "2025-01-31"];
    let (_, warned) = export(&db, &dir.path().join("c.json"), &january_only, "en");
    assert_eq!(warned.lines().count(), 2, "{warned}");
    assert!(
        warned.starts_with("terrain: Warning: the anonymised export of"),
        "{warned}"
    );
    assert!(
        warned.contains("shares 1 session(s) with this one (1 session(s))"),
        "{warned}"
    );
    let (_, warned) = export(&db, &dir.path().join("d.json"), &whole, "fr");
    assert!(
        warned.starts_with("terrain: Attention : l'export anonymisé du"),
        "{warned}"
    );
}
