//! Revocation through a real hub (issue 12): revoking a laptop re-keys the study; the hub
//! learns the new key from the coordinator's roster, the remaining members from the hub's, and
//! the revoked laptop, which keeps the old key, is refused by name; the hub's join code rotates.

use terrain_core::schema::Role;
use terrain_core::sync;
use terrain_hub::HubError;

use crate::support::*;

fn refused_code(r: Result<terrain_hub::SyncSummary, HubError>) -> String {
    match r {
        Err(e) => e.code(),
        Ok(_) => "accepted".into(),
    }
}

fn key_version(store: &terrain_core::Store, study: &str) -> u32 {
    sync::study_access(store, study)
        .expect("access")
        .key_version
}

#[test]
fn revoking_a_laptop_re_keys_the_study_through_the_hub_and_rotates_its_join_code() {
    let lab = Lab::new();
    let mut lead = lab.store("lead");
    let (study, _) = new_study(&mut lead, "Tombouctou");
    let enumerator = sync::invite(&lead, &study, Role::Enumerator).expect("invite");
    let mut mate = lab.store("mate");
    join(&mate, &enumerator);
    let mut lost = lab.store("lost");
    join(
        &lost,
        &sync::invite(&lead, &study, Role::Enumerator).expect("invite"),
    );
    join(
        &lab.store("hub"),
        &sync::invite(&lead, &study, Role::Analyst).expect("invite"),
    );
    let hub = HubProcess::start(&lab.path("hub"), &[]);
    let code = hub.join_code.clone();
    sync(&mut lead, &hub.url, Some(&code)).expect("lead enrolled");
    sync(&mut mate, &hub.url, Some(&code)).expect("mate enrolled");
    sync(&mut lost, &hub.url, Some(&code)).expect("lost enrolled");
    // The coordinator hears of everyone's joining, then revokes the lost laptop.
    sync(&mut lead, &hub.url, None).expect("lead takes the claims");
    sync::revoke_member(&lead, &study, lost.node_id()).expect("revoke");
    assert_eq!(key_version(&lead, &study), 2);
    new_session(&mut lead, &study, "après le retrait");
    sync(&mut lead, &hub.url, None).expect("lead syncs with the new key");
    let hub_store = lab.store("hub");
    assert_eq!(
        key_version(&hub_store, &study),
        2,
        "the hub learned the new key"
    );
    let rotated = terrain_hub::registry::join_code(&hub_store).expect("code");
    assert_ne!(rotated, code, "the join code rotates");

    // The mate learns the new key from the hub's roster, and gets the news.
    sync(&mut mate, &hub.url, None).expect("mate syncs");
    assert_eq!(key_version(&mate, &study), 2);
    assert!(dump(&mate).contains("après le retrait"));

    // The lost laptop, with the old key only, is refused by name; the hub is unchanged.
    new_session(&mut lost, &study, "écrite par le portable perdu");
    let before = dump(&lab.store("hub"));
    assert_eq!(
        refused_code(sync(&mut lost, &hub.url, None)),
        "study_key_replaced"
    );
    assert_eq!(dump(&lab.store("hub")), before);
    assert_eq!(key_version(&lost, &study), 1);
    assert!(!dump(&lost).contains("après le retrait"));

    // The old join code enrols nobody any more; the new one does.
    let mut newcomer = lab.store("newcomer");
    join(
        &newcomer,
        &sync::invite(&lead, &study, Role::Enumerator).expect("invite"),
    );
    assert_eq!(key_version(&newcomer, &study), 2);
    assert_eq!(
        refused_code(sync(&mut newcomer, &hub.url, Some(&code))),
        "bad_join_code"
    );
    sync(&mut newcomer, &hub.url, Some(&rotated)).expect("enrolled with the new code");
    assert!(dump(&newcomer).contains("après le retrait"));

    // The team goes on.
    new_session(&mut mate, &study, "de l'équipière");
    sync(&mut mate, &hub.url, None).expect("mate sends");
    sync(&mut lead, &hub.url, None).expect("lead takes it");
    assert!(dump(&lead).contains("de l'équipière"));
    assert_eq!(dump(&lead), dump(&mate));
}

/// The app sharing itself as a hub shows the join code in force: it rotates when a revocation
/// reaches the shared store through a sync, not only when revoked on the share panel.
#[test]
fn a_shared_hub_shows_the_rotated_join_code_after_a_revocation_reaches_it() {
    let lab = Lab::new();
    let mut lead = lab.store("lead");
    let (study, _) = new_study(&mut lead, "Gao");
    let mut lost = lab.store("lost");
    join(
        &lost,
        &sync::invite(&lead, &study, Role::Enumerator).expect("invite"),
    );
    join(
        &lab.store("hub"),
        &sync::invite(&lead, &study, Role::Analyst).expect("invite"),
    );
    let hub = start_hub(&lab.path("hub"));
    let first = hub.info.join_code.clone();
    sync(&mut lead, &hub.info.url, Some(&first)).expect("lead enrolled");
    sync(&mut lost, &hub.info.url, Some(&first)).expect("lost enrolled");
    sync(&mut lead, &hub.info.url, None).expect("lead takes the claims");
    let shown = |info| {
        terrain_hub::share::screen(&lab.store("hub"), Some(info))
            .expect("screen")
            .share
            .expect("shared")
            .join_code
    };
    assert_eq!(shown(hub.info.clone()), first);
    sync::revoke_member(&lead, &study, lost.node_id()).expect("revoke");
    sync(&mut lead, &hub.info.url, None).expect("the revocation reaches the hub");
    assert_ne!(
        shown(hub.info.clone()),
        first,
        "the code shown is the one in force"
    );
}
