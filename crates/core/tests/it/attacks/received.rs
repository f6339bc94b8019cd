//! What a received change may be and do (audit findings M2, H2, H3, H4). Each attack is a
//! change crafted by a member of study A and applied through `sync::apply_changes`, the
//! function the hub's push uses (bundle import runs the same checks, see `a_bundle_*`). Each
//! test asserts the refusal's code, that the victim's dump and change log are unchanged, and
//! that the victim still writes and imports normally afterwards.

use rusqlite::types::Value as SqlValue;
use serde_json::json;
use terrain_core::changes::Change;
use terrain_core::schema::Role;
use terrain_core::sync::bundle::{self, ExportTarget};
use terrain_core::{clock, sync, Entity, Store};

use crate::support::fields;

/// Alice (honest) made study A with a session, a participant and a tally; the victim joined A
/// and holds all of it, and has a study B of its own with one session.
struct Scene {
    dir: tempfile::TempDir,
    alice: Store,
    victim: Store,
    study: String,
    session: String,
    participant: String,
    tally: String,
    other_study: String,
    other_session: String,
    /// How many times `still_works` ran (each run writes a new age).
    rounds: i64,
}

fn scene() -> Scene {
    let dir = tempfile::tempdir().unwrap();
    let mut alice = Store::open_in_dir(&dir.path().join("alice")).unwrap();
    let mut victim = Store::open_in_dir(&dir.path().join("victim")).unwrap();
    let study = alice
        .create(Entity::Study, &fields(json!({"title": "Mopti"})))
        .unwrap();
    let session = alice
        .create(
            Entity::Session,
            &fields(
                json!({"study_id": study, "session_type": "focus_group", "date": "2026-05-02"}),
            ),
        )
        .unwrap();
    let participant = alice
        .create(
            Entity::Participant,
            &fields(json!({"session_id": session, "sex": "female"})),
        )
        .unwrap();
    let tally = alice
        .create(
            Entity::Tally,
            &fields(json!({"session_id": session, "sex": "male", "count": 4})),
        )
        .unwrap();
    sync::join_invitation(
        &victim,
        &sync::invite(&alice, &study, Role::Coordinator).unwrap(),
    )
    .unwrap();
    let other_study = victim
        .create(Entity::Study, &fields(json!({"title": "Gao"})))
        .unwrap();
    let other_session = victim
        .create(
            Entity::Session,
            &fields(
                json!({"study_id": other_study, "session_type": "workshop", "date": "2026-05-03"}),
            ),
        )
        .unwrap();
    let mut s = Scene {
        dir,
        alice,
        victim,
        study,
        session,
        participant,
        tally,
        other_study,
        other_session,
        rounds: 0,
    };
    let report = send(&mut s);
    assert!(report.new_records >= 4);
    s
}

/// Alice's news for the victim, through a real bundle file.
fn send(s: &mut Scene) -> bundle::ImportReport {
    let p = s
        .dir
        .path()
        .join(format!("{}.terrain", uuid::Uuid::new_v4()));
    let target = ExportTarget::For(s.victim.node_id().to_string());
    bundle::export_bundle(&s.alice, &s.study, &target, &p, &mut |_| {}).unwrap();
    bundle::import_bundle(&mut s.victim, &p, &mut |_| {}).unwrap()
}

/// A change from Mallory, a member of A: her first change in A unless told otherwise.
fn forged(s: &Scene, entity: Entity, row_id: &str, field: &str, value: SqlValue) -> Change {
    Change {
        node: "0190a0a0-0000-7000-8000-00000000beef".into(),
        seq: 1,
        study: Some(s.study.clone()),
        entity,
        row_id: row_id.to_string(),
        field: field.to_string(),
        value,
        hlc: clock::from_millis(clock::wall_millis(0)),
        prev: None,
        cover: terrain_core::changes::Cover::Value,
    }
}

fn text(t: &str) -> SqlValue {
    SqlValue::Text(t.to_string())
}

/// What the victim holds: its dump and its change log.
fn snapshot(victim: &Store) -> (String, usize) {
    (
        sync::dump_string(victim.conn(), None).unwrap(),
        sync::all_changes(victim.conn()).unwrap().len(),
    )
}

/// Applies `changes` as a hub push of study A; asserts the refusal's code, that nothing
/// changed, and that the victim still writes and imports.
fn refused(s: &mut Scene, changes: &[Change], code: &str) -> String {
    let before = snapshot(&s.victim);
    let study = s.study.clone();
    let e = sync::apply_changes(&mut s.victim, Some(&study), changes).unwrap_err();
    assert_eq!(e.code(), code, "{e:?}");
    assert_eq!(snapshot(&s.victim), before, "the victim changed");
    still_works(s);
    e.message(terrain_core::Lang::En)
}

fn still_works(s: &mut Scene) {
    s.rounds += 1;
    let (session, participant) = (s.session.clone(), s.participant.clone());
    s.victim
        .update(
            Entity::Session,
            &session,
            &fields(json!({"title": format!("victim {}", uuid::Uuid::new_v4())})),
        )
        .unwrap();
    s.alice
        .update(
            Entity::Participant,
            &participant,
            &fields(json!({"age": 20 + s.rounds})),
        )
        .unwrap();
    let report = send(s);
    assert!(report.applied >= 1, "{report:?}");
}

#[test]
fn a_tally_count_of_2_pow_63_is_refused() {
    let mut s = scene();
    let c = forged(
        &s,
        Entity::Tally,
        &s.tally,
        "count",
        SqlValue::Integer(i64::MAX),
    );
    refused(&mut s, &[c], "malformed");
    let negative = forged(&s, Entity::Tally, &s.tally, "count", SqlValue::Integer(-5));
    refused(&mut s, &[negative], "malformed");
}

#[test]
fn a_value_outside_the_choices_is_refused() {
    let mut s = scene();
    let c = forged(
        &s,
        Entity::Participant,
        &s.participant,
        "sex",
        text("robot"),
    );
    refused(&mut s, &[c], "malformed");
}

#[test]
fn an_over_long_text_is_refused() {
    let mut s = scene();
    let long = "x".repeat(1_000_001);
    let c = forged(&s, Entity::Session, &s.session, "notes", text(&long));
    refused(&mut s, &[c], "malformed");
    // A text of the wrong type (a number in a text field) too.
    let number = forged(
        &s,
        Entity::Session,
        &s.session,
        "title",
        SqlValue::Integer(7),
    );
    refused(&mut s, &[number], "malformed");
}

#[test]
fn a_bad_date_is_refused() {
    let mut s = scene();
    let c = forged(&s, Entity::Session, &s.session, "date", text("2026-02-30"));
    refused(&mut s, &[c], "malformed");
}

#[test]
fn a_bad_reference_is_refused() {
    let mut s = scene();
    let c = forged(
        &s,
        Entity::Session,
        &s.session,
        "place_id",
        text("../../etc"),
    );
    refused(&mut s, &[c], "malformed");
    let list = forged(&s, Entity::Session, &s.session, "languages", text("bm, fr"));
    refused(&mut s, &[list], "malformed");
}

#[test]
fn a_required_field_emptied_is_refused() {
    let mut s = scene();
    let c = forged(
        &s,
        Entity::Participant,
        &s.participant,
        "code",
        SqlValue::Null,
    );
    refused(&mut s, &[c], "malformed");
}

#[test]
fn a_session_in_the_shared_scope_is_refused() {
    let mut s = scene();
    let id = uuid::Uuid::now_v7().to_string();
    let mut c = forged(&s, Entity::Session, &id, "title", text("Partout"));
    c.study = None;
    refused(&mut s, &[c], "malformed");
}

#[test]
fn a_change_to_a_record_of_another_study_is_refused() {
    let mut s = scene();
    let other = s.other_session.clone();
    let c = forged(&s, Entity::Session, &other, "title", text("Volé"));
    let why = refused(&mut s, &[c], "malformed");
    assert!(why.contains("another study"), "{why}");
    // A new participant of A placed in B's session.
    let id = uuid::Uuid::now_v7().to_string();
    let p = forged(&s, Entity::Participant, &id, "session_id", text(&other));
    refused(&mut s, &[p], "malformed");
    // B's own session still belongs to B.
    assert_eq!(
        terrain_core::read::get(s.victim.conn(), Entity::Session, &other)
            .unwrap()
            .fields["study_id"],
        json!(s.other_study)
    );
}

#[test]
fn a_sessions_study_set_to_null_or_to_another_study_is_refused() {
    let mut s = scene();
    let session = s.session.clone();
    let null = forged(&s, Entity::Session, &session, "study_id", SqlValue::Null);
    refused(&mut s, &[null], "malformed");
    let other = s.other_study.clone();
    let moved = forged(&s, Entity::Session, &session, "study_id", text(&other));
    refused(&mut s, &[moved], "malformed");
    // A participant moved to another session, even of the same study.
    let second = s
        .alice
        .create(
            Entity::Session,
            &fields(json!({"study_id": s.study, "session_type": "workshop", "date": "2026-05-04"})),
        )
        .unwrap();
    send(&mut s);
    let participant = s.participant.clone();
    let c = forged(
        &s,
        Entity::Participant,
        &participant,
        "session_id",
        text(&second),
    );
    refused(&mut s, &[c], "malformed");
    // The write path refuses the same moves, so an honest laptop never makes them.
    let e = s
        .alice
        .update(
            Entity::Participant,
            &participant,
            &fields(json!({"session_id": second})),
        )
        .unwrap_err();
    assert_eq!(e.code(), "invalid");
}

#[test]
fn a_huge_seq_is_refused() {
    let mut s = scene();
    let mut c = forged(&s, Entity::Session, &s.session, "title", text("x"));
    c.seq = sync::MAX_SEQ + 1;
    refused(&mut s, &[c], "malformed");
}

#[test]
fn a_seq_of_i64_max_is_refused() {
    let mut s = scene();
    let mut c = forged(&s, Entity::Session, &s.session, "title", text("x"));
    c.seq = i64::MAX;
    refused(&mut s, &[c], "malformed");
}

#[test]
fn a_change_in_the_receivers_own_name_is_refused_but_its_own_changes_come_back_fine() {
    let mut s = scene();
    let mut c = forged(&s, Entity::Session, &s.session, "title", text("Pas moi"));
    c.node = s.victim.node_id().to_string();
    c.seq = 1_000;
    let why = refused(&mut s, &[c], "malformed");
    assert!(why.contains("own name"), "{why}");
    // The victim's own changes, relayed back by Alice, are duplicates.
    let study = s.study.clone();
    let mine: Vec<Change> = sync::all_changes(s.victim.conn())
        .unwrap()
        .into_iter()
        .filter(|c| c.node == s.victim.node_id() && c.study.as_deref() == Some(study.as_str()))
        .collect();
    assert!(!mine.is_empty());
    let before = snapshot(&s.victim);
    let o = sync::apply_changes(&mut s.victim, Some(&study), &mine).unwrap();
    assert_eq!((o.applied, o.duplicates), (0, mine.len() as u64));
    assert_eq!(snapshot(&s.victim), before);
}

#[test]
fn a_stamp_in_the_year_6429_is_refused() {
    let mut s = scene();
    let mut c = forged(
        &s,
        Entity::Session,
        &s.session,
        "title",
        text("Pour toujours"),
    );
    c.hlc = i64::MAX;
    let why = refused(&mut s, &[c], "future_stamp");
    assert!(
        why.contains("0190a0a0-0000-7000-8000-00000000beef"),
        "{why}"
    );
}

#[test]
fn a_stamp_ten_years_ahead_is_refused() {
    let mut s = scene();
    let ten_years = 10 * 365 * 24 * 3600 * 1000;
    let mut c = forged(&s, Entity::Session, &s.session, "title", text("2036"));
    c.hlc = clock::from_millis(clock::wall_millis(ten_years));
    let why = refused(&mut s, &[c], "future_stamp");
    assert!(
        why.contains("3649 days") || why.contains("3650 days"),
        "{why}"
    );
    // Within the allowed drift it is an ordinary change.
    let mut near = forged(&s, Entity::Session, &s.session, "title", text("Bientôt"));
    near.hlc = clock::from_millis(clock::wall_millis(3_600_000));
    let study = s.study.clone();
    sync::apply_changes(&mut s.victim, Some(&study), &[near]).unwrap();
}

/// A winner stamped at i64::MAX - 1, as a store that took it before these checks holds it.
#[test]
fn editing_a_field_whose_winner_sits_at_i64_max_minus_1_neither_panics_nor_poisons_the_log() {
    let mut s = scene();
    let mallory = "0190a0a0-0000-7000-8000-00000000beef";
    s.victim
        .conn()
        .execute_batch(&format!(
            "INSERT INTO nodes(node_id) VALUES ('{mallory}');
             INSERT INTO change_log(scope, node, first_seq, last_seq, entity, row_id, hlc, fields)
             VALUES ((SELECT idx FROM scopes WHERE study = '{study}'),
                     (SELECT idx FROM nodes WHERE node_id = '{mallory}'), 1, 1, 3, '{session}',
                     {hlc}, '[[3,\"Toujours\",0]]');
             INSERT INTO scope_vector(scope, node, max_seq)
             VALUES ('{study}', (SELECT idx FROM nodes WHERE node_id = '{mallory}'), 1);
             UPDATE session SET title = 'Toujours' WHERE id = '{session}';",
            study = s.study,
            session = s.session,
            hlc = i64::MAX - 1,
        ))
        .unwrap();
    let before = snapshot(&s.victim);
    let session = s.session.clone();
    let e = s
        .victim
        .update(
            Entity::Session,
            &session,
            &fields(json!({"title": "Enfin"})),
        )
        .unwrap_err();
    assert_eq!(e.code(), "future_value");
    assert_eq!(snapshot(&s.victim), before, "nothing half-written");
    // Every stamp in the victim's log is still one its peers accept: its log is not poisoned.
    let mine = sync::all_changes(s.victim.conn()).unwrap();
    assert!(mine
        .iter()
        .filter(|c| c.node == s.victim.node_id())
        .all(|c| c.hlc >= 0 && clock::too_far_ahead(c.hlc, clock::wall_millis(0)).is_none()));
    // Other fields are still edited, and Alice's changes still reach the victim.
    s.victim
        .update(
            Entity::Session,
            &session,
            &fields(json!({"duration_minutes": 90})),
        )
        .unwrap();
    let participant = s.participant.clone();
    s.alice
        .update(
            Entity::Participant,
            &participant,
            &fields(json!({"age": 40})),
        )
        .unwrap();
    assert!(send(&mut s).applied >= 1);
}

/// An honest laptop that holds part of a session (its study_id not arrived yet) and edits it
/// logs the edit in the session's study, not in the shared scope other laptops now refuse.
#[test]
fn an_edit_of_a_partly_received_record_travels_in_its_study() {
    let dir = tempfile::tempdir().unwrap();
    let mut alice = Store::open_in_dir(&dir.path().join("alice")).unwrap();
    let mut bob = Store::open_in_dir(&dir.path().join("bob")).unwrap();
    let study = alice
        .create(Entity::Study, &fields(json!({"title": "Ségou"})))
        .unwrap();
    let session = alice
        .create(
            Entity::Session,
            &fields(json!({"study_id": study, "session_type": "workshop", "date": "2026-05-02", "title": "Avant"})),
        )
        .unwrap();
    // What a batch cut short gives: Alice's changes in the study up to the session's study_id
    // (its fields go in name order: date and session_type came first).
    let part: Vec<Change> = sync::all_changes(alice.conn())
        .unwrap()
        .into_iter()
        .take_while(|c| c.field != "study_id")
        .collect();
    assert!(part.iter().any(|c| c.row_id == session));
    sync::apply_changes(&mut bob, Some(&study), &part).unwrap();
    bob.update(
        Entity::Session,
        &session,
        &fields(json!({"title": "Après"})),
    )
    .unwrap();
    let edit = sync::all_changes(bob.conn())
        .unwrap()
        .into_iter()
        .find(|c| c.node == bob.node_id())
        .unwrap();
    assert_eq!(edit.study.as_deref(), Some(study.as_str()));
    let o = sync::apply_changes(&mut alice, Some(&study), &[edit]).unwrap();
    assert_eq!(o.updated_fields, 1);
}
