//! A laptop's sync as the desktop app and `terrain sync` start it: the address as typed, every
//! study it joined or created, the join code on the first sync, cancel, revoke.

use std::sync::atomic::AtomicBool;

use serde_json::json;
use terrain_core::{Entity, Store};
use terrain_hub::{registry, HubError, LocalHub, Stage, SyncOptions, SyncSummary};

use crate::support::{fields, join, new_session, new_study, Lab};

fn sync_joined(
    store: &mut Store,
    url: &str,
    join_code: Option<&str>,
    cancelled: bool,
) -> Result<SyncSummary, HubError> {
    let opts = SyncOptions {
        join_code: join_code.map(str::to_string),
        ..SyncOptions::default()
    };
    let cancel = AtomicBool::new(cancelled);
    terrain_hub::sync_joined(store, url, &opts, &mut |_| {}, &cancel)
}

fn code(r: Result<SyncSummary, HubError>) -> Option<String> {
    r.err().map(|e| e.code())
}

#[test]
fn a_laptop_syncs_its_joined_studies_with_a_shared_laptop_and_can_be_revoked() {
    let lab = Lab::new();
    let mut a = lab.store("a");
    let (segou, segou_invite) = new_study(&mut a, "Études à Ségou");
    let session = new_session(&mut a, &segou, "Pelengana");
    for sex in ["female", "male"] {
        let line = fields(&[("session_id", json!(session)), ("sex", json!(sex))]);
        a.create(Entity::Participant, &line).expect("participant");
    }
    let mut b = lab.store("b");
    assert_eq!(
        code(sync_joined(&mut b, "127.0.0.1:9", None, false)).as_deref(),
        Some("no_joined_study")
    );
    join(&b, &segou_invite);
    // b also joined a study the shared laptop does not hold: it is named, not synced.
    let mut c = lab.store("c");
    let (kayes, kayes_invite) = new_study(&mut c, "Étude de Kayes");
    join(&b, &kayes_invite);

    let hub = LocalHub::start(a.path(), "127.0.0.1:0").expect("share");
    let url = hub.info.urls[0].clone();
    assert_eq!(hub.info.urls, vec![format!("http://{}", hub.info.address)]);
    assert_eq!(
        code(sync_joined(&mut b, &url, None, false)).as_deref(),
        Some("need_join_code")
    );
    assert_eq!(
        code(sync_joined(&mut b, "ftp://x", None, false)).as_deref(),
        Some("bad_url")
    );

    let mut stages = Vec::new();
    let opts = SyncOptions {
        join_code: Some(format!(" {} ", hub.info.join_code)),
        ..SyncOptions::default()
    };
    let summary = terrain_hub::sync_joined(
        &mut b,
        url.trim_start_matches("http://"),
        &opts,
        &mut |p| stages.push(p.stage),
        &AtomicBool::new(false),
    )
    .expect("sync");
    assert!(summary.enrolled);
    assert_eq!(
        terrain_core::sync::hub_url(&b).expect("hub url"),
        Some(url.clone())
    );
    assert_eq!(summary.studies.len(), 1);
    assert_eq!(summary.studies[0].title, "Études à Ségou");
    assert_eq!(summary.studies[0].new_records, 4);
    assert_eq!(summary.skipped_studies, vec![kayes]);
    assert_eq!(summary.skipped_titles, vec!["Étude de Kayes".to_string()]);
    assert!(stages.contains(&Stage::Pulling) && stages.last() == Some(&Stage::Done));

    let enrolled = registry::list(a.conn()).expect("enrolled");
    assert_eq!(enrolled.len(), 1);
    assert_eq!(enrolled[0].node_id, b.node_id());
    registry::revoke_device(a.conn(), b.node_id()).expect("revoke");
    let gone = registry::revoke_device(a.conn(), "no-such-node").expect_err("unknown");
    assert_eq!(gone.code(), "unknown_device");
    assert_eq!(
        code(sync_joined(&mut b, &url, None, false)).as_deref(),
        Some("revoked")
    );
    hub.stop().expect("stop");

    let hub = LocalHub::start(a.path(), "127.0.0.1:0").expect("share again");
    assert_eq!(
        code(sync_joined(&mut b, &hub.info.url, None, true)).as_deref(),
        Some("cancelled")
    );
    hub.stop().expect("stop");
}

#[test]
fn a_laptop_that_created_a_study_is_not_told_it_joined_none() {
    let lab = Lab::new();
    // Created as the desktop app creates a study: no key is made at creation. Made first,
    // its id sorts first: the sync meets it before the study the hub holds.
    let mut maker = lab.store("maker");
    let study = maker
        .create(Entity::Study, &fields(&[("title", json!("Étude de Kita"))]))
        .expect("study");
    let mut shared = lab.store("shared");
    let (segou, segou_invite) = new_study(&mut shared, "Études à Ségou");
    assert!(study < segou);
    let hub = LocalHub::start(shared.path(), "127.0.0.1:0").expect("share");
    // It is a member of its study: the next step asked is the hub's enrolment code.
    assert_eq!(
        code(sync_joined(&mut maker, &hub.info.url, None, false)).as_deref(),
        Some("need_join_code")
    );
    // The hub does not hold it (nobody invited it there): that is what it is told.
    assert_eq!(
        code(sync_joined(
            &mut maker,
            &hub.info.url,
            Some(hub.info.join_code.as_str()),
            false
        ))
        .as_deref(),
        Some("no_common_study")
    );
    assert!(terrain_core::sync::study_key(maker.conn(), &study)
        .expect("key")
        .is_some());
    // Joined to the hub's study as well, it enrols, syncs that one and names its own.
    join(&maker, &segou_invite);
    let summary = sync_joined(
        &mut maker,
        &hub.info.url,
        Some(hub.info.join_code.as_str()),
        false,
    )
    .expect("sync");
    assert!(summary.enrolled);
    assert_eq!(summary.studies.len(), 1);
    assert_eq!(summary.studies[0].study, segou);
    assert_eq!(summary.skipped_studies, vec![study.clone()]);
    assert_eq!(summary.skipped_titles, vec!["Étude de Kita".to_string()]);
    // A laptop with truly no study is told what to do, in French and English.
    let mut empty = lab.store("empty");
    let err = sync_joined(&mut empty, &hub.info.url, None, false).expect_err("none");
    assert_eq!(err.code(), "no_joined_study");
    assert!(err
        .message(terrain_core::Lang::Fr)
        .contains("créez-en une dans Études"));
    assert!(err
        .message(terrain_core::Lang::En)
        .contains("create one in Studies"));
    hub.stop().expect("stop");
}
