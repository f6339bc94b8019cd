//! The `hub_request` fuzz target's inputs as regression tests (docs/fuzzing.md): every file of
//! fuzz/corpus/hub_request/ (real requests, the seeds) and fuzz/crashes/hub_request/ (inputs that
//! once crashed, kept after the fix) goes through `terrain_hub::fuzzing::request`, as the target
//! does. A refusal is fine; a panic fails the test.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use std::time::Duration;

use terrain_core::sync;
use terrain_hub::auth::{self, Signed};
use terrain_hub::fuzzing;
use terrain_hub::protocol::*;
use terrain_hub::seal::{self, Context, Way};

use crate::support::*;

const REGENERATE: &str = "regenerate the corpus: cargo nextest run -p terrain-hub --run-ignored only -E 'test(write_the_fuzz_seed_corpus)'";

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

#[test]
fn the_request_corpus_and_the_crashes_found_parse_without_a_panic() {
    let fuzz = fuzz_dir();
    let seeds = files_in(&fuzz.join("corpus/hub_request"));
    assert!(
        seeds.len() >= 4,
        "fuzz/corpus/hub_request has lost its seeds: {REGENERATE}"
    );
    let crashes = files_in(&fuzz.join("crashes/hub_request"));
    let mut panicked = Vec::new();
    for file in seeds.iter().chain(&crashes) {
        let data = std::fs::read(file).expect("read a corpus file");
        if catch_unwind(AssertUnwindSafe(|| fuzzing::request(&data))).is_err() {
            panicked.push(file.display().to_string());
        }
    }
    assert!(panicked.is_empty(), "hub_request panicked on {panicked:?}");
}

/// The seeds are real, current requests: each one is read whole (route, signed headers and
/// body), so the fuzzer starts from requests the hub accepts. A protocol change fails here first.
#[test]
fn the_seed_requests_are_read_whole() {
    for file in files_in(&fuzz_dir().join("corpus/hub_request")) {
        let data = std::fs::read(&file).expect("read a seed");
        if let Err(r) = fuzzing::request(&data) {
            panic!("seed {} refused ({}): {REGENERATE}", file.display(), r.code);
        }
    }
}

#[test]
fn a_request_cut_short_or_on_an_unknown_route_is_refused() {
    let seed = files_in(&fuzz_dir().join("corpus/hub_request"))
        .into_iter()
        .find(|p| p.ends_with("push.req"))
        .expect("a push seed");
    let data = std::fs::read(seed).expect("read the seed");
    let refused = |bytes: &[u8]| fuzzing::request(bytes).expect_err("refused").code;
    assert_eq!(refused(b"/api/nowhere\n\n"), "not_found");
    assert_eq!(refused(&data[..data.len() - 3]), "damaged");
    let headers_end = data
        .windows(2)
        .position(|w| w == b"\n\n")
        .expect("a blank line");
    assert_eq!(refused(&data[..headers_end]), "bad_request");
}

/// A state request from an enrolled laptop, signed and sealed correctly but dated `time_ms`;
/// returns the hub's status and refusal code.
fn post_state_dated(
    laptop: &terrain_core::Store,
    study: &str,
    url: &str,
    time_ms: i64,
) -> (u16, String) {
    let key = sync::device_key(laptop).expect("device key");
    let study_key = sync::study_key(laptop.conn(), study)
        .expect("key")
        .expect("joined");
    let signed = Signed {
        protocol: PROTOCOL_VERSION,
        study: study.to_string(),
        node: laptop.node_id().to_string(),
        time_ms,
        nonce: auth::new_nonce(),
        key: sync::key_check(&study_key),
    };
    let ctx = Context {
        study,
        node: laptop.node_id(),
        path: PATH_STATE,
        nonce: &signed.nonce,
        way: Way::Request,
    };
    let plain = serde_json::to_vec(&StateRequest {
        wall_ms: 0,
        label: None,
    })
    .expect("json");
    let body = seal::seal(&study_key, &ctx, &plain);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let mut req = agent.post(format!("{url}{PATH_STATE}"));
    for (h, v) in auth::sign(&key, "POST", PATH_STATE, &signed, &body) {
        req = req.header(h, v);
    }
    let mut resp = req.send(&body[..]).expect("the hub answers");
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    let code = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v["code"].as_str().map(str::to_string))
        .unwrap_or_default();
    (resp.status().as_u16(), code)
}

/// A crash of the hub_request fuzz target
/// (fuzz/crashes/hub_request/time-i64-min-overflows-freshness.req): a member's request dated
/// near i64::MIN overflowed the hub's freshness check (a panic where overflow checks are on, the
/// hub answering 500). It is refused as stale; the hub is unchanged and still syncs.
#[test]
fn a_request_dated_at_the_ends_of_time_is_stale_and_changes_nothing() {
    let lab = Lab::new();
    let mut laptop = lab.store("laptop");
    let (study, invite) = new_study(&mut laptop, "Gao");
    new_session(&mut laptop, &study, "Ansongo");
    let hub_store = lab.store("hub");
    join(&hub_store, &invite);
    drop(hub_store);
    let hub = start_hub(&lab.path("hub"));
    let url = hub.info.url.clone();
    sync(&mut laptop, &url, Some(&hub.info.join_code)).expect("enrolled");
    let before = dump(&lab.store("hub"));
    let changes_before = change_ids(&lab.store("hub")).len();

    for time_ms in [i64::MIN, i64::MIN + 1, i64::MAX] {
        assert_eq!(
            post_state_dated(&laptop, &study, &url, time_ms),
            (401, "stale_request".to_string()),
            "dated {time_ms}"
        );
    }
    assert_eq!(dump(&lab.store("hub")), before);

    new_session(&mut laptop, &study, "Bourem");
    sync(&mut laptop, &url, None).expect("the hub still syncs");
    assert!(change_ids(&lab.store("hub")).len() > changes_before);
}
