//! Sequence numbers (audit H3, second half). Each laptop numbers its changes per study, so
//! what a member holds of a laptop in a study is 1..n, and received numbers must follow on
//! from it: a gap, or a number far beyond what the laptop sent, is refused (`seq_gap`) before
//! anything is applied, through bundles, the hub's push and the signed path alike. Numbers
//! at the limit neither overflow nor slip through.

use std::path::PathBuf;

use serde_json::json;
use terrain_core::changes::{segments_covering, sign_segments, stored_entries, Change};
use terrain_core::schema::Role;
use terrain_core::sync::bundle::{self, ExportTarget};
use terrain_core::sync::{self, ChangeBatch, MAX_SEQ};
use terrain_core::{Entity, Lang, Store};

use super::victim::{scene, Scene};
use crate::support::fields;

fn session(store: &mut Store, study: &str, title: &str) -> String {
    store
        .create(
            Entity::Session,
            &fields(json!({"study_id": study, "title": title, "session_type": "workshop", "date": "2026-03-01"})),
        )
        .unwrap()
}

/// What `from` holds of the study that `to` lacks, in one batch, in seq order per device,
/// with its segments (what `from` wrote signed first, as before any export).
fn news_batch(from: &Store, to: &Store, study: &str) -> ChangeBatch {
    sync::seal_own(from).unwrap();
    let have = sync::held_vector(to.conn(), study).unwrap();
    sync::next_batch(from.conn(), study, &have, usize::MAX, usize::MAX)
        .unwrap()
        .0
}

fn news(from: &Store, to: &Store, study: &str) -> Vec<Change> {
    news_batch(from, to, study).changes
}

/// A bundle of `changes` in one batch, sealed with the real study key and signed by A (a
/// teammate holding the key).
fn bundle_from_a(s: &Scene, name: &str, changes: &[Change]) -> PathBuf {
    let mut h = s.header_from_a();
    h.changes = changes.len() as u64;
    // Signed by A where they are A's: only their numbers are under test.
    let mine: Vec<Change> = changes
        .iter()
        .filter(|c| c.node == s.a.node_id())
        .cloned()
        .collect();
    let mut segments = Vec::new();
    for scope in ["", s.study.as_str()] {
        let of_scope: Vec<Change> = mine
            .iter()
            .filter(|c| c.study.as_deref().unwrap_or("") == scope)
            .cloned()
            .collect();
        segments.extend(sign_segments(scope, &of_scope, &s.signer_a()).unwrap_or_default());
    }
    let batch = ChangeBatch {
        changes: changes.to_vec(),
        segments,
    };
    let packed = vec![bundle::pack(&batch).unwrap()];
    s.write(name, h, packed, &s.key(), &s.signer_a())
}

/// Imports `path` into the victim, expecting a refusal with `code`; returns its English
/// message after checking the victim is unchanged.
fn refused(s: &mut Scene, path: &std::path::Path, code: &str) -> String {
    let before = s.victim_state();
    assert_eq!(s.refusal(path), code);
    let e = bundle::import_bundle(&mut s.b, path, &mut |_| {}).unwrap_err();
    assert_eq!(s.victim_state(), before, "the victim changed");
    e.message(Lang::En)
}

/// Applies `changes` to the victim through the receive path every transport ends in (its
/// numbers checked, its authors not: these devices are made up); "ok", or the English message
/// of the refusal after checking the victim is unchanged.
fn applied(s: &mut Scene, changes: &[Change]) -> String {
    let before = s.victim_state();
    match sync::apply_changes(&mut s.b, Some(&s.study.clone()), changes) {
        Ok(_) => "ok".into(),
        Err(e) => {
            assert_eq!(s.victim_state(), before, "the victim changed");
            format!("{}: {}", e.code(), e.message(Lang::En))
        }
    }
}

/// Of `node` in `scope`, the seqs the store holds, in order.
fn held_seqs(store: &Store, scope: &str, node: &str) -> Vec<i64> {
    sync::all_changes(store.conn())
        .unwrap()
        .into_iter()
        .filter(|c| c.node == node && c.study.as_deref().unwrap_or("") == scope)
        .map(|c| c.seq)
        .collect()
}

#[test]
fn a_gap_in_a_devices_changes_is_refused_before_anything_is_applied() {
    let mut s = scene();
    let study = s.study.clone();
    for i in 0..3 {
        session(&mut s.a, &study, &format!("Gap {i}"));
    }
    let mut changes = news(&s.a, &s.b, &study);
    let held = sync::held_vector(s.b.conn(), &study)
        .unwrap()
        .get(&study, s.a.node_id());
    assert_eq!(changes[0].seq, held + 1, "the honest batch follows on");
    // One change in the middle withheld: the others are refused with it.
    let gone = changes.remove(5);
    let p = bundle_from_a(&s, "gap.terrain", &changes);
    let why = refused(&mut s, &p, "seq_gap");
    assert!(why.contains(s.a.node_id()), "{why}");
    assert!(
        why.contains(&format!("number {}", gone.seq - 1))
            && why.contains(&format!("number {}", gone.seq + 1)),
        "{why}"
    );
    // The first one withheld: the batch starts above what the victim holds.
    let p = bundle_from_a(&s, "late-start.terrain", &changes[1..]);
    let why = refused(&mut s, &p, "seq_gap");
    assert!(why.contains(&format!("number {held} to")), "{why}");
    // The hub's push (`apply_changes`) refuses the same.
    let before = s.victim_state();
    let e = sync::apply_changes(&mut s.b, Some(&study), &changes).unwrap_err();
    assert_eq!(e.code(), "seq_gap");
    assert_eq!(s.victim_state(), before);
    // The whole batch, unaltered, is taken.
    let p = bundle_from_a(&s, "whole.terrain", &news(&s.a, &s.b, &study));
    assert_eq!(s.refusal(&p), "ok");
    s.victim_still_works();
}

#[test]
fn a_seq_far_beyond_what_the_device_sent_is_refused() {
    let mut s = scene();
    let study = s.study.clone();
    session(&mut s.a, &study, "Loin");
    let honest = news(&s.a, &s.b, &study);
    let held = honest[0].seq - 1;
    for far in [held + 2, held + 1_000_000, MAX_SEQ] {
        let mut changes = honest.clone();
        for (i, c) in changes.iter_mut().enumerate() {
            c.seq = far + i as i64;
        }
        changes.retain(|c| c.seq <= MAX_SEQ);
        let p = bundle_from_a(&s, &format!("far-{far}.terrain"), &changes);
        let why = refused(&mut s, &p, "seq_gap");
        assert!(
            why.contains(&format!("from number {held} to number {far}")),
            "{why}"
        );
    }
    // A device the victim never heard of starts at 1, not anywhere.
    let mut stranger = honest[..1].to_vec();
    stranger[0].node = "0190a0a0-0000-7000-8000-00000000beef".into();
    stranger[0].seq = 2;
    // In a bundle it is first a device outside the roster; the numbers are judged the same
    // by the receive path any transport ends in.
    let p = bundle_from_a(&s, "stranger.terrain", &stranger);
    refused(&mut s, &p, "not_member");
    let why = applied(&mut s, &stranger);
    assert!(why.contains("from number 0 to number 2"), "{why}");
    s.victim_still_works();
}

/// L works in studies A and B alternately; M is a member of A only and N of B only. Each sees
/// L's changes in its study numbered 1..n, whatever L wrote in the other, through full and
/// delta bundles and through a relay.
#[test]
fn a_member_of_one_study_sees_no_gap_from_a_laptop_writing_in_two() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = Store::open_in_dir(&dir.path().join("l")).unwrap();
    let mut m = Store::open_in_dir(&dir.path().join("m")).unwrap();
    let mut n = Store::open_in_dir(&dir.path().join("n")).unwrap();
    let study_a = l
        .create(Entity::Study, &fields(json!({"title": "A"})))
        .unwrap();
    let study_b = l
        .create(Entity::Study, &fields(json!({"title": "B"})))
        .unwrap();
    sync::join_invitation(&m, &sync::invite(&l, &study_a, Role::Coordinator).unwrap()).unwrap();
    sync::join_invitation(&n, &sync::invite(&l, &study_b, Role::Coordinator).unwrap()).unwrap();
    let send = |from: &Store, to: &mut Store, study: &str, target: ExportTarget| {
        let p = dir.path().join(format!("{}.terrain", uuid::Uuid::new_v4()));
        bundle::export_bundle(from, study, &target, &p, &mut |_| {}).unwrap();
        bundle::import_bundle(to, &p, &mut |_| {}).unwrap()
    };
    let mut in_a = Vec::new();
    for round in 0..3 {
        for i in 0..2 {
            let a = session(&mut l, &study_a, &format!("A {round}.{i}"));
            session(&mut l, &study_b, &format!("B {round}.{i}"));
            in_a.push(a);
        }
        l.update(
            Entity::Session,
            &in_a[round],
            &fields(json!({"notes": format!("round {round}")})),
        )
        .unwrap();
        // A delta each round for M (a full one the first time), full ones for N.
        let for_m = match round {
            0 => ExportTarget::Full,
            _ => ExportTarget::For(m.node_id().to_string()),
        };
        let report = send(&l, &mut m, &study_a, for_m);
        assert!(report.applied > 0, "{report:?}");
        send(&l, &mut n, &study_b, ExportTarget::Full);
    }
    for (store, study) in [(&m, &study_a), (&n, &study_b)] {
        let seqs = held_seqs(store, study, l.node_id());
        let want: Vec<i64> = (1..=seqs.len() as i64).collect();
        assert_eq!(
            seqs, want,
            "L's changes in {study} as its member holds them"
        );
        assert_eq!(
            held_seqs(store, study, l.node_id()),
            held_seqs(&l, study, l.node_id())
        );
    }
    assert!(held_seqs(&m, &study_b, l.node_id()).is_empty());
    // M relays study A to a third member, who holds the same prefix.
    let mut p = Store::open_in_dir(&dir.path().join("p")).unwrap();
    sync::join_invitation(&p, &sync::invite(&l, &study_a, Role::Coordinator).unwrap()).unwrap();
    send(&m, &mut p, &study_a, ExportTarget::Full);
    assert_eq!(
        held_seqs(&p, &study_a, l.node_id()),
        held_seqs(&l, &study_a, l.node_id())
    );
    assert_eq!(
        sync::dump_string(p.conn(), Some(&study_a)).unwrap(),
        sync::dump_string(l.conn(), Some(&study_a)).unwrap()
    );
}

#[test]
fn a_laptops_own_changes_relayed_back_are_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = Store::open_in_dir(&dir.path().join("l")).unwrap();
    let mut m = Store::open_in_dir(&dir.path().join("m")).unwrap();
    let study = l
        .create(Entity::Study, &fields(json!({"title": "Aller-retour"})))
        .unwrap();
    let other = l
        .create(Entity::Study, &fields(json!({"title": "Ailleurs"})))
        .unwrap();
    sync::join_invitation(&m, &sync::invite(&l, &study, Role::Coordinator).unwrap()).unwrap();
    session(&mut l, &study, "L");
    session(&mut l, &other, "L ailleurs");
    let p = dir.path().join("to-m.terrain");
    bundle::export_bundle(&l, &study, &ExportTarget::Full, &p, &mut |_| {}).unwrap();
    bundle::import_bundle(&mut m, &p, &mut |_| {}).unwrap();
    session(&mut m, &study, "M");
    let mine = held_seqs(&l, &study, l.node_id()).len() as u64;
    let theirs = held_seqs(&m, &study, m.node_id()).len() as u64;
    // M's full bundle carries L's own changes back, from number 1.
    let p = dir.path().join("back.terrain");
    bundle::export_bundle(&m, &study, &ExportTarget::Full, &p, &mut |_| {}).unwrap();
    let report = bundle::import_bundle(&mut l, &p, &mut |_| {}).unwrap();
    assert_eq!((report.already_known, report.applied), (mine, theirs));
    assert_eq!(
        sync::dump_string(l.conn(), Some(&study)).unwrap(),
        sync::dump_string(m.conn(), Some(&study)).unwrap()
    );
    // And L numbers on from where it was, in each study.
    session(&mut l, &study, "L encore");
    let seqs = held_seqs(&l, &study, l.node_id());
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>());
}

/// Sets what the victim holds of `node` in `scope` (as a store that took such numbers
/// before these checks, or after a long life, would hold them).
fn hold(store: &Store, scope: &str, node: &str, max_seq: i64) {
    store
        .conn()
        .execute("INSERT OR IGNORE INTO nodes(node_id) VALUES (?1)", [node])
        .unwrap();
    store
        .conn()
        .execute(
            "INSERT INTO scope_vector(scope, node, max_seq)
             VALUES (?1, (SELECT idx FROM nodes WHERE node_id = ?2), ?3)
             ON CONFLICT(scope, node) DO UPDATE SET max_seq = excluded.max_seq",
            (scope, node, max_seq),
        )
        .unwrap();
}

#[test]
fn numbers_at_the_limit_neither_overflow_nor_slip_through() {
    let mut s = scene();
    let study = s.study.clone();
    let near = "0190a0a0-0000-7000-8000-0000000000a1";
    let far = "0190a0a0-0000-7000-8000-0000000000a2";
    hold(&s.b, &study, near, MAX_SEQ - 1);
    hold(&s.b, &study, far, i64::MAX);
    session(&mut s.a, &study, "Limite");
    let honest = news(&s.a, &s.b, &study);
    let one = |node: &str, seq: i64, title: &str| {
        let mut c = honest.iter().find(|c| c.field == "title").unwrap().clone();
        (c.node, c.seq, c.value) = (node.into(), seq, rusqlite::types::Value::Text(title.into()));
        c
    };
    // held = MAX_SEQ - 1: MAX_SEQ follows on, and is a duplicate the second time.
    let last = one(near, MAX_SEQ, "dernier");
    let o = sync::apply_changes(&mut s.b, Some(&study), std::slice::from_ref(&last)).unwrap();
    assert_eq!((o.applied, o.duplicates), (1, 0));
    let o = sync::apply_changes(&mut s.b, Some(&study), &[last]).unwrap();
    assert_eq!((o.applied, o.duplicates), (0, 1));
    // held = MAX_SEQ - 2: MAX_SEQ skips one, a gap at the limit as anywhere.
    let short = "0190a0a0-0000-7000-8000-0000000000a3";
    hold(&s.b, &study, short, MAX_SEQ - 2);
    let why = applied(&mut s, &[one(short, MAX_SEQ, "sauté")]);
    assert!(why.starts_with("seq_gap"), "{why}");
    assert!(
        why.contains(&format!("number {} to number {MAX_SEQ}", MAX_SEQ - 2)),
        "{why}"
    );
    // held = MAX_SEQ: nothing above it is a change at all.
    let why = applied(&mut s, &[one(near, MAX_SEQ + 1, "au-delà")]);
    assert!(why.starts_with("malformed"), "{why}");
    let why = applied(&mut s, &[one(near, i64::MAX, "au-delà")]);
    assert!(why.starts_with("malformed"), "{why}");
    // held = i64::MAX (a damaged vector): checked, so no overflow, and no seq is above it.
    assert_eq!(applied(&mut s, &[one(far, 1, "loin")]), "ok");
    s.victim_still_works();
}

#[test]
fn a_laptop_at_its_last_number_in_a_study_stops_there_and_still_writes_elsewhere() {
    let mut s = scene();
    let study = s.study.clone();
    let own = s.b.node_id().to_string();
    hold(&s.b, &study, &own, MAX_SEQ - 1);
    s.b.update(Entity::Study, &study, &fields(json!({"title": "Dernier"})))
        .unwrap();
    assert_eq!(held_seqs(&s.b, &study, &own), [MAX_SEQ]);
    let before = s.victim_state();
    let e =
        s.b.update(Entity::Study, &study, &fields(json!({"title": "De trop"})))
            .unwrap_err();
    assert_eq!(e.code(), "internal");
    assert!(e.message(Lang::En).contains("exhausted"), "{e:?}");
    assert_eq!(s.victim_state(), before);
    // Another study's numbers are its own: writing there goes on from 1.
    let other =
        s.b.create(Entity::Study, &fields(json!({"title": "Ailleurs"})))
            .unwrap();
    assert_eq!(held_seqs(&s.b, &other, &own), [1, 2]);
}

/// The signed path: a founder's genuinely signed segment, sent without the one before it,
/// is a gap all the same (withholding is refused, not papered over).
#[test]
fn a_signed_segment_sent_without_the_one_before_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Store::open_in_dir(&dir.path().join("a")).unwrap();
    let mut v = Store::open_in_dir(&dir.path().join("v")).unwrap();
    let study = a
        .create(Entity::Study, &fields(json!({"title": "Signé"})))
        .unwrap();
    let key = |s: &Store| s.device_key().verifying_key().to_bytes();
    sync::grant(&a, &study, &key(&v), Role::Enumerator).unwrap();
    sync::pin_anchor(&v, &study, &key(&a)).unwrap();
    sync::receive_entries(&v, &study, &stored_entries(a.conn(), &study).unwrap()).unwrap();
    let batch = news_batch(&a, &v, &study);
    sync::apply_signed(&mut v, &study, &batch).unwrap();
    session(&mut a, &study, "Premier");
    let first_len = news(&a, &v, &study).len();
    session(&mut a, &study, "Second");
    let changes = news(&a, &v, &study);
    let second = &changes[first_len..];
    let segments = segments_covering(a.conn(), second).unwrap();
    let second = ChangeBatch {
        changes: second.to_vec(),
        segments: segments.clone(),
    };
    assert_eq!(
        segments.len(),
        1,
        "the second session is one signed segment"
    );
    let before = sync::dump_string(v.conn(), None).unwrap();
    let e = sync::apply_signed(&mut v, &study, &second).unwrap_err();
    assert_eq!(e.code(), "seq_gap");
    assert!(!e.message(Lang::Fr).is_empty());
    assert_eq!(sync::dump_string(v.conn(), None).unwrap(), before);
    // Both segments together are taken, and the victim still writes.
    let batch = news_batch(&a, &v, &study);
    sync::apply_signed(&mut v, &study, &batch).unwrap();
    session(&mut v, &study, "Après");
}
