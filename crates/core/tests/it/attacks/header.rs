//! Forged and hostile bundle headers: a bundle with no batch written without the study key
//! (pinning a teammate's device key, renaming a laptop, poisoning what the victim believes a
//! peer holds), a bundle claiming to come from the victim itself, a header whose vector names
//! 100,000 invented laptops.

use ed25519_dalek::SigningKey;
use terrain_core::sync::bundle::{self, ExportTarget, MAX_VECTOR};
use terrain_core::sync::{self, VectorEntry};

use super::victim::{public_key, raw_bundle, scene};

fn entry(scope: &str, node: &str, max_seq: i64) -> VectorEntry {
    VectorEntry {
        scope: scope.into(),
        node: node.into(),
        max_seq,
    }
}

#[test]
fn a_zero_batch_bundle_without_the_key_learns_nothing() {
    let mut s = scene();
    let before = s.victim_state();
    let intruder = SigningKey::from_bytes(&[9u8; 32]);
    let not_the_key = [7u8; 32];
    let (study, a) = (s.study.clone(), s.a.node_id().to_string());
    let poison = |h: &mut terrain_core::sync::bundle::Header, node: &str| {
        h.held = vec![
            entry(&study, node, 1 << 62),
            entry("", node, 1 << 62),
            entry(&study, &a, 1 << 62),
        ];
    };
    // As V, whom the victim never heard of: would pin the intruder's key for V.
    let mut h = s.header_from_a();
    h.sender = s.v.node_id().to_string();
    h.sender_label = Some("Portable V (piège)".into());
    h.sender_public_key = public_key(&intruder);
    poison(&mut h, s.v.node_id());
    let as_v = s.write("as-v.terrain", h, vec![], &not_the_key, &intruder);
    assert_eq!(s.refusal(&as_v), "damaged");
    // As A, whom the victim knows: would rename it and say it holds everything.
    let mut h = s.header_from_a();
    h.sender_label = Some("Autre nom".into());
    h.sender_public_key = public_key(&intruder);
    poison(&mut h, s.a.node_id());
    let as_a = s.write("as-a.terrain", h, vec![], &not_the_key, &intruder);
    assert_eq!(s.refusal(&as_a), "damaged");
    assert_eq!(s.victim_state(), before);
    // V's real bundle is taken (its key was not pinned by the intruder), under its own name.
    let p = s.path("v.terrain");
    bundle::export_bundle(&s.v, &s.study, &ExportTarget::Full, &p, &mut |_| {}).unwrap();
    let report = bundle::import_bundle(&mut s.b, &p, &mut |_| {}).unwrap();
    assert_eq!(report.sender_label.as_deref(), Some("Portable V"));
    let devices = sync::list_devices(&s.b).unwrap();
    let label = |node: &str| {
        devices
            .iter()
            .find(|d| d.node_id == node)
            .and_then(|d| d.label.clone())
    };
    assert_eq!(label(s.a.node_id()).as_deref(), Some("Portable A"));
    // A bundle for A still carries what A lacks: V's changes (no poisoned vector hides them).
    let p = s.path("for-a.terrain");
    let for_a = ExportTarget::For(s.a.node_id().to_string());
    let export = bundle::export_bundle(&s.b, &s.study, &for_a, &p, &mut |_| {}).unwrap();
    assert!(export.changes > 0);
    s.victim_still_works();
}

#[test]
fn a_bundle_claiming_the_victims_own_id_is_refused() {
    let mut s = scene();
    let before = s.victim_state();
    // A teammate with the key, signing as the victim.
    let mut h = s.header_from_a();
    h.sender = s.b.node_id().to_string();
    h.held = vec![entry(&s.study, s.b.node_id(), 1 << 62)];
    let p = s.write("as-b.terrain", h.clone(), vec![], &s.key(), &s.signer_a());
    assert_eq!(s.refusal(&p), "own_bundle");
    // The same id in capitals is not another laptop.
    h.sender = s.b.node_id().to_uppercase();
    let p = s.write("as-B.terrain", h, vec![], &s.key(), &s.signer_a());
    assert_eq!(s.refusal(&p), "malformed");
    // The victim's own genuine bundle brings nothing either.
    let p = s.path("own.terrain");
    bundle::export_bundle(&s.b, &s.study, &ExportTarget::Full, &p, &mut |_| {}).unwrap();
    assert_eq!(s.refusal(&p), "own_bundle");
    assert_eq!(s.victim_state(), before);
    s.victim_still_works();
}

#[test]
fn a_held_list_of_invented_nodes_is_refused() {
    let mut s = scene();
    let before = s.victim_state();
    let study = s.study.clone();
    let invented = |n: usize| -> Vec<VectorEntry> {
        (0..n)
            .map(|_| entry(&study, &uuid::Uuid::new_v4().to_string(), 1))
            .collect()
    };
    // 100,000 invented laptops: a header far over what a reader takes.
    let mut h = s.header_from_a();
    h.held = invented(100_000);
    let json = serde_json::to_vec(&h).unwrap();
    assert!(json.len() > bundle::MAX_HEADER);
    let p = s.path("100k.terrain");
    raw_bundle(&p, &json, &[], &s.key(), &s.signer_a());
    assert_eq!(s.refusal(&p), "damaged");
    // Just over the count a header may hold, in a header of an accepted length.
    h.held = invented(MAX_VECTOR + 1);
    let p = s.write("many.terrain", h.clone(), vec![], &s.key(), &s.signer_a());
    assert_eq!(s.refusal(&p), "malformed");
    // Node ids that are not ids, another study's scope, in held or base.
    for bad in [
        entry(&s.study, "x", 1),
        entry(&uuid::Uuid::new_v4().to_string(), s.a.node_id(), 1),
        entry(&s.study, s.a.node_id(), -1),
    ] {
        h.held = vec![bad.clone()];
        let p = s.write("bad.terrain", h.clone(), vec![], &s.key(), &s.signer_a());
        assert_eq!(s.refusal(&p), "malformed", "held {bad:?}");
        h.held = vec![];
        h.base = vec![bad.clone()];
        let p = s.write("bad.terrain", h.clone(), vec![], &s.key(), &s.signer_a());
        assert_eq!(s.refusal(&p), "malformed", "base {bad:?}");
        h.base = vec![];
    }
    assert_eq!(s.victim_state(), before);
    s.victim_still_works();
}
