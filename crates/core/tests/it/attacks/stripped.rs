//! A relay that strips a personal value (docs/design/protection.md, section 5). A change of a
//! personal field is covered by a salted commitment, so that an erasure can drop its value
//! and keep the origin's signature. Anyone passing such a change on (a teammate's laptop, the
//! hub, a stolen stick) can drop the value and the salt of a person nobody erased, forward
//! the change as erased, and the signature still holds. The victim keeps the change, so that
//! it relays it and a later erasure makes it whole, but dormant: it blanks nothing, is no
//! conflict and is not shown as the value in force; later edits and a real erasure still
//! reach everyone.

use std::path::PathBuf;

use rusqlite::types::Value as SqlValue;
use serde_json::json;
use terrain_core::changes::Cover;
use terrain_core::read::history;
use terrain_core::sync::bundle::{self, ExportTarget};
use terrain_core::sync::{self, ChangeBatch};
use terrain_core::{Entity, Store};

use super::victim::{public_key, scene, Scene};
use crate::support::fields;

const NAME: &str = "Awa Sangaré";
const PHONE: &str = "+22370112233";
const NEW_NAME: &str = "Awa Traoré";
const NEW_PHONE: &str = "+22370445566";

/// A participant of A's with a name and a phone number, in a new session of A's.
fn person_of_a(s: &mut Scene) -> String {
    let study = s.study.clone();
    let session =
        s.a.create(
            Entity::Session,
            &fields(json!({"study_id": study, "session_type": "workshop", "date": "2026-02-03"})),
        )
        .unwrap();
    s.a.create(
        Entity::Participant,
        &fields(json!({"session_id": session, "sex": "female", "age": 27,
                       "name": NAME, "phone": PHONE})),
    )
    .unwrap()
}

/// The changes A holds that `to` lacks, signed, as A's sync would send them.
fn from_a(s: &Scene, to: &Store) -> ChangeBatch {
    sync::seal_own(&s.a).unwrap();
    let have = sync::held_vector(to.conn(), &s.study).unwrap();
    let (batch, _) = sync::next_batch(s.a.conn(), &s.study, &have, usize::MAX, usize::MAX).unwrap();
    batch
}

/// What a hostile relay does to the changes that give `field` the value `value`: the value
/// and the salt go, the commitment stays (the origin's segments still verify from it).
fn stripped(mut batch: ChangeBatch, field: &str, value: &str) -> ChangeBatch {
    let mut n = 0;
    let value = SqlValue::Text(value.into());
    for c in batch.changes.iter_mut() {
        if c.field == field && c.value == value {
            assert!(
                matches!(c.cover, Cover::Salted(_)),
                "a personal value is salted"
            );
            c.cover = c.cover.erased(&c.value).unwrap();
            c.value = SqlValue::Null;
            n += 1;
        }
    }
    assert_eq!(n, 1, "the batch carries {field} = {value:?}");
    batch
}

/// A bundle of `batch` written and signed by V, a member relaying A's changes.
fn relayed_by_v(s: &Scene, name: &str, batch: &ChangeBatch) -> PathBuf {
    let mut h = s.header_from_a();
    h.sender = s.v.node_id().to_string();
    h.sender_label = Some("Portable V".into());
    h.sender_public_key = public_key(s.v.device_key());
    h.roster = sync::roster_wire(s.v.conn(), &s.study).unwrap();
    h.changes = batch.changes.len() as u64;
    let packed = bundle::pack(batch).unwrap();
    s.write(name, h, vec![packed], &s.key(), s.v.device_key())
}

/// Everything A holds, by bundle to B.
fn bundle_a_to_b(s: &mut Scene, name: &str) {
    let p = s.path(name);
    bundle::export_bundle(&s.a, &s.study, &ExportTarget::Full, &p, &mut |_| {}).unwrap();
    bundle::import_bundle(&mut s.b, &p, &mut |_| {}).unwrap();
}

fn shown(store: &Store, id: &str, field: &str) -> serde_json::Value {
    terrain_core::read::get(store.conn(), Entity::Participant, id)
        .unwrap()
        .to_flat_json()[field]
        .clone()
}

fn conflicts_of(store: &Store, id: &str) -> i64 {
    store
        .conn()
        .query_row(
            "SELECT count(*) FROM conflicts WHERE row_id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap()
}

/// The value the record's history shows in force for `field`.
fn in_force(store: &Store, id: &str, field: &str) -> Vec<serde_json::Value> {
    history(store.conn(), Entity::Participant, id)
        .unwrap()
        .into_iter()
        .filter(|e| e.field == field && e.current)
        .map(|e| e.new)
        .collect()
}

/// How many changes of `field` of record `id` the store holds erased.
fn held_erased(store: &Store, id: &str, field: &str) -> usize {
    sync::all_changes(store.conn())
        .unwrap()
        .iter()
        .filter(|c| c.row_id == id && c.field == field)
        .filter(|c| matches!(c.cover, Cover::Erased(_)) && c.value == SqlValue::Null)
        .count()
}

#[test]
fn a_relay_that_strips_a_name_blanks_nothing_and_a_real_erasure_still_erases() {
    let mut s = scene();
    let person = person_of_a(&mut s);
    bundle_a_to_b(&mut s, "person.terrain");
    assert_eq!(shown(&s.b, &person, "name"), json!(NAME));
    // A renames the person; V relays the edit to B with the new name and phone stripped.
    s.a.update(
        Entity::Participant,
        &person,
        &fields(json!({"name": NEW_NAME, "phone": NEW_PHONE})),
    )
    .unwrap();
    let batch = stripped(from_a(&s, &s.b), "name", NEW_NAME);
    let batch = stripped(batch, "phone", NEW_PHONE);
    let p = relayed_by_v(&s, "stripped.terrain", &batch);
    assert_eq!(
        s.refusal(&p),
        "ok",
        "the signatures hold: the bundle is taken"
    );
    // Nothing blanked: B shows what it knew, logs no conflict, shows no null in force.
    assert_eq!(shown(&s.b, &person, "name"), json!(NAME));
    assert_eq!(shown(&s.b, &person, "phone"), json!(PHONE));
    assert_eq!(shown(&s.b, &person, "erased_reason"), json!(null));
    assert_eq!(conflicts_of(&s.b, &person), 0);
    assert_eq!(in_force(&s.b, &person, "name"), vec![json!(NAME)]);
    // B holds the stripped changes (erased), so it relays them: to V, where they blank
    // nothing either.
    assert_eq!(held_erased(&s.b, &person, "name"), 1);
    let onward = s.path("onward.terrain");
    bundle::export_bundle(&s.b, &s.study, &ExportTarget::Full, &onward, &mut |_| {}).unwrap();
    bundle::import_bundle(&mut s.v, &onward, &mut |_| {}).unwrap();
    assert_eq!(shown(&s.v, &person, "name"), json!(NAME));
    assert_eq!(held_erased(&s.v, &person, "phone"), 1);

    // A later edit still reaches B.
    s.a.update(
        Entity::Participant,
        &person,
        &fields(json!({"name": "Awa T. Sangaré"})),
    )
    .unwrap();
    bundle_a_to_b(&mut s, "later.terrain");
    assert_eq!(shown(&s.b, &person, "name"), json!("Awa T. Sangaré"));
    assert_eq!(shown(&s.b, &person, "phone"), json!(PHONE));

    // A real erasure still erases everywhere, the stripped changes with the rest.
    s.a.erase_participant(&person, "consentement retiré")
        .unwrap();
    bundle_a_to_b(&mut s, "erasure.terrain");
    for f in ["name", "phone", "age"] {
        assert_eq!(shown(&s.b, &person, f), json!(null), "{f}");
    }
    assert_eq!(
        shown(&s.b, &person, "erased_reason"),
        json!("consentement retiré")
    );
    let dump = sync::dump_string(s.b.conn(), None).unwrap();
    for canary in [NAME, PHONE, "Awa T. Sangaré"] {
        assert!(!dump.contains(canary), "{canary}");
    }
    assert_eq!(held_erased(&s.b, &person, "name"), 3);
    s.victim_still_works();
}

/// The changes and the conflict log of record `id`, as held.
fn record_state(store: &Store, id: &str) -> String {
    let changes: Vec<_> = sync::all_changes(store.conn())
        .unwrap()
        .into_iter()
        .filter(|c| c.row_id == id)
        .collect();
    let conflicts: Vec<(String, i64, Option<String>)> = store
        .conn()
        .prepare(
            "SELECT field, loser_hlc, loser_value FROM conflicts WHERE row_id = ?1 ORDER BY 1, 2",
        )
        .unwrap()
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    format!("{changes:?}\n{conflicts:?}")
}

#[test]
fn a_stripped_rename_received_with_its_record_keeps_the_first_name_until_a_real_erasure() {
    let mut s = scene();
    let person = person_of_a(&mut s);
    s.a.update(
        Entity::Participant,
        &person,
        &fields(json!({"name": NEW_NAME})),
    )
    .unwrap();
    // V has never seen the person: the record and its stripped rename arrive together, by
    // the function the hub's push and a laptop's pull both apply batches with.
    let batch = stripped(from_a(&s, &s.v), "name", NEW_NAME);
    sync::apply_signed(&mut s.v, &s.study, &batch).unwrap();
    assert_eq!(
        shown(&s.v, &person, "name"),
        json!(NAME),
        "the rename blanks nothing"
    );
    assert_eq!(shown(&s.v, &person, "phone"), json!(PHONE));
    assert_eq!(conflicts_of(&s.v, &person), 0);
    assert_eq!(in_force(&s.v, &person, "name"), vec![json!(NAME)]);
    assert_eq!(held_erased(&s.v, &person, "name"), 1);

    // A later rename by A wins over what V shows.
    s.a.update(
        Entity::Participant,
        &person,
        &fields(json!({"name": "Awa T. Sangaré"})),
    )
    .unwrap();
    let later = from_a(&s, &s.v);
    sync::apply_signed(&mut s.v, &s.study, &later).unwrap();
    assert_eq!(shown(&s.v, &person, "name"), json!("Awa T. Sangaré"));

    // A's erasure, in a batch of its own, leaves V holding what A holds of the person.
    s.a.erase_participant(&person, "retrait").unwrap();
    let erasure = from_a(&s, &s.v);
    assert!(erasure.changes.iter().all(|c| c.field == "erased_reason"));
    sync::apply_signed(&mut s.v, &s.study, &erasure).unwrap();
    assert_eq!(shown(&s.v, &person, "name"), json!(null));
    assert_eq!(record_state(&s.v, &person), record_state(&s.a, &person));
    let dump = sync::dump_string(s.v.conn(), None).unwrap();
    assert!(!dump.contains(NAME) && !dump.contains(PHONE));
}
