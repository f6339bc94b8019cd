//! Erasure between real stores (docs/design/protection.md, section 5): who may erase, on
//! write and on receipt; what an erased person's record still takes; covers that do not hold
//! refused by code. Every refusal leaves the victim's dump as it was, and the victim still
//! writes and still receives a good batch afterwards. (Replicas by bundle and hub, and the
//! bytes of their files: the hub's `erasure` tests.)

use rusqlite::types::Value as SqlValue;
use serde_json::json;
use terrain_core::changes::{sign_segments, stored_entries, Change, Cover, PublicKey};
use terrain_core::schema::Role;
use terrain_core::sync::{self, ChangeBatch};
use terrain_core::{Entity, Lang, Store};

use crate::support::fields;

struct Team {
    _dir: tempfile::TempDir,
    lead: Store,
    member: Store,
    study: String,
    session: String,
    person: String,
}

fn key_of(s: &Store) -> PublicKey {
    s.device_key().verifying_key().to_bytes()
}

/// Sends the roster and the changes `from` holds to `to`, as a sync would.
fn sync_to(from: &Store, to: &mut Store, study: &str) {
    sync::receive_entries(to, study, &stored_entries(from.conn(), study).unwrap()).unwrap();
    sync::seal_own(from).unwrap();
    let have = sync::held_vector(to.conn(), study).unwrap();
    let (batch, _) = sync::next_batch(from.conn(), study, &have, usize::MAX, usize::MAX).unwrap();
    sync::apply_signed(to, study, &batch).unwrap();
}

/// A coordinator with a session and a participant, and a member holding `role`.
fn team(role: Role) -> Team {
    let dir = tempfile::tempdir().unwrap();
    let mut lead = Store::open_in_dir(&dir.path().join("lead")).unwrap();
    let mut member = Store::open_in_dir(&dir.path().join("member")).unwrap();
    let study = lead
        .create(Entity::Study, &fields(json!({"title": "Mopti"})))
        .unwrap();
    let session = lead
        .create(
            Entity::Session,
            &fields(json!({"study_id": study, "session_type": "workshop", "date": "2026-03-01"})),
        )
        .unwrap();
    let person = lead
        .create(
            Entity::Participant,
            &fields(json!({"session_id": session, "sex": "male", "age": 51,
                           "name": "Boubacar Canari", "phone": "+22370001122"})),
        )
        .unwrap();
    sync::grant(&lead, &study, &key_of(&member), role).unwrap();
    sync::pin_anchor(&member, &study, &key_of(&lead)).unwrap();
    sync_to(&lead, &mut member, &study);
    Team {
        _dir: dir,
        lead,
        member,
        study,
        session,
        person,
    }
}

fn code(r: terrain_core::Result<impl std::fmt::Debug>) -> String {
    let e = r.unwrap_err();
    assert!(!e.message(Lang::Fr).is_empty() && !e.message(Lang::En).is_empty());
    e.code().to_string()
}

fn dump(s: &Store) -> String {
    sync::dump_string(s.conn(), None).unwrap()
}

fn person(s: &Store, id: &str) -> serde_json::Value {
    terrain_core::read::get(s.conn(), Entity::Participant, id)
        .unwrap()
        .to_flat_json()
}

/// `to` still writes, and still receives a good batch from `from`.
fn still_works(from: &mut Store, to: &mut Store, t: (&str, &str), day: u32) {
    let (study, session) = t;
    to.update(
        Entity::Session,
        session,
        &fields(json!({"title": format!("écrit le {day}")})),
    )
    .unwrap();
    let fresh = from
        .create(
            Entity::Session,
            &fields(json!({"study_id": study, "session_type": "workshop",
                           "date": format!("2026-03-{day:02}")})),
        )
        .unwrap();
    sync_to(from, to, study);
    assert!(dump(to).contains(&fresh));
}

/// A change of the participant signed by `key`'s laptop as its next change in the study.
fn forged(t: &Team, by: &Store, seq: i64, field: &str, value: SqlValue, cover: Cover) -> Change {
    Change {
        node: by.node_id().to_string(),
        seq,
        study: Some(t.study.clone()),
        entity: Entity::Participant,
        row_id: t.person.clone(),
        field: field.into(),
        value,
        hlc: terrain_core::clock::from_millis(chrono::Utc::now().timestamp_millis()),
        prev: None,
        cover,
    }
}

fn signed(t: &Team, by: &Store, changes: Vec<Change>) -> ChangeBatch {
    let segments = sign_segments(&t.study, &changes, by.device_key()).unwrap();
    ChangeBatch { changes, segments }
}

#[test]
fn an_enumerator_cannot_erase_on_its_laptop_nor_by_a_forged_change() {
    let mut t = team(Role::Enumerator);
    let member_before = dump(&t.member);
    assert_eq!(
        code(t.member.erase_participant(&t.person, "je retire")),
        "role_refused"
    );
    assert_eq!(dump(&t.member), member_before);
    assert_eq!(
        person(&t.member, &t.person)["name"],
        json!("Boubacar Canari")
    );

    // The same erasure signed by the enumerator's own key, sent past its write path.
    let text = SqlValue::Text("je retire".into());
    let erasure = forged(&t, &t.member, 1, "erased_reason", text, Cover::Value);
    let batch = signed(&t, &t.member, vec![erasure]);
    let lead_before = dump(&t.lead);
    assert_eq!(
        code(sync::apply_signed(&mut t.lead, &t.study, &batch)),
        "role_refused"
    );
    assert_eq!(dump(&t.lead), lead_before);
    assert_eq!(person(&t.lead, &t.person)["phone"], json!("+22370001122"));
    let (study, session) = (t.study.clone(), t.session.clone());
    still_works(&mut t.member, &mut t.lead, (&study, &session), 2);
    still_works(&mut t.lead, &mut t.member, (&study, &session), 3);
}

#[test]
fn a_supervisors_erasure_reaches_the_coordinator_and_the_person_cannot_be_typed_again() {
    let mut t = team(Role::Supervisor);
    t.member
        .erase_participant(&t.person, "  consentement retiré  ")
        .unwrap();
    sync_to(&t.member, &mut t.lead, &t.study);
    for s in [&t.lead, &t.member] {
        let p = person(s, &t.person);
        assert_eq!(
            (p["name"].clone(), p["phone"].clone()),
            (json!(null), json!(null))
        );
        assert_eq!(p["age"], json!(null));
        assert_eq!(p["sex"], json!("male"), "the anonymous counts keep it");
        assert_eq!(p["erased_reason"], json!("consentement retiré"));
        assert!(!dump(s).contains("Canari") && !dump(s).contains("+22370001122"));
    }
    assert_eq!(dump(&t.lead), dump(&t.member));
    // Nobody types the person back in, erases twice or clears the reason.
    let before = dump(&t.lead);
    let name = fields(json!({"name": "Boubacar Canari"}));
    assert_eq!(
        code(t.lead.update(Entity::Participant, &t.person, &name)),
        "invalid"
    );
    assert_eq!(
        code(t.lead.erase_participant(&t.person, "encore")),
        "invalid"
    );
    let clear = fields(json!({"erased_reason": null}));
    assert_eq!(
        code(t.lead.update(Entity::Participant, &t.person, &clear)),
        "invalid"
    );
    assert_eq!(code(t.lead.erase_participant(&t.person, "  ")), "invalid");
    assert_eq!(dump(&t.lead), before);
    // The sex of the person is still edited as before.
    let sex = fields(json!({"sex": "female"}));
    t.lead.update(Entity::Participant, &t.person, &sex).unwrap();
}

#[test]
fn a_personal_value_arriving_after_the_erasure_is_stored_erased() {
    let mut t = team(Role::Coordinator);
    // The member types a new phone number, unaware; the lead erases meanwhile.
    let phone = fields(json!({"phone": "+22379998877"}));
    t.member
        .update(Entity::Participant, &t.person, &phone)
        .unwrap();
    t.lead.erase_participant(&t.person, "retrait").unwrap();
    sync_to(&t.member, &mut t.lead, &t.study);
    let held = sync::all_changes(t.lead.conn()).unwrap();
    let late: Vec<&Change> = held
        .iter()
        .filter(|c| c.node == t.member.node_id() && c.field == "phone")
        .collect();
    assert_eq!(late.len(), 1, "the late change is held");
    assert_eq!(late[0].value, SqlValue::Null);
    assert!(matches!(late[0].cover, Cover::Erased(_)));
    assert_eq!(person(&t.lead, &t.person)["phone"], json!(null));
    assert!(!dump(&t.lead).contains("+22379998877"));
    // The erased change still proves its segment: the lead relays it to a third laptop.
    let dir = tempfile::tempdir().unwrap();
    let mut third = Store::open_in_dir(dir.path()).unwrap();
    sync::grant(&t.lead, &t.study, &key_of(&third), Role::Analyst).unwrap();
    sync::pin_anchor(&third, &t.study, &key_of(&t.lead)).unwrap();
    sync_to(&t.lead, &mut third, &t.study);
    assert_eq!(dump(&third), dump(&t.lead));
    sync_to(&t.lead, &mut t.member, &t.study);
    assert_eq!(dump(&t.member), dump(&t.lead));
}

#[test]
fn covers_that_do_not_hold_are_refused_by_code() {
    let mut t = team(Role::Coordinator);
    let before = dump(&t.lead);
    let name = SqlValue::Text("Mallory".into());
    // A salt on a field that is not personal, a commitment beside a value: refused whole.
    let salted_sex = forged(
        &t,
        &t.member,
        1,
        "sex",
        SqlValue::Text("female".into()),
        Cover::Salted([1; 16]),
    );
    let erased_with_value = forged(
        &t,
        &t.member,
        1,
        "name",
        name.clone(),
        Cover::Erased([2; 32]),
    );
    for bad in [salted_sex, erased_with_value] {
        let batch = signed(&t, &t.member, vec![bad]);
        assert_eq!(
            code(sync::apply_signed(&mut t.lead, &t.study, &batch)),
            "malformed"
        );
    }
    // A commitment that is not the one signed: the segment does not hold.
    let salted = forged(&t, &t.member, 1, "name", name, Cover::Salted([3; 16]));
    let mut batch = signed(&t, &t.member, vec![salted]);
    batch.changes[0].cover = Cover::Erased([4; 32]);
    batch.changes[0].value = SqlValue::Null;
    assert_eq!(
        code(sync::apply_signed(&mut t.lead, &t.study, &batch)),
        "bad_signature"
    );
    // On the wire: a commitment cut short.
    let erased = forged(
        &t,
        &t.member,
        1,
        "name",
        SqlValue::Null,
        Cover::Erased([5; 32]),
    );
    let plain = sync::bundle::encode_batch(&ChangeBatch {
        changes: vec![erased],
        segments: Vec::new(),
    });
    assert_eq!(plain[plain.len() - 33..plain.len() - 1], [5; 32]);
    let cut = zstd::bulk::compress(&plain[..plain.len() - 17], 3).unwrap();
    assert_eq!(code(sync::bundle::unpack(&cut)), "malformed");
    assert_eq!(dump(&t.lead), before);
    let (study, session) = (t.study.clone(), t.session.clone());
    still_works(&mut t.member, &mut t.lead, (&study, &session), 4);
}
