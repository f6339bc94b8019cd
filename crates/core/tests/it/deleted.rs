//! A deleted study takes its sessions, people, findings and recommendations out of every read
//! (sessions list, studies, dashboards, each export format, the report, record lists) and a
//! restore brings them back; a session of a deleted study received by sync stays hidden; a
//! deleted session inside a live study is hidden alone; what a delete takes is counted for its
//! confirmation; the demo is marked, removed in one action and never loaded twice; a laptop
//! that created a study is a member of it.

use std::collections::BTreeMap;
use std::path::Path;

use calamine::{open_workbook, Reader, Xlsx};
use serde_json::{json, Value};
use terrain_core::demo::{live_demo_studies, load_demo, remove_demo};
use terrain_core::export::{self, ExportOptions, Format};
use terrain_core::read::{self as query, Holdings, ListOptions, SessionQuery};
use terrain_core::schema::Role;
use terrain_core::stats::{self, StatsFilter};
use terrain_core::sync::bundle::{self, ExportTarget};
use terrain_core::{report, sync, Entity, Lang, Store};

use crate::support::stats_fixture::{build, create};
use crate::support::{fields, temp_store};

/// Every read a person sees a study's records through, reduced to what can be compared.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    /// Session ids of the sessions list.
    sessions: Vec<String>,
    /// Study ids of the studies list, with their sessions, women and men.
    studies: Vec<(String, i64, i64, i64)>,
    /// Dashboard: sessions, women, men, recommendations, duplicate-participant groups.
    dashboard: (i64, i64, i64, i64, i64),
    /// Live records per entity, as `record list` gives them.
    records: BTreeMap<&'static str, usize>,
    /// Rows per table of a whole export, per format (read back from the files written).
    exports: BTreeMap<&'static str, BTreeMap<String, usize>>,
}

const LISTED: [Entity; 6] = [
    Entity::Study,
    Entity::Session,
    Entity::Participant,
    Entity::Tally,
    Entity::Finding,
    Entity::Recommendation,
];
const TABLES: [&str; 6] = [
    "study",
    "session",
    "participant",
    "tally",
    "finding",
    "recommendation",
];

fn csv_rows(dir: &Path) -> BTreeMap<String, usize> {
    TABLES
        .iter()
        .map(|t| {
            let text = std::fs::read_to_string(dir.join(format!("{t}.csv"))).unwrap();
            let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
            (t.to_string(), r.records().count())
        })
        .collect()
}

fn xlsx_rows(path: &Path) -> BTreeMap<String, usize> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    TABLES
        .iter()
        .map(|t| {
            let range = book.worksheet_range(t).unwrap();
            (t.to_string(), range.rows().count().saturating_sub(1))
        })
        .collect()
}

fn json_rows(path: &Path) -> BTreeMap<String, usize> {
    let v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    TABLES
        .iter()
        .map(|t| (t.to_string(), v["tables"][t].as_array().unwrap().len()))
        .collect()
}

fn seen(store: &mut Store, out: &Path) -> Seen {
    let conn = store.conn();
    let sessions = query::sessions(conn, &SessionQuery::default())
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    let studies = query::studies(conn)
        .unwrap()
        .into_iter()
        .map(|s| (s.study.id, s.sessions, s.women, s.men))
        .collect();
    let d = stats::dashboard(conn, &StatsFilter::default()).unwrap();
    let dashboard = (
        d.sessions.sessions,
        d.people.women,
        d.people.men,
        d.recommendations.total,
        d.quality.duplicate_participant_groups,
    );
    let records = LISTED
        .iter()
        .map(|e| {
            let n = query::list(conn, *e, &ListOptions::default())
                .unwrap()
                .len();
            (e.as_str(), n)
        })
        .collect();
    let o = ExportOptions::default();
    let dir = out.join(uuid::Uuid::new_v4().to_string());
    export::run(store, Format::Csv, &dir.join("csv"), &o, &mut |_| {}).unwrap();
    export::run(store, Format::Xlsx, &dir.join("x.xlsx"), &o, &mut |_| {}).unwrap();
    export::run(store, Format::Json, &dir.join("x.json"), &o, &mut |_| {}).unwrap();
    let exports = BTreeMap::from([
        ("csv", csv_rows(&dir.join("csv"))),
        ("xlsx", xlsx_rows(&dir.join("x.xlsx"))),
        ("json", json_rows(&dir.join("x.json"))),
    ]);
    Seen {
        sessions,
        studies,
        dashboard,
        records,
        exports,
    }
}

fn table_rows(rows: [usize; 6]) -> BTreeMap<String, usize> {
    TABLES.iter().map(|t| t.to_string()).zip(rows).collect()
}

#[test]
fn a_deleted_study_leaves_every_read_and_a_restore_brings_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut fx = build(&dir.path().join("db"));
    let before = seen(&mut fx.store, dir.path());
    // The fixture by hand: study A holds S1-S4 (9 women, 5 men; 8 lines, 2 tally cells, 2
    // findings, 3 recommendations; code X-1 twice), study B holds S5 (2 men, 2 lines).
    // Duplicates: code X-1 twice, and two alike gendarmes in S2.
    assert_eq!(before.dashboard, (5, 9, 7, 3, 2));
    assert_eq!(before.sessions.len(), 5);
    let all = table_rows([2, 5, 10, 2, 2, 3]);
    assert_eq!(before.exports["csv"], all);
    assert_eq!(before.exports["xlsx"], all);
    assert_eq!(before.exports["json"], all);

    fx.store.delete(Entity::Study, &fx.study_a).unwrap();
    let gone = seen(&mut fx.store, dir.path());
    assert_eq!(
        gone.sessions,
        vec![fx.s[4].clone()],
        "only study B's session"
    );
    assert_eq!(gone.studies, vec![(fx.study_b.clone(), 1, 0, 2)]);
    assert_eq!(gone.dashboard, (1, 0, 2, 0, 0));
    let only_b = BTreeMap::from([
        ("study", 1),
        ("session", 1),
        ("participant", 2),
        ("tally", 0),
        ("finding", 0),
        ("recommendation", 0),
    ]);
    assert_eq!(gone.records, only_b);
    let b_rows = table_rows([1, 1, 2, 0, 0, 0]);
    for format in ["csv", "xlsx", "json"] {
        assert_eq!(gone.exports[format], b_rows, "{format}");
    }
    // A dashboard or an export of the deleted study alone is empty; its report is refused.
    let conn = fx.store.conn();
    let only_a = StatsFilter {
        filter: query::SessionFilter {
            study_id: Some(fx.study_a.clone()),
            ..Default::default()
        },
        ..Default::default()
    };
    let d = stats::dashboard(conn, &only_a).unwrap();
    assert_eq!(
        (d.sessions.sessions, d.people.women, d.recommendations.total),
        (0, 0, 0)
    );
    let refused = report::study_report(conn, &fx.study_a, Lang::Fr, None).unwrap_err();
    assert_eq!(refused.code(), "study_deleted");
    assert!(refused.message(Lang::Fr).contains("corbeille"), "{refused}");
    // The bin holds the study alone: restoring it is what brings the rest back.
    let bin = query::deleted_records(conn).unwrap();
    assert_eq!(
        bin.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        vec![fx.study_a.clone()]
    );
    // A record of the deleted study is still there for whoever asks for deleted records.
    let with_deleted = ListOptions {
        include_deleted: true,
        ..Default::default()
    };
    assert_eq!(
        query::list(conn, Entity::Participant, &with_deleted)
            .unwrap()
            .len(),
        10
    );

    fx.store.restore(Entity::Study, &fx.study_a).unwrap();
    let back = seen(&mut fx.store, dir.path());
    assert_eq!(back, before);
    let report = report::study_report(fx.store.conn(), &fx.study_a, Lang::Fr, None).unwrap();
    assert_eq!(report.methodology.sessions, 4);
    // And the store still takes a normal write.
    create(
        &mut fx.store,
        Entity::Session,
        json!({"study_id": fx.study_a, "session_type": "workshop", "date": "2025-04-01"}),
    );
    assert_eq!(seen(&mut fx.store, dir.path()).sessions.len(), 6);
}

#[test]
fn a_deleted_session_in_a_live_study_is_hidden_alone_and_stays_deleted_through_a_study_restore() {
    let dir = tempfile::tempdir().unwrap();
    let mut fx = build(&dir.path().join("db"));
    let conn_totals = |s: &Store| {
        let d = stats::dashboard(s.conn(), &StatsFilter::default()).unwrap();
        (d.sessions.sessions, d.people.women, d.people.men)
    };
    // S1: 7 women (3 lines and a tally cell of 4), one finding.
    fx.store.delete(Entity::Session, &fx.s[0]).unwrap();
    assert_eq!(conn_totals(&fx.store), (4, 2, 7));
    let listed = query::sessions(fx.store.conn(), &SessionQuery::default()).unwrap();
    assert!(listed.iter().all(|s| s.id != fx.s[0]));
    assert_eq!(
        query::list(fx.store.conn(), Entity::Finding, &ListOptions::default())
            .unwrap()
            .len(),
        1
    );
    // What deleting the study would take now leaves S1 out: it is in the bin already.
    let h = query::holdings(fx.store.conn(), Entity::Study, &fx.study_a).unwrap();
    assert_eq!((h.sessions, h.people, h.findings), (3, 7, 1));

    fx.store.delete(Entity::Study, &fx.study_a).unwrap();
    fx.store.restore(Entity::Study, &fx.study_a).unwrap();
    assert_eq!(conn_totals(&fx.store), (4, 2, 7), "S1 stays deleted");
    fx.store.restore(Entity::Session, &fx.s[0]).unwrap();
    assert_eq!(conn_totals(&fx.store), (5, 9, 7));
}

#[test]
fn what_a_delete_takes_is_counted_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let fx = build(&dir.path().join("db"));
    let conn = fx.store.conn();
    let a = query::holdings(conn, Entity::Study, &fx.study_a).unwrap();
    assert_eq!(
        a,
        Holdings {
            sessions: 4,
            people: 14,
            attendance_lines: 8,
            tally_sheets: 2,
            findings: 2,
            recommendations: 3,
            responses: 0,
        }
    );
    assert_eq!(
        a.describe(Lang::Fr),
        "4 séances, 14 personnes, 2 constats, 3 recommandations"
    );
    assert_eq!(
        a.describe(Lang::En),
        "4 sessions, 14 people, 2 findings, 3 recommendations"
    );
    let s1 = query::holdings(conn, Entity::Session, &fx.s[0]).unwrap();
    assert_eq!(
        s1.describe(Lang::Fr),
        "7 personnes, 3 lignes de présence, 1 décompte, 1 constat"
    );
    let s3 = query::holdings(conn, Entity::Session, &fx.s[2]).unwrap();
    assert_eq!(s3.describe(Lang::En), "1 person, 1 attendance line");
    // A record that holds nothing, and an id that is nowhere.
    assert!(query::holdings(conn, Entity::Recommendation, &fx.r[0])
        .unwrap()
        .is_empty());
    assert!(query::holdings(conn, Entity::Study, "no-such-study")
        .unwrap()
        .is_empty());
    // The deleted study's holdings are what a restore would bring back.
    let mut store = fx.store;
    store.delete(Entity::Study, &fx.study_a).unwrap();
    assert_eq!(
        query::holdings(store.conn(), Entity::Study, &fx.study_a).unwrap(),
        a
    );
}

fn sessions_of(store: &Store) -> Vec<String> {
    query::sessions(store.conn(), &SessionQuery::default())
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect()
}

fn send(dir: &Path, from: &Store, to: &mut Store, study: &str) {
    let p = dir.join(format!("{}.terrain", uuid::Uuid::new_v4()));
    let target = ExportTarget::For(to.node_id().to_string());
    bundle::export_bundle(from, study, &target, &p, &mut |_| {}).unwrap();
    bundle::import_bundle(to, &p, &mut |_| {}).unwrap();
}

#[test]
fn a_deleted_study_invites_no_laptop_until_it_is_restored() {
    let dir = tempfile::tempdir().unwrap();
    let mut lead = Store::open_in_dir(&dir.path().join("lead")).unwrap();
    let field = Store::open_in_dir(&dir.path().join("field")).unwrap();
    let study = lead
        .create(Entity::Study, &fields(json!({"title": "Mopti"})))
        .unwrap();
    lead.delete(Entity::Study, &study).unwrap();
    let held = |store: &Store| -> (String, i64) {
        let entries = store
            .conn()
            .query_row("SELECT count(*) FROM roster_entries", [], |r| r.get(0))
            .unwrap();
        (sync::dump_string(store.conn(), None).unwrap(), entries)
    };
    let before = held(&lead);
    let refused = sync::invite(&lead, &study, Role::Enumerator).unwrap_err();
    assert_eq!(refused.code(), "study_deleted");
    assert!(refused.message(Lang::Fr).contains("Mopti"), "{refused}");
    assert!(refused.message(Lang::En).contains("invite"), "{refused}");
    // Nothing was written: no invitation in the roster, no key made for it.
    assert_eq!(held(&lead), before);
    // Restored, the study invites again and the new laptop joins it.
    lead.restore(Entity::Study, &study).unwrap();
    sync::join_invitation(
        &field,
        &sync::invite(&lead, &study, Role::Enumerator).unwrap(),
    )
    .unwrap();
}

#[test]
fn a_session_received_for_a_deleted_study_stays_hidden_until_the_study_is_restored() {
    let dir = tempfile::tempdir().unwrap();
    let mut lead = Store::open_in_dir(&dir.path().join("lead")).unwrap();
    let mut field = Store::open_in_dir(&dir.path().join("field")).unwrap();
    let study = lead
        .create(Entity::Study, &fields(json!({"title": "Mopti"})))
        .unwrap();
    sync::join_invitation(
        &field,
        &sync::invite(&lead, &study, Role::Coordinator).unwrap(),
    )
    .unwrap();
    send(dir.path(), &lead, &mut field, &study);
    // The lead deletes the study while the field laptop, not knowing, records a session.
    lead.delete(Entity::Study, &study).unwrap();
    let session = field
        .create(
            Entity::Session,
            &fields(json!({"study_id": study, "session_type": "workshop", "date": "2026-01-05"})),
        )
        .unwrap();
    field
        .create(
            Entity::Participant,
            &fields(json!({"session_id": session, "sex": "female"})),
        )
        .unwrap();
    send(dir.path(), &field, &mut lead, &study);
    assert!(sessions_of(&lead).is_empty(), "hidden with its study");
    let d = stats::dashboard(lead.conn(), &StatsFilter::default()).unwrap();
    assert_eq!((d.sessions.sessions, d.people.women), (0, 0));
    // It was received all the same: restoring the study shows it.
    lead.restore(Entity::Study, &study).unwrap();
    assert_eq!(sessions_of(&lead), vec![session.clone()]);
    // And the field laptop, once told of the delete and restore, shows it too.
    send(dir.path(), &lead, &mut field, &study);
    assert_eq!(sessions_of(&field), vec![session]);
}

#[test]
fn the_demo_is_marked_removed_in_one_action_and_never_loaded_twice() {
    let (dir, mut store) = temp_store();
    let loaded = load_demo(&mut store).unwrap();
    let demo = live_demo_studies(store.conn()).unwrap();
    assert_eq!(demo.len(), 3);
    assert!(query::studies(store.conn()).unwrap().iter().all(|s| s.demo));

    // A second load is refused as such, and changes nothing.
    let before = sync::dump_string(store.conn(), None).unwrap();
    let again = load_demo(&mut store).unwrap_err();
    assert_eq!(again.code(), "demo_loaded");
    assert!(again.message(Lang::Fr).contains("deux fois"), "{again}");
    assert_eq!(sync::dump_string(store.conn(), None).unwrap(), before);

    // Real work next to the demo is not the demo's: removing the demo leaves it.
    let real = store
        .create(Entity::Study, &fields(json!({"title": "Étude réelle"})))
        .unwrap();
    let real_session = store
        .create(
            Entity::Session,
            &fields(json!({"study_id": real, "session_type": "workshop", "date": "2026-02-01"})),
        )
        .unwrap();
    let removed = remove_demo(&mut store).unwrap();
    assert_eq!(removed.studies, 3);
    assert_eq!(removed.holdings.sessions, loaded.sessions as i64);
    assert_eq!(removed.holdings.findings, loaded.findings as i64);
    assert_eq!(
        removed.holdings.people,
        (loaded.participants + loaded.people_tallied) as i64
    );
    assert_eq!(sessions_of(&store), vec![real_session]);
    let studies = query::studies(store.conn()).unwrap();
    assert_eq!(studies.len(), 1);
    assert!(!studies[0].demo);
    let d = stats::dashboard(store.conn(), &StatsFilter::default()).unwrap();
    assert_eq!((d.sessions.sessions, d.recommendations.total), (1, 0));

    // Nothing left to remove: a no-op that says so.
    assert_eq!(remove_demo(&mut store).unwrap().studies, 0);

    // Once removed (and the real study put away) it loads again, once: no doubling.
    store.delete(Entity::Study, &real).unwrap();
    let second = load_demo(&mut store).unwrap();
    assert_eq!(sessions_of(&store).len(), second.sessions as usize);
    let d = stats::dashboard(store.conn(), &StatsFilter::default()).unwrap();
    assert_eq!(d.sessions.sessions, loaded.sessions as i64);
    drop(dir);
}

#[test]
fn a_demo_mark_edited_by_hand_marks_nothing() {
    let (_dir, mut store) = temp_store();
    let study = store
        .create(Entity::Study, &fields(json!({"title": "Réelle"})))
        .unwrap();
    store
        .conn()
        .execute(
            "INSERT INTO meta(key, value) VALUES ('demo_studies', 'not json')",
            [],
        )
        .unwrap();
    assert_eq!(remove_demo(&mut store).unwrap().studies, 0);
    assert!(
        !query::get(store.conn(), Entity::Study, &study)
            .unwrap()
            .deleted
    );
}

#[test]
fn a_laptop_that_created_a_study_is_its_member() {
    let dir = tempfile::tempdir().unwrap();
    let mut maker = Store::open_in_dir(&dir.path().join("maker")).unwrap();
    assert!(sync::member_studies(&maker).unwrap().is_empty());
    // Created as the app creates it: no key made at creation.
    let study = maker
        .create(Entity::Study, &fields(json!({"title": "Kayes"})))
        .unwrap();
    assert!(sync::joined_studies(maker.conn()).unwrap().is_empty());
    assert_eq!(sync::member_studies(&maker).unwrap(), vec![study.clone()]);
    assert!(sync::study_key(maker.conn(), &study).unwrap().is_some());
    let offered = sync::offered_studies(&maker).unwrap();
    assert!(offered.iter().all(|s| s.joined), "{offered:?}");
    // Deleted, it is still offered to sync (its deletion must travel), under its own title.
    maker.delete(Entity::Study, &study).unwrap();
    let offered = sync::offered_studies(&maker).unwrap();
    assert_eq!(offered.len(), 1);
    assert_eq!(
        (offered[0].title.as_str(), offered[0].has_records),
        ("Kayes", true)
    );
    maker.restore(Entity::Study, &study).unwrap();

    // A study another laptop made, received here, makes no key here: its key comes with it.
    let mut other = Store::open_in_dir(&dir.path().join("other")).unwrap();
    let theirs = other
        .create(Entity::Study, &fields(json!({"title": "Gao"})))
        .unwrap();
    sync::join_invitation(
        &maker,
        &sync::invite(&other, &theirs, Role::Coordinator).unwrap(),
    )
    .unwrap();
    send(dir.path(), &other, &mut maker, &theirs);
    let key = sync::study_key(maker.conn(), &theirs).unwrap();
    let mut members = sync::member_studies(&maker).unwrap();
    members.sort();
    let mut want = vec![study, theirs.clone()];
    want.sort();
    assert_eq!(members, want);
    assert_eq!(
        sync::study_key(maker.conn(), &theirs).unwrap(),
        key,
        "same key"
    );
    // The demo's studies, written here, are this laptop's too.
    let (_d, mut demo) = temp_store();
    load_demo(&mut demo).unwrap();
    assert_eq!(sync::member_studies(&demo).unwrap().len(), 3);
}
