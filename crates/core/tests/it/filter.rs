//! The one session filter (study, period, region, type): what it means, that the sessions
//! list, the dashboards and the exports read it from the same flat JSON, and that all three
//! take the same sessions for it.

use serde_json::{json, Value};
use terrain_core::export::{self, ExportOptions, Format};
use terrain_core::read::{self, SessionFilter, SessionQuery, SessionSort};
use terrain_core::stats::{self, StatsFilter};
use terrain_core::{Entity, Lang, Store};

use crate::support::stats_fixture::{create, KAYES, PELENGANA, SADIOLA, SEGOU};
use crate::support::temp_store;

fn filter(study: &str, region: &str, kind: &str, from: &str, to: &str) -> SessionFilter {
    let v = |s: &str| Some(s.to_string());
    SessionFilter {
        study_id: v(study),
        date_from: v(from),
        date_to: v(to),
        region_id: v(region),
        session_type: v(kind),
    }
}

/// A live session: not deleted, nor in a deleted study (`read::live`).
const LIVE: &str =
    "s.deleted = 0 AND NOT EXISTS (SELECT 1 FROM study dst WHERE dst.id = s.study_id AND dst.deleted = 1)";

#[test]
fn blank_values_do_not_filter() {
    let f = filter("", " ", "\t", "  ", "");
    assert_eq!(f.sql(), (LIVE.to_string(), Vec::new()));
    assert!(!f.narrows_study());
    assert!(f.keeps_region(None));
    assert!(f.keeps_region(Some(SEGOU)));
    assert_eq!(f.to_json(), json!({}));
    assert_eq!(SessionFilter::default().sql(), f.sql());
}

#[test]
fn given_values_filter_trimmed() {
    let f = filter(" st1 ", SEGOU, "focus_group", "2024-01-01", "2024-12-31 ");
    let (sql, params) = f.sql();
    assert_eq!(
        sql,
        format!(
            "{LIVE} AND s.study_id = ?1 AND s.session_type = ?2 AND s.date >= ?3 AND s.date <= ?4"
        )
    );
    assert_eq!(params, ["st1", "focus_group", "2024-01-01", "2024-12-31"]);
    assert!(f.keeps_region(Some(SEGOU)));
    assert!(!f.keeps_region(Some(KAYES)));
    assert!(!f.keeps_region(None));
    assert!(f.narrows_study());
    assert_eq!(f.any_type().session_type(), None);
    assert_eq!(f.any_type().study(), Some("st1"));
    assert_eq!(
        f.to_json(),
        json!({"study_id": "st1", "date_from": "2024-01-01", "date_to": "2024-12-31",
               "region_id": SEGOU, "session_type": "focus_group"})
    );
}

#[test]
fn a_study_alone_does_not_narrow_it() {
    let f = SessionFilter {
        study_id: Some("st1".into()),
        ..Default::default()
    };
    assert!(!f.narrows_study());
    assert_eq!(f.to_json(), json!({"study_id": "st1"}));
}

#[test]
fn the_list_the_dashboards_and_the_exports_read_the_same_flat_json() {
    let sent = json!({
        "study_id": "st1", "region_id": SEGOU, "session_type": "workshop",
        "date_from": "2025-01-01", "date_to": null,
    });
    let want = filter("st1", SEGOU, "workshop", "2025-01-01", "");
    let want = SessionFilter {
        date_to: None,
        ..want
    };
    let with = |extra: Value| {
        let mut v = sent.clone();
        v.as_object_mut()
            .expect("object")
            .extend(extra.as_object().expect("object").clone());
        v
    };

    let q: SessionQuery =
        serde_json::from_value(with(json!({"text": "pelengana", "sort": "people"}))).expect("q");
    assert_eq!(q.filter, want);
    assert_eq!(q.text.as_deref(), Some("pelengana"));
    assert_eq!(q.sort, SessionSort::People);

    let s: StatsFilter =
        serde_json::from_value(with(json!({"by_age": true, "as_of": "2025-06-30"}))).expect("s");
    assert_eq!(s.filter, want);
    assert!(s.by_age);
    assert_eq!(s.as_of.as_deref(), Some("2025-06-30"));
    // A dashboard sends its filter back flat, in the same order of keys as before.
    let back = serde_json::to_string(&s).expect("to json");
    assert_eq!(
        back,
        format!(
            r#"{{"study_id":"st1","date_from":"2025-01-01","date_to":null,"region_id":"{SEGOU}","session_type":"workshop","by_age":true,"as_of":"2025-06-30"}}"#
        )
    );

    let e: ExportOptions = serde_json::from_value(with(
        json!({"anonymised": true, "csv_separator": "semicolon"}),
    ))
    .expect("e");
    assert_eq!(e.filter, want);
    assert!(e.anonymised);
    assert_eq!(e.min_cell, export::DEFAULT_MIN_CELL);
    assert_eq!(e.csv_separator, export::CsvSeparator::Semicolon);

    let empty: ExportOptions = serde_json::from_value(json!({})).expect("empty");
    assert_eq!(empty.filter, SessionFilter::default());
    assert_eq!(empty.min_cell, export::DEFAULT_MIN_CELL);
}

/// Two studies; sessions in Ségou, in Kayes and nowhere, of two types over three months.
fn sessions_here_and_there(store: &mut Store) -> (String, String) {
    let a = create(store, Entity::Study, json!({"title": "A"}));
    let b = create(store, Entity::Study, json!({"title": "B"}));
    for (study, kind, date, place) in [
        (&a, "focus_group", "2025-01-10", Some(PELENGANA)),
        (&a, "workshop", "2025-02-01", Some(PELENGANA)),
        (&a, "focus_group", "2025-02-15", Some(SADIOLA)),
        (&a, "focus_group", "2025-03-01", None),
        (&b, "workshop", "2025-01-20", Some(SADIOLA)),
        (&b, "focus_group", "2025-03-05", Some(PELENGANA)),
    ] {
        let s = create(
            store,
            Entity::Session,
            json!({"study_id": study, "session_type": kind, "date": date, "place_id": place}),
        );
        create(
            store,
            Entity::Participant,
            json!({"session_id": s, "sex": "female", "actor_group": "youth"}),
        );
    }
    (a, b)
}

#[test]
fn the_list_the_dashboards_and_the_exports_take_the_same_sessions() {
    let (dir, mut store) = temp_store();
    let (a, b) = sessions_here_and_there(&mut store);
    let cases = [
        (filter("", "", "", "", ""), 6),
        (filter(&a, "", "", "", ""), 4),
        (filter(&b, " ", "", "", ""), 2),
        (filter("", SEGOU, "", "", ""), 3),
        (filter("", KAYES, "", "", ""), 2),
        (filter("", "", "focus_group", "", ""), 4),
        (filter("", "", "", "2025-02-01", "2025-03-01"), 3),
        (
            filter(&a, SEGOU, "focus_group", "2025-01-01", "2025-01-31"),
            1,
        ),
        (filter(&b, KAYES, "focus_group", "", ""), 0),
    ];
    for (n, (f, want)) in cases.into_iter().enumerate() {
        let listed = read::sessions(
            store.conn(),
            &SessionQuery {
                filter: f.clone(),
                ..Default::default()
            },
        )
        .expect("list");
        assert_eq!(listed.len(), want, "list {f:?}");

        let counted = stats::sessions(
            store.conn(),
            &StatsFilter {
                filter: f.clone(),
                ..Default::default()
            },
        )
        .expect("stats");
        assert_eq!(counted.sessions, want as i64, "stats {f:?}");
        assert_eq!(counted.women, want as i64, "stats {f:?}");

        let out = dir.path().join(format!("export-{n}.json"));
        let opts = ExportOptions {
            filter: f.clone(),
            ..Default::default()
        };
        let summary =
            export::run(&mut store, Format::Json, &out, &opts, &mut |_| {}).expect("export");
        let rows = summary
            .tables
            .iter()
            .find(|t| t.table == "session")
            .map(|t| t.rows);
        assert_eq!(rows, Some(want as u64), "export {f:?}");
    }
}

#[test]
fn a_period_not_in_iso_days_is_refused_by_the_list_the_dashboards_and_the_exports() {
    let (dir, mut store) = temp_store();
    sessions_here_and_there(&mut store);
    // « 01/03/2025 » compared as text would take every session (« 2025-… » ≥ « 01/… »).
    for (from, to) in [
        ("01/03/2025", ""),
        ("", "31/02/2025"),
        ("2025-02-31", ""),
        ("2025-3-1", ""),
    ] {
        let f = filter("", "", "", from, to);
        let listed = read::sessions(
            store.conn(),
            &SessionQuery {
                filter: f.clone(),
                ..Default::default()
            },
        )
        .map(|_| ());
        let counted = stats::sessions(
            store.conn(),
            &StatsFilter {
                filter: f.clone(),
                ..Default::default()
            },
        )
        .map(|_| ());
        let out = dir.path().join("refused.json");
        let opts = ExportOptions {
            filter: f.clone(),
            ..Default::default()
        };
        let exported = export::run(&mut store, Format::Json, &out, &opts, &mut |_| {}).map(|_| ());
        for (what, got) in [("list", listed), ("stats", counted), ("export", exported)] {
            let err = got.expect_err(&format!("{what} refuses {f:?}"));
            assert_eq!(err.code(), "invalid", "{what} {f:?}");
            assert!(
                err.message(Lang::Fr).contains("AAAA-MM-JJ"),
                "{what}: {}",
                err.message(Lang::Fr)
            );
        }
        assert!(!out.exists(), "nothing is written for a refused export");
    }
    // No export was recorded, and the same store still lists and exports with ISO days.
    let exports = read::list(store.conn(), Entity::Export, &Default::default()).unwrap();
    assert!(exports.is_empty());
    let f = filter("", "", "", "2025-02-01", "2025-03-01");
    let listed = read::sessions(
        store.conn(),
        &SessionQuery {
            filter: f.clone(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(listed.len(), 3);
    let opts = ExportOptions {
        filter: f,
        ..Default::default()
    };
    let out = dir.path().join("accepted.json");
    export::run(&mut store, Format::Json, &out, &opts, &mut |_| {}).unwrap();
    assert!(out.exists());
}
