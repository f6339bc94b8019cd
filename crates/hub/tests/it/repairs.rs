//! A store that repaired a field stamped in the future syncs through a real hub on 127.0.0.1:
//! the hub never held the 2036 value and takes it with its repair; a fresh laptop pulls both
//! without `future_stamp`; the field is then edited normally and every laptop converges.

use std::sync::atomic::AtomicBool;

use serde_json::json;
use terrain_core::sync::bundle::{self, ExportTarget};
use terrain_core::{read, sync as core_sync, Entity, Store};
use terrain_hub::{HubError, SyncOptions, SyncSummary};

use crate::support::{dump, fields, join, new_session, new_study, opts, start_hub, sync, Lab};

const TEN_YEARS_MS: i64 = 10 * 365 * 24 * 3600 * 1000;

/// A sync whose batches hold one segment each (each laptop's transaction is one): the value
/// and its repair travel in different batches, so the order the sender plans them in counts.
fn sync_batch_by_batch(
    store: &mut Store,
    url: &str,
    join_code: Option<&str>,
) -> Result<SyncSummary, HubError> {
    let one = SyncOptions {
        batch: 1,
        ..opts(join_code)
    };
    terrain_hub::sync(store, url, &one, &mut |_| {}, &AtomicBool::new(false))
}

#[test]
fn a_repaired_store_syncs_through_a_hub_with_a_fresh_laptop() {
    let lab = Lab::new();
    let mut lead = lab.store("lead");
    let (study, invite) = new_study(&mut lead, "Kayes");
    let session = new_session(&mut lead, &study, "Avant");
    let hub_store = lab.store("hub");
    join(&hub_store, &invite);
    drop(hub_store);
    let hub = start_hub(&lab.path("hub"));
    let (url, code) = (hub.info.url.clone(), hub.info.join_code.clone());
    sync(&mut lead, &url, Some(&code)).expect("lead");

    // A laptop whose clock ran ten years ahead retitles the session; the lead takes it by USB
    // while its own clock ran nearly as far ahead.
    let mut far = lab.store("far");
    join(&far, &invite);
    sync(&mut far, &url, Some(&code)).expect("far's first sync");
    far.set_clock_offset_ms(TEN_YEARS_MS);
    far.update(
        Entity::Session,
        &session,
        &fields(&[("title", json!("Futur"))]),
    )
    .expect("far's edit");
    let usb = lab.dir.path().join("far.terrain");
    let target = ExportTarget::For(lead.node_id().to_string());
    bundle::export_bundle(&far, &study, &target, &usb, &mut |_| {}).expect("export");
    lead.set_clock_offset_ms(TEN_YEARS_MS - 2 * 3600 * 1000);
    bundle::import_bundle(&mut lead, &usb, &mut |_| {}).expect("import");
    lead.set_clock_offset_ms(0);
    let frozen = lead
        .update(
            Entity::Session,
            &session,
            &fields(&[("title", json!("Non"))]),
        )
        .expect_err("frozen");
    assert_eq!(frozen.code(), "future_value");

    // The lead repairs it and pushes the repair with the value to a hub that never held it.
    assert_eq!(
        core_sync::future_values(&lead, &study).expect("list").len(),
        1
    );
    core_sync::repair_field(&mut lead, &study, (Entity::Session, &session, "title"))
        .expect("repair");
    sync_batch_by_batch(&mut lead, &url, None).expect("the hub takes the value with its repair");
    assert!(core_sync::future_values(&lab.store("hub"), &study)
        .expect("hub")
        .is_empty());

    // A fresh laptop pulls both, and edits the field normally.
    let mut fresh = lab.store("fresh");
    join(&fresh, &invite);
    sync_batch_by_batch(&mut fresh, &url, Some(&code)).expect("a fresh laptop pulls both");
    assert_eq!(dump(&fresh), dump(&lead));
    assert!(core_sync::future_values(&fresh, &study)
        .expect("fresh")
        .is_empty());
    fresh
        .update(
            Entity::Session,
            &session,
            &fields(&[("title", json!("Ensuite"))]),
        )
        .expect("a normal edit");
    sync(&mut fresh, &url, None).expect("fresh pushes");
    sync(&mut lead, &url, None).expect("lead pulls");
    // The far laptop, its clock set right, takes the repair and the edit.
    far.set_clock_offset_ms(0);
    sync(&mut far, &url, None).expect("far pulls");
    for s in [&lead, &fresh, &far] {
        let title = read::get(s.conn(), Entity::Session, &session).expect("session");
        assert_eq!(title.fields["title"], json!("Ensuite"));
        assert!(core_sync::list_conflicts(s.conn(), false)
            .expect("conflicts")
            .is_empty());
    }
    assert_eq!(dump(&lead), dump(&fresh));
    assert_eq!(dump(&far), dump(&fresh));
    hub.stop().expect("stop");
}
