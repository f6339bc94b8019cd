//! Names sealed to headquarters through a real hub (issue 13, slice 4): the study's HQ key
//! travels in the hub's roster exchange; a field laptop that learns it there seals what it
//! writes; the hub (a relay without the key) keeps only ciphertext and shows the marker; the
//! HQ store reads the names.

use serde_json::json;
use terrain_core::changes::SEALED_MARKER;
use terrain_core::read;
use terrain_core::schema::Role;
use terrain_core::{sync, Entity};

use crate::support::*;

const NAME: &str = "Fatoumata Coulibaly-Canari";

#[test]
fn the_hq_key_travels_through_the_hub_and_the_hub_keeps_only_ciphertext() {
    let lab = Lab::new();
    let mut lead = lab.store("lead");
    let (study, _) = new_study(&mut lead, "Gao");
    let session = new_session(&mut lead, &study, "réunion");
    let mut field = lab.store("field");
    join(
        &field,
        &sync::invite(&lead, &study, Role::Enumerator).expect("invite"),
    );
    let mut hq = lab.store("hq");
    join(
        &hq,
        &sync::invite(&lead, &study, Role::Supervisor).expect("invite"),
    );
    join(
        &lab.store("hub"),
        &sync::invite(&lead, &study, Role::Analyst).expect("invite"),
    );
    let hub = HubProcess::start(&lab.path("hub"), &[]);
    let code = hub.join_code.clone();
    for s in [&mut lead, &mut field, &mut hq] {
        sync(s, &hub.url, Some(&code)).expect("enrolled");
    }
    // The coordinator sets the key headquarters made; the field laptop hears of it by the hub.
    let public = sync::hq_keygen(&hq).expect("keygen");
    sync::set_hq_key(&lead, &study, &public).expect("set");
    sync(&mut lead, &hub.url, None).expect("lead syncs");
    sync(&mut field, &hub.url, None).expect("field syncs");
    let fingerprint = sync::study_hq(&hq, &study).expect("hq").fingerprint;
    assert_eq!(
        sync::study_hq(&field, &study).expect("field").fingerprint,
        sync::study_hq(&lead, &study).expect("lead").fingerprint,
    );
    assert!(sync::study_hq(&field, &study)
        .expect("field")
        .fingerprint
        .is_some());
    let id = field
        .create(
            Entity::Participant,
            &fields(&[
                ("session_id", json!(session)),
                ("sex", json!("female")),
                ("name", json!(NAME)),
            ]),
        )
        .expect("participant");
    sync(&mut field, &hub.url, None).expect("field sends");
    let hub_store = lab.store("hub");
    assert!(!dump(&hub_store).contains(NAME));
    assert!(dump(&hub_store).contains("sealed:1:"));
    let on_hub = read::get(hub_store.conn(), Entity::Participant, &id).expect("held");
    assert_eq!(on_hub.text("name"), Some(SEALED_MARKER));
    drop(hub_store);
    for file in ["hub.db", "hub.db-wal", "field.db", "field.db-wal"] {
        let bytes = std::fs::read(lab.dir.path().join(file)).unwrap_or_default();
        assert!(
            !bytes.windows(NAME.len()).any(|w| w == NAME.as_bytes()),
            "{file}"
        );
    }
    sync(&mut hq, &hub.url, None).expect("hq syncs");
    let at_hq = read::get(hq.conn(), Entity::Participant, &id).expect("held");
    assert_eq!(at_hq.text("name"), Some(NAME));
    assert!(sync::study_hq(&hq, &study).expect("hq").held_here);
    assert_eq!(
        fingerprint, None,
        "headquarters had not heard of its key before its sync"
    );
}
