//! The session screen in one read, and a write of its attendance answered with what the
//! screen shows next.

use serde_json::json;
use terrain_core::changes::WriteOp;
use terrain_core::read as query;
use terrain_core::{Entity, Store};

use crate::support::{fields, temp_store};

fn session(s: &mut Store, place: Option<&str>) -> (String, String) {
    let study = s
        .create(Entity::Study, &fields(json!({"title": "Étude"})))
        .expect("study");
    let mut f = json!({"study_id": study, "session_type": "focus_group", "date": "2026-03-02"});
    if let Some(p) = place {
        f["place_id"] = json!(p);
    }
    let session = s.create(Entity::Session, &fields(f)).expect("session");
    (study, session)
}

#[test]
fn the_page_holds_what_the_screen_shows() {
    let (_dir, mut s) = temp_store();
    let place = s
        .create(
            Entity::Place,
            &fields(json!({"name": "Pelengana", "kind": "village"})),
        )
        .expect("place");
    let (study, id) = session(&mut s, Some(&place));
    s.create(
        Entity::Participant,
        &fields(json!({"session_id": id, "sex": "female", "age": 30})),
    )
    .expect("participant");
    s.create(
        Entity::Finding,
        &fields(json!({"session_id": id, "theme": "eau", "text": "Le puits est loin."})),
    )
    .expect("finding");
    let page = query::session_page(s.conn(), &id).expect("page");
    assert_eq!(page.session.id, id);
    assert_eq!(page.study.map(|r| r.id), Some(study));
    let place = page.place.expect("place");
    assert_eq!(
        (place.name.as_str(), place.path.as_str()),
        ("Pelengana", "Pelengana")
    );
    assert_eq!(page.attendance.participants.len(), 1);
    assert!(page.attendance.tallies.is_empty());
    assert_eq!(page.findings.len(), 1);

    let (_, bare) = session(&mut s, None);
    let page = query::session_page(s.conn(), &bare).expect("page without place");
    assert!(page.place.is_none() && page.findings.is_empty());
    let missing = query::session_page(s.conn(), "nope").expect_err("no session");
    assert_eq!(missing.code(), "not_found");
}

#[test]
fn an_attendance_write_answers_with_the_attendance_and_is_all_or_nothing() {
    let (_dir, mut s) = temp_store();
    let (_, session) = session(&mut s, None);
    let line = |sex: &str, age: i64| WriteOp::Create {
        entity: Entity::Participant,
        fields: fields(json!({"session_id": session, "sex": sex, "age": age})),
    };
    let saved = query::save_attendance(&mut s, &session, &[line("female", 30), line("male", 40)])
        .expect("batch");
    assert_eq!(saved.ids.len(), 2);
    assert_eq!(saved.attendance.participants.len(), 2);
    assert_eq!(saved.attendance.participants[0].id, saved.ids[0]);
    let ops: Vec<WriteOp> = serde_json::from_value(json!([
        {"op": "delete", "entity": "participant", "id": saved.ids[0]},
        {"op": "create", "entity": "participant", "fields": {"session_id": session, "sex": "female", "age": 22}},
        {"op": "create", "entity": "participant", "fields": {"session_id": session, "sex": "male", "age": 130}},
    ]))
    .expect("ops as the UI sends them");
    let err = query::save_attendance(&mut s, &session, &ops).expect_err("age 130");
    assert_eq!(err.code(), "invalid");
    let totals = query::session_totals(s.conn(), &session).expect("totals");
    assert_eq!(
        (totals.women, totals.men),
        (1, 1),
        "the failed batch left nothing behind"
    );
    let tally = WriteOp::Create {
        entity: Entity::Tally,
        fields: fields(
            json!({"session_id": session, "sex": "female", "age_band": "18_24", "count": 5}),
        ),
    };
    let saved = query::save_attendance(&mut s, &session, &[tally]).expect("tally");
    assert_eq!(saved.attendance.tallies.len(), 1);
    assert_eq!(saved.attendance.participants.len(), 2);
}
