//! An import's summary counts the same whatever the bundle's batch size: a record received
//! in one batch is new, not updated, in the next.

use serde_json::json;
use terrain_core::schema::Role;
use terrain_core::sync::bundle::{self, ExportTarget, ImportReport};
use terrain_core::{sync, Entity, Store};

use crate::support::fields;

fn send(
    dir: &std::path::Path,
    from: &Store,
    to: &mut Store,
    study: &str,
    batch: usize,
) -> ImportReport {
    let p = dir.join(format!("{}.terrain", uuid::Uuid::new_v4()));
    let target = ExportTarget::For(to.node_id().to_string());
    bundle::export_bundle_with(from, study, &target, &p, batch, &mut |_| {}).unwrap();
    bundle::import_bundle(to, &p, &mut |_| {}).unwrap()
}

#[test]
fn a_bundle_in_batches_of_one_counts_new_records_and_updated_fields_as_one_batch_does() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Store::open_in_dir(&dir.path().join("a")).unwrap();
    let study = a
        .create(Entity::Study, &fields(json!({"title": "Tombouctou"})))
        .unwrap();
    let session = a
        .create(
            Entity::Session,
            &fields(json!({"study_id": study, "session_type": "focus_group",
                           "date": "2026-04-02", "title": "Marché"})),
        )
        .unwrap();
    let mut people = Vec::new();
    for i in 0..12 {
        let sex = if i % 2 == 0 { "female" } else { "male" };
        let line = fields(json!({"session_id": session, "sex": sex, "age_band": "25_35"}));
        people.push(a.create(Entity::Participant, &line).unwrap());
    }
    let invite = sync::invite(&a, &study, Role::Coordinator).unwrap();
    let mut whole = Store::open_in_dir(&dir.path().join("whole")).unwrap();
    let mut small = Store::open_in_dir(&dir.path().join("small")).unwrap();
    sync::join_invitation(&whole, &invite).unwrap();
    sync::join_invitation(&small, &invite).unwrap();

    let at_once = send(dir.path(), &a, &mut whole, &study, bundle::BATCH_SIZE);
    let one_by_one = send(dir.path(), &a, &mut small, &study, 1);
    assert_eq!(at_once.new_records, 14, "the study, its session, 12 people");
    assert_eq!(at_once.updated_fields, 0);
    assert_eq!(one_by_one.new_records, 14);
    assert_eq!(one_by_one.updated_fields, 0, "{one_by_one:?}");

    // Edits of records both held before: counted as updated.
    a.update(
        Entity::Session,
        &session,
        &fields(json!({"title": "Marché 2", "duration_minutes": 90})),
    )
    .unwrap();
    a.update(
        Entity::Participant,
        &people[0],
        &fields(json!({"sex": "male"})),
    )
    .unwrap();
    let at_once = send(dir.path(), &a, &mut whole, &study, bundle::BATCH_SIZE);
    let one_by_one = send(dir.path(), &a, &mut small, &study, 1);
    assert_eq!((at_once.new_records, at_once.updated_fields), (0, 3));
    assert_eq!((one_by_one.new_records, one_by_one.updated_fields), (0, 3));
    assert_eq!(
        sync::dump_string(whole.conn(), None).unwrap(),
        sync::dump_string(small.conn(), None).unwrap()
    );
}
