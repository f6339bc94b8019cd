//! Finding a person (issue 14, finding 14): by words of the code or the name, without case or
//! accents, in one study or in all; deleted people and sessions are not found; a name sealed
//! to headquarters is searched only where it can be opened, and counted where it cannot.

use serde_json::json;
use terrain_core::read::{self, PeopleFound, PeopleQuery};
use terrain_core::{Entity, Store};

use crate::support::{fields, temp_store};
use crate::sync::sealed::{carry, hq, person};

fn find(store: &Store, study: Option<&str>, text: &str) -> PeopleFound {
    read::find_people(
        store.conn(),
        &PeopleQuery {
            study_id: study.map(str::to_string),
            text: text.to_string(),
            limit: None,
        },
    )
    .unwrap()
}

fn codes(found: &PeopleFound) -> Vec<String> {
    let mut c: Vec<String> = found.hits.iter().filter_map(|h| h.code.clone()).collect();
    c.sort();
    c
}

fn study(store: &mut Store, title: &str) -> String {
    store
        .create(Entity::Study, &fields(json!({ "title": title })))
        .unwrap()
}

fn session(store: &mut Store, study: &str, date: &str) -> String {
    store
        .create(
            Entity::Session,
            &fields(json!({"study_id": study, "session_type": "focus_group", "date": date})),
        )
        .unwrap()
}

fn participant(store: &mut Store, session: &str, code: &str, name: &str) -> String {
    store
        .create(
            Entity::Participant,
            &fields(json!({"session_id": session, "sex": "female", "code": code, "name": name})),
        )
        .unwrap()
}

#[test]
fn people_are_found_by_words_of_their_code_or_name_in_one_study_or_all() {
    let (_dir, mut store) = temp_store();
    let segou = study(&mut store, "Ségou");
    let kayes = study(&mut store, "Kayes");
    let s1 = session(&mut store, &segou, "2025-03-01");
    let s2 = session(&mut store, &kayes, "2025-04-01");
    participant(&mut store, &s1, "SG-001", "Aminata Traoré");
    participant(&mut store, &s1, "SG-002", "Moussa Keïta");
    participant(&mut store, &s2, "KY-001", "Aminata Diarra");

    // Accents and capitals do not matter; every word must be there.
    assert_eq!(codes(&find(&store, None, "aminata")), ["KY-001", "SG-001"]);
    assert_eq!(codes(&find(&store, None, "TRAORE aminata")), ["SG-001"]);
    assert_eq!(codes(&find(&store, None, "keita")), ["SG-002"]);
    assert_eq!(codes(&find(&store, None, "sg-00")), ["SG-001", "SG-002"]);
    // Within one study only.
    assert_eq!(codes(&find(&store, Some(&kayes), "aminata")), ["KY-001"]);
    assert_eq!(
        codes(&find(&store, Some(&segou), "ky")),
        Vec::<String>::new()
    );
    // A hit says where the person was met.
    let hit = &find(&store, None, "KY-001").hits[0];
    assert_eq!(hit.session_id, s2);
    assert_eq!(hit.session_date.as_deref(), Some("2025-04-01"));
    assert_eq!(hit.study_title.as_deref(), Some("Kayes"));
    assert_eq!(hit.name.as_deref(), Some("Aminata Diarra"));
    assert!(!hit.name_sealed);
    // Nothing typed finds nobody (a search, not a list of everyone).
    let none = find(&store, None, "  ");
    assert_eq!((none.hits.len(), none.total), (0, 0));
}

#[test]
fn deleted_people_sessions_and_studies_are_not_found() {
    let (_dir, mut store) = temp_store();
    let st = study(&mut store, "Mopti");
    let gone_study = study(&mut store, "Supprimée");
    let live = session(&mut store, &st, "2025-03-01");
    let gone = session(&mut store, &st, "2025-03-02");
    let in_gone_study = session(&mut store, &gone_study, "2025-03-03");
    let kept = participant(&mut store, &live, "MP-001", "Fatoumata Coulibaly");
    let removed = participant(&mut store, &live, "MP-002", "Fatoumata Sidibé");
    participant(&mut store, &gone, "MP-003", "Fatoumata Sow");
    participant(&mut store, &in_gone_study, "MP-004", "Fatoumata Ba");
    store.delete(Entity::Participant, &removed).unwrap();
    store.delete(Entity::Session, &gone).unwrap();
    store.delete(Entity::Study, &gone_study).unwrap();

    let found = find(&store, None, "fatoumata");
    assert_eq!(codes(&found), ["MP-001"]);
    assert_eq!(found.hits[0].id, kept);
    assert_eq!(found.total, 1);
}

#[test]
fn a_long_answer_is_cut_at_the_limit_and_says_how_many_there_are() {
    let (_dir, mut store) = temp_store();
    let st = study(&mut store, "Gao");
    let s = session(&mut store, &st, "2025-03-01");
    for i in 0..7 {
        participant(&mut store, &s, &format!("GA-{i:03}"), "Hawa Maïga");
    }
    let found = read::find_people(
        store.conn(),
        &PeopleQuery {
            study_id: Some(st),
            text: "hawa".into(),
            limit: Some(3),
        },
    )
    .unwrap();
    assert_eq!((found.hits.len(), found.total), (3, 7));
    assert_eq!(codes(&found), ["GA-000", "GA-001", "GA-002"]);
}

#[test]
fn a_sealed_name_is_searched_at_headquarters_and_counted_on_a_field_laptop() {
    let mut s = hq();
    let session = s.session.clone();
    let id = person(&mut s.f, &session, "Oumou Sangaré", "+223 76 12 34 98");
    let code = read::get(s.f.conn(), Entity::Participant, &id)
        .unwrap()
        .text("code")
        .unwrap()
        .to_string();
    let study = s.study.clone();

    // The field laptop keeps only ciphertext: the name is not found, the code is, and the
    // answer says one name could not be searched.
    let by_name = find(&s.f, Some(&study), "oumou");
    assert_eq!((by_name.total, by_name.sealed_names), (0, 1));
    let by_code = find(&s.f, Some(&study), &code);
    assert_eq!(by_code.total, 1);
    assert!(by_code.hits[0].name_sealed);
    assert_eq!(by_code.hits[0].name, None);

    // Headquarters holds the key: it finds the name.
    carry(s.dir.path(), &s.f, &mut s.h, &study, "f-h.terrain");
    let at_hq = find(&s.h, Some(&study), "sangare oumou");
    assert_eq!((at_hq.total, at_hq.sealed_names), (1, 0));
    assert_eq!(at_hq.hits[0].name.as_deref(), Some("Oumou Sangaré"));
    assert!(!at_hq.hits[0].name_sealed);
}
