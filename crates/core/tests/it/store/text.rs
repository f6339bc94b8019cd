//! Text of any script and length goes in and comes back byte for byte, through the row, the
//! history and a reopened file.

use serde_json::json;
use terrain_core::read as query;
use terrain_core::{Entity, Error, Problem, Store};

use crate::support::{fields, temp_store};

const SAMPLES: &[&str] = &[
    "Atelier « Rôle des femmes » à Ségou — l'été, où ça s'est passé : « Œuvre, çà et là ».",
    // N'Ko (Manding): "peace" and a sentence, with N'Ko digits and tone marks.
    "ߒߞߏ ߞߊ߲ ߘߐ߫ ߖߊ߲߬ߓߊ߬ ߟߊ߬ߕߍ߬ ߁߂߃",
    // Arabic (right to left), with Arabic-Indic digits.
    "الأمن والسلام للنساء في تمبكتو ١٣٢٥",
    // Tifinagh (Tamasheq) and Fulfulde with hooked letters.
    "ⵜⴰⵎⴰⵌⴰⵆ — Ɓeydu ɗemngal ŋaa ƴiiwo",
    // Emoji with skin tones and zero-width joiners.
    "👩🏾‍✈️ femmes en uniforme 🇲🇱 ✊🏿",
    // Quotes, backslashes, SQL and JSON punctuation, a tab, newlines.
    "O'Brien \"cité\" \\ ; DROP TABLE study; -- {\"a\": [1]}\t\r\nfin",
];

#[test]
fn any_script_round_trips_through_row_history_and_reopen() {
    let (dir, mut store) = temp_store();
    let mut ids = Vec::new();
    for text in SAMPLES {
        let study = store
            .create(
                Entity::Study,
                &fields(json!({"title": text, "description": text})),
            )
            .unwrap();
        let session = store
            .create(
                Entity::Session,
                &fields(
                    json!({"study_id": study, "session_type": "focus_group", "date": "2025-02-03",
                    "notes": text, "facilitators": [text.replace(',', " ")]}),
                ),
            )
            .unwrap();
        let finding = store
            .create(
                Entity::Finding,
                &fields(json!({"session_id": session, "theme": text, "text": text})),
            )
            .unwrap();
        ids.push((study, session, finding));
    }
    let check = |store: &Store| {
        for ((study, session, finding), text) in ids.iter().zip(SAMPLES) {
            let s = query::get(store.conn(), Entity::Study, study).unwrap();
            assert_eq!(s.text("title"), Some(*text));
            assert_eq!(s.text("description"), Some(*text));
            let sess = query::get(store.conn(), Entity::Session, session).unwrap();
            assert_eq!(sess.text("notes"), Some(*text));
            assert_eq!(
                sess.fields["facilitators"],
                json!([text.replace(',', " ").trim()])
            );
            let f = query::get(store.conn(), Entity::Finding, finding).unwrap();
            assert_eq!(f.text("text"), Some(*text));
            let h = query::history(store.conn(), Entity::Study, study).unwrap();
            assert!(h.iter().any(|e| e.field == "title" && e.new == json!(text)));
        }
        // Free-text search folds French accents and finds the other scripts as typed.
        let found = |needle: &str| {
            query::sessions(
                store.conn(),
                &query::SessionQuery {
                    text: Some(needle.into()),
                    ..Default::default()
                },
            )
            .unwrap()
            .len()
        };
        assert_eq!(found("segou"), 1);
        assert_eq!(found("تمبكتو"), 1);
        assert_eq!(found("ߖߊ߲߬ߓߊ߬"), 1);
    };
    check(&store);
    drop(store);
    let store = Store::open_in_dir(dir.path()).unwrap();
    check(&store);
}

#[test]
fn long_notes_round_trip_and_limits_count_characters_not_bytes() {
    let (dir, mut store) = temp_store();
    // 100 KB and more of mixed scripts in one note.
    let mut notes = String::new();
    let mut i = 0;
    while notes.len() < 100 * 1024 {
        notes.push_str(SAMPLES[i % SAMPLES.len()]);
        notes.push('\n');
        i += 1;
    }
    let study = store
        .create(Entity::Study, &fields(json!({"title": "Notes longues"})))
        .unwrap();
    let session = store
        .create(
            Entity::Session,
            &fields(json!({"study_id": study, "session_type": "workshop", "date": "2025-02-03", "notes": notes})),
        )
        .unwrap();
    let edited = format!("{notes}Ajout après relecture.");
    store
        .update(Entity::Session, &session, &fields(json!({"notes": edited})))
        .unwrap();
    drop(store);
    let store = Store::open_in_dir(dir.path()).unwrap();
    let s = query::get(store.conn(), Entity::Session, &session).unwrap();
    assert_eq!(s.text("notes"), Some(edited.as_str()));
    let h: Vec<_> = query::history(store.conn(), Entity::Session, &session)
        .unwrap()
        .into_iter()
        .filter(|e| e.field == "notes")
        .collect();
    assert_eq!(h.len(), 2);
    assert_eq!(h[1].old, json!(notes));
    assert_eq!(h[1].new, json!(edited));

    // A short field holds 500 characters whatever their width in bytes.
    let mut store = store;
    let nko = "ߒ".repeat(500);
    assert_eq!(nko.len(), 1000);
    store
        .update(Entity::Study, &study, &fields(json!({"title": nko})))
        .unwrap();
    let emoji = "👩🏾".repeat(250);
    store
        .update(Entity::Study, &study, &fields(json!({"title": emoji})))
        .unwrap();
    assert_eq!(
        query::get(store.conn(), Entity::Study, &study)
            .unwrap()
            .text("title"),
        Some(emoji.as_str())
    );
    let err = store
        .update(
            Entity::Study,
            &study,
            &fields(json!({"title": "ߒ".repeat(501)})),
        )
        .unwrap_err();
    assert!(matches!(err, Error::Invalid(ref v) if v.problem == Problem::TooLong { max: 500 }));
}
