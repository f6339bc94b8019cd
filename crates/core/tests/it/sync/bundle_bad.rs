//! Bad bundles are refused with a clear reason and change nothing: truncated at every offset,
//! every byte flipped, a wrong or missing study key, a replay, an unknown format, a newer
//! schema, a malformed change, a change of another study, an impersonated device.

use std::path::{Path, PathBuf};

use base64::Engine;
use rusqlite::types::Value as SqlValue;
use serde_json::json;
use terrain_core::changes::sign_segments;
use terrain_core::changes::{Change, Stamp};
use terrain_core::schema::Role;
use terrain_core::sync;
use terrain_core::sync::bundle::{self, ExportTarget};
use terrain_core::sync::bundle::{BundleWriter, Header, FORMAT_VERSION};
use terrain_core::{store, Entity, Lang, Store};

use crate::support::fields;

struct Setup {
    dir: tempfile::TempDir,
    a: Store,
    b: Store,
    study: String,
    good: PathBuf,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Store::open_in_dir(&dir.path().join("a")).unwrap();
    let b = Store::open_in_dir(&dir.path().join("b")).unwrap();
    let study = a
        .create(Entity::Study, &fields(json!({"title": "Bamako"})))
        .unwrap();
    for i in 0..3 {
        a.create(
            Entity::Session,
            &fields(json!({"study_id": study, "session_type": "workshop", "date": "2026-02-0".to_string() + &(i + 1).to_string()})),
        )
        .unwrap();
    }
    sync::join_invitation(&b, &sync::invite(&a, &study, Role::Coordinator).unwrap()).unwrap();
    let good = dir.path().join("good.terrain");
    bundle::export_bundle_with(&a, &study, &ExportTarget::Full, &good, 4, &mut |_| {}).unwrap();
    Setup {
        dir,
        a,
        b,
        study,
        good,
    }
}

fn code_of(store: &mut Store, path: &Path) -> String {
    match bundle::import_bundle(store, path, &mut |_| {}) {
        Ok(_) => "ok".into(),
        Err(e) => {
            let fr = e.message(Lang::Fr);
            let en = e.message(Lang::En);
            assert!(!fr.is_empty() && !fr.contains('\n') && !en.contains('\n'));
            e.code().to_string()
        }
    }
}

#[test]
fn truncated_and_flipped_bundles_are_refused_and_change_nothing() {
    let mut s = setup();
    let before = sync::dump_string(s.b.conn(), None).unwrap();
    let bytes = std::fs::read(&s.good).unwrap();
    assert!(bytes.len() > 500, "a bundle with several batches");
    let bad = s.dir.path().join("bad.terrain");
    for cut in 0..bytes.len() {
        std::fs::write(&bad, &bytes[..cut]).unwrap();
        let code = code_of(&mut s.b, &bad);
        assert_ne!(code, "ok", "truncated at {cut} was accepted");
        if cut >= 16 {
            assert!(
                code == "truncated" || code == "damaged",
                "cut {cut}: {code}"
            );
        }
    }
    // Extra bytes at the end are refused too.
    let mut longer = bytes.clone();
    longer.push(0);
    std::fs::write(&bad, &longer).unwrap();
    assert_eq!(code_of(&mut s.b, &bad), "damaged");
    for i in 0..bytes.len() {
        let mut flipped = bytes.clone();
        flipped[i] ^= 0x01;
        std::fs::write(&bad, &flipped).unwrap();
        assert_ne!(
            code_of(&mut s.b, &bad),
            "ok",
            "byte {i} flipped was accepted"
        );
    }
    assert_eq!(sync::dump_string(s.b.conn(), None).unwrap(), before);
    // The good one still imports, once.
    assert_eq!(code_of(&mut s.b, &s.good), "ok");
    let after = sync::dump_string(s.b.conn(), None).unwrap();
    assert_eq!(after, sync::dump_string(s.a.conn(), None).unwrap());
    assert_eq!(code_of(&mut s.b, &s.good), "already_imported");
    assert_eq!(sync::dump_string(s.b.conn(), None).unwrap(), after);
}

#[test]
fn keys_decide_who_can_read_a_bundle() {
    let mut s = setup();
    // A laptop that never joined.
    let mut c = Store::open_in_dir(&s.dir.path().join("c")).unwrap();
    let before = sync::dump_string(c.conn(), None).unwrap();
    let err = bundle::import_bundle(&mut c, &s.good, &mut |_| {}).unwrap_err();
    assert_eq!(err.code(), "not_joined");
    assert!(err.message(Lang::En).contains("join"));
    assert!(err.message(Lang::Fr).contains("rejoint"));
    // A laptop holding another key for the same study id.
    let invitation = sync::invite(&s.a, &s.study, Role::Enumerator).unwrap();
    let content = sync::unseal_join(&invitation.file, &invitation.code).unwrap();
    let mut forged: serde_json::Value = serde_json::from_str(&content).unwrap();
    forged["key"] = json!(base64::engine::general_purpose::STANDARD.encode([7u8; 32]));
    let forged = sync::seal_join(&forged.to_string()).unwrap();
    sync::join(&c, &forged.file, &forged.code).unwrap();
    assert_eq!(code_of(&mut c, &s.good), "wrong_key");
    assert_eq!(sync::dump_string(c.conn(), None).unwrap(), before);
    // Joining again with a different key is refused.
    let err = sync::join_invitation(
        &c,
        &sync::invite(&s.a, &s.study, Role::Coordinator).unwrap(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "other_key");
    // A bundle of another study.
    let other =
        s.a.create(Entity::Study, &fields(json!({"title": "Autre"})))
            .unwrap();
    let p = s.dir.path().join("other.terrain");
    bundle::export_bundle(&s.a, &other, &ExportTarget::Full, &p, &mut |_| {}).unwrap();
    assert_eq!(code_of(&mut s.b, &p), "not_joined");
}

/// Writes a validly signed and encrypted bundle with a chosen header and changes.
fn craft(
    s: &Setup,
    path: &Path,
    edit: impl FnOnce(&mut Header),
    changes: Vec<Change>,
    signer: Option<ed25519_dalek::SigningKey>,
) {
    let key = sync::study_key(s.a.conn(), &s.study).unwrap().unwrap();
    let signer = signer.unwrap_or_else(|| sync::device_key(&s.a).unwrap());
    let mut header = Header {
        schema_version: store::schema_version(),
        study: s.study.clone(),
        key_check: sync::key_check(&key),
        key_version: 1,
        sender: s.a.node_id().to_string(),
        sender_label: None,
        sender_public_key: base64::engine::general_purpose::STANDARD
            .encode(signer.verifying_key().to_bytes()),
        sender_wall_ms: chrono::Utc::now().timestamp_millis(),
        held: vec![],
        base: vec![],
        batches: 1,
        changes: changes.len() as u64,
        roster: sync::roster_wire(s.a.conn(), &s.study).unwrap(),
    };
    edit(&mut header);
    // Signed by A, whose changes they claim to be: only their content is under test.
    let mut segments = Vec::new();
    let mut scopes: Vec<String> = changes
        .iter()
        .map(|c| c.study.clone().unwrap_or_default())
        .collect();
    scopes.dedup();
    for scope in scopes {
        let own: Vec<Change> = changes
            .iter()
            .filter(|c| c.study.clone().unwrap_or_default() == scope)
            .cloned()
            .collect();
        segments.extend(sign_segments(&scope, &own, s.a.device_key()).unwrap_or_default());
    }
    let mut w = BundleWriter::create(path, &header, &key).unwrap();
    w.write_batch(&sync::ChangeBatch { changes, segments })
        .unwrap();
    w.finish(&signer).unwrap();
}

fn change(s: &Setup, field: &str, value: SqlValue, hlc: i64, prev: Option<Stamp>) -> Change {
    Change {
        node: s.a.node_id().to_string(),
        seq: 1000,
        study: Some(s.study.clone()),
        entity: Entity::Session,
        row_id: uuid::Uuid::now_v7().to_string(),
        field: field.into(),
        value,
        hlc,
        prev,
        cover: terrain_core::changes::Cover::Value,
    }
}

#[test]
fn crafted_bundles_are_checked_before_anything_is_applied() {
    let mut s = setup();
    let before = sync::dump_string(s.b.conn(), None).unwrap();
    let p = s.dir.path().join("crafted.terrain");
    let ok = change(&s, "title", SqlValue::Text("ok".into()), 5 << 16, None);

    craft(&s, &p, |h| h.schema_version += 1, vec![ok.clone()], None);
    let err = bundle::import_bundle(&mut s.b, &p, &mut |_| {}).unwrap_err();
    assert_eq!(err.code(), "bundle_newer_schema");
    assert!(err.message(Lang::Fr).contains("plus récente"));

    // A good change then one older than the value it replaces: nothing is applied.
    let bad = change(
        &s,
        "title",
        SqlValue::Text("x".into()),
        5 << 16,
        Some(Stamp {
            hlc: 6 << 16,
            node: s.a.node_id().into(),
        }),
    );
    craft(&s, &p, |_| {}, vec![ok.clone(), bad], None);
    assert_eq!(code_of(&mut s.b, &p), "malformed");

    let unknown = change(&s, "colour", SqlValue::Text("x".into()), 5 << 16, None);
    craft(&s, &p, |_| {}, vec![ok.clone(), unknown], None);
    assert_eq!(code_of(&mut s.b, &p), "malformed");

    let mut foreign = ok.clone();
    foreign.study = Some(uuid::Uuid::now_v7().to_string());
    craft(&s, &p, |_| {}, vec![ok.clone(), foreign], None);
    assert_eq!(code_of(&mut s.b, &p), "malformed");

    craft(&s, &p, |h| h.changes = 2, vec![ok.clone()], None);
    assert_eq!(code_of(&mut s.b, &p), "damaged");

    // A bundle that assumes the receiver holds more than it does.
    craft(
        &s,
        &p,
        |h| {
            h.base = vec![terrain_core::sync::VectorEntry {
                scope: h.study.clone(),
                node: h.sender.clone(),
                max_seq: 999,
            }]
        },
        vec![ok.clone()],
        None,
    );
    assert_eq!(code_of(&mut s.b, &p), "gap");

    // Someone else signing as A, once B knows A's key: A's id is not the one the impostor's
    // key gives (node ids are made from keys).
    assert_eq!(code_of(&mut s.b, &s.good), "ok");
    let mid = sync::dump_string(s.b.conn(), None).unwrap();
    let impostor = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
    craft(&s, &p, |_| {}, vec![ok.clone()], Some(impostor));
    assert_eq!(code_of(&mut s.b, &p), "malformed");
    assert_eq!(sync::dump_string(s.b.conn(), None).unwrap(), mid);
    assert_ne!(mid, before);

    // A future format version.
    let mut bytes = std::fs::read(&s.good).unwrap();
    bytes[8..10].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    std::fs::write(&p, &bytes).unwrap();
    let err = bundle::import_bundle(&mut s.b, &p, &mut |_| {}).unwrap_err();
    assert_eq!(err.code(), "unknown_format");
    std::fs::write(&p, b"PK\x03\x04 not a bundle at all").unwrap();
    assert_eq!(code_of(&mut s.b, &p), "not_a_bundle");
    assert_eq!(sync::dump_string(s.b.conn(), None).unwrap(), mid);
}
