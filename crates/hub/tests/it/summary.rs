//! The sync summary counts the same whatever the batch size: a record received in one batch
//! is new, not updated, in the next (a first pull of 20k records in batches of 1 once
//! reported 18,052 "updated fields").

use std::sync::atomic::AtomicBool;

use serde_json::json;
use terrain_core::{Entity, Store};
use terrain_hub::{StudySummary, SyncOptions};

use crate::support::{dump, fields, join, new_session, new_study, opts, start_hub, Lab};

fn pull(store: &mut Store, url: &str, code: &str, batch: usize) -> StudySummary {
    let opts = SyncOptions {
        batch,
        ..opts(Some(code))
    };
    let summary =
        terrain_hub::sync(store, url, &opts, &mut |_| {}, &AtomicBool::new(false)).expect("sync");
    summary.studies.into_iter().next().expect("one study")
}

#[test]
fn a_sync_in_batches_of_one_counts_new_records_and_updated_fields_as_one_batch_does() {
    let lab = Lab::new();
    let mut a = lab.store("a");
    let (study, invite) = new_study(&mut a, "Étude de Mopti");
    let session = new_session(&mut a, &study, "Sévaré");
    let mut people = Vec::new();
    for i in 0..12 {
        let sex = if i % 2 == 0 { "female" } else { "male" };
        let line = fields(&[("session_id", json!(session)), ("sex", json!(sex))]);
        people.push(a.create(Entity::Participant, &line).expect("participant"));
    }
    let hub = start_hub(a.path());
    let url = hub.info.urls[0].clone();
    let code = hub.info.join_code.clone();
    let (mut whole, mut small) = (lab.store("whole"), lab.store("small"));
    join(&whole, &invite);
    join(&small, &invite);

    let at_once = pull(&mut whole, &url, &code, 10_000);
    let one_by_one = pull(&mut small, &url, &code, 1);
    assert_eq!(at_once.new_records, 14, "the study, its session, 12 people");
    assert_eq!(at_once.updated_fields, 0);
    assert_eq!(one_by_one.new_records, at_once.new_records);
    assert_eq!(one_by_one.updated_fields, 0, "{one_by_one:?}");
    assert!(one_by_one.received > 14, "many batches: {one_by_one:?}");

    // Then edits of records both held before: counted as updated, once each.
    let edit = fields(&[
        ("title", json!("Sévaré 2")),
        ("duration_minutes", json!(90)),
    ]);
    a.update(Entity::Session, &session, &edit).expect("edit");
    let person = fields(&[("sex", json!("male"))]);
    a.update(Entity::Participant, &people[0], &person)
        .expect("edit");
    let at_once = pull(&mut whole, &url, &code, 10_000);
    let one_by_one = pull(&mut small, &url, &code, 1);
    assert_eq!((at_once.new_records, at_once.updated_fields), (0, 3));
    assert_eq!((one_by_one.new_records, one_by_one.updated_fields), (0, 3));
    assert_eq!(dump(&whole), dump(&small));
    hub.stop().expect("stop");
}
