//! The `terrain` binary on real database files: two laptops converge through bundles,
//! conflicts are listed and resolved, refusals exit non-zero with one line and change nothing,
//! and an import killed with SIGKILL leaves a consistent database that a second import completes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{cmd, dump, json, node_id, ok, refused, BIN};

struct Laptops {
    dir: tempfile::TempDir,
    a: PathBuf,
    b: PathBuf,
    study: String,
}

impl Laptops {
    fn new() -> Laptops {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.db");
        let b = dir.path().join("b.db");
        let study = ok(&a, &["record", "new", "study", "title=Sécurité à Ségou"])
            .trim()
            .to_string();
        let join = dir.path().join("join.json");
        let printed = ok(
            &a,
            &[
                "study",
                "invite",
                &study,
                "--role",
                "coordinator",
                "--out",
                join.to_str().unwrap(),
            ],
        );
        let code = printed.lines().last().unwrap();
        ok(
            &b,
            &["study", "join", join.to_str().unwrap(), "--code", code],
        );
        Laptops { dir, a, b, study }
    }

    fn file(&self, name: &str) -> String {
        self.dir.path().join(name).to_str().unwrap().to_string()
    }

    /// A delta from one laptop to the other.
    fn send(&self, from: &Path, to: &Path, name: &str) -> Value {
        let f = self.file(name);
        ok(
            from,
            &[
                "bundle",
                "export",
                "--study",
                &self.study,
                "--out",
                &f,
                "--for",
                &node_id(to),
            ],
        );
        json(to, &["bundle", "import", &f, "--json"])
    }
}

#[test]
fn two_laptops_converge_and_resolve_a_conflict() {
    let l = Laptops::new();
    let info = json(&l.a, &["info", "--json"]);
    assert_eq!(info["studies"][0]["id"], l.study.as_str());
    assert!(info["schema_version"].as_i64().unwrap() >= 3);
    let session = ok(
        &l.a,
        &[
            "record",
            "new",
            "session",
            &format!("study_id={}", l.study),
            "session_type=focus_group",
            "date=2026-03-02",
            "title=Femmes leaders",
        ],
    )
    .trim()
    .to_string();
    ok(
        &l.a,
        &[
            "record",
            "new",
            "participant",
            &format!("session_id={session}"),
            "sex=female",
            "age=34",
        ],
    );
    let full = l.file("full.terrain");
    ok(
        &l.a,
        &[
            "bundle", "export", "--study", &l.study, "--out", &full, "--full",
        ],
    );
    let report = json(&l.b, &["bundle", "import", &full, "--json"]);
    assert_eq!(report["new_records"], 3);
    assert_eq!(dump(&l.a), dump(&l.b));

    // Concurrent edits of one field, and edits of different fields.
    ok(
        &l.a,
        &[
            "record",
            "set",
            "session",
            &session,
            "title=Titre A",
            "duration_minutes=90",
        ],
    );
    ok(
        &l.b,
        &[
            "record",
            "set",
            "session",
            &session,
            "title=Titre B",
            "notes=ok",
        ],
    );
    let b_new = ok(
        &l.b,
        &[
            "record",
            "new",
            "finding",
            &format!("session_id={session}"),
            "theme=accès",
            "text=Les femmes demandent un poste",
        ],
    );
    l.send(&l.b, &l.a, "b1.terrain");
    l.send(&l.a, &l.b, "a1.terrain");
    assert_eq!(dump(&l.a), dump(&l.b), "dumps differ after exchange");
    let list = json(&l.b, &["record", "list", "finding", "--json"]);
    assert_eq!(list[0]["id"], b_new.trim());
    assert_eq!(list[0]["theme"], "accès");

    let conflicts = json(&l.a, &["conflicts", "list", "--json"]);
    assert_eq!(conflicts.as_array().unwrap().len(), 1);
    let c = &conflicts[0];
    assert_eq!(c["field"], "title");
    let values = [
        c["loser"]["value"].as_str().unwrap(),
        c["winner"]["value"].as_str().unwrap(),
    ];
    assert!(values.contains(&"Titre A") && values.contains(&"Titre B"));
    assert_eq!(json(&l.b, &["conflicts", "list", "--json"]), conflicts);
    ok(
        &l.b,
        &[
            "conflicts",
            "resolve",
            c["id"].as_str().unwrap(),
            "--pick",
            c["loser"]["value_id"].as_str().unwrap(),
        ],
    );
    l.send(&l.b, &l.a, "b2.terrain");
    assert_eq!(
        json(&l.a, &["conflicts", "list", "--json"]),
        Value::Array(vec![])
    );
    let sessions = json(&l.a, &["record", "list", "session", "--json"]);
    assert_eq!(sessions[0]["title"], c["loser"]["value"]);
    assert_eq!(sessions[0]["duration_minutes"], 90);
    assert_eq!(sessions[0]["notes"], "ok");
    assert_eq!(dump(&l.a), dump(&l.b));

    // Delete wins; restore brings it back, on both.
    ok(&l.a, &["record", "delete", "session", &session]);
    l.send(&l.a, &l.b, "a2.terrain");
    assert_eq!(
        json(&l.b, &["record", "list", "session", "--json"]),
        Value::Array(vec![])
    );
    ok(&l.b, &["record", "restore", "session", &session]);
    l.send(&l.b, &l.a, "b3.terrain");
    assert_eq!(
        json(&l.a, &["record", "list", "session", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(dump(&l.a), dump(&l.b));
    let scoped = ok(&l.a, &["dump", "--json", "--study", &l.study]);
    assert_eq!(scoped, ok(&l.b, &["dump", "--json", "--study", &l.study]));
}

#[test]
fn refusals_exit_non_zero_with_one_line_and_change_nothing() {
    let l = Laptops::new();
    ok(
        &l.a,
        &[
            "record",
            "new",
            "session",
            &format!("study_id={}", l.study),
            "session_type=workshop",
            "date=2026-04-01",
        ],
    );
    let err = refused(
        &l.a,
        &[
            "record",
            "new",
            "session",
            &format!("study_id={}", l.study),
            "session_type=picnic",
            "date=2026-04-01",
        ],
    );
    assert!(err.contains("session type"), "{err}");
    let err = refused(&l.a, &["record", "new", "tally", "colour=red"]);
    assert!(err.contains("colour"), "{err}");
    refused(&l.a, &["record", "new", "spaceship", "name=x"]);

    let good = l.file("good.terrain");
    ok(
        &l.a,
        &[
            "bundle", "export", "--study", &l.study, "--out", &good, "--full",
        ],
    );
    let bytes = std::fs::read(&good).unwrap();
    let before = dump(&l.b);

    let cut = l.file("cut.terrain");
    std::fs::write(&cut, &bytes[..bytes.len() - 10]).unwrap();
    assert!(refused(&l.b, &["bundle", "import", &cut]).contains("incomplete"));
    let flipped = l.file("flipped.terrain");
    let mut f = bytes.clone();
    let middle = f.len() / 2;
    f[middle] ^= 0x40;
    std::fs::write(&flipped, &f).unwrap();
    assert!(refused(&l.b, &["bundle", "import", &flipped]).contains("damaged"));
    let future = l.file("future.terrain");
    let mut f = bytes.clone();
    f[8] = 9;
    std::fs::write(&future, &f).unwrap();
    assert!(refused(&l.b, &["bundle", "import", &future]).contains("unknown format"));
    assert_eq!(dump(&l.b), before);

    let c = l.dir.path().join("c.db");
    let c_before = dump(&c);
    let err = refused(&c, &["bundle", "import", &good]);
    assert!(err.contains("has not joined"), "{err}");
    assert_eq!(dump(&c), c_before);
    // In French by default.
    let out = Command::new(BIN)
        .arg("--db")
        .arg(&c)
        .args(["bundle", "import", &good])
        .env_remove("TERRAIN_LANG")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("n'a pas rejoint"));

    ok(&l.b, &["bundle", "import", &good]);
    let after = dump(&l.b);
    assert!(refused(&l.b, &["bundle", "import", &good]).contains("already imported"));
    assert_eq!(dump(&l.b), after);
}

#[test]
fn an_import_killed_mid_way_leaves_a_consistent_database_and_resumes() {
    let l = Laptops::new();
    // Enough records for many batches; written through the library to be quick.
    {
        let mut a = terrain_core::Store::open(&l.a).unwrap();
        let study = l.study.clone();
        for i in 0..400 {
            let f: terrain_core::Fields = serde_json::from_value(serde_json::json!({
                "study_id": study, "session_type": "workshop", "date": "2026-04-01", "title": format!("Séance {i}")
            }))
            .unwrap();
            a.create(terrain_core::Entity::Session, &f).unwrap();
            // Signed as if sent after each: a batch can end after any session.
            terrain_core::sync::seal_own(&a).unwrap();
        }
    }
    let bundle = l.file("big.terrain");
    let out = cmd(&l.a)
        .env("TERRAIN_TEST_BATCH_SIZE", "40")
        .args([
            "bundle", "export", "--study", &l.study, "--out", &bundle, "--full", "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let total = report["changes"].as_u64().unwrap();
    assert!(report["batches"].as_u64().unwrap() >= 40);

    let mut child = cmd(&l.b)
        .env("TERRAIN_TEST_IMPORT_PAUSE_MS", "60")
        .args(["bundle", "import", &bundle])
        .spawn()
        .unwrap();
    // Kill once some batches are in: watch the change count grow.
    let start = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(50));
        let held = count_changes(&l.b);
        if held >= 200 || start.elapsed() > Duration::from_secs(60) {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    let held = count_changes(&l.b);
    assert!(
        held > 0 && held < total,
        "killed too late or too early: {held} of {total}"
    );
    // The database is consistent: it opens, dumps, and holds whole batches only (a batch
    // ends at a signed segment's end, here a session's: no session is half there).
    let partial: Value = serde_json::from_str(&dump(&l.b)).unwrap();
    let sessions = partial["records"]["session"].as_array().unwrap();
    assert!(!sessions.is_empty());
    assert!(
        sessions
            .iter()
            .all(|s| s["title"].is_string() && s["date"].is_string()),
        "a batch was half applied"
    );
    let resumed = json(&l.b, &["bundle", "import", &bundle, "--json"]);
    assert_eq!(resumed["already_known"].as_u64().unwrap(), held);
    assert_eq!(count_changes(&l.b), total);
    assert_eq!(dump(&l.a), dump(&l.b));
}

fn count_changes(db: &Path) -> u64 {
    let conn = rusqlite_free_count(db);
    conn.unwrap_or(0)
}

/// Counts changes through the library (read-only; retried while the importer holds a lock).
fn rusqlite_free_count(db: &Path) -> Option<u64> {
    let store = terrain_core::Store::open(db).ok()?;
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM changes", [], |r| r.get(0))
        .ok()?;
    Some(n as u64)
}

#[test]
fn record_erase_participant_erases_here_and_on_the_laptop_it_syncs_with() {
    let l = Laptops::new();
    let session = ok(
        &l.a,
        &[
            "record",
            "new",
            "session",
            &format!("study_id={}", l.study),
            "session_type=workshop",
            "date=2026-03-01",
        ],
    )
    .trim()
    .to_string();
    let person = ok(
        &l.a,
        &[
            "record",
            "new",
            "participant",
            &format!("session_id={session}"),
            "sex=female",
            "name=Fatoumata Canari",
            "phone=+22365432109",
        ],
    )
    .trim()
    .to_string();
    l.send(&l.a, &l.b, "first.terrain");
    assert!(dump(&l.b).contains("Fatoumata Canari"));

    let before = dump(&l.a);
    for bad in [
        vec!["record", "erase", "session", &session, "--reason", "x"],
        vec!["record", "erase", "participant", &person, "--reason", "  "],
    ] {
        refused(&l.a, &bad);
    }
    assert_eq!(dump(&l.a), before);
    let reason = "consentement retiré";
    ok(
        &l.a,
        &[
            "record",
            "erase",
            "participant",
            &person,
            "--reason",
            reason,
        ],
    );
    l.send(&l.a, &l.b, "erasure.terrain");
    for db in [&l.a, &l.b] {
        let d = dump(db);
        assert!(
            !d.contains("Fatoumata") && !d.contains("+22365432109"),
            "{d}"
        );
        assert!(d.contains(reason));
    }
}
