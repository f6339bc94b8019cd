//! The review mark that lets free text into anonymised exports (issue 13) is a supervisor's:
//! an enumerator's own laptop refuses to write it, and a hand-made bundle in which an
//! enumerator sets it is refused by the victim, which stays as it was and still works.

use rusqlite::types::Value as SqlValue;
use serde_json::json;
use terrain_core::changes::{sign_segments, Change};
use terrain_core::export;
use terrain_core::schema::Role;
use terrain_core::sync::bundle::{self, ExportTarget};
use terrain_core::sync::{self, ChangeBatch};
use terrain_core::{Entity, Store};

use super::victim::{public_key, scene, Scene};
use crate::support::fields;

/// A laptop of the scene that joined with an invitation of A for `role` and imported A's data.
fn member(s: &Scene, name: &str, role: Role) -> Store {
    let mut m = Store::open_in_dir(&s.path(name)).unwrap();
    sync::join_invitation(&m, &sync::invite(&s.a, &s.study, role).unwrap()).unwrap();
    let p = s.path(&format!("{name}-first.terrain"));
    bundle::export_bundle(&s.a, &s.study, &ExportTarget::Full, &p, &mut |_| {}).unwrap();
    bundle::import_bundle(&mut m, &p, &mut |_| {}).unwrap();
    m
}

/// A finding of `node`'s in a session of the study, as its write path would log it from seq
/// 1, with its text marked reviewed when `mark` is given.
fn finding_changes(s: &Scene, node: &str, session: &str, mark: bool) -> Vec<Change> {
    let row = uuid::Uuid::now_v7().to_string();
    let hlc = terrain_core::clock::from_millis(chrono::Utc::now().timestamp_millis());
    let text = "Le commandant de Boni a menacé M. Cissé.";
    let fingerprint = export::fingerprint(&[Some("sécurité"), Some(text)]);
    let mut values = vec![
        ("session_id", session.to_string()),
        ("theme", "sécurité".to_string()),
        ("text", text.to_string()),
    ];
    if mark {
        values.push(("reviewed", fingerprint));
    }
    values
        .into_iter()
        .enumerate()
        .map(|(i, (field, value))| Change {
            node: node.to_string(),
            seq: 1 + i as i64,
            study: Some(s.study.clone()),
            entity: Entity::Finding,
            row_id: row.clone(),
            field: field.to_string(),
            value: SqlValue::Text(value),
            hlc: hlc + i as i64,
            prev: None,
            cover: terrain_core::changes::Cover::fresh(Entity::Finding, field),
        })
        .collect()
}

/// A bundle of `changes`, written and signed by `from` with its own key.
fn bundle_of(s: &Scene, name: &str, from: &Store, changes: Vec<Change>) -> std::path::PathBuf {
    let segments = sign_segments(&s.study, &changes, from.device_key()).unwrap();
    let batch = ChangeBatch { changes, segments };
    let mut h = s.header_from_a();
    h.sender = from.node_id().to_string();
    h.sender_label = None;
    h.sender_public_key = public_key(from.device_key());
    h.roster = sync::roster_wire(from.conn(), &s.study).unwrap();
    h.changes = batch.changes.len() as u64;
    let packed = bundle::pack(&batch).unwrap();
    s.write(name, h, vec![packed], &s.key(), from.device_key())
}

fn a_session(store: &Store) -> String {
    store
        .conn()
        .query_row("SELECT id FROM session ORDER BY id LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap()
}

#[test]
fn an_enumerator_cannot_mark_text_reviewed_on_its_own_laptop() {
    let s = scene();
    let mut e = member(&s, "e", Role::Enumerator);
    assert!(!sync::study_access(&e, &s.study).unwrap().may_review_text);
    let session = a_session(&e);
    let finding = e
        .create(
            Entity::Finding,
            &fields(json!({"session_id": session, "theme": "justice", "text": "Un constat."})),
        )
        .unwrap();
    let before = sync::dump_string(e.conn(), None).unwrap();
    let err = export::set_reviewed(&mut e, Entity::Finding, &finding, true).unwrap_err();
    assert_eq!(err.code(), "role_refused");
    // Through the generic record write too, and on a session's notes.
    let err = e
        .update(
            Entity::Session,
            &session,
            &fields(json!({"reviewed": export::fingerprint(&[None])})),
        )
        .unwrap_err();
    assert_eq!(err.code(), "role_refused");
    assert_eq!(sync::dump_string(e.conn(), None).unwrap(), before);
    assert!(!export::is_reviewed(e.conn(), Entity::Finding, &finding).unwrap());
    // It still writes what an enumerator writes.
    e.update(
        Entity::Finding,
        &finding,
        &fields(json!({"text": "Un constat, corrigé."})),
    )
    .unwrap();
    // A supervisor may.
    let mut v = member(&s, "sup", Role::Supervisor);
    assert!(sync::study_access(&v, &s.study).unwrap().may_review_text);
    let session = a_session(&v);
    let f = v
        .create(
            Entity::Finding,
            &fields(json!({"session_id": session, "theme": "justice", "text": "Relu."})),
        )
        .unwrap();
    export::set_reviewed(&mut v, Entity::Finding, &f, true).unwrap();
    assert!(export::is_reviewed(v.conn(), Entity::Finding, &f).unwrap());
    // The app's tick box: reads, takes the mark away, puts it back.
    assert!(export::review(&mut v, Entity::Finding, &f, None).unwrap());
    assert!(!export::review(&mut v, Entity::Finding, &f, Some(false)).unwrap());
    assert!(export::review(&mut v, Entity::Finding, &f, Some(true)).unwrap());
    // An enumerator's tick box only reads.
    assert!(export::review(&mut e, Entity::Finding, &finding, Some(true)).is_err());
}

#[test]
fn a_review_mark_set_by_an_enumerator_in_a_hand_made_bundle_is_refused() {
    let mut s = scene();
    let e = member(&s, "e", Role::Enumerator);
    let session = a_session(&s.b);
    let marked = finding_changes(&s, e.node_id(), &session, true);
    let p = bundle_of(&s, "marked.terrain", &e, marked);
    let before = s.victim_state();
    assert_eq!(s.refusal(&p), "role_refused");
    assert_eq!(s.victim_state(), before);
    // The same finding without the mark is an enumerator's ordinary work: accepted.
    let plain = finding_changes(&s, e.node_id(), &session, false);
    let p = bundle_of(&s, "plain.terrain", &e, plain);
    assert_eq!(s.refusal(&p), "ok");
    s.victim_still_works();
}
