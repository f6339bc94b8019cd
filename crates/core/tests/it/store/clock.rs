//! The clock never runs backwards across restarts, and two handles (two windows) on one file
//! write in turn or at once without losing, reusing or corrupting anything.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::json;
use terrain_core::read as query;
use terrain_core::{Entity, Store};

use crate::support::{fields, temp_store};

fn max_hlc(store: &Store) -> i64 {
    store
        .conn()
        .query_row("SELECT max(hlc) FROM changes", [], |r| r.get(0))
        .unwrap()
}

const DAY_MS: i64 = 24 * 3600 * 1000;

#[test]
fn the_clock_never_goes_backwards_across_reopen() {
    let (dir, mut store) = temp_store();
    let study = store
        .create(Entity::Study, &fields(json!({"title": "Avant"})))
        .unwrap();
    let before = max_hlc(&store);
    let node = store.node_id().to_string();
    drop(store);

    // The laptop's clock is set back a day (a flat battery, a wrong time zone), and reopened.
    let mut store = Store::open_in_dir(dir.path()).unwrap();
    assert_eq!(
        store.node_id(),
        node,
        "same file, same place: same identity"
    );
    store.set_clock_offset_ms(-DAY_MS);
    store
        .update(Entity::Study, &study, &fields(json!({"title": "Après"})))
        .unwrap();
    let after = max_hlc(&store);
    assert!(after > before, "{after} <= {before}");
    // The edit wins even though the wall clock says it came a day earlier.
    let rec = query::get(store.conn(), Entity::Study, &study).unwrap();
    assert_eq!(rec.text("title"), Some("Après"));
    let h = query::history(store.conn(), Entity::Study, &study).unwrap();
    let titles: Vec<_> = h.iter().filter(|e| e.field == "title").collect();
    assert!(titles[1].current && titles[1].old == json!("Avant"));

    // Again after another restart, with the clock back even further.
    drop(store);
    let mut store = Store::open_in_dir(dir.path()).unwrap();
    store.set_clock_offset_ms(-30 * DAY_MS);
    let other = store
        .create(Entity::Study, &fields(json!({"title": "Encore"})))
        .unwrap();
    assert!(max_hlc(&store) > after);
    // Stamps grow with the local sequence of each study (seqs count per study): the log's
    // order is the order of the writes.
    let mut stmt = store
        .conn()
        .prepare("SELECT study, seq, hlc FROM changes ORDER BY study, seq")
        .unwrap();
    let stamps: Vec<(String, i64, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert!(
        stamps
            .windows(2)
            .filter(|w| w[0].0 == w[1].0)
            .all(|w| w[0].1 + 1 == w[1].1 && w[0].2 < w[1].2),
        "{stamps:?}"
    );
    assert_eq!(
        stamps.iter().filter(|s| s.1 == 1).count(),
        2,
        "two studies, each from 1"
    );
    assert!(!other.is_empty());
}

/// Checks that a file holds a sound change log of one study: integrity ok, (node, seq)
/// unique and without gaps, every change's value in its row.
fn assert_sound(path: &Path, expected_changes: i64) {
    let store = Store::open(path).unwrap();
    let conn = store.conn();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let (n, distinct, max_seq): (i64, i64, i64) = conn
        .query_row(
            "SELECT count(*), count(DISTINCT study || ':' || node || ':' || seq), max(seq) FROM changes",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(n, expected_changes, "changes were lost");
    assert_eq!(distinct, n, "a (node, seq) was reused");
    assert_eq!(max_seq, n, "one node, so seq runs 1..n without gaps");
    let hlcs: i64 = conn
        .query_row("SELECT count(DISTINCT hlc) FROM changes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(hlcs, n, "a clock stamp was reused");
    let vv: i64 = conn
        .query_row("SELECT max(max_seq) FROM scope_vector", [], |r| r.get(0))
        .unwrap();
    assert_eq!(vv, n);
}

#[test]
fn two_handles_writing_in_turn_share_one_sound_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terrain.db");
    let mut a = Store::open(&path).unwrap();
    let mut b = Store::open(&path).unwrap();
    assert_eq!(a.node_id(), b.node_id());
    let study = a
        .create(Entity::Study, &fields(json!({"title": "Deux fenêtres"})))
        .unwrap();
    let session = b
        .create(
            Entity::Session,
            &fields(
                json!({"study_id": study, "session_type": "focus_group", "date": "2025-04-02"}),
            ),
        )
        .unwrap();
    let mut changes = 1 + 1 + 3; // title + status; study_id, session_type, date
    for i in 0..40 {
        let (store, sex) = if i % 2 == 0 {
            (&mut a, "female")
        } else {
            (&mut b, "male")
        };
        store
            .create(
                Entity::Participant,
                &fields(json!({"session_id": session, "sex": sex, "age": 20 + i})),
            )
            .unwrap();
        changes += 5; // session_id, code, sex, age, age_band
                      // Each window edits the title the other one wrote last.
        store
            .update(
                Entity::Study,
                &study,
                &fields(json!({"title": format!("Titre {i}")})),
            )
            .unwrap();
        changes += 1;
    }
    // Each handle sees the other's writes at once.
    for store in [&a, &b] {
        let t = query::session_totals(store.conn(), &session).unwrap();
        assert_eq!((t.women, t.men), (20, 20));
        let rec = query::get(store.conn(), Entity::Study, &study).unwrap();
        assert_eq!(rec.text("title"), Some("Titre 39"));
    }
    // One title history, each edit replacing the previous one: no conflict between windows.
    let h: Vec<_> = query::history(a.conn(), Entity::Study, &study)
        .unwrap()
        .into_iter()
        .filter(|e| e.field == "title")
        .collect();
    assert_eq!(h.len(), 41);
    for (i, e) in h.iter().enumerate().skip(2) {
        assert_eq!(e.old, json!(format!("Titre {}", i - 2)));
    }
    let conflicts: i64 = a
        .conn()
        .query_row("SELECT count(*) FROM conflicts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(conflicts, 0);
    let codes: BTreeSet<String> = query::list(
        a.conn(),
        Entity::Participant,
        &query::ListOptions {
            field: Some("session_id".into()),
            value: Some(session.clone()),
            ..Default::default()
        },
    )
    .unwrap()
    .iter()
    .map(|p| p.text("code").unwrap().to_string())
    .collect();
    assert_eq!(codes.len(), 40, "pseudonymous codes are unique");
    drop((a, b));
    assert_sound(&path, changes);
}

#[test]
fn two_handles_writing_at_once_from_two_threads_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terrain.db");
    let study = Store::open(&path)
        .unwrap()
        .create(
            Entity::Study,
            &fields(json!({"title": "Écritures simultanées"})),
        )
        .unwrap();
    const EACH: i64 = 60;
    let workers: Vec<_> = (0..2)
        .map(|t| {
            let path = path.clone();
            let study = study.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&path).unwrap();
                for i in 0..EACH {
                    store
                        .write(|w| {
                            let s = w.create(
                                Entity::Session,
                                &fields(json!({"study_id": study, "session_type": "individual_interview",
                                    "date": "2025-05-05", "title": format!("Fenêtre {t}, entretien {i}")})),
                            )?;
                            w.create(Entity::Participant, &fields(json!({"session_id": s, "sex": "female"})))?;
                            Ok(())
                        })
                        .unwrap();
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let store = Store::open(&path).unwrap();
    let rows = query::sessions(store.conn(), &Default::default()).unwrap();
    assert_eq!(rows.len(), 2 * EACH as usize);
    assert_eq!(
        query::study_totals(store.conn(), &study).unwrap().women,
        2 * EACH
    );
    drop(store);
    // 2 study changes; per interview 4 session changes and 3 participant changes.
    assert_sound(&path, 2 + 2 * EACH * 7);
}
