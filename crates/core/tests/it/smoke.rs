//! The shortest path through the store: a study, a session of five people, their totals, a
//! title edited and its history.

use serde_json::json;
use terrain_core::read as query;
use terrain_core::Entity;

use crate::support::{fields, temp_store};

#[test]
fn create_session_with_participants_and_read_totals() {
    let (_dir, mut store) = temp_store();
    let study = store
        .create(
            Entity::Study,
            &fields(json!({"title": "Femmes et sécurité à Ségou"})),
        )
        .unwrap();
    let segou = query::list(
        store.conn(),
        Entity::Place,
        &query::ListOptions {
            field: Some("name".into()),
            value: Some("Ségou".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(!segou.is_empty());
    let session = store
        .create(
            Entity::Session,
            &fields(json!({"study_id": study, "session_type": "focus_group", "date": "2026-11-20", "place_id": segou[0].id})),
        )
        .unwrap();
    for sex in ["female", "female", "female", "male", "male"] {
        store
            .create(
                Entity::Participant,
                &fields(json!({"session_id": session, "sex": sex, "age": 30})),
            )
            .unwrap();
    }
    let t = query::session_totals(store.conn(), &session).unwrap();
    assert_eq!((t.women, t.men), (3, 2));
    store
        .update(
            Entity::Study,
            &study,
            &fields(json!({"title": "Nouveau titre"})),
        )
        .unwrap();
    let h = query::history(store.conn(), Entity::Study, &study).unwrap();
    assert_eq!(h.iter().filter(|e| e.field == "title").count(), 2);
    let last = h.iter().rfind(|e| e.field == "title").unwrap();
    assert_eq!(last.old, json!("Femmes et sécurité à Ségou"));
    let study_changes: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM changes WHERE study = ?1",
            [&study],
            |r| r.get(0),
        )
        .unwrap();
    let all: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM changes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(study_changes, all);
}
