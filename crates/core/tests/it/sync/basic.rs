//! Sync scenarios on real stores: a copied database gets a new identity, a conflict is seen,
//! picked and the pick syncs, a laptop whose clock says 2036 is refused by name and drags no
//! clock, a laptop behind is flagged, an interrupted import resumes, progress is reported.

use serde_json::json;
use terrain_core::schema::Role;
use terrain_core::sync::bundle::{self, ExportTarget, ImportOptions};
use terrain_core::sync::{self, Phase};
use terrain_core::{clock, read as query, store, Entity, Error, Lang, Store, SyncError};

use crate::support::fields;

fn pair() -> (tempfile::TempDir, Store, Store, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Store::open_in_dir(&dir.path().join("a")).unwrap();
    let b = Store::open_in_dir(&dir.path().join("b")).unwrap();
    let study = a
        .create(Entity::Study, &fields(json!({"title": "Mopti"})))
        .unwrap();
    sync::join_invitation(&b, &sync::invite(&a, &study, Role::Coordinator).unwrap()).unwrap();
    (dir, a, b, study)
}

fn send(dir: &std::path::Path, from: &Store, to: &mut Store, study: &str) -> bundle::ImportReport {
    let p = dir.join(format!("{}.terrain", uuid::Uuid::new_v4()));
    let target = ExportTarget::For(to.node_id().to_string());
    bundle::export_bundle(from, study, &target, &p, &mut |_| {}).unwrap();
    bundle::import_bundle(to, &p, &mut |_| {}).unwrap()
}

#[test]
fn a_copied_database_gets_a_new_node_id_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("laptop1");
    let (id, study) = {
        let mut s = Store::open_in_dir(&original).unwrap();
        let study = s
            .create(Entity::Study, &fields(json!({"title": "Kidal"})))
            .unwrap();
        (s.node_id().to_string(), study)
    };
    let copy = dir.path().join("laptop2");
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::copy(original.join(store::DB_FILE), copy.join(store::DB_FILE)).unwrap();
    let mut c = Store::open_in_dir(&copy).unwrap();
    assert_ne!(c.node_id(), id, "the copy kept the original's node id");
    // A copy is a new device: it is not in the study's roster until invited.
    let refused = c
        .update(Entity::Study, &study, &fields(json!({"title": "Kidal 2"})))
        .unwrap_err();
    assert_eq!(refused.code(), "not_member");
    c.create(
        Entity::Place,
        &fields(json!({"name": "Tessalit", "kind": "village"})),
    )
    .unwrap();
    let writers: Vec<String> = sync::all_changes(c.conn())
        .unwrap()
        .into_iter()
        .map(|ch| ch.node)
        .collect();
    assert_eq!(
        writers.iter().filter(|n| **n == id).count(),
        2,
        "title and status from the original"
    );
    // The place: name, kind and its default map version, under the copy's id.
    assert_eq!(writers.iter().filter(|n| *n == c.node_id()).count(), 3);
    // The original, reopened in place, keeps its identity.
    assert_eq!(Store::open_in_dir(&original).unwrap().node_id(), id);
}

#[test]
fn a_conflict_is_logged_on_both_sides_and_its_resolution_syncs() {
    let (dir, mut a, mut b, study) = pair();
    let session = a
        .create(Entity::Session, &fields(json!({"study_id": study, "session_type": "focus_group", "date": "2026-05-01", "title": "Départ"})))
        .unwrap();
    send(dir.path(), &a, &mut b, &study);
    b.update(
        Entity::Session,
        &session,
        &fields(json!({"title": "Version B"})),
    )
    .unwrap();
    a.update(
        Entity::Session,
        &session,
        &fields(json!({"title": "Version A"})),
    )
    .unwrap();
    let r1 = send(dir.path(), &b, &mut a, &study);
    let r2 = send(dir.path(), &a, &mut b, &study);
    assert_eq!(
        r1.conflicts + r2.conflicts,
        2,
        "each side logs the value it did not keep"
    );
    let on_a = sync::list_conflicts(a.conn(), false).unwrap();
    let on_b = sync::list_conflicts(b.conn(), false).unwrap();
    assert_eq!(on_a, on_b);
    assert_eq!(on_a.len(), 1);
    let c = &on_a[0];
    let winner = c.winner.clone().unwrap();
    assert_ne!(c.loser.value, winner.value);
    // A value that is not one of the conflict's is refused.
    let err = sync::resolve_conflict(&mut a, &c.id, "nobody:1").unwrap_err();
    assert_eq!(err.code(), "not_a_conflict_value");
    // The supervisor on A keeps the overwritten value.
    sync::resolve_conflict(&mut a, &c.id, &c.loser.value_id).unwrap();
    assert!(sync::list_conflicts(a.conn(), false).unwrap().is_empty());
    let title = query::get(a.conn(), Entity::Session, &session)
        .unwrap()
        .fields["title"]
        .clone();
    assert_eq!(title, c.loser.value);
    send(dir.path(), &a, &mut b, &study);
    assert!(sync::list_conflicts(b.conn(), false).unwrap().is_empty());
    // The value picked is in force: nothing is lost any more, the log is empty on both
    // sides, and the pick itself travelled.
    assert!(sync::list_conflicts(b.conn(), true).unwrap().is_empty());
    let pick = query::get(b.conn(), Entity::Resolution, &c.id).unwrap();
    assert_eq!(pick.fields["picked"], json!(c.loser.value_id));
    let on_b = query::get(b.conn(), Entity::Session, &session).unwrap();
    assert_eq!(on_b.fields["title"], c.loser.value);
    assert_eq!(
        sync::dump_string(a.conn(), None).unwrap(),
        sync::dump_string(b.conn(), None).unwrap()
    );
    assert_eq!(
        sync::resolve_conflict(&mut a, "nope", "x")
            .unwrap_err()
            .code(),
        "unknown_conflict"
    );
}

/// A laptop whose clock says 2036 is refused by name, with how far ahead, before anything
/// of its bundle is applied: its stamps would otherwise beat every edit made by laptops whose
/// clock is right for ten years. Our clock is not dragged, and it still takes our news.
#[test]
fn a_laptop_in_2036_is_refused_by_name_and_drags_no_clock() {
    let (dir, mut a, mut b, study) = pair();
    send(dir.path(), &a, &mut b, &study);
    let ten_years = 10 * 365 * 24 * 3600 * 1000;
    b.set_clock_offset_ms(ten_years);
    let session = b
        .create(
            Entity::Session,
            &fields(json!({"study_id": study, "session_type": "workshop", "date": "2026-05-02"})),
        )
        .unwrap();
    let before = sync::dump_string(a.conn(), None).unwrap();
    let p = dir.path().join("2036.terrain");
    let target = ExportTarget::For(a.node_id().to_string());
    bundle::export_bundle(&b, &study, &target, &p, &mut |_| {}).unwrap();
    let e = bundle::import_bundle(&mut a, &p, &mut |_| {}).unwrap_err();
    assert_eq!(e.code(), "future_stamp");
    match &e {
        Error::Sync(SyncError::FutureStamp { node, ahead_ms }) => {
            assert_eq!(node, b.node_id());
            assert!(*ahead_ms > ten_years - 60_000, "{ahead_ms}");
        }
        other => panic!("{other:?}"),
    }
    assert!(e.message(Lang::Fr).contains(b.node_id()));
    assert!(e.message(Lang::En).contains("3649 days") || e.message(Lang::En).contains("3650 days"));
    assert_eq!(sync::dump_string(a.conn(), None).unwrap(), before);
    assert!(query::get(a.conn(), Entity::Session, &session).is_err());
    // A's next edit is stamped by its own clock (not 2036).
    a.update(Entity::Study, &study, &fields(json!({"title": "Après"})))
        .unwrap();
    let title = sync::all_changes(a.conn())
        .unwrap()
        .into_iter()
        .filter(|c| c.node == a.node_id() && c.field == "title")
        .map(|c| c.hlc)
        .max()
        .unwrap();
    assert!(
        clock::millis(title) < clock::wall_millis(0) + clock::MAX_DRIFT_MS,
        "A's clock was dragged"
    );
    // B, whose clock is ahead, still takes A's news: they are in its past.
    assert_eq!(send(dir.path(), &a, &mut b, &study).applied, 1);
}

/// A laptop whose clock fell back to 2000 (a flat CMOS battery) judges received stamps by its
/// own last stamp, not by its wall clock: it still takes its team's news, which are not "26
/// years ahead" of anything it wrote.
#[test]
fn a_laptop_whose_clock_fell_back_to_2000_still_takes_its_teams_news() {
    let (dir, mut a, mut b, study) = pair();
    send(dir.path(), &a, &mut b, &study);
    // B writes once with a right clock, then its battery dies.
    b.update(
        Entity::Study,
        &study,
        &fields(json!({"title": "Avant la panne"})),
    )
    .unwrap();
    let back_to_2000 = 946_684_800_000 - clock::wall_millis(0);
    b.set_clock_offset_ms(back_to_2000);
    let session = a
        .create(
            Entity::Session,
            &fields(json!({"study_id": study, "session_type": "workshop", "date": "2026-05-02"})),
        )
        .unwrap();
    assert!(send(dir.path(), &a, &mut b, &study).applied > 0);
    assert!(query::get(b.conn(), Entity::Session, &session).is_ok());
}

/// A bundle that waited three days on a USB stick says nothing about its writer's clock.
#[test]
fn an_old_bundle_is_not_taken_for_a_clock_behind() {
    let (dir, a, mut b, study) = pair();
    let three_days = 3 * 24 * 3600 * 1000;
    let p = dir.path().join("old.terrain");
    bundle::export_bundle(&a, &study, &ExportTarget::Full, &p, &mut |_| {}).unwrap();
    b.set_clock_offset_ms(three_days);
    let report = bundle::import_bundle(&mut b, &p, &mut |_| {}).unwrap();
    assert!(!report.clock_warning, "{report:?}");
    assert_eq!(report.clock_offset_ms, 0);
    let devs = sync::list_devices(&b).unwrap();
    let adev = devs.iter().find(|d| d.node_id == a.node_id()).unwrap();
    assert_eq!(adev.clock_warning, None);
}

/// A laptop whose clock runs three days behind is caught out by our own change it already
/// held when it wrote its bundle: it cannot have received it before we made it.
#[test]
fn a_laptop_behind_is_flagged_by_our_changes_it_held() {
    let (dir, mut a, mut b, study) = pair();
    send(dir.path(), &a, &mut b, &study);
    let three_days = 3 * 24 * 3600 * 1000;
    b.set_clock_offset_ms(-three_days);
    b.create(
        Entity::Session,
        &fields(json!({"study_id": study, "session_type": "workshop", "date": "2026-05-02"})),
    )
    .unwrap();
    let report = send(dir.path(), &b, &mut a, &study);
    assert!(report.clock_warning, "{report:?}");
    assert!(report.clock_offset_ms <= -three_days + 60_000, "{report:?}");
    let devs = sync::list_devices(&a).unwrap();
    let bdev = devs.iter().find(|d| d.node_id == b.node_id()).unwrap();
    assert_eq!(bdev.clock_warning, Some(sync::ClockWarning::Behind));
}

#[test]
fn an_interrupted_import_resumes_and_progress_is_reported() {
    let (dir, mut a, mut b, study) = pair();
    for i in 0..20 {
        a.create(
            Entity::Session,
            &fields(json!({"study_id": study, "session_type": "restitution", "date": "2026-06-01", "title": format!("S{i}")})),
        )
        .unwrap(); // As if A had sent something after each: a segment each, so batches of 7 can end.
        sync::seal_own(&a).unwrap();
    }
    let p = dir.path().join("big.terrain");
    let mut phases = Vec::new();
    let report = bundle::export_bundle_with(&a, &study, &ExportTarget::Full, &p, 7, &mut |pr| {
        phases.push(pr)
    })
    .unwrap();
    assert!(report.batches > 5);
    assert!(phases.iter().all(|p| p.phase == Phase::Writing));
    assert_eq!(phases.last().unwrap().done, report.changes);
    let opts = ImportOptions {
        stop_after_batches: Some(3),
        ..Default::default()
    };
    let partial = bundle::import_bundle_with(&mut b, &p, &opts, &mut |_| {}).unwrap();
    // Three batches of at least 7 changes, each ending at a signed segment's end.
    let three = partial.applied;
    assert!(three >= 21 && three < report.changes, "{three}");
    assert_ne!(
        sync::dump_string(b.conn(), None).unwrap(),
        sync::dump_string(a.conn(), None).unwrap()
    );
    let mut seen = Vec::new();
    let rest = bundle::import_bundle(&mut b, &p, &mut |pr| seen.push(pr)).unwrap();
    assert_eq!(rest.already_known, three);
    assert_eq!(rest.applied, report.changes - three);
    assert!(seen.iter().any(|p| p.phase == Phase::Checking));
    assert_eq!(seen.last().unwrap().phase, Phase::Applying);
    assert_eq!(
        sync::dump_string(b.conn(), None).unwrap(),
        sync::dump_string(a.conn(), None).unwrap()
    );
    // B's delta back to A carries nothing A lacks; A learns what B holds.
    let back = send(dir.path(), &b, &mut a, &study);
    assert_eq!(back.applied, 0);
    let held_b = sync::held_vector(b.conn(), &study).unwrap();
    assert_eq!(
        sync::peer_vector(a.conn(), b.node_id(), &study).unwrap(),
        held_b
    );
    // A's next delta for B holds only the new change.
    a.create(
        Entity::Session,
        &fields(json!({"study_id": study, "session_type": "restitution", "date": "2026-06-02"})),
    )
    .unwrap();
    let q = dir.path().join("delta.terrain");
    let d = bundle::export_bundle(
        &a,
        &study,
        &ExportTarget::For(b.node_id().into()),
        &q,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(d.changes, 3);
}

#[test]
fn shared_places_travel_with_every_study() {
    let (dir, mut a, mut b, s1) = pair();
    let s2 = a
        .create(Entity::Study, &fields(json!({"title": "Deuxième"})))
        .unwrap();
    sync::join_invitation(&b, &sync::invite(&a, &s2, Role::Coordinator).unwrap()).unwrap();
    let village = a
        .create(
            Entity::Place,
            &fields(json!({"name": "Sanankoroba", "kind": "village"})),
        )
        .unwrap();
    let r = send(dir.path(), &a, &mut b, &s2);
    assert_eq!(r.new_records, 2, "the study and the shared place");
    assert!(query::get(b.conn(), Entity::Place, &village).is_ok());
    // The other study's sync still knows B holds the place: nothing is sent twice.
    let p = dir.path().join("s1.terrain");
    let back = dir.path().join("back.terrain");
    bundle::export_bundle(
        &b,
        &s1,
        &ExportTarget::For(a.node_id().into()),
        &back,
        &mut |_| {},
    )
    .unwrap();
    bundle::import_bundle(&mut a, &back, &mut |_| {}).unwrap();
    let d = bundle::export_bundle(
        &a,
        &s1,
        &ExportTarget::For(b.node_id().into()),
        &p,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(d.changes, 2, "only study 1's own changes (title, status)");
    bundle::import_bundle(&mut b, &p, &mut |_| {}).unwrap();
    assert_eq!(
        sync::dump_string(a.conn(), None).unwrap(),
        sync::dump_string(b.conn(), None).unwrap()
    );
}
