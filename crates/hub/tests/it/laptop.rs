//! A laptop's sync as the desktop app and `terrain sync` start it: the address as typed, every
//! study it joined, the join code on the first sync, cancel, revoke.

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
