//! Bad requests to a hub on 127.0.0.1 get a clear refusal and change nothing.

use std::time::Duration;

use terrain_core::sync;
use terrain_hub::auth::{self, Signed};
use terrain_hub::protocol::*;
use terrain_hub::seal::{self, Context, Way};
use terrain_hub::HubError;

use crate::support::*;

struct Raw {
    agent: ureq::Agent,
    url: String,
}

impl Raw {
    fn new(url: &str) -> Raw {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build();
        Raw {
            agent: config.into(),
            url: url.to_string(),
        }
    }

    /// Posts a body with headers; returns (status, code of the refusal or "").
    fn post(&self, path: &str, headers: &[(&str, String)], body: &[u8]) -> (u16, String) {
        let mut req = self.agent.post(format!("{}{path}", self.url));
        for (h, v) in headers {
            req = req.header(*h, v);
        }
        let mut resp = req.send(body).expect("hub answers");
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        let code = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v["code"].as_str().map(str::to_string))
            .unwrap_or_default();
        (status, code)
    }
}

/// A correctly signed and sealed state request from an enrolled laptop.
fn state_request(
    store: &terrain_core::Store,
    study: &str,
) -> (Vec<(&'static str, String)>, Vec<u8>) {
    let key = sync::device_key(store).expect("device key");
    let study_key = sync::study_key(store.conn(), study)
        .expect("key")
        .expect("joined");
    let signed = Signed {
        protocol: PROTOCOL_VERSION,
        study: study.to_string(),
        node: store.node_id().to_string(),
        time_ms: chrono::Utc::now().timestamp_millis(),
        nonce: auth::new_nonce(),
    };
    let ctx = Context {
        study,
        node: store.node_id(),
        path: PATH_STATE,
        nonce: &signed.nonce,
        way: Way::Request,
    };
    let plain = serde_json::to_vec(&StateRequest {
        wall_ms: signed.time_ms,
        label: None,
    })
    .expect("json");
    let body = seal::seal(&study_key, &ctx, &plain);
    (auth::sign(&key, "POST", PATH_STATE, &signed, &body), body)
}

fn refused_code(r: Result<terrain_hub::SyncSummary, HubError>) -> String {
    match r {
        Err(e) => e.code(),
        Ok(_) => "accepted".into(),
    }
}

#[test]
fn the_hub_refuses_bad_requests_and_changes_nothing() {
    let lab = Lab::new();
    let mut laptop = lab.store("laptop");
    let (study, invite) = new_study(&mut laptop, "Kidal");
    new_session(&mut laptop, &study, "Anéfis");
    let hub_store = lab.store("hub");
    join(&hub_store, &invite);
    drop(hub_store);
    let hub = start_hub(&lab.path("hub"));
    let url = hub.info.url.clone();
    let raw = Raw::new(&url);

    // Not enrolled: no code, wrong code.
    assert_eq!(
        refused_code(sync(&mut laptop, &url, None)),
        "need_join_code"
    );
    assert_eq!(
        refused_code(sync(&mut laptop, &url, Some("AAAA-BBBB-CCCC"))),
        "bad_join_code"
    );
    let before = dump(&lab.store("hub"));
    sync(&mut laptop, &url, Some(&hub.info.join_code)).expect("enrolled");
    let synced = dump(&lab.store("hub"));
    assert_ne!(before, synced);

    // A newer client is told to update the hub.
    let newer = terrain_hub::SyncOptions {
        protocol: PROTOCOL_VERSION + 1,
        ..opts(None)
    };
    let cancel = std::sync::atomic::AtomicBool::new(false);
    match terrain_hub::sync(&mut laptop, &url, &newer, &mut |_| {}, &cancel) {
        Err(HubError::Refused {
            status,
            code,
            message_en,
            ..
        }) => {
            assert_eq!((status, code.as_str()), (426, "protocol_too_new"));
            assert!(message_en.contains("update Terrain"));
        }
        other => panic!("newer protocol accepted: {other:?}"),
    }

    // A well-formed request is accepted once; replayed, it is refused.
    let (headers, body) = state_request(&laptop, &study);
    assert_eq!(raw.post(PATH_STATE, &headers, &body).0, 200);
    assert_eq!(
        raw.post(PATH_STATE, &headers, &body),
        (409, "replayed".into())
    );

    // Tampered: one byte of the body, or a signed header.
    let (headers, mut body) = state_request(&laptop, &study);
    body[30] ^= 1;
    assert_eq!(
        raw.post(PATH_STATE, &headers, &body),
        (401, "bad_signature".into())
    );
    let (mut headers, body) = state_request(&laptop, &study);
    for (h, v) in headers.iter_mut() {
        if *h == H_TIME {
            *v = (v.parse::<i64>().expect("time") + 1).to_string();
        }
    }
    assert_eq!(
        raw.post(PATH_STATE, &headers, &body),
        (401, "bad_signature".into())
    );
    // Signed with another device's key under this laptop's node id.
    let stranger = lab.store("stranger");
    join(&stranger, &invite);
    let (headers, body) = state_request(&stranger, &study);
    let mut forged = headers.clone();
    for (h, v) in forged.iter_mut() {
        if *h == H_NODE {
            *v = laptop.node_id().to_string();
        }
    }
    assert_eq!(
        raw.post(PATH_STATE, &forged, &body),
        (401, "bad_signature".into())
    );
    // Sealed with another key than the study's: signed correctly, but unreadable.
    {
        let key = sync::device_key(&laptop).expect("device key");
        let signed = Signed {
            protocol: PROTOCOL_VERSION,
            study: study.clone(),
            node: laptop.node_id().to_string(),
            time_ms: chrono::Utc::now().timestamp_millis(),
            nonce: auth::new_nonce(),
        };
        let ctx = Context {
            study: &study,
            node: laptop.node_id(),
            path: PATH_STATE,
            nonce: &signed.nonce,
            way: Way::Request,
        };
        let body = seal::seal(&[7u8; 32], &ctx, b"{}");
        let headers = auth::sign(&key, "POST", PATH_STATE, &signed, &body);
        assert_eq!(
            raw.post(PATH_STATE, &headers, &body),
            (400, "bad_payload".into())
        );
    }
    // Unsigned, missing protocol, unknown device, stale.
    assert_eq!(
        raw.post(PATH_STATE, &[(H_PROTOCOL, "1".into())], b"x").0,
        401
    );
    assert_eq!(
        raw.post(PATH_STATE, &[], b"x"),
        (400, "protocol_missing".into())
    );
    let (headers, body) = state_request(&stranger, &study);
    assert_eq!(
        raw.post(PATH_STATE, &headers, &body),
        (401, "not_enrolled".into())
    );

    // Unknown study: the laptop has a study the hub never joined.
    let (other_study, _) = new_study(&mut laptop, "Tombouctou");
    let (headers, body) = state_request(&laptop, &other_study);
    assert_eq!(
        raw.post(PATH_STATE, &headers, &body),
        (404, "unknown_study".into())
    );
    let summary = sync(&mut laptop, &url, None).expect("the shared study still syncs");
    assert_eq!(summary.skipped_studies, vec![other_study.clone()]);

    // Oversized body.
    let big = vec![0u8; MAX_BODY + 1024];
    assert_eq!(
        raw.post(PATH_PUSH, &[(H_PROTOCOL, "1".into())], &big).0,
        413
    );

    // Revoked: refused from then on, even with the join code.
    {
        let hub_view = lab.store("hub");
        assert!(terrain_hub::registry::revoke(hub_view.conn(), laptop.node_id()).expect("revoke"));
        let list = terrain_hub::registry::list(hub_view.conn()).expect("list");
        assert!(list
            .iter()
            .any(|d| d.node_id == laptop.node_id() && d.revoked));
    }
    assert_eq!(refused_code(sync(&mut laptop, &url, None)), "revoked");
    assert_eq!(
        refused_code(sync(&mut laptop, &url, Some(&hub.info.join_code))),
        "revoked"
    );

    assert_eq!(
        dump(&lab.store("hub")),
        synced,
        "no refused request changed the hub"
    );
    hub.stop().expect("stop");
}

#[test]
fn health_and_status_page_answer() {
    let lab = Lab::new();
    let hub = start_hub(&lab.path("hub"));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let health = agent
        .get(format!("{}/health", hub.info.url))
        .call()
        .expect("health")
        .body_mut()
        .read_to_string()
        .expect("body");
    assert!(health.contains("\"status\":\"ok\""));
    let page = agent
        .get(&hub.info.url)
        .call()
        .expect("page")
        .body_mut()
        .read_to_string()
        .expect("body");
    assert!(page.contains("hub de synchronisation"));
    assert!(page.contains(&hub.info.hub_node));
    hub.stop().expect("stop");
}
