//! Authorship: a study's roster, roles and signed changes, between real stores. Every attack
//! is refused with its code, leaves the victim's dump as it was, and the victim still writes
//! and still receives a good batch afterwards.

use rusqlite::types::Value as SqlValue;
use serde_json::json;
use terrain_core::changes::{
    segments_covering, stored_entries, verify_received, Change, PublicKey, Roster, Segment,
};
use terrain_core::schema::Role;
use terrain_core::store::node_id_of;
use terrain_core::sync;
use terrain_core::{Entity, Lang, Store};

use crate::support::fields;

struct Team {
    _dir: tempfile::TempDir,
    /// The founder (coordinator).
    a: Store,
    /// The victim: a member holding the roster.
    v: Store,
    /// Another laptop, unmanaged on its own side: it can write whatever it likes.
    m: Store,
    study: String,
}

fn key_of(s: &Store) -> PublicKey {
    s.device_key().verifying_key().to_bytes()
}

fn session(study: &str, day: u32) -> terrain_core::Fields {
    fields(
        json!({"study_id": study, "session_type": "workshop", "date": format!("2026-02-{day:02}")}),
    )
}

/// What `from` holds of the study that `to` lacks, with the segments covering it (what it
/// wrote itself signed first, as before any export).
fn batch(from: &Store, to: &Store, study: &str) -> (Vec<Change>, Vec<Segment>) {
    sync::seal_own(from).unwrap();
    let have = sync::held_vector(to.conn(), study).unwrap();
    let (b, _) = sync::next_batch(from.conn(), study, &have, usize::MAX, usize::MAX).unwrap();
    assert_eq!(
        segments_covering(from.conn(), &b.changes).unwrap(),
        b.segments
    );
    (b.changes, b.segments)
}

/// Received changes, checked and applied as a bundle or the hub would.
fn apply(
    to: &mut Store,
    study: &str,
    changes: &[Change],
    segments: &[Segment],
) -> terrain_core::Result<terrain_core::changes::Outcome> {
    let batch = sync::ChangeBatch {
        changes: changes.to_vec(),
        segments: segments.to_vec(),
    };
    sync::apply_signed(to, study, &batch)
}

/// Sends the roster of `from` to `to`.
fn send_roster(from: &Store, to: &Store, study: &str) {
    sync::receive_entries(to, study, &stored_entries(from.conn(), study).unwrap()).unwrap();
}

fn refused(r: terrain_core::Result<impl std::fmt::Debug>) -> String {
    let e = r.unwrap_err();
    assert!(!e.message(Lang::Fr).is_empty() && !e.message(Lang::En).is_empty());
    e.code().to_string()
}

fn team() -> Team {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Store::open_in_dir(&dir.path().join("a")).unwrap();
    let mut v = Store::open_in_dir(&dir.path().join("v")).unwrap();
    let mut m = Store::open_in_dir(&dir.path().join("m")).unwrap();
    let study = a
        .create(Entity::Study, &fields(json!({"title": "Mopti"})))
        .unwrap();
    a.create(Entity::Session, &session(&study, 1)).unwrap();
    sync::grant(&a, &study, &key_of(&v), Role::Enumerator).unwrap();
    sync::pin_anchor(&v, &study, &key_of(&a)).unwrap();
    send_roster(&a, &v, &study);
    let (changes, segments) = batch(&a, &v, &study);
    apply(&mut v, &study, &changes, &segments).unwrap();
    // M gets the study's records without checks (it is unmanaged on its side).
    sync::apply_changes(&mut m, Some(&study), &changes).unwrap();
    Team {
        _dir: dir,
        a,
        v,
        m,
        study,
    }
}

/// The victim still writes, and still receives a good signed batch from the founder.
fn still_works(t: &mut Team, day: u32) {
    t.v.create(Entity::Session, &session(&t.study, day))
        .unwrap();
    t.a.create(Entity::Session, &session(&t.study, day + 1))
        .unwrap();
    let (changes, segments) = batch(&t.a, &t.v, &t.study);
    assert!(!changes.is_empty());
    apply(&mut t.v, &t.study, &changes, &segments).unwrap();
}

fn dump(s: &Store) -> String {
    sync::dump_string(s.conn(), None).unwrap()
}

#[test]
fn node_ids_come_from_device_keys_and_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(dir.path()).unwrap();
    let id = store.node_id().to_string();
    assert_eq!(id, node_id_of(&store.device_key().verifying_key()));
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 8);
    drop(store);
    let again = Store::open_in_dir(dir.path()).unwrap();
    assert_eq!(again.node_id(), id);
}

#[test]
fn a_study_created_here_is_founded_by_this_laptop_as_coordinator() {
    let t = team();
    let roster = Roster::load(t.a.conn(), &t.study).unwrap().unwrap();
    assert_eq!(roster.anchor(), key_of(&t.a));
    let roles: Vec<_> = roster
        .members()
        .into_iter()
        .map(|m| (m.node_id, m.role))
        .collect();
    let mut want = vec![
        (t.a.node_id().to_string(), Some(Role::Coordinator)),
        (t.v.node_id().to_string(), Some(Role::Enumerator)),
    ];
    want.sort();
    assert_eq!(roles, want);
    // The victim judges the same roster the same way.
    let there = Roster::load(t.v.conn(), &t.study).unwrap().unwrap();
    assert_eq!(there.members(), roster.members());
}

#[test]
fn signed_changes_travel_and_a_relay_forwards_the_origins_proof() {
    let mut t = team();
    assert_eq!(dump(&t.v), dump(&t.a));
    // V relays A's changes to a third laptop: the segments it sends are A's, as kept by V.
    let dir = tempfile::tempdir().unwrap();
    let mut c = Store::open_in_dir(dir.path()).unwrap();
    sync::pin_anchor(&c, &t.study, &key_of(&t.a)).unwrap();
    send_roster(&t.v, &c, &t.study);
    let (changes, segments) = batch(&t.v, &c, &t.study);
    assert!(segments.iter().all(|s| s.node == t.a.node_id()));
    apply(&mut c, &t.study, &changes, &segments).unwrap();
    assert_eq!(dump(&c), dump(&t.a));
    still_works(&mut t, 10);
}

#[test]
fn a_change_altered_on_the_way_is_refused() {
    let mut t = team();
    t.a.create(Entity::Session, &session(&t.study, 3)).unwrap();
    let (mut changes, segments) = batch(&t.a, &t.v, &t.study);
    let before = dump(&t.v);
    let date = changes.iter_mut().find(|c| c.field == "date").unwrap();
    date.value = SqlValue::Text("2026-02-04".into());
    let code = refused(apply(&mut t.v, &t.study, &changes, &segments));
    assert_eq!(code, "bad_signature");
    assert_eq!(dump(&t.v), before);
    still_works(&mut t, 10);
}

#[test]
fn a_change_claiming_another_devices_id_is_refused() {
    let mut t = team();
    sync::grant(&t.a, &t.study, &key_of(&t.m), Role::Enumerator).unwrap();
    send_roster(&t.a, &t.v, &t.study);
    // M, a member, writes a session and passes it off as A's (with its own signature).
    t.m.create(Entity::Session, &session(&t.study, 5)).unwrap();
    let (mut changes, mut segments) = batch(&t.m, &t.v, &t.study);
    let a_next = sync::held_vector(t.v.conn(), &t.study)
        .unwrap()
        .get(&t.study, t.a.node_id());
    let first_m = changes.iter().map(|c| c.seq).min().unwrap();
    for c in &mut changes {
        c.node = t.a.node_id().to_string();
        c.seq = c.seq - first_m + a_next + 1;
    }
    for s in &mut segments {
        s.node = t.a.node_id().to_string();
        s.last_seq = s.last_seq - s.first_seq + a_next + 1;
        s.first_seq = a_next + 1;
    }
    let before = dump(&t.v);
    let code = refused(apply(&mut t.v, &t.study, &changes, &segments));
    assert_eq!(code, "bad_signature");
    assert_eq!(dump(&t.v), before);
    still_works(&mut t, 10);
}

#[test]
fn changes_of_a_device_outside_the_roster_are_refused() {
    let mut t = team();
    // M is not in the roster: its own signature is genuine, and not enough.
    t.m.create(Entity::Session, &session(&t.study, 6)).unwrap();
    let (changes, segments) = batch(&t.m, &t.v, &t.study);
    let before = dump(&t.v);
    let code = refused(apply(&mut t.v, &t.study, &changes, &segments));
    assert_eq!(code, "not_member");
    assert_eq!(dump(&t.v), before);
    still_works(&mut t, 10);
}

#[test]
fn an_unsigned_or_partly_signed_batch_is_refused() {
    let mut t = team();
    t.a.create(Entity::Session, &session(&t.study, 7)).unwrap();
    let (changes, segments) = batch(&t.a, &t.v, &t.study);
    let before = dump(&t.v);
    // An empty round is fine; changes without their segments are not.
    apply(&mut t.v, &t.study, &[], &[]).unwrap();
    let code = refused(apply(&mut t.v, &t.study, &changes, &[]));
    assert_eq!(code, "bad_signature");
    // A segment cut short (its last change left out) does not verify either.
    let code = refused(apply(
        &mut t.v,
        &t.study,
        &changes[..changes.len() - 1],
        &segments,
    ));
    assert_eq!(code, "bad_signature");
    assert_eq!(dump(&t.v), before);
    still_works(&mut t, 10);
}

#[test]
fn an_analyst_writes_nothing_here_and_its_changes_are_refused_elsewhere() {
    let mut t = team();
    sync::grant(&t.a, &t.study, &key_of(&t.m), Role::Analyst).unwrap();
    send_roster(&t.a, &t.v, &t.study);
    // M bypasses its own app (unmanaged there): what it signs is still an analyst's.
    t.m.create(Entity::Session, &session(&t.study, 8)).unwrap();
    let (changes, segments) = batch(&t.m, &t.v, &t.study);
    let before = dump(&t.v);
    let code = refused(apply(&mut t.v, &t.study, &changes, &segments));
    assert_eq!(code, "role_refused");
    assert_eq!(dump(&t.v), before);
    // Once M holds the roster, its own write path refuses too, and writes nothing.
    sync::pin_anchor(&t.m, &t.study, &key_of(&t.a)).unwrap();
    send_roster(&t.a, &t.m, &t.study);
    let m_before = dump(&t.m);
    let code = refused(t.m.create(Entity::Session, &session(&t.study, 9)));
    assert_eq!(code, "role_refused");
    assert_eq!(dump(&t.m), m_before);
    still_works(&mut t, 10);
}

#[test]
fn an_enumerator_may_not_edit_the_study_nor_manage_the_roster() {
    let mut t = team();
    let before = dump(&t.v);
    let code = refused(t.v.update(Entity::Study, &t.study, &fields(json!({"title": "Ségou"}))));
    assert_eq!(code, "role_refused");
    let code = refused(sync::grant(
        &t.v,
        &t.study,
        &key_of(&t.m),
        Role::Coordinator,
    ));
    assert_eq!(code, "role_refused");
    assert_eq!(dump(&t.v), before);
    assert_eq!(stored_entries(t.v.conn(), &t.study).unwrap().len(), 2);
    still_works(&mut t, 10);
}

#[test]
fn a_revoked_device_is_refused_after_its_cut_off_and_kept_before() {
    let mut t = team();
    sync::grant(&t.a, &t.study, &key_of(&t.m), Role::Enumerator).unwrap();
    send_roster(&t.a, &t.v, &t.study);
    t.m.create(Entity::Session, &session(&t.study, 11)).unwrap();
    let (early, early_segments) = batch(&t.m, &t.a, &t.study);
    // A holds M's first session, then revokes M: its later changes are refused everywhere,
    // the earlier ones still travel (V has not received them yet).
    apply(&mut t.a, &t.study, &early, &early_segments).unwrap();
    sync::revoke(&t.a, &t.study, &key_of(&t.m)).unwrap();
    send_roster(&t.a, &t.v, &t.study);
    t.m.create(Entity::Session, &session(&t.study, 12)).unwrap();
    let (all, all_segments) = batch(&t.m, &t.v, &t.study);
    let before = dump(&t.v);
    let code = refused(apply(&mut t.v, &t.study, &all, &all_segments));
    assert_eq!(code, "revoked");
    assert_eq!(dump(&t.v), before);
    apply(&mut t.v, &t.study, &early, &early_segments).unwrap();
    let roster = Roster::load(t.v.conn(), &t.study).unwrap().unwrap();
    let m = roster
        .members()
        .into_iter()
        .find(|x| x.node_id == t.m.node_id())
        .unwrap();
    assert_eq!(m.role, None);
    still_works(&mut t, 20);
}

#[test]
fn roster_entries_signed_by_no_coordinator_are_refused() {
    let t = team();
    // V (an enumerator) signs a grant for M by hand, bypassing `grant`'s own check.
    let roster = Roster::load(t.v.conn(), &t.study).unwrap().unwrap();
    let forged = terrain_core::changes::Entry {
        study: t.study.clone(),
        kind: terrain_core::changes::EntryKind::Grant(Role::Coordinator),
        subject: key_of(&t.m),
        box_key: None,
        envelopes: Vec::new(),
        after: Vec::new(),
        parents: roster.heads(),
        author: key_of(&t.v),
    }
    .sign(t.v.device_key())
    .unwrap();
    let before = stored_entries(t.a.conn(), &t.study).unwrap();
    // It is well signed, by a key with no standing: it grants nothing and is not kept.
    let members = Roster::load(t.a.conn(), &t.study)
        .unwrap()
        .unwrap()
        .members();
    sync::receive_entries(&t.a, &t.study, std::slice::from_ref(&forged)).unwrap();
    assert_eq!(stored_entries(t.a.conn(), &t.study).unwrap(), before);
    let after = Roster::load(t.a.conn(), &t.study).unwrap().unwrap();
    assert_eq!(after.members(), members);
    assert!(after.current_role(t.m.node_id(), &t.study).is_err());
    // A flipped byte in a genuine entry is refused the same way.
    let mut bent = sync::grant(&t.a, &t.study, &key_of(&t.m), Role::Analyst).unwrap();
    bent.body[40] ^= 1;
    let code = refused(sync::receive_entries(&t.v, &t.study, &[bent]));
    assert_eq!(code, "bad_roster_entry");
    assert_eq!(
        stored_entries(t.a.conn(), &t.study).unwrap().len(),
        before.len() + 1
    );
}

#[test]
fn a_revoked_coordinator_cannot_grant_afterwards_nor_revoke_the_founder() {
    let t = team();
    sync::grant(&t.a, &t.study, &key_of(&t.m), Role::Coordinator).unwrap();
    sync::pin_anchor(&t.m, &t.study, &key_of(&t.a)).unwrap();
    send_roster(&t.a, &t.m, &t.study);
    send_roster(&t.a, &t.v, &t.study);
    // M (a junior coordinator) may not revoke the founder.
    let code = refused(sync::revoke(&t.m, &t.study, &key_of(&t.a)));
    assert_eq!(code, "bad_roster_entry");
    // A revokes M; M, not knowing it, grants a third key coordinator: once both entries meet,
    // the grant does not count, whichever arrived first.
    let revoke = sync::revoke(&t.a, &t.study, &key_of(&t.m)).unwrap();
    let puppet = [9u8; 32];
    let third = ed25519_dalek::SigningKey::from_bytes(&puppet);
    let grant = sync::grant(
        &t.m,
        &t.study,
        &third.verifying_key().to_bytes(),
        Role::Coordinator,
    )
    .unwrap();
    sync::receive_entries(&t.v, &t.study, std::slice::from_ref(&grant)).unwrap();
    let puppet_node = node_id_of(&third.verifying_key());
    let r = Roster::load(t.v.conn(), &t.study).unwrap().unwrap();
    assert_eq!(
        r.current_role(&puppet_node, &t.study),
        Ok(Role::Coordinator)
    );
    sync::receive_entries(&t.v, &t.study, &[revoke]).unwrap();
    let r = Roster::load(t.v.conn(), &t.study).unwrap().unwrap();
    assert!(r.current_role(&puppet_node, &t.study).is_err());
    assert!(r.current_role(t.m.node_id(), &t.study).is_err());
    assert_eq!(
        r.current_role(t.a.node_id(), &t.study),
        Ok(Role::Coordinator)
    );
}

#[test]
fn many_segments_verify_together_and_one_bad_signature_is_named() {
    let mut t = team();
    for day in 1..=28 {
        t.a.create(Entity::Session, &session(&t.study, day))
            .unwrap();
        // Signed before each of 28 exports: 28 segments.
        sync::seal_own(&t.a).unwrap();
    }
    let (changes, mut segments) = batch(&t.a, &t.v, &t.study);
    assert_eq!(segments.len(), 28, "an export, a segment");
    let roster = Roster::load(t.v.conn(), &t.study).unwrap().unwrap();
    verify_received(&roster, &changes, &segments).unwrap();
    segments[17].signature[3] ^= 1;
    let err = verify_received(&roster, &changes, &segments).unwrap_err();
    assert_eq!(err.code(), "bad_signature");
    assert!(err
        .message(Lang::En)
        .contains(&format!("/{}", segments[17].first_seq)));
    // The batch with the good signature still applies.
    segments[17].signature[3] ^= 1;
    apply(&mut t.v, &t.study, &changes, &segments).unwrap();
    assert_eq!(dump(&t.v), dump(&t.a));
}
