//! The conflict log cannot be emptied or flooded (audit L6). A member of the study crafts
//! changes whose `prev` names a stamp it did not overwrite (another field's, another record's,
//! one nobody holds) or floods one record with conflicting changes, in a bundle sealed with the
//! real study key and imported by the victim through `bundle::import_bundle`. Each test asserts
//! that the victim's own conflict is still listed, what else the bundle did, and that the
//! victim still writes and imports afterwards. The honest case, a real edit over a value seen,
//! still settles, in whichever order the two changes arrive.

use std::time::Instant;

use rusqlite::types::Value as SqlValue;
use serde_json::json;
use terrain_core::changes::{sign_segments, Change, Stamp};
use terrain_core::sync::bundle::{self, ExportTarget};
use terrain_core::sync::{self, Conflict};
use terrain_core::{clock, Entity, Store};

use super::victim::{scene, Scene};
use crate::support::fields;

/// Mallory's device key: an enumerator of the study (A granted it), who signs what it crafts.
fn mallory_key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[0xbe; 32])
}

fn mallory_node() -> String {
    terrain_core::store::node_id_of(&mallory_key().verifying_key())
}

/// The scene, with one conflict on the victim B: a finding A wrote, whose text V and then A
/// edited without seeing each other's edit. V's text lost; the victim holds both edits.
struct Logged {
    s: Scene,
    finding: String,
    /// The overwritten value's conflict, as the victim lists it.
    conflict: Conflict,
    /// The stamp of V's overwritten text.
    lost: Stamp,
}

fn logged() -> Logged {
    let mut s = scene();
    let mallory = mallory_key().verifying_key().to_bytes();
    sync::grant(
        &s.a,
        &s.study,
        &mallory,
        terrain_core::schema::Role::Enumerator,
    )
    .unwrap();
    let session = first_session(&s.a);
    let finding =
        s.a.create(
            Entity::Finding,
            &fields(json!({"session_id": session, "theme": "eau", "text": "Le puits est tari."})),
        )
        .unwrap();
    send(&mut s, "a", "b");
    send(&mut s, "a", "v");
    let text = |t: &str| fields(json!({ "text": t }));
    s.v.update(Entity::Finding, &finding, &text("Le puits est salé."))
        .unwrap();
    // A's edit must be the later one: in the same millisecond as V's, the two stamps would tie
    // on time and the node ids (random) would pick the winner, so the test would be a coin toss.
    std::thread::sleep(std::time::Duration::from_millis(3));
    s.a.update(Entity::Finding, &finding, &text("Le puits est réparé."))
        .unwrap();
    send(&mut s, "v", "b");
    send(&mut s, "a", "b");
    let conflicts = sync::list_conflicts(s.b.conn(), false).unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    let conflict = conflicts[0].clone();
    assert_eq!(conflict.loser.value, json!("Le puits est salé."));
    let lost = stamp_of(&s.b, &conflict.loser.value_id);
    Logged {
        s,
        finding,
        conflict,
        lost,
    }
}

fn first_session(store: &Store) -> String {
    store
        .conn()
        .query_row("SELECT id FROM session ORDER BY title LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap()
}

/// One laptop's full bundle, imported by another.
fn send(s: &mut Scene, from: &str, to: &str) -> bundle::ImportReport {
    let p = s.path(&format!("{from}-{}.terrain", uuid::Uuid::new_v4()));
    let store = |n: &str| match n {
        "a" => &s.a,
        "b" => &s.b,
        _ => &s.v,
    };
    bundle::export_bundle(store(from), &s.study, &ExportTarget::Full, &p, &mut |_| {}).unwrap();
    let to = match to {
        "a" => &mut s.a,
        "b" => &mut s.b,
        _ => &mut s.v,
    };
    bundle::import_bundle(to, &p, &mut |_| {}).unwrap()
}

/// The stamp of a held change, by its value id `NODE:SEQ`.
fn stamp_of(store: &Store, value_id: &str) -> Stamp {
    let (node, seq) = value_id.rsplit_once(':').unwrap();
    let c = sync::all_changes(store.conn())
        .unwrap()
        .into_iter()
        .find(|c| c.node == node && c.seq.to_string() == seq)
        .unwrap();
    c.stamp()
}

/// A change from Mallory, a member of the study, stamped now.
fn mallory(s: &Scene, seq: i64, entity: Entity, row_id: &str, field: &str, value: &str) -> Change {
    Change {
        node: mallory_node(),
        seq,
        study: Some(s.study.clone()),
        entity,
        row_id: row_id.to_string(),
        field: field.to_string(),
        value: SqlValue::Text(value.to_string()),
        hlc: clock::from_millis(clock::wall_millis(0)),
        prev: None,
        cover: terrain_core::changes::Cover::Value,
    }
}

/// A bundle of these changes, sealed with the study key and signed by a member (A's key),
/// imported by the victim: its code ("ok" when accepted).
fn import(s: &mut Scene, changes: &[Change]) -> String {
    let mut header = s.header_from_a();
    header.changes = changes.len() as u64;
    let packed = changes
        .chunks(bundle::MAX_BATCH_CHANGES)
        .map(|c| {
            let segments = sign_segments(&s.study, c, &mallory_key()).unwrap();
            let batch = sync::ChangeBatch {
                changes: c.to_vec(),
                segments,
            };
            bundle::pack(&batch).unwrap()
        })
        .collect();
    let name = format!("crafted-{}.terrain", uuid::Uuid::new_v4());
    let (key, signer) = (s.key(), s.signer_a());
    let path = s.write(&name, header, packed, &key, &signer);
    s.refusal(&path)
}

/// The victim's unresolved conflicts, by the value each overwrote.
fn losers(s: &Scene) -> Vec<(String, serde_json::Value)> {
    sync::list_conflicts(s.b.conn(), false)
        .unwrap()
        .into_iter()
        .map(|c| (c.loser.value_id, c.loser.value))
        .collect()
}

/// The victim's conflict is still listed, with the value it overwrote (the value in force may
/// have changed since).
fn still_listed(l: &Logged) {
    let now = sync::list_conflicts(l.s.b.conn(), false).unwrap();
    assert!(
        now.iter()
            .any(|c| c.id == l.conflict.id && c.loser == l.conflict.loser),
        "the victim's conflict is gone: {now:?}"
    );
}

/// After the attack the victim still writes and imports, and its conflict is still there.
fn still_works(l: &mut Logged) {
    l.s.victim_still_works();
    still_listed(l);
}

#[test]
fn a_prev_naming_another_fields_stamp_settles_nothing() {
    let mut l = logged();
    // Mallory edits the finding's theme and names the lost text's stamp as what she replaced.
    let mut c = mallory(&l.s, 1, Entity::Finding, &l.finding, "theme", "Autre");
    c.prev = Some(l.lost.clone());
    assert_eq!(import(&mut l.s, &[c]), "ok");
    still_listed(&l);
    // As if it had no prev: the theme she overwrote unseen (A's) is logged too.
    let now = losers(&l.s);
    assert_eq!(now.len(), 2, "{now:?}");
    assert!(now.iter().any(|(_, v)| v == &json!("eau")), "{now:?}");
    still_works(&mut l);
}

#[test]
fn a_prev_naming_another_records_change_settles_nothing() {
    let mut l = logged();
    // Another session's title, naming the lost text's stamp.
    let other: String =
        l.s.b
            .conn()
            .query_row("SELECT id FROM session WHERE title = 'A2'", [], |r| {
                r.get(0)
            })
            .unwrap();
    let mut c1 = mallory(&l.s, 1, Entity::Session, &other, "title", "Ailleurs");
    c1.prev = Some(l.lost.clone());
    // A recommendation given the finding's very id and a field of the same name: another
    // record all the same (ids are unique per entity), whose prev must not reach the finding.
    let mut c2 = mallory(
        &l.s,
        2,
        Entity::Recommendation,
        &l.finding,
        "text",
        "Un autre texte",
    );
    c2.prev = Some(l.lost.clone());
    assert_eq!(import(&mut l.s, &[c1, c2]), "ok");
    still_listed(&l);
    // The session's title A wrote is now overwritten unseen: logged. The recommendation is
    // new: nothing to log.
    let now = losers(&l.s);
    assert_eq!(now.len(), 2, "{now:?}");
    assert!(now.iter().any(|(_, v)| v == &json!("A2")), "{now:?}");
    still_works(&mut l);
}

#[test]
fn a_prev_naming_a_stamp_nobody_holds_settles_nothing_and_the_change_conflicts_normally() {
    let mut l = logged();
    let before = losers(&l.s);
    let winner = l.conflict.winner.clone().unwrap();
    // An edit of the same text, naming a stamp no laptop wrote: as if it had no prev, the
    // value it overwrote (A's, in force) is logged as overwritten unseen.
    let mut c = mallory(&l.s, 1, Entity::Finding, &l.finding, "text", "Effacé");
    c.prev = Some(Stamp {
        hlc: l.lost.hlc - 1,
        node: "0190a0a0-0000-7000-8000-00000000dead".into(),
    });
    assert_eq!(import(&mut l.s, &[c]), "ok");
    still_listed(&l);
    let now = losers(&l.s);
    assert_eq!(now.len(), before.len() + 1, "{now:?}");
    assert!(
        now.contains(&(winner.value_id.clone(), winner.value.clone())),
        "{now:?}"
    );
    still_works(&mut l);
}

#[test]
fn an_honest_edit_over_a_value_seen_settles_it_in_either_order() {
    let mut l = logged();
    // V receives A's text, sees it in force, and writes over it: A's text is not a conflict.
    send(&mut l.s, "a", "v");
    let finding = l.finding.clone();
    l.s.v
        .update(
            Entity::Finding,
            &finding,
            &fields(json!({"text": "Le puits est réparé et propre."})),
        )
        .unwrap();
    let edit = sync::all_changes(l.s.v.conn())
        .unwrap()
        .into_iter()
        .filter(|c| c.node == l.s.v.node_id() && c.row_id == finding)
        .max_by_key(|c| c.seq)
        .unwrap();
    let seen = l.conflict.winner.clone().unwrap();
    assert_eq!(edit.prev, Some(stamp_of(&l.s.b, &seen.value_id)));
    send(&mut l.s, "v", "b");
    assert_eq!(
        losers(&l.s),
        vec![(
            l.conflict.loser.value_id.clone(),
            l.conflict.loser.value.clone()
        )]
    );

    // The other order: a laptop that gets V's edit before A's text it replaced logs nothing
    // when A's text arrives after it.
    let dir = tempfile::tempdir().unwrap();
    let mut late = Store::open_in_dir(dir.path()).unwrap();
    let all = sync::all_changes(l.s.b.conn()).unwrap();
    let seen_stamp = stamp_of(&l.s.b, &seen.value_id);
    let (a_text, rest): (Vec<Change>, Vec<Change>) = all
        .into_iter()
        .filter(|c| c.study.as_deref() == Some(l.s.study.as_str()))
        .partition(|c| c.row_id == finding && c.stamp() == seen_stamp);
    assert_eq!(a_text.len(), 1);
    // Each node's changes must stay a prefix: A's text is A's newest change, sent last.
    sync::apply_changes(&mut late, Some(&l.s.study), &rest).unwrap();
    sync::apply_changes(&mut late, Some(&l.s.study), &a_text).unwrap();
    assert_eq!(
        sync::dump_string(late.conn(), None).unwrap(),
        sync::dump_string(l.s.b.conn(), None).unwrap(),
        "the order of arrival changed the result"
    );
    still_works(&mut l);
}

#[test]
fn ten_thousand_conflicts_on_one_record_do_not_flood_the_sync_screen() {
    let mut l = logged();
    let other: String =
        l.s.b
            .conn()
            .query_row("SELECT id FROM session WHERE title = 'A2'", [], |r| {
                r.get(0)
            })
            .unwrap();
    // Ten thousand titles stamped a day ago, each losing to the title in force and seen by
    // nobody: each is a conflict of its own.
    let day_ago = clock::from_millis(clock::wall_millis(-86_400_000));
    let flood: Vec<Change> = (1..=10_000)
        .map(|i| {
            let mut c = mallory(&l.s, i, Entity::Session, &other, "title", &format!("t{i}"));
            c.hlc = day_ago + i;
            c
        })
        .collect();
    let t = Instant::now();
    assert_eq!(import(&mut l.s, &flood), "ok");
    let import_ms = t.elapsed().as_millis();
    let total = 10_000 + 1;
    let t = Instant::now();
    let list = sync::conflict_views(&l.s.b).unwrap();
    let views_ms = t.elapsed().as_millis();
    let t = Instant::now();
    let open = sync::overview(&l.s.b).unwrap().open_conflicts;
    let overview_ms = t.elapsed().as_millis();
    // The whole log (the CLI's list, the dump) reads the flooded record's log once, not once
    // per entry.
    let t = Instant::now();
    let whole = sync::list_conflicts(l.s.b.conn(), false).unwrap();
    let whole_ms = t.elapsed().as_millis();
    assert_eq!(whole.len() as u64, total);
    assert!(whole
        .iter()
        .all(|c| c.winner.is_some() && !c.loser.value_id.ends_with(":0")));
    eprintln!(
        "flood: import {import_ms} ms, conflict views {views_ms} ms, overview {overview_ms} ms, \
         whole list {whole_ms} ms"
    );
    assert_eq!((list.total, open), (total, total));
    assert!(
        list.shown.len() <= 1 + sync::SHOWN_PER_RECORD,
        "{}",
        list.shown.len()
    );
    let flooded = list.shown.iter().filter(|c| c.row_id == other).count();
    assert_eq!(flooded, sync::SHOWN_PER_RECORD);
    // The victim's own conflict is shown beside them, whatever the flood's ids sort as.
    assert!(list.shown.iter().any(|c| c.id == l.conflict.id));
    // Picking one of the flood's brings the next up; picking the victim's works as ever.
    let first = list
        .shown
        .iter()
        .find(|c| c.row_id == other)
        .unwrap()
        .clone();
    sync::resolve_conflict(&mut l.s.b, &first.id, &first.current.unwrap().value_id).unwrap();
    let after = sync::conflict_views(&l.s.b).unwrap();
    assert_eq!(after.total, total - 1);
    assert_eq!(
        after.shown.iter().filter(|c| c.row_id == other).count(),
        sync::SHOWN_PER_RECORD
    );
    sync::resolve_conflict(&mut l.s.b, &l.conflict.id, &l.conflict.loser.value_id).unwrap();
    l.s.victim_still_works();
    assert_eq!(sync::conflict_views(&l.s.b).unwrap().total, total - 2);
}
