//! FILE.json in and out of `Answers`: names to paths, repeats as arrays with new instance keys,
//! every value checked against its question, and refusals that name the question.

use serde_json::json;
use terrain_core::forms::answers::{child_path, instance_path, path_name, split_path};
use terrain_core::forms::{check_path, AnswerError, Answers, QuestionType};
use terrain_core::Lang;

use super::builder::*;

fn household() -> terrain_core::forms::FormDef {
    form(
        vec![
            group(
                "intro",
                vec![
                    text("village"),
                    integer("size"),
                    q(
                        "crops",
                        QuestionType::SelectMultiple {
                            list: "crops".into(),
                            or_other: true,
                        },
                    ),
                ],
            ),
            q("note1", QuestionType::Note),
            repeat(
                "members",
                vec![integer("age"), repeat("children", vec![text("child_name")])],
            ),
            q("when", QuestionType::Date),
        ],
        vec![("crops", choices(&["millet", "sorghum", "rice"]))],
    )
}

#[test]
fn names_become_paths_and_repeats_become_ordered_instances() {
    let form = household();
    let json = json!({
        "village": "Ségou",
        "size": 4,
        "crops": ["rice", "millet", "other"],
        "crops_other": "fonio",
        "members": [{"age": 34, "children": [{"child_name": "Awa"}]}, {"age": 8}],
        "when": "2025-03-01"
    });
    let answers = Answers::from_json(&form, &json).unwrap();
    assert_eq!(answers.get("village"), Some("Ségou"));
    assert_eq!(answers.get("size"), Some("4"));
    // In the list's order, whatever order the file gave.
    assert_eq!(answers.get("crops"), Some("millet rice other"));
    assert_eq!(answers.get("crops_other"), Some("fonio"));

    let members = answers.instances("", "members");
    assert_eq!(members.len(), 2);
    let first = instance_path("", "members", &members[0]);
    let second = instance_path("", "members", &members[1]);
    assert!(
        check_path(&first) && check_path(&second),
        "{first} {second}"
    );
    assert_eq!(answers.get(&first), Some("1"));
    assert_eq!(answers.get(&second), Some("2"));
    assert_eq!(answers.get(&child_path(&first, "age")), Some("34"));
    assert_eq!(answers.get(&child_path(&second, "age")), Some("8"));
    let children = answers.instances(&first, "children");
    assert_eq!(children.len(), 1);
    let child = child_path(
        &instance_path(&first, "children", &children[0]),
        "child_name",
    );
    assert!(check_path(&child), "{child}");
    assert_eq!(answers.get(&child), Some("Awa"));
    assert!(answers.instances(&second, "children").is_empty());

    // And back: the same document (numbers as numbers, lists as arrays in the list's order).
    let mut expected = json.clone();
    expected["crops"] = json!(["millet", "rice", "other"]);
    assert_eq!(answers.to_json(&form), expected);
}

#[test]
fn instances_follow_their_order_keys_not_their_keys() {
    let mut answers = Answers::new();
    answers.set("members[zzzzzzzz]", Some("1".into()));
    answers.set("members[aaaaaaaa]", Some("2".into()));
    answers.set("members[bbbbbbbb]", Some("10".into()));
    answers.set("members[cccccccc]", None);
    answers.set("members[aaaaaaaa]/age", Some("3".into()));
    assert_eq!(
        answers.instances("", "members"),
        ["zzzzzzzz", "aaaaaaaa", "bbbbbbbb"]
    );
    let added = answers.add_instance("", "members");
    assert_eq!(answers.get(&added), Some("11"));
    assert_eq!(
        answers
            .instances("", "members")
            .last()
            .map(|k| instance_path("", "members", k)),
        Some(added)
    );
    assert_eq!(answers.cleared().collect::<Vec<_>>(), ["members[cccccccc]"]);
    assert!(!answers.entries().any(|(p, _)| p == "members[cccccccc]"));
}

#[test]
fn refusals_name_the_question() {
    let form = household();
    let err = |json| Answers::from_json(&form, &json).unwrap_err();

    let unknown = err(json!({"village": "x", "vilage": "y"}));
    assert_eq!(
        unknown,
        AnswerError::UnknownQuestion {
            name: "vilage".into()
        }
    );
    assert_eq!(
        unknown.message(Lang::Fr),
        "Le formulaire n'a pas de question « vilage »."
    );
    assert_eq!(
        unknown.message(Lang::En),
        "The form has no question \"vilage\"."
    );

    let bad = err(json!({"size": "quatre"}));
    assert_eq!(bad.code(), "answer_invalid");
    assert_eq!(
        bad.message(Lang::En),
        "Answer \"quatre\" to \"size\" refused: a whole number is expected (for example -12)."
    );
    assert!(
        bad.message(Lang::Fr).contains("« size »"),
        "{}",
        bad.message(Lang::Fr)
    );

    assert_eq!(err(json!({"when": "2025-02-30"})).code(), "answer_invalid");
    assert_eq!(
        err(json!({"crops": ["millet", "maize"]})).code(),
        "answer_invalid"
    );
    assert_eq!(
        err(json!({"age": 3})),
        AnswerError::Misplaced {
            name: "age".into(),
            repeat: Some("members".into())
        }
    );
    assert_eq!(
        err(json!({"members": [{"village": "x"}]})),
        AnswerError::Misplaced {
            name: "village".into(),
            repeat: None
        }
    );
    assert_eq!(
        err(json!({"intro": {}})),
        AnswerError::Group {
            name: "intro".into()
        }
    );
    assert_eq!(
        err(json!({"members": {"age": 3}})),
        AnswerError::NotAList {
            name: "members".into()
        }
    );
    assert_eq!(
        err(json!({"members": [3]})),
        AnswerError::NotAnObject {
            repeat: Some("members".into())
        }
    );
    assert_eq!(
        err(json!({"note1": "x"})),
        AnswerError::Note {
            name: "note1".into()
        }
    );
    assert_eq!(
        err(json!({"village": {"a": 1}})),
        AnswerError::BadJson {
            name: "village".into()
        }
    );
    assert_eq!(
        err(json!(["village"])),
        AnswerError::NotAnObject { repeat: None }
    );
}

#[test]
fn null_clears_and_path_helpers_split_paths() {
    let form = household();
    let answers = Answers::from_json(&form, &json!({"village": null, "size": 2})).unwrap();
    assert_eq!(answers.get("village"), None);
    assert_eq!(answers.cleared().collect::<Vec<_>>(), ["village"]);
    assert_eq!(answers.entries().collect::<Vec<_>>(), [("size", "2")]);

    assert_eq!(
        split_path("hh[aaaaaaaa]/members[bbbbbbbb]/age"),
        ("hh[aaaaaaaa]/members[bbbbbbbb]", "age")
    );
    assert_eq!(split_path("age"), ("", "age"));
    assert_eq!(path_name("hh[aaaaaaaa]/members[bbbbbbbb]"), "members");
    assert_eq!(path_name("hh[aaaaaaaa]/age"), "age");
    assert_eq!(
        instance_path("hh[aaaaaaaa]", "members", "bbbbbbbb"),
        "hh[aaaaaaaa]/members[bbbbbbbb]"
    );
}
