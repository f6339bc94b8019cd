//! Attacks on values sealed to headquarters (issue 13, slice 4): an enumerator swapping the
//! study's HQ key for one it holds, or changing which fields are sealed; a member sending a
//! sealed value of the wrong shape. Each is refused, leaves the victim as it was, and the
//! victim still writes (sealed to the real key) and imports.

use rusqlite::types::Value as SqlValue;
use serde_json::json;
use terrain_core::changes::{add_entries, sign_segments, Change, Entry, EntryKind, SEALED_PREFIX};
use terrain_core::schema::Role;
use terrain_core::sync::bundle::{self, ExportTarget, Header};
use terrain_core::sync::{self, ChangeBatch};
use terrain_core::{read, Entity, Store};

use super::victim::{public_key, scene, Scene};
use crate::support::fields;

/// A laptop of the scene that joins with an invitation of A for `role` and imports A's data;
/// A imports its claim back.
fn member(s: &mut Scene, name: &str, role: Role) -> Store {
    let mut m = Store::open_in_dir(&s.path(name)).unwrap();
    sync::join_invitation(&m, &sync::invite(&s.a, &s.study, role).unwrap()).unwrap();
    let p = s.path(&format!("{name}-first.terrain"));
    bundle::export_bundle(&s.a, &s.study, &ExportTarget::Full, &p, &mut |_| {}).unwrap();
    bundle::import_bundle(&mut m, &p, &mut |_| {}).unwrap();
    let back = s.path(&format!("{name}-back.terrain"));
    bundle::export_bundle(&m, &s.study, &ExportTarget::Full, &back, &mut |_| {}).unwrap();
    bundle::import_bundle(&mut s.a, &back, &mut |_| {}).unwrap();
    m
}

/// The scene with headquarters: H (a supervisor) made the HQ key, A set it, and the victim B
/// knows it. Returns H and the key's file text.
fn with_hq(s: &mut Scene) -> (Store, String) {
    let h = member(s, "h", Role::Supervisor);
    let public = sync::hq_keygen(&h).unwrap();
    sync::set_hq_key(&s.a, &s.study, &public).unwrap();
    let p = s.path("a-b.terrain");
    bundle::export_bundle(&s.a, &s.study, &ExportTarget::Full, &p, &mut |_| {}).unwrap();
    bundle::import_bundle(&mut s.b, &p, &mut |_| {}).unwrap();
    (h, public)
}

fn export(s: &Scene, from: &Store, name: &str) -> std::path::PathBuf {
    let p = s.path(name);
    bundle::export_bundle(from, &s.study, &ExportTarget::Full, &p, &mut |_| {}).unwrap();
    p
}

/// A bundle of `from`'s, its header's roster carrying `extra` entries too, with these changes
/// signed by `from`.
fn hand_made(
    s: &Scene,
    name: &str,
    from: &Store,
    extra: &[Vec<u8>],
    changes: Vec<Change>,
) -> std::path::PathBuf {
    let mut h: Header = s.header_from_a();
    h.sender = from.node_id().to_string();
    h.sender_label = None;
    h.sender_public_key = public_key(from.device_key());
    h.roster = sync::roster_wire(from.conn(), &s.study).unwrap();
    for e in extra {
        h.roster.push(base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            e,
        ));
    }
    h.changes = changes.len() as u64;
    let packed = if changes.is_empty() {
        Vec::new()
    } else {
        let segments = sign_segments(&s.study, &changes, from.device_key()).unwrap();
        vec![bundle::pack(&ChangeBatch { changes, segments }).unwrap()]
    };
    s.write(name, h, packed, &s.key(), from.device_key())
}

/// The HQ-key entry `who` signs for `key`, after what it holds of the roster.
fn hq_entry(s: &Scene, who: &Store, key: [u8; 32]) -> terrain_core::changes::SignedEntry {
    let roster = sync::roster(who, &s.study).unwrap().unwrap();
    let me = who.device_key().verifying_key().to_bytes();
    Entry {
        study: s.study.clone(),
        kind: EntryKind::HqKey,
        subject: key,
        box_key: None,
        envelopes: Vec::new(),
        after: Vec::new(),
        parents: roster.heads(),
        author: me,
    }
    .sign(who.device_key())
    .unwrap()
}

fn now() -> i64 {
    terrain_core::clock::from_millis(chrono::Utc::now().timestamp_millis())
}

fn change(
    node: &Store,
    seq: i64,
    (entity, row, field): (Entity, &str, &str),
    value: &str,
) -> Change {
    Change {
        node: node.node_id().to_string(),
        seq,
        study: None,
        entity,
        row_id: row.to_string(),
        field: field.to_string(),
        value: SqlValue::Text(value.to_string()),
        hlc: now() + seq,
        prev: None,
        cover: terrain_core::changes::Cover::fresh(entity, field),
    }
}

fn held_of(store: &Store, study: &str, node: &str) -> i64 {
    sync::held_vector(store.conn(), study)
        .unwrap()
        .get(study, node)
}

fn name_on(store: &Store, id: &str) -> String {
    read::get(store.conn(), Entity::Participant, id)
        .unwrap()
        .text("name")
        .unwrap_or_default()
        .to_string()
}

#[test]
fn an_enumerator_cannot_swap_the_hq_key_for_its_own_on_write_or_on_receipt() {
    let mut s = scene();
    let (mut h, _) = with_hq(&mut s);
    let e = member(&mut s, "e", Role::Enumerator);
    let real = sync::study_hq(&s.b, &s.study).unwrap();
    assert!(real.fingerprint.is_some());

    // E makes a key pair of its own and tries to set it: refused on its own laptop.
    let forged_text = sync::hq_keygen(&e).unwrap();
    let forged = sync::parse_public_key(&forged_text).unwrap();
    let before_e = sync::dump_string(e.conn(), None).unwrap();
    let roster_e = sync::roster_wire(e.conn(), &s.study).unwrap();
    let refused = sync::set_hq_key(&e, &s.study, &forged_text).unwrap_err();
    assert_eq!(refused.code(), "role_refused");
    let signed = hq_entry(&s, &e, forged);
    let refused = add_entries(e.conn(), &s.study, std::slice::from_ref(&signed)).unwrap_err();
    assert_eq!(refused.code(), "bad_roster_entry");
    assert_eq!(sync::dump_string(e.conn(), None).unwrap(), before_e);
    assert_eq!(sync::roster_wire(e.conn(), &s.study).unwrap(), roster_e);
    assert_eq!(sync::study_hq(&e, &s.study).unwrap(), real);

    // Sent in a bundle's roster with a change of which fields are sealed (a coordinator's):
    // refused as a whole, the victim unchanged, the entry not kept.
    let seq = held_of(&e, &s.study, e.node_id()) + 1;
    let mut unseal = change(
        &e,
        seq,
        (Entity::Study, &s.study, "sealed_fields"),
        r#"["session.notes"]"#,
    );
    unseal.study = Some(s.study.clone());
    let p = hand_made(&s, "unseal.terrain", &e, &[signed.to_bytes()], vec![unseal]);
    let before = s.victim_state();
    let roster_b = sync::roster_wire(s.b.conn(), &s.study).unwrap();
    assert_eq!(s.refusal(&p), "role_refused");
    assert_eq!(s.victim_state(), before);
    assert_eq!(sync::roster_wire(s.b.conn(), &s.study).unwrap(), roster_b);

    // Sent alone: the bundle goes in, the entry grants nothing and is not kept.
    let p = hand_made(&s, "swap.terrain", &e, &[signed.to_bytes()], Vec::new());
    let dump = sync::dump_string(s.b.conn(), None).unwrap();
    assert_eq!(s.refusal(&p), "ok");
    assert_eq!(sync::dump_string(s.b.conn(), None).unwrap(), dump);
    let kept = sync::roster_wire(s.b.conn(), &s.study).unwrap();
    let forged_wire = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        signed.to_bytes(),
    );
    assert!(!kept.contains(&forged_wire));
    assert_eq!(sync::study_hq(&s.b, &s.study).unwrap(), real);

    // The victim still works: what it writes is sealed to the real key, which headquarters
    // opens and the enumerator's key does not.
    s.victim_still_works();
    let session = read::list(s.b.conn(), Entity::Session, &Default::default()).unwrap()[0]
        .id
        .clone();
    let id =
        s.b.create(
            Entity::Participant,
            &fields(json!({"session_id": session, "sex": "male", "name": "Après l'attaque"})),
        )
        .unwrap();
    let p = export(&s, &s.b, "b-after-swap.terrain");
    bundle::import_bundle(&mut h, &p, &mut |_| {}).unwrap();
    assert_eq!(name_on(&h, &id), "Après l'attaque");
    let mut e = e;
    bundle::import_bundle(&mut e, &p, &mut |_| {}).unwrap();
    assert_eq!(name_on(&e, &id), terrain_core::changes::SEALED_MARKER);
}

#[test]
fn a_sealed_value_of_the_wrong_shape_is_refused_by_code_and_the_victim_goes_on() {
    let mut s = scene();
    let (_h, text) = with_hq(&mut s);
    let session = read::list(s.b.conn(), Entity::Session, &Default::default()).unwrap()[0]
        .id
        .clone();
    let good = {
        let key = sync::parse_public_key(&text).unwrap();
        terrain_core::changes::seal_value(&key, Entity::Participant, "phone", "+223 1").unwrap()
    };
    let body = &good[SEALED_PREFIX.len()..];
    let huge = format!("{SEALED_PREFIX}{}", "A".repeat(4 * 600));
    let cases = [
        ("name", format!("{SEALED_PREFIX}not base64!")),
        ("name", format!("{SEALED_PREFIX}{}", &body[..20])),
        ("phone", huge),
        ("phone", format!("{good}A")),
        // A field that is never sealed: its own rules, which a sealed text fails.
        ("code", good.clone()),
        ("sex", good.clone()),
    ];
    for (i, (field, value)) in cases.iter().enumerate() {
        let row = uuid::Uuid::now_v7().to_string();
        let seq = held_of(&s.b, &s.study, s.v.node_id()) + 1;
        let mut changes = Vec::new();
        let mut values = vec![
            ("session_id", session.clone()),
            ("code", "P900-AAAA".to_string()),
            ("sex", "female".to_string()),
        ];
        values.retain(|(f, _)| f != field);
        values.push((field, value.clone()));
        for (n, (f, v)) in values.iter().enumerate() {
            let mut c = change(&s.v, seq + n as i64, (Entity::Participant, &row, f), v);
            c.study = Some(s.study.clone());
            changes.push(c);
        }
        let p = hand_made(&s, &format!("bad-{i}.terrain"), &s.v, &[], changes);
        let before = s.victim_state();
        assert_eq!(
            s.refusal(&p),
            "malformed",
            "case {i}: {field} = {value:.40}"
        );
        assert_eq!(s.victim_state(), before, "case {i}");
    }
    // A well-formed one from the same member goes in.
    let row = uuid::Uuid::now_v7().to_string();
    let seq = held_of(&s.b, &s.study, s.v.node_id()) + 1;
    let fine: Vec<Change> = [
        ("session_id", session.as_str()),
        ("code", "P900-AAAA"),
        ("sex", "female"),
        ("phone", good.as_str()),
    ]
    .iter()
    .enumerate()
    .map(|(n, (f, v))| {
        let mut c = change(&s.v, seq + n as i64, (Entity::Participant, &row, f), v);
        c.study = Some(s.study.clone());
        c
    })
    .collect();
    let p = hand_made(&s, "fine.terrain", &s.v, &[], fine);
    assert_eq!(s.refusal(&p), "ok");
    s.victim_still_works();
}
