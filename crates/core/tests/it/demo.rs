//! The demo loads through the write path with the sizes the issue promises, and refuses a
//! store that already has studies.

use std::collections::BTreeSet;

use terrain_core::demo::load_demo;
use terrain_core::read::{self as query, ListOptions, SessionQuery};
use terrain_core::schema::{ACTOR_GROUPS, RECOMMENDATION_STATUSES, SESSION_TYPES};
use terrain_core::{Entity, Error, Lang};

use crate::support::temp_store;

#[test]
fn demo_loads_the_promised_sizes_and_refuses_a_second_load() {
    let (_dir, mut store) = temp_store();
    let started = std::time::Instant::now();
    let summary = load_demo(&mut store).unwrap();
    eprintln!("demo loaded in {:?}: {summary:?}", started.elapsed());

    assert_eq!(summary.studies, 3);
    assert!(summary.sessions >= 200, "{summary:?}");
    assert!(summary.participants >= 3000, "{summary:?}");
    assert!(summary.regions >= 8, "{summary:?}");
    assert!(summary.findings > 0 && summary.recommendations > 0 && summary.tallies > 0);
    assert!(
        summary.sessions_without_consent > 0,
        "some sessions lack consent on purpose"
    );

    let conn = store.conn();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    // The summary tells what the store holds.
    assert_eq!(
        count("SELECT count(*) FROM study WHERE deleted = 0"),
        summary.studies as i64
    );
    assert_eq!(
        count("SELECT count(*) FROM session WHERE deleted = 0"),
        summary.sessions as i64
    );
    assert_eq!(
        count("SELECT count(*) FROM participant WHERE deleted = 0"),
        summary.participants as i64
    );
    assert_eq!(
        count("SELECT count(*) FROM finding WHERE deleted = 0"),
        summary.findings as i64
    );
    assert_eq!(
        count("SELECT count(*) FROM recommendation WHERE deleted = 0"),
        summary.recommendations as i64
    );
    assert_eq!(
        count("SELECT coalesce(sum(count), 0) FROM tally WHERE deleted = 0"),
        summary.people_tallied as i64
    );
    assert_eq!(
        count("SELECT count(*) FROM session WHERE deleted = 0 AND consent_level IS NULL"),
        summary.sessions_without_consent as i64
    );

    // Every session type, all six languages, women-only sessions led by a woman.
    let types: BTreeSet<String> = conn
        .prepare("SELECT DISTINCT session_type FROM session")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(types.len(), SESSION_TYPES.len(), "{types:?}");
    for lang in ["fr", "bm", "ff", "ses", "taq", "snk"] {
        assert!(
            count(&format!(
                "SELECT count(*) FROM session WHERE languages LIKE '%\"{lang}\"%'"
            )) > 0,
            "{lang}"
        );
    }
    assert!(count("SELECT count(*) FROM session WHERE women_only = 1") > 10);
    assert_eq!(
        count("SELECT count(*) FROM session WHERE women_only = 1 AND woman_facilitator = 0"),
        0
    );
    assert!(count("SELECT count(*) FROM session WHERE interpreter = 1") > 0);
    assert_eq!(
        count("SELECT count(*) FROM session WHERE date < '2024-01-01' OR date > '2026-12-31'"),
        0
    );

    // Plausible people: ages 16-75, DSF mostly men, women's associations all women.
    assert_eq!(
        count("SELECT count(*) FROM participant WHERE age < 16 OR age > 75"),
        0
    );
    let share = |group: &str| -> f64 {
        let women = count(&format!(
            "SELECT count(*) FROM participant WHERE actor_group = '{group}' AND sex = 'female'"
        ));
        let all = count(&format!(
            "SELECT count(*) FROM participant WHERE actor_group = '{group}'"
        ));
        women as f64 / all as f64
    };
    assert!(share("womens_association") > 0.95);
    assert!(
        share("gendarmerie") < 0.6,
        "women's focus groups raise it, but men remain most"
    );
    assert_eq!(
        count(&format!(
            "SELECT count(*) FROM participant WHERE actor_group NOT IN ({})",
            ACTOR_GROUPS
                .iter()
                .map(|g| format!("'{g}'"))
                .collect::<Vec<_>>()
                .join(",")
        )),
        0
    );
    for institution in [
        "Police nationale",
        "Gendarmerie nationale",
        "Garde nationale",
        "Forces armées maliennes",
        "CAFO",
    ] {
        assert!(
            count(&format!(
                "SELECT count(*) FROM participant WHERE institution = '{institution}'"
            )) > 0
        );
    }

    // Regions through the sessions list, as the UI sees them.
    let rows = query::sessions(conn, &SessionQuery::default()).unwrap();
    assert_eq!(rows.len(), summary.sessions as usize);
    let regions: BTreeSet<_> = rows.iter().filter_map(|r| r.region.clone()).collect();
    assert!(regions.len() >= 8, "{regions:?}");
    for region in [
        "Ségou",
        "Gao",
        "Tombouctou",
        "Bamako",
        "Kayes",
        "Koulikoro",
        "Sikasso",
    ] {
        assert!(
            regions.contains(region),
            "{region} missing from {regions:?}"
        );
    }

    // Recommendations went through their statuses: the history shows each step.
    let recs = query::list(conn, Entity::Recommendation, &ListOptions::default()).unwrap();
    let statuses: BTreeSet<_> = recs
        .iter()
        .filter_map(|r| r.text("status").map(str::to_string))
        .collect();
    for s in RECOMMENDATION_STATUSES {
        assert!(statuses.contains(*s), "no recommendation {s}");
    }
    let moving = recs
        .iter()
        .find(|r| r.text("status") == Some("in_progress"))
        .unwrap();
    let steps: Vec<_> = query::history(conn, Entity::Recommendation, &moving.id)
        .unwrap()
        .into_iter()
        .filter(|h| h.field == "status")
        .map(|h| {
            (
                h.old.as_str().map(str::to_string),
                h.new.as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expect = [
        (None, "proposed"),
        (Some("proposed"), "validated"),
        (Some("validated"), "adopted"),
        (Some("adopted"), "in_progress"),
    ]
    .map(|(o, n)| (o.map(str::to_string), n.to_string()));
    assert_eq!(steps, expect.to_vec());
    assert!(moving.fields["validated_at"].is_string());

    // One duplicate session sits in the deleted view.
    assert_eq!(query::deleted_records(conn).unwrap().len(), 3);

    // A second load is refused, in the user's language, and changes nothing.
    let changes = count("SELECT count(*) FROM changes");
    let err = load_demo(&mut store).unwrap_err();
    assert!(matches!(err, Error::Refused(_)), "{err:?}");
    // The refusal says what happened: the demo is never loaded twice.
    assert_eq!(err.code(), "demo_loaded");
    assert!(
        err.message(Lang::Fr)
            .contains("ne se chargent pas deux fois"),
        "{}",
        err.message(Lang::Fr)
    );
    store.set_setting("lang", "en").unwrap();
    let err = load_demo(&mut store).unwrap_err();
    assert!(
        err.message(Lang::En).contains("never loaded twice"),
        "{}",
        err.message(Lang::En)
    );
    let conn = store.conn();
    assert_eq!(
        conn.query_row("SELECT count(*) FROM changes", [], |r| r.get::<_, i64>(0))
            .unwrap(),
        changes
    );
}

#[test]
fn demo_content_is_the_same_on_every_load() {
    let digest = || {
        let (_dir, mut store) = temp_store();
        let summary = load_demo(&mut store).unwrap();
        let rows: Vec<String> = store
            .conn()
            .prepare("SELECT session_type || date || title || coalesce(duration_minutes, '') FROM session ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        (summary, rows)
    };
    assert_eq!(digest(), digest());
}

#[test]
fn the_demo_never_mixes_with_real_work() {
    let (_dir, mut store) = temp_store();
    store
        .create(
            Entity::Study,
            &crate::support::fields(serde_json::json!({"title": "Réelle"})),
        )
        .unwrap();
    let before = terrain_core::sync::dump_string(store.conn(), None).unwrap();
    let err = load_demo(&mut store).unwrap_err();
    assert_eq!(err.code(), "not_empty");
    assert!(err.message(Lang::Fr).contains("base vide"), "{err}");
    assert!(err.message(Lang::En).contains("empty database"), "{err}");
    assert_eq!(
        terrain_core::sync::dump_string(store.conn(), None).unwrap(),
        before
    );
}
