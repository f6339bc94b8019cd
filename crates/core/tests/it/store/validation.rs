//! Refused values: each error names the field in French and in English, and nothing already
//! saved is lost or changed.

use serde_json::json;
use terrain_core::read as query;
use terrain_core::{Entity, Error, Lang, Problem, Store};

use crate::support::{fields, temp_store};

/// Everything a store holds that a refused write must not touch.
fn state(store: &Store) -> (i64, i64, String) {
    let conn = store.conn();
    let changes = conn
        .query_row("SELECT count(*) FROM changes", [], |r| r.get(0))
        .unwrap();
    let hlc: i64 = conn
        .query_row("SELECT coalesce(max(hlc), 0) FROM changes", [], |r| {
            r.get(0)
        })
        .unwrap();
    let mut rows = String::new();
    for e in [
        Entity::Study,
        Entity::Session,
        Entity::Participant,
        Entity::Tally,
        Entity::Recommendation,
    ] {
        for r in query::list(
            conn,
            e,
            &query::ListOptions {
                include_deleted: true,
                ..Default::default()
            },
        )
        .unwrap()
        {
            rows.push_str(&r.to_flat_json().to_string());
        }
    }
    (changes, hlc, rows)
}

/// Asserts a refusal for `field` whose messages quote the field's French and English labels.
fn refused(
    result: terrain_core::Result<impl std::fmt::Debug>,
    field: &str,
    fr: &str,
    en: &str,
) -> Problem {
    let err = result.expect_err("must be refused");
    let Error::Invalid(v) = &err else {
        panic!("expected a validation error, got {err:?}")
    };
    assert_eq!(v.field, field);
    assert_eq!(err.code(), "invalid");
    let (m_fr, m_en) = (err.message(Lang::Fr), err.message(Lang::En));
    assert!(m_fr.contains(&format!("« {fr} »")), "{m_fr}");
    assert!(m_en.contains(&format!("\"{en}\"")), "{m_en}");
    assert_ne!(m_fr, m_en);
    v.problem.clone()
}

#[test]
fn impossible_values_are_refused_with_the_field_named_and_nothing_is_lost() {
    let (_dir, mut store) = temp_store();
    let study = store
        .create(
            Entity::Study,
            &fields(
                json!({"title": "Étude", "start_date": "2025-03-01", "end_date": "2025-06-30"}),
            ),
        )
        .unwrap();
    let session = store
        .create(
            Entity::Session,
            &fields(json!({"study_id": study, "session_type": "workshop", "date": "2025-03-04"})),
        )
        .unwrap();
    let person = store
        .create(
            Entity::Participant,
            &fields(json!({"session_id": session, "sex": "female", "age": 40})),
        )
        .unwrap();
    let gone = store
        .create(
            Entity::Session,
            &fields(
                json!({"study_id": study, "session_type": "restitution", "date": "2025-05-04"}),
            ),
        )
        .unwrap();
    store.delete(Entity::Session, &gone).unwrap();
    let before = state(&store);

    // Required fields, on create and when cleared by an edit.
    let p = refused(
        store.create(Entity::Study, &fields(json!({"organisation": "X"}))),
        "title",
        "titre",
        "title",
    );
    assert_eq!(p, Problem::Required);
    let p = refused(
        store.update(Entity::Study, &study, &fields(json!({"title": "  "}))),
        "title",
        "titre",
        "title",
    );
    assert_eq!(p, Problem::Required);
    refused(
        store.create(
            Entity::Session,
            &fields(json!({"study_id": study, "date": "2025-03-04"})),
        ),
        "session_type",
        "type de séance",
        "session type",
    );
    refused(
        store.create(Entity::Participant, &fields(json!({"session_id": session}))),
        "sex",
        "sexe",
        "sex",
    );

    // Negative counts and durations, ages over 120.
    let p = refused(
        store.create(
            Entity::Tally,
            &fields(json!({"session_id": session, "sex": "male", "count": -3})),
        ),
        "count",
        "effectif",
        "count",
    );
    assert!(matches!(p, Problem::OutOfRange { min: 0, .. }));
    refused(
        store.update(
            Entity::Session,
            &session,
            &fields(json!({"duration_minutes": -10})),
        ),
        "duration_minutes",
        "durée (minutes)",
        "duration (minutes)",
    );
    let p = refused(
        store.update(Entity::Participant, &person, &fields(json!({"age": 121}))),
        "age",
        "âge",
        "age",
    );
    assert_eq!(p, Problem::OutOfRange { min: 0, max: 120 });
    refused(
        store.create(
            Entity::Participant,
            &fields(json!({"session_id": session, "sex": "male", "age": "trente"})),
        ),
        "age",
        "âge",
        "age",
    );

    // End before start: on create, and by moving either end of a saved study.
    let p = refused(
        store.create(
            Entity::Study,
            &fields(json!({"title": "T", "start_date": "2025-05-01", "end_date": "2025-04-30"})),
        ),
        "end_date",
        "date de fin",
        "end date",
    );
    assert_eq!(
        p,
        Problem::BeforeStart {
            start_field: "start_date"
        }
    );
    let err = store
        .update(
            Entity::Study,
            &study,
            &fields(json!({"end_date": "2025-02-01"})),
        )
        .unwrap_err();
    assert!(
        err.message(Lang::Fr).contains("« date de début »"),
        "{}",
        err.message(Lang::Fr)
    );
    assert!(
        err.message(Lang::En).contains("\"start date\""),
        "{}",
        err.message(Lang::En)
    );
    refused(
        store.update(
            Entity::Study,
            &study,
            &fields(json!({"start_date": "2025-07-01"})),
        ),
        "end_date",
        "date de fin",
        "end date",
    );
    refused(
        store.update(
            Entity::Study,
            &study,
            &fields(json!({"start_date": "2025-02-30"})),
        ),
        "start_date",
        "date de début",
        "start date",
    );

    // Values outside the lists.
    let p = refused(
        store.update(
            Entity::Session,
            &session,
            &fields(json!({"session_type": "pique-nique"})),
        ),
        "session_type",
        "type de séance",
        "session type",
    );
    assert!(
        matches!(p, Problem::NotAChoice { ref allowed } if allowed.contains(&"focus_group".to_string()))
    );
    refused(
        store.update(Entity::Participant, &person, &fields(json!({"sex": "x"}))),
        "sex",
        "sexe",
        "sex",
    );
    refused(
        store.update(
            Entity::Participant,
            &person,
            &fields(json!({"actor_group": "aliens"})),
        ),
        "actor_group",
        "groupe d'acteurs",
        "actor group",
    );
    refused(
        store.update(
            Entity::Session,
            &session,
            &fields(json!({"consent_form": "email"})),
        ),
        "consent_form",
        "forme du consentement",
        "consent form",
    );
    refused(
        store.update(
            Entity::Session,
            &session,
            &fields(json!({"women_only": "peut-être"})),
        ),
        "women_only",
        "femmes uniquement",
        "women only",
    );

    // References to deleted or missing records, and ids that are not ids.
    let p = refused(
        store.create(
            Entity::Participant,
            &fields(json!({"session_id": gone, "sex": "female"})),
        ),
        "session_id",
        "séance",
        "session",
    );
    assert_eq!(p, Problem::MissingReference);
    refused(
        store.create(
            Entity::Finding,
            &fields(json!({"session_id": uuid_like(), "theme": "t", "text": "x"})),
        ),
        "session_id",
        "séance",
        "session",
    );
    refused(
        store.update(
            Entity::Session,
            &session,
            &fields(json!({"place_id": "Ségou"})),
        ),
        "place_id",
        "lieu",
        "place",
    );
    refused(
        store.create(
            Entity::Recommendation,
            &fields(json!({"study_id": study, "text": "x", "validated_at": gone})),
        ),
        "validated_at",
        "validée lors de",
        "validated at",
    );

    // Fields that do not exist, and the tombstone, which only delete/restore may touch.
    let err = store
        .update(Entity::Study, &study, &fields(json!({"budget": 10})))
        .unwrap_err();
    assert!(matches!(&err, Error::Invalid(v) if v.problem == Problem::UnknownField));
    let err = store
        .update(Entity::Study, &study, &fields(json!({"deleted": true})))
        .unwrap_err();
    assert!(matches!(&err, Error::Invalid(v) if v.problem == Problem::UnknownField));

    // Too long for a short field.
    let p = refused(
        store.update(
            Entity::Study,
            &study,
            &fields(json!({"title": "é".repeat(501)})),
        ),
        "title",
        "titre",
        "title",
    );
    assert_eq!(p, Problem::TooLong { max: 500 });

    // Editing a record that was deleted is refused too.
    let err = store
        .update(Entity::Session, &gone, &fields(json!({"title": "x"})))
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }));
    assert!(
        err.message(Lang::Fr).contains("séance"),
        "{}",
        err.message(Lang::Fr)
    );

    assert_eq!(state(&store), before, "a refused write changed the store");
}

#[test]
fn one_refused_value_rolls_back_the_whole_write() {
    let (_dir, mut store) = temp_store();
    let study = store
        .create(Entity::Study, &fields(json!({"title": "Étude"})))
        .unwrap();
    let session = store
        .create(
            Entity::Session,
            &fields(
                json!({"study_id": study, "session_type": "focus_group", "date": "2025-01-08"}),
            ),
        )
        .unwrap();
    let before = state(&store);
    // A whole attendance sheet saved at once: the bad line refuses it all.
    let result = store.write(|w| {
        for age in [25, 31, 130, 44] {
            w.create(
                Entity::Participant,
                &fields(json!({"session_id": session, "sex": "female", "age": age})),
            )?;
        }
        w.update(Entity::Study, &study, &fields(json!({"title": "Renommée"})))?;
        Ok(())
    });
    assert!(matches!(result, Err(Error::Invalid(ref v)) if v.field == "age"));
    assert_eq!(state(&store), before);
    // And the store keeps working afterwards, with its clock and sequence intact.
    store
        .create(
            Entity::Participant,
            &fields(json!({"session_id": session, "sex": "female", "age": 25})),
        )
        .unwrap();
    let t = query::session_totals(store.conn(), &session).unwrap();
    assert_eq!((t.women, t.men), (1, 0));
    let max_seq: i64 = store
        .conn()
        .query_row("SELECT max(seq) FROM changes", [], |r| r.get(0))
        .unwrap();
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM changes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(max_seq, n, "the refused write used no sequence numbers");
}

fn uuid_like() -> String {
    "0190f6a4-0000-7000-8000-000000000000".to_string()
}
