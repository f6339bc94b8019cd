//! `terrain record delete` says what goes with a study or a session, and `record list` no
//! longer shows what a deleted study holds (until it is restored); `terrain demo remove`
//! takes the demo away in one action, and `terrain demo` refuses to load it twice.

use crate::support::{dump, json, ok, refused};

fn listed(db: &std::path::Path, entity: &str) -> usize {
    json(db, &["record", "list", entity, "--json"])
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn deleting_a_study_says_what_goes_and_its_records_leave_the_listing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let study = ok(&db, &["record", "new", "study", "title=Mopti"])
        .trim()
        .to_string();
    let session = ok(
        &db,
        &[
            "record",
            "new",
            "session",
            &format!("study_id={study}"),
            "session_type=workshop",
            "date=2026-01-05",
        ],
    )
    .trim()
    .to_string();
    for sex in ["female", "female", "male"] {
        ok(
            &db,
            &[
                "record",
                "new",
                "participant",
                &format!("session_id={session}"),
                &format!("sex={sex}"),
            ],
        );
    }
    ok(
        &db,
        &[
            "record",
            "new",
            "finding",
            &format!("session_id={session}"),
            "theme=justice",
            "text=Des audiences foraines.",
        ],
    );
    ok(
        &db,
        &[
            "record",
            "new",
            "recommendation",
            &format!("study_id={study}"),
            "text=Ouvrir le poste.",
        ],
    );
    let other = ok(&db, &["record", "new", "study", "title=Gao"])
        .trim()
        .to_string();

    let said = ok(&db, &["record", "delete", "study", &study]);
    assert_eq!(
        said.trim(),
        "Deleted, with 1 session, 3 people, 1 finding, 1 recommendation: it can be restored (terrain record restore)."
    );
    assert_eq!(listed(&db, "session"), 0);
    assert_eq!(listed(&db, "participant"), 0);
    assert_eq!(listed(&db, "finding"), 0);
    assert_eq!(listed(&db, "recommendation"), 0);
    let studies = json(&db, &["record", "list", "study", "--json"]);
    assert_eq!(studies[0]["id"], other.as_str());
    assert_eq!(studies.as_array().unwrap().len(), 1);
    // --deleted still shows everything, marked.
    let all = ok(&db, &["record", "list", "participant", "--deleted"]);
    assert_eq!(all.lines().count(), 3);

    ok(&db, &["record", "restore", "study", &study]);
    assert_eq!(listed(&db, "participant"), 3);
    assert_eq!(listed(&db, "recommendation"), 1);
    // A session's delete names its lines and findings, in French too.
    let said = crate::support::cmd(&db)
        .env("TERRAIN_LANG", "fr")
        .args(["record", "delete", "session", &session])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(said.stdout).unwrap().trim(),
        "Supprimé, avec 3 personnes, 3 lignes de présence, 1 constat : restaurable depuis la corbeille (terrain record restore)."
    );
    let said = ok(&db, &["record", "delete", "study", &other]);
    assert_eq!(
        said.trim(),
        "Deleted: it can be restored (terrain record restore)."
    );
}

#[test]
fn the_demo_is_removed_in_one_action_and_never_loaded_twice() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let loaded = json(&db, &["demo", "--json"]);
    let sessions = loaded["sessions"].as_u64().unwrap() as usize;
    assert_eq!(listed(&db, "session"), sessions);

    let before = dump(&db);
    let err = refused(&db, &["demo"]);
    assert!(err.contains("never loaded twice"), "{err}");
    assert_eq!(dump(&db), before, "a refused load changes nothing");

    let removed = json(&db, &["demo", "remove", "--json"]);
    assert_eq!(removed["studies"], 3);
    assert_eq!(
        removed["holdings"]["sessions"].as_u64(),
        Some(sessions as u64)
    );
    assert_eq!(listed(&db, "session"), 0);
    assert_eq!(listed(&db, "study"), 0);
    let said = ok(&db, &["demo", "remove"]);
    assert_eq!(said.trim(), "No demo data to remove.");

    // Loaded again after removal: once, not doubled.
    ok(&db, &["demo"]);
    assert_eq!(listed(&db, "session"), sessions);
    let said = ok(&db, &["demo", "remove"]);
    assert!(
        said.starts_with("Demo data removed: 3 studies, with "),
        "{said}"
    );
}
