//! Re-keying on revocation (issue 12, "Revocation that means something"): revoking a laptop
//! replaces the study key by a new version sealed to the remaining members; the revoked laptop,
//! which keeps the old key, reads nothing written since and gets nothing in with it; a key it
//! makes up and passes off as a re-key is refused. Through real bundle files.

use rand::rngs::OsRng;
use rand::RngCore;
use serde_json::json;
use terrain_core::changes::{Entry, EntryKind};
use terrain_core::schema::Role;
use terrain_core::sync::bundle::{self, ExportTarget};
use terrain_core::sync::{self, StudyKey};
use terrain_core::{Entity, Store};

use super::victim::{public_key, scene, Scene};
use crate::support::fields;

/// A laptop that joins the scene's study as `role` with an invitation of A, and exchanges a
/// bundle with A each way (so A holds its claim of the invitation).
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

fn export(s: &Scene, from: &Store, name: &str) -> std::path::PathBuf {
    let p = s.path(name);
    bundle::export_bundle(from, &s.study, &ExportTarget::Full, &p, &mut |_| {}).unwrap();
    p
}

fn import(to: &mut Store, p: &std::path::Path) -> Result<u64, String> {
    bundle::import_bundle(to, p, &mut |_| {})
        .map(|r| r.applied)
        .map_err(|e| e.code().to_string())
}

fn key_version(store: &Store, study: &str) -> u32 {
    sync::study_access(store, study).unwrap().key_version
}

fn write_session(store: &mut Store, study: &str, title: &str) -> String {
    store
        .create(
            Entity::Session,
            &fields(json!({"study_id": study, "title": title, "session_type": "workshop", "date": "2026-03-02"})),
        )
        .unwrap()
}

fn holds_session(store: &Store, id: &str) -> bool {
    terrain_core::read::get(store.conn(), Entity::Session, id).is_ok()
}

#[test]
fn revoking_a_laptop_replaces_the_study_key_and_what_follows_is_sealed_from_it() {
    let mut s = scene();
    let mut m = member(&mut s, "m", Role::Enumerator);
    let old_key = s.key();
    assert_eq!(key_version(&s.a, &s.study), 1);
    sync::revoke_member(&s.a, &s.study, m.node_id()).unwrap();
    assert_eq!(key_version(&s.a, &s.study), 2, "the revocation re-keys");
    assert_ne!(s.key(), old_key);

    // What A writes next reaches B, which learns the new key from the bundle's roster...
    let study = s.study.clone();
    let after = write_session(&mut s.a, &study, "Après le retrait");
    let p = export(&s, &s.a, "after.terrain");
    assert!(import(&mut s.b, &p).unwrap() > 0);
    assert!(holds_session(&s.b, &after));
    assert_eq!(key_version(&s.b, &s.study), 2);
    assert_eq!(
        sync::study_key(s.b.conn(), &s.study).unwrap(),
        Some(s.key())
    );

    // ...and not the revoked laptop, which holds only the old key: refused by name, unchanged.
    let before = sync::dump_string(m.conn(), None).unwrap();
    assert_eq!(import(&mut m, &p), Err("study_key_withheld".into()));
    assert_eq!(sync::dump_string(m.conn(), None).unwrap(), before);
    assert!(!holds_session(&m, &after));
    assert_eq!(key_version(&m, &s.study), 1);

    // What B writes is sealed with the new key, and the team goes on.
    let from_b = write_session(&mut s.b, &study, "B après le retrait");
    let p = export(&s, &s.b, "b-after.terrain");
    assert_eq!(import(&mut m, &p), Err("study_key_withheld".into()));
    assert!(import(&mut s.a, &p).unwrap() > 0);
    assert!(holds_session(&s.a, &from_b));
}

#[test]
fn a_bundle_sealed_with_the_replaced_key_is_refused_and_its_writer_recovers_by_importing_first() {
    let mut s = scene();
    let mut m = member(&mut s, "m", Role::Enumerator);
    let study = s.study.clone();
    sync::revoke_member(&s.a, &s.study, m.node_id()).unwrap();

    // The revoked laptop writes and exports with the key it kept: refused, A unchanged.
    write_session(&mut m, &study, "écrite après le retrait");
    let p = export(&s, &m, "revoked.terrain");
    let before = sync::dump_string(s.a.conn(), None).unwrap();
    let e = bundle::import_bundle(&mut s.a, &p, &mut |_| {}).unwrap_err();
    assert_eq!(e.code(), "study_key_replaced");
    assert!(e.message(terrain_core::Lang::Fr).contains("version 1"));
    assert_eq!(sync::dump_string(s.a.conn(), None).unwrap(), before);

    // B had not heard of the re-key: its bundle, sealed with the old key, is refused too...
    let from_b = write_session(&mut s.b, &study, "B avant d'apprendre");
    let stale = export(&s, &s.b, "b-stale.terrain");
    assert_eq!(import(&mut s.a, &stale), Err("study_key_replaced".into()));
    // ...until B imports from A (and so gets the new key) and exports again.
    let p = export(&s, &s.a, "a-news.terrain");
    import(&mut s.b, &p).unwrap();
    let fresh = export(&s, &s.b, "b-fresh.terrain");
    assert!(import(&mut s.a, &fresh).unwrap() > 0);
    assert!(holds_session(&s.a, &from_b));
    // A still writes and exports.
    write_session(&mut s.a, &study, "A continue");
    export(&s, &s.a, "a-next.terrain");
}

#[test]
fn a_key_made_up_by_a_revoked_laptop_and_passed_off_as_a_rekey_is_refused() {
    let mut s = scene();
    let m = member(&mut s, "m", Role::Enumerator);
    sync::revoke_member(&s.a, &s.study, m.node_id()).unwrap();
    // The victim B knows of the revocation and the new key.
    let p = export(&s, &s.a, "news.terrain");
    import(&mut s.b, &p).unwrap();
    let key_before = sync::study_key(s.b.conn(), &s.study).unwrap();

    // M makes a version 3 key of its own, signs a "rekey" entry handing it to B, and seals a
    // bundle with it.
    let mut made_up: StudyKey = [0; 32];
    OsRng.fill_bytes(&mut made_up);
    let roster = sync::roster(&m, &s.study).unwrap().unwrap();
    let entry = Entry {
        study: s.study.clone(),
        kind: EntryKind::Rekey(3),
        subject: sync::rekey_commitment(&s.study, 3, &made_up),
        box_key: None,
        after: Vec::new(),
        parents: roster.heads(),
        author: m.device_key().verifying_key().to_bytes(),
        envelopes: vec![sync::seal_study_key(
            &s.b.device_key().verifying_key(),
            &s.study,
            3,
            &made_up,
        )
        .unwrap()],
    }
    .sign(m.device_key())
    .unwrap();
    let mut h = s.header_from_a();
    h.sender = m.node_id().to_string();
    h.sender_label = None;
    h.sender_public_key = public_key(m.device_key());
    h.roster.push(base64_entry(&entry));
    h.key_check = sync::key_check(&made_up);
    h.key_version = 3;
    let forged = s.write("made-up-key.terrain", h, vec![], &made_up, m.device_key());
    let before = s.victim_state();
    assert_eq!(s.refusal(&forged), "study_key_withheld");
    assert_eq!(s.victim_state(), before);
    assert_eq!(sync::study_key(s.b.conn(), &s.study).unwrap(), key_before);
    // B still writes and takes A's news.
    let study = s.study.clone();
    write_session(&mut s.b, &study, "B continue");
    write_session(&mut s.a, &study, "A continue");
    let p = export(&s, &s.a, "a-next.terrain");
    assert!(import(&mut s.b, &p).unwrap() > 0);
}

fn base64_entry(e: &terrain_core::changes::SignedEntry) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(e.to_bytes())
}

#[test]
fn only_a_coordinator_replaces_the_study_key() {
    let mut s = scene();
    let e = member(&mut s, "e", Role::Enumerator);
    let before = sync::dump_string(e.conn(), None).unwrap();
    let err = sync::rekey(&e, &s.study).unwrap_err();
    assert_eq!(err.code(), "role_refused");
    assert_eq!(key_version(&e, &s.study), 1);
    assert_eq!(sync::dump_string(e.conn(), None).unwrap(), before);
    assert_eq!(sync::rekey(&s.a, &s.study).unwrap(), 2);
}

#[test]
fn a_laptop_invited_after_a_rekey_gets_the_new_key_and_reads_the_team() {
    let mut s = scene();
    let m = member(&mut s, "m", Role::Enumerator);
    sync::revoke_member(&s.a, &s.study, m.node_id()).unwrap();
    let mut late = member(&mut s, "late", Role::Enumerator);
    assert_eq!(key_version(&late, &s.study), 2);
    assert_eq!(
        sync::study_key(late.conn(), &s.study).unwrap(),
        sync::study_key(s.a.conn(), &s.study).unwrap()
    );
    // It reads what A writes next, and A reads what it writes.
    let mut a = s.a;
    let from_a = write_session(&mut a, &s.study, "A pour le nouveau");
    let p = s.dir.path().join("for-late.terrain");
    bundle::export_bundle(&a, &s.study, &ExportTarget::Full, &p, &mut |_| {}).unwrap();
    assert!(import(&mut late, &p).unwrap() > 0);
    assert!(holds_session(&late, &from_a));
    let from_late = write_session(&mut late, &s.study, "Le nouveau écrit");
    let p = s.dir.path().join("from-late.terrain");
    bundle::export_bundle(&late, &s.study, &ExportTarget::Full, &p, &mut |_| {}).unwrap();
    assert!(import(&mut a, &p).unwrap() > 0);
    assert!(holds_session(&a, &from_late));
}
