//! Authorship attacks through real bundle files (issue 12, audit H1, H3, L2): a change passed
//! off as a teammate's, a laptop outside the roster holding the study key, a revoked laptop,
//! an analyst or an enumerator going beyond its role with a hand-made bundle, a stretched
//! invitation. Each is refused with its code, leaves the victim as it was, and the victim
//! still writes and imports afterwards.

use ed25519_dalek::SigningKey;
use rusqlite::types::Value as SqlValue;
use serde_json::json;
use terrain_core::changes::{sign_segments, Change, Entry, EntryKind};
use terrain_core::schema::Role;
use terrain_core::sync::bundle::{self, ExportTarget, Header};
use terrain_core::sync::{self, ChangeBatch};
use terrain_core::{Entity, Store};

use super::victim::{public_key, scene, Scene};
use crate::support::fields;

/// A new laptop of the scene that joins with an invitation of A for `role`, and imports A's
/// data.
fn member(s: &Scene, name: &str, role: Role) -> Store {
    let mut m = Store::open_in_dir(&s.path(name)).unwrap();
    sync::join_invitation(&m, &sync::invite(&s.a, &s.study, role).unwrap()).unwrap();
    let p = s.path(&format!("{name}-first.terrain"));
    bundle::export_bundle(&s.a, &s.study, &ExportTarget::Full, &p, &mut |_| {}).unwrap();
    bundle::import_bundle(&mut m, &p, &mut |_| {}).unwrap();
    m
}

/// The header `from` writes, for hand-made batches.
fn header_from(s: &Scene, from: &Store) -> Header {
    let mut h = s.header_from_a();
    h.sender = from.node_id().to_string();
    h.sender_label = None;
    h.sender_public_key = public_key(from.device_key());
    h.roster = sync::roster_wire(from.conn(), &s.study).unwrap();
    h
}

/// A bundle of these changes and segments, written and signed by `from`.
fn hand_made(s: &Scene, name: &str, from: &Store, batch: ChangeBatch) -> std::path::PathBuf {
    let mut h = header_from(s, from);
    h.changes = batch.changes.len() as u64;
    let packed = bundle::pack(&batch).unwrap();
    s.write(name, h, vec![packed], &s.key(), from.device_key())
}

/// A session of `node`'s, as its write path would log it, from seq `first`.
fn session_changes(s: &Scene, node: &str, first: i64, title: &str) -> Vec<Change> {
    let row = uuid::Uuid::now_v7().to_string();
    let hlc = terrain_core::clock::from_millis(chrono::Utc::now().timestamp_millis());
    [
        ("study_id", s.study.as_str()),
        ("session_type", "workshop"),
        ("date", "2026-03-01"),
        ("title", title),
    ]
    .iter()
    .enumerate()
    .map(|(i, (field, value))| Change {
        node: node.to_string(),
        seq: first + i as i64,
        study: Some(s.study.clone()),
        entity: Entity::Session,
        row_id: row.clone(),
        field: field.to_string(),
        value: SqlValue::Text(value.to_string()),
        hlc: hlc + i as i64,
        prev: None,
        cover: terrain_core::changes::Cover::Value,
    })
    .collect()
}

fn signed_by(s: &Scene, key: &SigningKey, changes: Vec<Change>) -> ChangeBatch {
    let segments = sign_segments(&s.study, &changes, key).unwrap();
    ChangeBatch { changes, segments }
}

fn held_of(store: &Store, s: &Scene, node: &str) -> i64 {
    sync::held_vector(store.conn(), &s.study)
        .unwrap()
        .get(&s.study, node)
}

#[test]
fn a_change_passed_off_as_a_teammates_is_refused() {
    let mut s = scene();
    // V, a member, writes a session under A's name and the next numbers of A's, signed with
    // its own key (it does not hold A's).
    let next = held_of(&s.b, &s, s.a.node_id()) + 1;
    let forged = session_changes(&s, s.a.node_id(), next, "écrite par V au nom de A");
    let mut batch = signed_by(&s, s.v.device_key(), forged);
    for seg in &mut batch.segments {
        seg.node = s.a.node_id().to_string();
    }
    let p = hand_made(&s, "passed-off.terrain", &s.v, batch);
    let before = s.victim_state();
    assert_eq!(s.refusal(&p), "bad_signature");
    assert_eq!(s.victim_state(), before);
    // A's real changes with those numbers still arrive.
    s.victim_still_works();
}

#[test]
fn a_laptop_outside_the_roster_is_refused_even_with_the_study_key() {
    let mut s = scene();
    // O copied the study key off a seized laptop; it holds no invitation.
    let o = Store::open_in_dir(&s.path("o")).unwrap();
    o.conn()
        .execute(
            "INSERT INTO study_key_versions(study, version, key, created_at) VALUES (?1, 1, ?2, 0)",
            (&s.study, &s.key()[..]),
        )
        .unwrap();
    let changes = session_changes(&s, o.node_id(), 1, "écrite par un inconnu");
    let batch = signed_by(&s, o.device_key(), changes);
    let p = hand_made(&s, "outsider.terrain", &o, batch);
    let before = s.victim_state();
    assert_eq!(s.refusal(&p), "not_member");
    assert_eq!(s.victim_state(), before);
    s.victim_still_works();
}

#[test]
fn a_revoked_laptop_is_refused_after_its_cut_off_and_kept_before() {
    let mut s = scene();
    let mut e = member(&s, "e", Role::Enumerator);
    let study = s.study.clone();
    e.create(
        Entity::Session,
        &fields(json!({"study_id": study, "title": "avant", "session_type": "workshop", "date": "2026-03-02"})),
    )
    .unwrap();
    // A receives E's first session, then revokes E (a lost laptop).
    let p = s.path("e-to-a.terrain");
    bundle::export_bundle(&e, &s.study, &ExportTarget::Full, &p, &mut |_| {}).unwrap();
    bundle::import_bundle(&mut s.a, &p, &mut |_| {}).unwrap();
    let e_key = e.device_key().verifying_key().to_bytes();
    sync::revoke(&s.a, &s.study, &e_key).unwrap();
    // E, not knowing, writes on; whoever holds it sends it on.
    e.create(
        Entity::Session,
        &fields(json!({"study_id": study, "title": "après", "session_type": "workshop", "date": "2026-03-03"})),
    )
    .unwrap();
    let late = s.path("e-late.terrain");
    bundle::export_bundle(&e, &s.study, &ExportTarget::Full, &late, &mut |_| {}).unwrap();
    // The victim learns of the revocation from A's next bundle, which also carries E's first
    // session: that one is kept.
    let from_a = s.path("a-revoked.terrain");
    bundle::export_bundle(&s.a, &s.study, &ExportTarget::Full, &from_a, &mut |_| {}).unwrap();
    assert_eq!(s.refusal(&from_a), "ok");
    let dump = sync::dump_string(s.b.conn(), None).unwrap();
    assert!(dump.contains("avant") && !dump.contains("après"));
    let before = s.victim_state();
    assert_eq!(s.refusal(&late), "revoked");
    assert_eq!(s.victim_state(), before);
    s.victim_still_works();
}

#[test]
fn an_analyst_edits_nothing_even_through_a_hand_made_bundle() {
    let mut s = scene();
    let n = member(&s, "n", Role::Analyst);
    // Its own app refuses.
    let study = s.study.clone();
    let mut n = n;
    let code = n
        .create(
            Entity::Session,
            &fields(json!({"study_id": study, "session_type": "workshop", "date": "2026-03-04"})),
        )
        .unwrap_err()
        .code();
    assert_eq!(code, "role_refused");
    // A bundle made by hand, signed by the analyst's own key, is refused by the victim.
    let changes = session_changes(&s, n.node_id(), 1, "écrite par l'analyste");
    let batch = signed_by(&s, n.device_key(), changes);
    let p = hand_made(&s, "analyst.terrain", &n, batch);
    let before = s.victim_state();
    assert_eq!(s.refusal(&p), "role_refused");
    assert_eq!(s.victim_state(), before);
    s.victim_still_works();
}

#[test]
fn an_enumerator_cannot_promote_itself_with_a_roster_entry_of_its_own() {
    let mut s = scene();
    let e = member(&s, "e", Role::Enumerator);
    // E signs a grant making itself coordinator and sends it in its bundle's roster, with a
    // change of the study's title (a coordinator's).
    let roster = sync::roster(&e, &s.study).unwrap().unwrap();
    let me = e.device_key().verifying_key().to_bytes();
    let forged = Entry {
        study: s.study.clone(),
        kind: EntryKind::Grant(Role::Coordinator),
        subject: me,
        box_key: None,
        envelopes: Vec::new(),
        after: Vec::new(),
        parents: roster.heads(),
        author: me,
    }
    .sign(e.device_key())
    .unwrap();
    let hlc = terrain_core::clock::from_millis(chrono::Utc::now().timestamp_millis());
    let title = Change {
        node: e.node_id().to_string(),
        seq: 1,
        study: Some(s.study.clone()),
        entity: Entity::Study,
        row_id: s.study.clone(),
        field: "title".into(),
        value: SqlValue::Text("Étude détournée".into()),
        hlc,
        prev: None,
        cover: terrain_core::changes::Cover::Value,
    };
    let batch = signed_by(&s, e.device_key(), vec![title]);
    let mut h = header_from(&s, &e);
    h.roster.push(base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        forged.to_bytes(),
    ));
    h.changes = 1;
    let p = s.write(
        "promoted.terrain",
        h,
        vec![bundle::pack(&batch).unwrap()],
        &s.key(),
        e.device_key(),
    );
    let before = s.victim_state();
    let entries_before = sync::roster_wire(s.b.conn(), &s.study).unwrap();
    assert_eq!(s.refusal(&p), "role_refused");
    assert_eq!(s.victim_state(), before);
    // The forged entry is not kept: only entries valid in the roster ever are.
    assert_eq!(
        sync::roster_wire(s.b.conn(), &s.study).unwrap(),
        entries_before
    );
    s.victim_still_works();
}

#[test]
fn an_invitation_cannot_be_stretched_to_another_role_and_the_real_one_still_works() {
    let s = scene();
    let invitation = sync::invite(&s.a, &s.study, Role::Enumerator).unwrap();
    // Whoever holds the file and its code can reseal its content under a code of their own.
    let content = sync::unseal_join(&invitation.file, &invitation.code).unwrap();
    let mut file: serde_json::Value = serde_json::from_str(&content).unwrap();
    file["role"] = json!("coordinator");
    let forged = sync::seal_join(&file.to_string()).unwrap();
    let j = Store::open_in_dir(&s.path("j")).unwrap();
    let before = sync::dump_string(j.conn(), None).unwrap();
    let e = sync::join(&j, &forged.file, &forged.code).unwrap_err();
    assert_eq!(e.code(), "invitation_unusable");
    assert_eq!(sync::dump_string(j.conn(), None).unwrap(), before);
    assert!(sync::study_key(j.conn(), &s.study).unwrap().is_none());
    assert!(
        sync::roster(&j, &s.study).unwrap().is_none(),
        "nothing kept"
    );
    // The file as the coordinator wrote it lets the laptop in, as an enumerator.
    let joined = sync::join_invitation(&j, &invitation).unwrap();
    assert_eq!(joined.role, Role::Enumerator);
    let roster = sync::roster(&j, &s.study).unwrap().unwrap();
    assert_eq!(
        roster.current_role(j.node_id(), &s.study),
        Ok(Role::Enumerator)
    );
}

/// A member sends a roster of a thousand entries it signed itself, each naming the one before:
/// judging such a chain would hold n²/2 ancestors. More than a roster holds is refused before
/// any entry is judged, in the header or once added to what the victim holds.
#[test]
fn a_roster_too_long_to_judge_is_refused() {
    let mut s = scene();
    let mut parents = Vec::new();
    let mut chain = Vec::new();
    for i in 0..1_025u32 {
        let subject = SigningKey::from_bytes(&[(i % 251) as u8 + 1; 32])
            .verifying_key()
            .to_bytes();
        let entry = Entry {
            study: s.study.clone(),
            kind: EntryKind::Grant(Role::Enumerator),
            subject,
            box_key: None,
            envelopes: Vec::new(),
            after: vec![(String::new(), i64::from(i))],
            parents: std::mem::take(&mut parents),
            author: s.v.device_key().verifying_key().to_bytes(),
        }
        .sign(s.v.device_key())
        .unwrap();
        parents = vec![entry.id()];
        chain.push(base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            entry.to_bytes(),
        ));
    }
    let before = s.victim_state();
    let entries_before = sync::roster_wire(s.b.conn(), &s.study).unwrap();
    for (n, code) in [(1_025, "malformed"), (1_024, "bad_roster_entry")] {
        let mut h = header_from(&s, &s.v);
        h.roster = chain[..n].to_vec();
        let p = s.write(
            &format!("long-roster-{n}.terrain"),
            h,
            vec![],
            &s.key(),
            s.v.device_key(),
        );
        assert_eq!(s.refusal(&p), code, "{n} entries");
        assert_eq!(s.victim_state(), before);
        assert_eq!(
            sync::roster_wire(s.b.conn(), &s.study).unwrap(),
            entries_before
        );
    }
    s.victim_still_works();
}
