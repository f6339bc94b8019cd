//! Create, edit, delete and restore every kind of record on a real SQLite file, and the
//! history each write leaves: one change per field, with the value it replaced.

use serde_json::{json, Value as Json};
use terrain_core::read::{self as query, ListOptions};
use terrain_core::{Entity, Error, Store};

use crate::support::{fields, temp_store};

fn changes(store: &Store, row: &str) -> i64 {
    store
        .conn()
        .query_row(
            "SELECT count(*) FROM changes WHERE row_id = ?1",
            [row],
            |r| r.get(0),
        )
        .unwrap()
}

fn region(store: &Store, name: &str) -> String {
    store
        .conn()
        .query_row(
            "SELECT id FROM place WHERE kind = 'region' AND name = ?1 AND map_version = '2016'",
            [name],
            |r| r.get(0),
        )
        .unwrap()
}

/// A study, a session and one record of every other kind, with the fields each was given.
struct Fixture {
    records: Vec<(Entity, String, Json)>,
}

fn fixture(store: &mut Store) -> Fixture {
    let segou = region(store, "Ségou");
    store
        .write(|w| {
            let study_fields = json!({"title": "Femmes et sécurité", "organisation": "Réseau FPS",
                "start_date": "2025-01-06", "end_date": "2025-12-19"});
            let study = w.create(Entity::Study, &fields(study_fields.clone()))?;
            let place_fields = json!({"name": "Camp de Mbera", "kind": "camp", "country": "MR", "parent_id": null});
            let place = w.create(Entity::Place, &fields(place_fields.clone()))?;
            let session_fields = json!({"study_id": study, "session_type": "focus_group", "date": "2025-03-12",
                "place_id": segou, "languages": ["fr", "bm"], "facilitators": ["Aminata Traoré"],
                "women_only": true, "duration_minutes": 120});
            let session = w.create(Entity::Session, &fields(session_fields.clone()))?;
            let participant_fields = json!({"session_id": session, "sex": "female", "age": 34,
                "actor_group": "police", "institution": "Police nationale", "home_commune_id": place});
            let participant = w.create(Entity::Participant, &fields(participant_fields.clone()))?;
            let tally_fields = json!({"session_id": session, "sex": "male", "age_band": "25_35",
                "actor_group": "youth", "count": 12});
            let tally = w.create(Entity::Tally, &fields(tally_fields.clone()))?;
            let finding_fields = json!({"session_id": session, "theme": "accès à la justice",
                "text": "Le commissariat est loin."});
            let finding = w.create(Entity::Finding, &fields(finding_fields.clone()))?;
            let rec_fields = json!({"study_id": study, "text": "Ouvrir des permanences juridiques.",
                "level": "local", "source_sessions": [session]});
            let rec = w.create(Entity::Recommendation, &fields(rec_fields.clone()))?;
            Ok(Fixture {
                records: vec![
                    (Entity::Study, study, study_fields),
                    (Entity::Place, place, place_fields),
                    (Entity::Session, session, session_fields),
                    (Entity::Participant, participant, participant_fields),
                    (Entity::Tally, tally, tally_fields),
                    (Entity::Finding, finding, finding_fields),
                    (Entity::Recommendation, rec, rec_fields),
                ],
            })
        })
        .unwrap()
}

/// One edit per kind of record: (field, new value).
fn edit_of(entity: Entity) -> (&'static str, Json) {
    match entity {
        Entity::Study => ("title", json!("Femmes, paix et sécurité à Ségou")),
        Entity::Place => ("name", json!("Camp de réfugiés de Mbera")),
        Entity::Session => ("duration_minutes", json!(150)),
        Entity::Participant => ("age", json!(35)),
        Entity::Tally => ("count", json!(14)),
        Entity::Finding => ("text", json!("Le commissariat est à 40 km.")),
        Entity::Recommendation => ("status", json!("validated")),
        other => panic!("no edit planned for {other}"),
    }
}

#[test]
fn every_record_kind_is_created_edited_deleted_and_restored_with_history() {
    let (dir, mut store) = temp_store();
    let fx = fixture(&mut store);

    for (entity, id, given) in &fx.records {
        let rec = query::get(store.conn(), *entity, id).unwrap();
        assert!(!rec.deleted);
        let given = given.as_object().unwrap();
        // Each given field reads back as given; each non-empty one left exactly one change.
        for (name, value) in given {
            if value.is_null() {
                assert!(rec.fields[name].is_null(), "{entity}.{name}");
                continue;
            }
            assert_eq!(&rec.fields[name], value, "{entity}.{name}");
        }
        let history = query::history(store.conn(), *entity, id).unwrap();
        let set: Vec<_> = rec.fields.iter().filter(|(_, v)| !v.is_null()).collect();
        assert_eq!(
            history.len(),
            set.len(),
            "{entity}: one change per stored field"
        );
        for (name, value) in set {
            let h: Vec<_> = history.iter().filter(|h| &h.field == name).collect();
            assert_eq!(h.len(), 1, "{entity}.{name}");
            assert_eq!(h[0].old, Json::Null);
            assert_eq!(&h[0].new, value);
            assert!(h[0].current);
            assert_eq!(h[0].device, store.node_id());
            assert!(h[0].at.starts_with("20"), "{}", h[0].at);
        }

        // Edit one field: one new change, old → new, the first value no longer current.
        let (field, new_value) = edit_of(*entity);
        let before = changes(&store, id);
        let old_value = rec.fields[field].clone();
        assert_eq!(
            store
                .update(*entity, id, &fields(json!({ field: new_value })))
                .unwrap(),
            1
        );
        assert_eq!(changes(&store, id), before + 1);
        // Saving the same value again changes nothing and logs nothing.
        assert_eq!(
            store
                .update(*entity, id, &fields(json!({ field: new_value })))
                .unwrap(),
            0
        );
        assert_eq!(changes(&store, id), before + 1);
        let h: Vec<_> = query::history(store.conn(), *entity, id)
            .unwrap()
            .into_iter()
            .filter(|h| h.field == field)
            .collect();
        assert_eq!(h.len(), 2, "{entity}.{field}");
        assert!(!h[0].current && h[1].current);
        assert_eq!(h[1].old, old_value);
        assert_eq!(h[1].new, new_value);
        assert_eq!(
            query::get(store.conn(), *entity, id).unwrap().fields[field],
            new_value
        );

        // Delete: gone from lists, in the deleted view, not editable.
        store.delete(*entity, id).unwrap();
        let live = ListOptions {
            field: Some("id_is_not_a_field".into()),
            value: Some("x".into()),
            ..Default::default()
        };
        assert!(
            query::list(store.conn(), *entity, &live).is_err(),
            "unknown filter field is refused"
        );
        let listed = |store: &Store, opts: &ListOptions| {
            let opts = ListOptions {
                // Places list only user-added ones unless filtered: filter on the country.
                field: (*entity == Entity::Place).then(|| "country".to_string()),
                value: (*entity == Entity::Place).then(|| "MR".to_string()),
                ..opts.clone()
            };
            query::list(store.conn(), *entity, &opts)
                .unwrap()
                .iter()
                .any(|r| &r.id == id)
        };
        assert!(
            !listed(&store, &ListOptions::default()),
            "{entity} still listed"
        );
        assert!(listed(
            &store,
            &ListOptions {
                only_deleted: true,
                ..Default::default()
            }
        ));
        assert!(query::deleted_records(store.conn())
            .unwrap()
            .iter()
            .any(|r| &r.id == id));
        assert!(query::get(store.conn(), *entity, id).unwrap().deleted);
        let err = store
            .update(*entity, id, &fields(json!({ field: new_value })))
            .unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
        // Deleting twice logs nothing more.
        let after_delete = changes(&store, id);
        store.delete(*entity, id).unwrap();
        assert_eq!(changes(&store, id), after_delete);

        // Restore: back with its values, and the tombstone's history says both steps.
        store.restore(*entity, id).unwrap();
        assert!(listed(&store, &ListOptions::default()));
        let back = query::get(store.conn(), *entity, id).unwrap();
        assert!(!back.deleted);
        assert_eq!(back.fields[field], new_value);
        let tomb: Vec<_> = query::history(store.conn(), *entity, id)
            .unwrap()
            .into_iter()
            .filter(|h| h.field == "deleted")
            .map(|h| (h.old, h.new))
            .collect();
        assert_eq!(
            tomb,
            vec![(Json::Null, json!(true)), (json!(true), json!(false))]
        );
    }

    // Everything survives closing and reopening the file.
    let ids: Vec<_> = fx
        .records
        .iter()
        .map(|(e, id, _)| (*e, id.clone()))
        .collect();
    let snapshot: Vec<_> = ids
        .iter()
        .map(|(e, id)| query::get(store.conn(), *e, id).unwrap().to_flat_json())
        .collect();
    drop(store);
    let store = Store::open_in_dir(dir.path()).unwrap();
    let again: Vec<_> = ids
        .iter()
        .map(|(e, id)| query::get(store.conn(), *e, id).unwrap().to_flat_json())
        .collect();
    assert_eq!(snapshot, again);
}

#[test]
fn defaults_codes_and_age_bands_are_filled_by_the_write_path() {
    let (_dir, mut store) = temp_store();
    let fx = fixture(&mut store);
    let id_of = |e: Entity| fx.records.iter().find(|r| r.0 == e).unwrap().1.clone();
    let study = query::get(store.conn(), Entity::Study, &id_of(Entity::Study)).unwrap();
    assert_eq!(study.text("status"), Some("ongoing"));
    let place = query::get(store.conn(), Entity::Place, &id_of(Entity::Place)).unwrap();
    assert_eq!(place.text("map_version"), Some("user"));
    let rec = query::get(
        store.conn(),
        Entity::Recommendation,
        &id_of(Entity::Recommendation),
    )
    .unwrap();
    assert_eq!(rec.text("status"), Some("proposed"));
    let p = query::get(
        store.conn(),
        Entity::Participant,
        &id_of(Entity::Participant),
    )
    .unwrap();
    assert_eq!(p.text("age_band"), Some("25_35"));
    assert!(
        p.text("code").unwrap().starts_with("P001-"),
        "{:?}",
        p.text("code")
    );
    // A new age moves the band along with it.
    store
        .update(Entity::Participant, &p.id, &fields(json!({"age": 61})))
        .unwrap();
    let p = query::get(store.conn(), Entity::Participant, &p.id).unwrap();
    assert_eq!(p.text("age_band"), Some("60_plus"));
    // The second person of the session gets the next code.
    let session = id_of(Entity::Session);
    let second = store
        .create(
            Entity::Participant,
            &fields(json!({"session_id": session, "sex": "male"})),
        )
        .unwrap();
    let second = query::get(store.conn(), Entity::Participant, &second).unwrap();
    assert!(second.text("code").unwrap().starts_with("P002-"));
    let t = query::session_totals(store.conn(), &session).unwrap();
    assert_eq!((t.women, t.men, t.total), (1, 13, 14));
}

#[test]
fn deleting_a_session_hides_its_people_from_totals_until_restored() {
    let (_dir, mut store) = temp_store();
    let fx = fixture(&mut store);
    let id_of = |e: Entity| fx.records.iter().find(|r| r.0 == e).unwrap().1.clone();
    let (study, session) = (id_of(Entity::Study), id_of(Entity::Session));
    assert_eq!(query::study_totals(store.conn(), &study).unwrap().total, 13);
    store.delete(Entity::Session, &session).unwrap();
    assert_eq!(query::study_totals(store.conn(), &study).unwrap().total, 0);
    assert!(query::sessions(store.conn(), &Default::default())
        .unwrap()
        .is_empty());
    store.restore(Entity::Session, &session).unwrap();
    assert_eq!(query::study_totals(store.conn(), &study).unwrap().total, 13);
    assert_eq!(
        query::sessions(store.conn(), &Default::default())
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn the_bin_lists_the_most_recently_deleted_first() {
    let (_dir, mut store) = temp_store();
    let older = store
        .create(Entity::Study, &fields(json!({"title": "Ségou 2024"})))
        .unwrap();
    let newer = store
        .create(Entity::Study, &fields(json!({"title": "Gao 2025"})))
        .unwrap();
    let bin = |store: &Store| -> Vec<String> {
        query::deleted_records(store.conn())
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect()
    };
    store.delete(Entity::Study, &newer).unwrap();
    store.delete(Entity::Study, &older).unwrap();
    assert_eq!(bin(&store), [older.clone(), newer.clone()]);
    // Deleted again after a restore: back on top.
    store.restore(Entity::Study, &newer).unwrap();
    store.delete(Entity::Study, &newer).unwrap();
    assert_eq!(bin(&store), [newer, older]);
}
