//! The questionnaire use cases (`forms::store`) on a real store: XLSForm files written here,
//! imported, filled, finalised, reopened, repeated, deleted (docs/design/forms.md).

use std::path::{Path, PathBuf};

use serde_json::json;
use terrain_core::forms::store::{self as forms};
use terrain_core::{Entity, Error, Lang, Store};

use crate::support::{fields, temp_store};

/// Writes an XLSForm workbook: its survey, choices and settings sheets, header row first.
pub fn xlsform(path: &Path, survey: &[&[&str]], choices: &[&[&str]], settings: &[&[&str]]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in [
        ("survey", survey),
        ("choices", choices),
        ("settings", settings),
    ] {
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    sheet.write_string(r as u32, c as u16, *cell).unwrap();
                }
            }
        }
    }
    book.save(path).unwrap();
}

const SURVEY: &[&[&str]] = &[
    &[
        "type",
        "name",
        "label",
        "required",
        "relevant",
        "constraint",
        "constraint_message",
    ],
    &[
        "integer",
        "age",
        "Âge",
        "yes",
        "",
        ". >= 0 and . <= 120",
        "L'âge va de 0 à 120",
    ],
    &[
        "select_one yes_no",
        "has_children",
        "Des enfants ?",
        "yes",
        "",
        "",
        "",
    ],
    &[
        "integer",
        "children",
        "Combien d'enfants ?",
        "yes",
        "${has_children} = 'yes'",
        ". > 0",
        "Au moins un enfant",
    ],
    &[
        "begin_repeat",
        "members",
        "Membres du ménage",
        "",
        "",
        "",
        "",
    ],
    &["text", "member_name", "Nom", "", "", "", ""],
    &["end_repeat", "", "", "", "", "", ""],
];

const CHOICES: &[&[&str]] = &[
    &["list_name", "name", "label"],
    &["yes_no", "yes", "Oui"],
    &["yes_no", "no", "Non"],
];

/// The household form at `version`, written in `dir`.
fn household(dir: &Path, version: &str) -> PathBuf {
    let path = dir.join(format!("menage-{version}.xlsx"));
    let settings: &[&[&str]] = &[
        &["form_title", "form_id", "version"],
        &["Ménage", "menage", version],
    ];
    xlsform(&path, SURVEY, CHOICES, settings);
    path
}

fn study(store: &mut Store, title: &str) -> String {
    store
        .create(Entity::Study, &fields(json!({ "title": title })))
        .unwrap()
}

fn session(store: &mut Store, study: &str) -> String {
    store
        .create(
            Entity::Session,
            &fields(json!({
                "study_id": study,
                "session_type": "focus_group",
                "date": "2025-03-01",
            })),
        )
        .unwrap()
}

fn participant(store: &mut Store, session: &str) -> String {
    store
        .create(
            Entity::Participant,
            &fields(json!({ "session_id": session, "sex": "female" })),
        )
        .unwrap()
}

fn refusal_code(e: &Error) -> &'static str {
    e.code()
}

#[test]
fn two_versions_of_a_form_are_kept_and_the_same_version_twice_is_refused() {
    let (dir, mut store) = temp_store();
    let segou = study(&mut store, "Ségou");
    let v1 = forms::import_form(&mut store, &household(dir.path(), "1"), &segou, None).unwrap();
    assert_eq!(
        (v1.form_id.as_str(), v1.version.as_str(), v1.title.as_str()),
        ("menage", "1", "Ménage")
    );
    // age, has_children, children, member_name.
    assert_eq!(v1.questions, 4);
    let v2 = forms::import_form(
        &mut store,
        &household(dir.path(), "2"),
        &segou,
        Some("focus_group"),
    )
    .unwrap();
    assert_ne!(v1.id, v2.id);
    let listed = forms::list_forms(store.conn(), Some(&segou)).unwrap();
    let versions: Vec<&str> = listed.iter().map(|f| f.version.as_str()).collect();
    assert_eq!(versions, ["1", "2"]);
    assert_eq!(listed[1].session_type.as_deref(), Some("focus_group"));
    // The form_id means its latest version.
    let (latest, def) = forms::form(store.conn(), "menage").unwrap();
    assert_eq!(latest.id, v2.id);
    assert_eq!(def.version, "2");

    let again = forms::import_form(&mut store, &household(dir.path(), "1"), &segou, None);
    let e = again.unwrap_err();
    assert_eq!(refusal_code(&e), "form_version_held");
    assert!(
        e.message(Lang::En).contains("\"1\""),
        "{}",
        e.message(Lang::En)
    );
    assert_eq!(forms::list_forms(store.conn(), None).unwrap().len(), 2);
}

#[test]

fn a_failing_constraint_refuses_finalising_until_it_is_fixed() {
    let (dir, mut store) = temp_store();
    let segou = study(&mut store, "Ségou");
    let form = forms::import_form(&mut store, &household(dir.path(), "1"), &segou, None).unwrap();
    let (_, def) = forms::form(store.conn(), &form.id).unwrap();
    // `children` is relevant once has_children is yes, and 0 fails its constraint.
    let given = json!({ "age": 34, "has_children": "yes", "children": 0 });
    let answers = forms::read_answers(&def, &given).unwrap();
    let refused = forms::new_response(&mut store, &form.id, None, None, &answers, true);
    let e = refused.unwrap_err();
    assert_eq!(e.code(), "response_invalid");
    assert!(
        e.message(Lang::Fr).contains("children: Au moins un enfant"),
        "{}",
        e.message(Lang::Fr)
    );
    assert!(forms::list_responses(store.conn(), &form.id, None)
        .unwrap()
        .is_empty());

    // As a draft it is kept, as given.
    let id = forms::new_response(&mut store, &form.id, None, None, &answers, false).unwrap();
    let (summary, _, stored) = forms::response_answers(store.conn(), &id).unwrap();
    assert_eq!(summary.status, "draft");
    assert_eq!(summary.answered, 3);
    assert!(summary.updated_hlc > 0);
    assert_eq!(stored.get("children"), Some("0"));
    let view = forms::open_response(store.conn(), &id, None).unwrap();
    let names: Vec<&str> = view
        .evaluation
        .errors
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(names, ["children"]);
    assert_eq!(
        forms::finalise(&mut store, &id).unwrap_err().code(),
        "response_invalid"
    );

    // A value that does not fit its question is refused before anything is written.
    let e = forms::set_answer(&mut store, &id, "children", Some("deux")).unwrap_err();
    assert_eq!(e.code(), "answer_invalid");
    let e = forms::set_answer(&mut store, &id, "nobody", Some("2")).unwrap_err();
    assert_eq!(e.code(), "answer_invalid");

    forms::set_answer(&mut store, &id, "children", Some("2")).unwrap();
    forms::finalise(&mut store, &id).unwrap();
    let (summary, _, _) = forms::response_answers(store.conn(), &id).unwrap();
    assert_eq!(summary.status, "final");
    forms::reopen(&mut store, &id).unwrap();
    let (summary, _, stored) = forms::response_answers(store.conn(), &id).unwrap();
    assert_eq!(summary.status, "draft");
    assert_eq!(stored.get("children"), Some("2"));

    // Without children the question is not relevant: its constraint no longer blocks.
    let mut fix = forms::read_answers(&def, &json!({ "has_children": "no" })).unwrap();
    forms::set_answers(&mut store, &id, &fix, true).unwrap();
    // Clearing a required answer blocks again.
    fix = forms::read_answers(&def, &json!({ "age": null })).unwrap();
    let e = forms::set_answers(&mut store, &id, &fix, true).unwrap_err();
    assert_eq!(e.code(), "response_invalid");
    assert!(
        e.message(Lang::En).contains("age: "),
        "{}",
        e.message(Lang::En)
    );
}

#[test]
fn repeat_instances_are_added_answered_and_removed() {
    let (dir, mut store) = temp_store();
    let segou = study(&mut store, "Ségou");
    let form = forms::import_form(&mut store, &household(dir.path(), "1"), &segou, None).unwrap();
    let (_, def) = forms::form(store.conn(), &form.id).unwrap();
    let given = json!({
        "age": 40, "has_children": "no",
        "members": [{ "member_name": "Awa" }, { "member_name": "Moussa" }],
    });
    let answers = forms::read_answers(&def, &given).unwrap();
    let id = forms::new_response(&mut store, "menage", None, None, &answers, true).unwrap();
    let (_, _, stored) = forms::response_answers(store.conn(), &id).unwrap();
    let keys = stored.instances("", "members");
    assert_eq!(keys.len(), 2);
    assert_eq!(
        stored.get(&format!("members[{}]/member_name", keys[0])),
        Some("Awa")
    );

    let third = forms::add_instance(&mut store, &id, "members").unwrap();
    assert!(third.starts_with("members["), "{third}");
    forms::set_answer(
        &mut store,
        &id,
        &format!("{third}/member_name"),
        Some("Fanta"),
    )
    .unwrap();
    // A question outside any instance, or in one that does not exist, is refused.
    let e = forms::set_answer(&mut store, &id, "member_name", Some("X")).unwrap_err();
    assert_eq!(e.code(), "answer_invalid");
    let e =
        forms::set_answer(&mut store, &id, "members[zzzzzzzz]/member_name", Some("X")).unwrap_err();
    assert_eq!(e.code(), "answer_invalid");
    assert_eq!(
        forms::add_instance(&mut store, &id, "age")
            .unwrap_err()
            .code(),
        "answer_invalid"
    );

    forms::remove_instance(&mut store, &id, &format!("members[{}]", keys[0])).unwrap();
    let (summary, def, stored) = forms::response_answers(store.conn(), &id).unwrap();
    // Editing a final response makes it a draft again.
    assert_eq!(summary.status, "draft");
    let names: Vec<String> = stored.to_json(&def)["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["member_name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["Moussa", "Fanta"]);

    // A repeat given again replaces its instances; other answers stay.
    let members = json!({ "members": [{ "member_name": "Oumar" }] });
    let replace = forms::read_answers(&def, &members).unwrap();
    forms::set_answers(&mut store, &id, &replace, false).unwrap();
    let (_, def, stored) = forms::response_answers(store.conn(), &id).unwrap();
    let json = stored.to_json(&def);
    assert_eq!(json["members"], json!([{ "member_name": "Oumar" }]));
    assert_eq!(json["age"], json!(40));
}

#[test]
fn responses_sit_in_a_session_of_the_forms_study_and_hide_with_their_form() {
    let (dir, mut store) = temp_store();
    let segou = study(&mut store, "Ségou");
    let kayes = study(&mut store, "Kayes");
    let v1 = forms::import_form(&mut store, &household(dir.path(), "1"), &segou, None).unwrap();
    let v2 = forms::import_form(&mut store, &household(dir.path(), "2"), &segou, None).unwrap();
    let here = session(&mut store, &segou);
    let there = session(&mut store, &kayes);
    let awa = participant(&mut store, &here);
    let elsewhere = participant(&mut store, &there);
    let (_, def) = forms::form(store.conn(), &v1.id).unwrap();
    let answers = forms::read_answers(&def, &json!({ "age": 30 })).unwrap();

    let on_v1 =
        forms::new_response(&mut store, &v1.id, Some(&here), Some(&awa), &answers, false).unwrap();
    // Only the participant: its session is taken; the form_id means the latest version.
    let on_v2 =
        forms::new_response(&mut store, "menage", None, Some(&awa), &answers, false).unwrap();
    let loose = forms::new_response(&mut store, &v2.id, None, None, &answers, false).unwrap();

    let e = forms::new_response(&mut store, &v1.id, Some(&there), None, &answers, false);
    assert_eq!(e.unwrap_err().code(), "session_other_study");
    let e = forms::new_response(&mut store, "menage", Some(&there), None, &answers, false);
    assert_eq!(e.unwrap_err().code(), "form_not_in_study");
    let e = forms::new_response(
        &mut store,
        &v1.id,
        Some(&here),
        Some(&elsewhere),
        &answers,
        false,
    );
    assert_eq!(e.unwrap_err().code(), "participant_other_session");

    let in_session = forms::session_responses(store.conn(), &here).unwrap();
    let ids: Vec<&str> = in_session.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, [on_v1.as_str(), on_v2.as_str()]);
    assert_eq!(in_session[0].participant_id.as_deref(), Some(awa.as_str()));
    assert!(in_session[0].participant_code.is_some());
    assert_eq!(in_session[1].version, "2");

    // By form_id every version's responses; by record id that version's.
    let all = forms::list_responses(store.conn(), "menage", None).unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(
        forms::list_responses(store.conn(), &v2.id, None)
            .unwrap()
            .len(),
        2
    );
    let one = forms::list_responses(store.conn(), "menage", Some(&here)).unwrap();
    assert_eq!(one.len(), 2);

    forms::delete_response(&mut store, &loose).unwrap();
    assert_eq!(
        forms::list_responses(store.conn(), "menage", None)
            .unwrap()
            .len(),
        2
    );

    // Deleting a form version hides its responses; restoring it brings them back.
    forms::delete_form(&mut store, &v1.id).unwrap();
    let after = forms::list_responses(store.conn(), "menage", None).unwrap();
    let ids: Vec<&str> = after.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, [on_v2.as_str()]);
    assert_eq!(
        forms::response_answers(store.conn(), &on_v1)
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(
        forms::list_forms(store.conn(), Some(&segou)).unwrap().len(),
        1
    );
    store.restore(Entity::Form, &v1.id).unwrap();
    assert_eq!(
        forms::session_responses(store.conn(), &here).unwrap().len(),
        2
    );
    let listed = forms::list_forms(store.conn(), Some(&segou)).unwrap();
    assert_eq!(listed.iter().map(|f| f.responses).sum::<usize>(), 2);
}
