//! Bad requests to a hub on 127.0.0.1 get a clear refusal and change nothing.

use std::time::Duration;

use terrain_core::sync;
use terrain_hub::auth::{self, Signed};
use terrain_hub::protocol::*;
use terrain_hub::seal::{self, Context, Way};
use terrain_hub::{HubError, LocalHub};

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

    /// Sends the headers of a POST declaring `length` bytes and reads the answer the hub
    /// gives before any of the body; returns (status, code).
    fn headers_first(
        &self,
        path: &str,
        headers: &[(&str, String)],
        length: usize,
    ) -> (u16, String) {
        let mut extra = String::new();
        for (h, v) in headers {
            extra.push_str(&format!("{h}: {v}\r\n"));
        }
        raw_head(&self.url, path, length, &extra)
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

/// Sends only the headers of a POST declaring `length` bytes; returns (status, code).
fn headers_only(url: &str, path: &str, length: usize) -> (u16, String) {
    raw_head(
        url,
        path,
        length,
        &format!("{H_PROTOCOL}: {PROTOCOL_VERSION}\r\n"),
    )
}

fn raw_head(url: &str, path: &str, length: usize, extra: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let address = url.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(address).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let head =
        format!("POST {path} HTTP/1.1\r\nhost: hub\r\ncontent-length: {length}\r\n{extra}\r\n");
    s.write_all(head.as_bytes()).expect("headers");
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let code = text
        .split("\"code\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("")
        .to_string();
    (status, code)
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
        key: sync::key_check(&study_key),
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
            key: sync::key_check(
                &sync::study_key(laptop.conn(), &study)
                    .expect("key")
                    .expect("joined"),
            ),
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
        raw.post(
            PATH_STATE,
            &[(H_PROTOCOL, PROTOCOL_VERSION.to_string())],
            b"x"
        )
        .0,
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

    // Oversized body: refused from its declared length, before a byte of it is sent.
    assert_eq!(
        headers_only(&url, PATH_PUSH, MAX_BODY + 1024),
        (413, "too_large".into())
    );
    assert_eq!(
        headers_only(&url, PATH_STATE, MAX_SMALL_BODY + 1),
        (413, "too_large".into())
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
    assert!(page.contains("Enrolled devices"));
    hub.stop().expect("stop");
}

/// A request signed by `key` as `node` and sealed with the study key of `store`.
fn signed_as(
    store: &terrain_core::Store,
    study: &str,
    node: &str,
    key: &ed25519_dalek::SigningKey,
    path: &'static str,
    plain: &[u8],
) -> (Vec<(&'static str, String)>, Vec<u8>) {
    let study_key = sync::study_key(store.conn(), study)
        .expect("key")
        .expect("joined");
    let signed = Signed {
        protocol: PROTOCOL_VERSION,
        study: study.to_string(),
        node: node.to_string(),
        time_ms: chrono::Utc::now().timestamp_millis(),
        nonce: auth::new_nonce(),
        key: sync::key_check(&study_key),
    };
    let ctx = Context {
        study,
        node,
        path,
        nonce: &signed.nonce,
        way: Way::Request,
    };
    let body = seal::seal(&study_key, &ctx, plain);
    (auth::sign(key, "POST", path, &signed, &body), body)
}

/// A request of `store`'s own device.
fn signed(
    store: &terrain_core::Store,
    study: &str,
    path: &'static str,
    plain: &[u8],
) -> (Vec<(&'static str, String)>, Vec<u8>) {
    let key = sync::device_key(store).expect("device key");
    signed_as(store, study, store.node_id(), &key, path, plain)
}

fn pull_body(have: Vec<VectorEntry>) -> Vec<u8> {
    serde_json::to_vec(&PullRequest {
        have,
        max_changes: 100,
    })
    .expect("json")
}

fn fake_entries(n: usize, scope: &str) -> Vec<VectorEntry> {
    (0..n)
        .map(|_| VectorEntry {
            scope: scope.to_string(),
            node: uuid::Uuid::new_v4().to_string(),
            max_seq: 1_000,
        })
        .collect()
}

fn node_rows(store: &terrain_core::Store) -> i64 {
    store
        .conn()
        .query_row("SELECT count(*) FROM nodes", [], |r| r.get(0))
        .expect("nodes")
}

#[test]
fn a_pull_with_a_huge_or_foreign_vector_is_refused_and_learns_nothing() {
    let lab = Lab::new();
    let mut laptop = lab.store("laptop");
    let (study, invite) = new_study(&mut laptop, "Gao");
    new_session(&mut laptop, &study, "Ansongo");
    join(&lab.store("hub"), &invite);
    let hub = start_hub(&lab.path("hub"));
    let raw = Raw::new(&hub.info.url);
    sync(&mut laptop, &hub.info.url, Some(&hub.info.join_code)).expect("enrolled");
    let (nodes, before) = (node_rows(&lab.store("hub")), dump(&lab.store("hub")));

    // 100 k fake entries: too large to be read at all.
    let (h, b) = signed(
        &laptop,
        &study,
        PATH_PULL,
        &pull_body(fake_entries(100_000, &study)),
    );
    assert!(b.len() > MAX_PULL_BODY);
    assert_eq!(
        raw.headers_first(PATH_PULL, &h, b.len()),
        (413, "too_large".into())
    );
    // Small enough to read, but more entries than any team has.
    let (h, b) = signed(
        &laptop,
        &study,
        PATH_PULL,
        &pull_body(fake_entries(MAX_HAVE + 1, "")),
    );
    assert_eq!(raw.post(PATH_PULL, &h, &b), (400, "bad_vector".into()));
    // Another study's scope, a node id that is no UUID, a negative number.
    let other = uuid::Uuid::new_v4().to_string();
    let mut not_a_uuid = fake_entries(1, &study);
    not_a_uuid[0].node = "x".repeat(5_000);
    let mut negative = fake_entries(1, &study);
    negative[0].max_seq = -1;
    for have in [fake_entries(3, &other), not_a_uuid, negative] {
        let (h, b) = signed(&laptop, &study, PATH_PULL, &pull_body(have));
        assert_eq!(raw.post(PATH_PULL, &h, &b), (400, "bad_vector".into()));
    }
    // Well-formed, but naming devices the hub holds nothing of: answered, not learned.
    let (h, b) = signed(
        &laptop,
        &study,
        PATH_PULL,
        &pull_body(fake_entries(500, &study)),
    );
    assert_eq!(raw.post(PATH_PULL, &h, &b).0, 200);

    let hub_view = lab.store("hub");
    assert_eq!(
        node_rows(&hub_view),
        nodes,
        "no node row from a pull vector"
    );
    assert_eq!(dump(&hub_view), before);
    drop(hub_view);
    new_session(&mut laptop, &study, "Bourem");
    sync(&mut laptop, &hub.info.url, None).expect("still syncs");
    assert_eq!(dump(&lab.store("hub")), dump(&laptop));
    hub.stop().expect("stop");
}

#[test]
fn the_status_page_names_no_device_except_to_this_machine() {
    let lab = Lab::new();
    let mut laptop = lab.store("laptop");
    let (study, invite) = new_study(&mut laptop, "Ménaka");
    new_session(&mut laptop, &study, "Inékar");
    join(&lab.store("hub"), &invite);
    let hub = LocalHub::start(&lab.path("hub"), "0.0.0.0:0").expect("hub");
    let local = format!("http://127.0.0.1:{}", hub.info.address.port());
    let labelled = terrain_hub::SyncOptions {
        label: Some("AWA-TRAORE-PC".into()),
        ..opts(Some(&hub.info.join_code))
    };
    let cancel = std::sync::atomic::AtomicBool::new(false);
    terrain_hub::sync(&mut laptop, &local, &labelled, &mut |_| {}, &cancel).expect("enrolled");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let page = |url: &str| {
        agent
            .get(url)
            .call()
            .expect("page")
            .body_mut()
            .read_to_string()
            .expect("body")
    };
    let node = laptop.node_id().to_string();
    // From this machine, the operator sees the devices.
    let own = page(&local);
    assert!(
        own.contains(&node) && own.contains("AWA-TRAORE-PC"),
        "{own}"
    );
    // From the LAN, counts and times only.
    match hub.info.lan_urls.first() {
        Some(lan) => {
            let seen = page(lan);
            assert!(seen.contains("1 actifs / active"), "{seen}");
            assert!(!seen.contains(&node), "{seen}");
            assert!(!seen.contains("AWA-TRAORE-PC"), "{seen}");
        }
        None => println!("no LAN address on this machine: the LAN view is not checked"),
    }
    hub.stop().expect("stop");
}

#[test]
fn revoking_rotates_the_join_code_and_refuses_the_revoked_devices_relayed_changes() {
    let lab = Lab::new();
    let mut lost = lab.store("lost");
    let (study, invite) = new_study(&mut lost, "Kayes");
    new_session(&mut lost, &study, "Nioro");
    let mut mate = lab.store("mate");
    join(&mate, &invite);
    join(&lab.store("hub"), &invite);
    join(&lab.store("relay"), &invite);
    let hub = HubProcess::start(&lab.path("hub"), &[]);
    let relay = start_hub(&lab.path("relay"));
    sync(&mut lost, &hub.url, Some(&hub.join_code)).expect("lost enrolled");
    sync(&mut mate, &hub.url, Some(&hub.join_code)).expect("mate enrolled");

    assert!(
        terrain_hub::registry::revoke(lab.store("hub").conn(), lost.node_id()).expect("revoke")
    );
    let code = terrain_hub::registry::join_code(&lab.store("hub")).expect("code");
    assert_ne!(code, hub.join_code, "revoking rotated the join code");
    assert_eq!(refused_code(sync(&mut lost, &hub.url, None)), "revoked");
    // The old code enrols no one any more (the lost laptop's holder knows it); the new one does.
    let mut newcomer = lab.store("newcomer");
    join(&newcomer, &invite);
    assert_eq!(
        refused_code(sync(&mut newcomer, &hub.url, Some(&hub.join_code))),
        "bad_join_code"
    );
    sync(&mut newcomer, &hub.url, Some(&code)).expect("the new code enrols");

    // The lost laptop's new changes reach a teammate through another hub...
    new_session(&mut lost, &study, "écrite après la révocation");
    sync(&mut lost, &relay.info.url, Some(&relay.info.join_code)).expect("lost to relay");
    sync(&mut mate, &relay.info.url, Some(&relay.info.join_code)).expect("mate from relay");
    assert!(dump(&mate).contains("écrite après la révocation"));
    // ...and the teammate's sync with this hub leaves them out, and carries its own.
    new_session(&mut mate, &study, "du coéquipier");
    sync(&mut mate, &hub.url, None).expect("the teammate still syncs");
    let held = dump(&lab.store("hub"));
    assert!(held.contains("du coéquipier"));
    assert!(!held.contains("écrite après la révocation"));
    assert!(hub.log().contains("revoked_origin"), "{}", hub.log());
    sync(&mut mate, &hub.url, None).expect("and again");
    assert_eq!(dump(&lab.store("hub")), held);
    relay.stop().expect("stop");
}

/// M8: node ids are made from device keys, so a member with the join code cannot enrol under
/// a teammate's id before that laptop's first sync: it is refused from its first request, and
/// the real laptop enrols and syncs as if nothing happened.
#[test]
fn nobody_enrols_under_another_laptops_node_id() {
    let lab = Lab::new();
    let mut laptop = lab.store("laptop");
    let (study, invite) = new_study(&mut laptop, "Sikasso");
    new_session(&mut laptop, &study, "Koutiala");
    join(&lab.store("hub"), &invite);
    let squatter = lab.store("squatter");
    join(&squatter, &invite);
    let hub = start_hub(&lab.path("hub"));
    let raw = Raw::new(&hub.info.url);

    // A member with the join code tries to enrol first under the laptop's node id, with its
    // own key (which it signs with, as the protocol asks).
    let key = sync::device_key(&squatter).expect("key");
    let target = laptop.node_id().to_string();
    let plain = serde_json::to_vec(&EnrolRequest {
        join_code: hub.info.join_code.clone(),
        public_key: auth::encode_key(&key.verifying_key()),
        label: None,
    })
    .expect("json");
    let (mut h, b) = signed_as(&squatter, &study, &target, &key, PATH_ENROL, &plain);
    h.push((H_PUBLIC_KEY, auth::encode_key(&key.verifying_key())));
    let before = dump(&lab.store("hub"));
    assert_eq!(raw.post(PATH_ENROL, &h, &b), (403, "node_not_key".into()));
    assert_eq!(dump(&lab.store("hub")), before);
    let devices = terrain_hub::registry::list(lab.store("hub").conn()).expect("list");
    assert!(devices.iter().all(|d| d.node_id != laptop.node_id()));

    // The real laptop enrols and syncs; so does the other member, under its own id.
    sync(&mut laptop, &hub.info.url, Some(&hub.info.join_code)).expect("the laptop enrols");
    let own = auth::encode_key(&sync::device_key(&laptop).expect("key").verifying_key());
    let devices = terrain_hub::registry::list(lab.store("hub").conn()).expect("list");
    assert!(devices
        .iter()
        .any(|d| d.node_id == laptop.node_id() && d.public_key == own && !d.revoked));
    new_session(&mut laptop, &study, "Bougouni");
    sync(&mut laptop, &hub.info.url, None).expect("syncs");
    assert_eq!(dump(&lab.store("hub")), dump(&laptop));
    hub.stop().expect("stop");
}

/// Revoking in the roster (a coordinator's act, carried by every sync) refuses the lost
/// laptop's later changes on the hub and on every laptop, whoever relays them; what it wrote
/// before stays.
#[test]
fn a_laptop_revoked_in_the_roster_is_refused_by_the_hub_and_its_earlier_work_stays() {
    let lab = Lab::new();
    let mut lead = lab.store("lead");
    let (study, invite) = new_study(&mut lead, "Ségou");
    let mut lost = lab.store("lost");
    join(&lost, &invite);
    join(&lab.store("hub"), &invite);
    let hub = HubProcess::start(&lab.path("hub"), &[]);
    let code = hub.join_code.clone();
    sync(&mut lead, &hub.url, Some(&code)).expect("lead enrolled");
    sync(&mut lost, &hub.url, Some(&code)).expect("lost enrolled");
    new_session(&mut lost, &study, "écrite avant la révocation");
    sync(&mut lost, &hub.url, None).expect("lost sends");

    // The coordinator takes what the lost laptop sent, then revokes it: the cut-off is what
    // it holds of it. Its next sync carries the revocation.
    sync(&mut lead, &hub.url, None).expect("lead takes the news");
    let lost_key = sync::device_key(&lost)
        .expect("key")
        .verifying_key()
        .to_bytes();
    sync::revoke(&lead, &study, &lost_key).expect("revoke");
    sync(&mut lead, &hub.url, None).expect("lead syncs");
    new_session(&mut lost, &study, "écrite après la révocation");
    let before = dump(&lab.store("hub"));
    assert_eq!(refused_code(sync(&mut lost, &hub.url, None)), "revoked");
    assert_eq!(dump(&lab.store("hub")), before);
    // The hub's log is read from its stderr as it comes: give the line a moment to arrive.
    let logged = (0..50).any(|_| {
        let found = hub.log().contains("revoked");
        if !found {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        found
    });
    assert!(logged, "{}", hub.log());

    // The team still syncs: the earlier session is everywhere, the later one nowhere.
    new_session(&mut lead, &study, "du coordinateur");
    sync(&mut lead, &hub.url, None).expect("lead still syncs");
    let held = dump(&lead);
    assert!(held.contains("écrite avant la révocation"));
    assert!(held.contains("du coordinateur"));
    assert!(!held.contains("écrite après la révocation"));
    assert_eq!(dump(&lab.store("hub")), held);
}
