//! The form engine over answers: relevance, required, constraints with the form's messages,
//! calculations, choice filters, repeats, defaults, or_other, received values that do not fit,
//! and pages. Forms are built in Rust (no spreadsheet).

use chrono::NaiveDate;
use terrain_core::forms::engine::{Compiled, Evaluation, Item, ItemKind};
use terrain_core::forms::{Answers, FormDef, QuestionType};

use super::builder::*;

fn evaluate(form: &FormDef, answers: &Answers, lang: Option<&str>) -> Evaluation {
    let today = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
    let now = today.and_hms_opt(9, 30, 0).unwrap();
    Compiled::new(form.clone())
        .unwrap()
        .evaluate(answers, lang, (today, now))
}

fn item<'e>(evaluation: &'e Evaluation, path: &str) -> &'e Item {
    evaluation
        .items
        .iter()
        .find(|i| i.path == path)
        .unwrap_or_else(|| {
            panic!(
                "no item {path} in {:?}",
                evaluation.items.iter().map(|i| &i.path).collect::<Vec<_>>()
            )
        })
}

fn answers(pairs: &[(&str, &str)]) -> Answers {
    let mut answers = Answers::new();
    for (path, value) in pairs {
        answers.set(path, Some(value.to_string()));
    }
    answers
}

fn calculated<'e>(evaluation: &'e Evaluation, path: &str) -> &'e str {
    &evaluation
        .calculated
        .iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("{path} not calculated"))
        .1
}

fn yes_no() -> (&'static str, Vec<terrain_core::forms::Choice>) {
    ("yes_no", choices(&["yes", "no"]))
}

#[test]
fn relevance_hides_and_shows_and_a_hidden_group_hides_its_questions() {
    let form = form(
        vec![
            select_one("has_kids", "yes_no"),
            integer("kids").relevant("${has_kids} = 'yes'").required(),
            group("health", vec![text("clinic").required(), integer("visits")])
                .relevant("${kids} > 0"),
        ],
        vec![yes_no()],
    );
    let none = evaluate(&form, &Answers::new(), None);
    assert!(!item(&none, "kids").relevant);
    assert!(!item(&none, "health").relevant);
    assert!(
        !item(&none, "clinic").relevant,
        "a hidden group hides its questions"
    );
    assert!(
        none.errors.is_empty(),
        "hidden questions are not required: {:?}",
        none.errors
    );
    assert_eq!(
        none.pages
            .iter()
            .map(|p| p.path.as_str())
            .collect::<Vec<_>>(),
        ["has_kids"]
    );

    let yes = evaluate(&form, &answers(&[("has_kids", "yes")]), None);
    assert!(item(&yes, "kids").relevant && item(&yes, "kids").required);
    assert!(!item(&yes, "clinic").relevant);
    assert_eq!(
        yes.errors
            .iter()
            .map(|e| e.name.as_str())
            .collect::<Vec<_>>(),
        ["kids"]
    );

    let two = evaluate(&form, &answers(&[("has_kids", "yes"), ("kids", "2")]), None);
    assert!(item(&two, "clinic").relevant && item(&two, "visits").relevant);
    assert_eq!(
        two.errors
            .iter()
            .map(|e| e.path.as_str())
            .collect::<Vec<_>>(),
        ["clinic"]
    );
    assert_eq!(two.errors[0].message, "Cette question est obligatoire");

    // Changing the first answer hides again what depended on it, even with answers stored.
    let no = evaluate(&form, &answers(&[("has_kids", "no"), ("kids", "2")]), None);
    assert!(!item(&no, "kids").relevant && !item(&no, "clinic").relevant);
    assert!(no.errors.is_empty());
}

fn bilingual(body: Vec<terrain_core::forms::Node>) -> FormDef {
    let mut form = form(body, vec![]);
    form.languages = vec!["Français (fr)".into(), "English (en)".into()];
    form.default_language = Some("Français (fr)".into());
    form
}

#[test]
fn required_and_constraint_messages_in_the_chosen_language() {
    let form = bilingual(vec![
        integer("age")
            .constraint(
                ". >= 0 and . < 120",
                &[
                    ("Français (fr)", "Âge impossible"),
                    ("English (en)", "Impossible age"),
                ],
            )
            .label(&[("Français (fr)", "Âge"), ("English (en)", "Age")]),
        integer("weight")
            .required()
            .constraint(". > 0", &[])
            .label(&[("Français (fr)", "Poids")]),
    ]);
    let bad = answers(&[("age", "150")]);
    let fr = evaluate(&form, &bad, Some("Français (fr)"));
    assert_eq!(item(&fr, "age").error.as_deref(), Some("Âge impossible"));
    assert_eq!(item(&fr, "age").label, "Âge");
    assert_eq!(
        item(&fr, "weight").error.as_deref(),
        Some("Cette question est obligatoire")
    );
    let en = evaluate(&form, &bad, Some("English (en)"));
    assert_eq!(item(&en, "age").error.as_deref(), Some("Impossible age"));
    assert_eq!(item(&en, "age").label, "Age");
    assert_eq!(
        item(&en, "weight").label,
        "Poids",
        "falls back to the default language"
    );
    assert_eq!(
        item(&en, "weight").error.as_deref(),
        Some("This question is required")
    );
    assert_eq!(en.errors.len(), 2);

    // Terrain's own constraint message when the form has none; none once the answers fit.
    let en = evaluate(
        &form,
        &answers(&[("age", "30"), ("weight", "-2")]),
        Some("English (en)"),
    );
    assert_eq!(item(&en, "age").error, None);
    assert_eq!(
        item(&en, "weight").error.as_deref(),
        Some("This answer is not accepted by the form")
    );
    let ok = evaluate(&form, &answers(&[("age", "30"), ("weight", "60")]), None);
    assert!(ok.errors.is_empty(), "{:?}", ok.errors);
}

#[test]
fn calculations_run_in_dependency_order_and_once_keeps_a_value() {
    let form = form(
        vec![
            calculate("total", "${double} + 1"),
            integer("a"),
            calculate("double", "${a} * 2"),
            text("greeting").calculation("concat('n=', ${total})"),
            calculate("first_total", "once(${total})"),
        ],
        vec![],
    );
    let e = evaluate(&form, &answers(&[("a", "5")]), None);
    assert_eq!(calculated(&e, "double"), "10");
    assert_eq!(calculated(&e, "total"), "11");
    assert_eq!(calculated(&e, "greeting"), "n=11");
    assert_eq!(item(&e, "total").value.as_deref(), Some("11"));
    assert!(item(&e, "greeting").read_only);
    assert_eq!(calculated(&e, "first_total"), "11");
    // once(): a value already stored stays.
    let e = evaluate(&form, &answers(&[("a", "7"), ("first_total", "11")]), None);
    assert_eq!(calculated(&e, "total"), "15");
    assert_eq!(calculated(&e, "first_total"), "11");
}

#[test]
fn a_choice_filter_narrows_the_list() {
    let mut cercles = choices(&["segou", "bla", "kati", "koulikoro"]);
    for (choice, region) in cercles.iter_mut().zip(["seg", "seg", "kou", "kou"]) {
        choice.extra.insert("region".into(), region.into());
    }
    let form = form(
        vec![
            select_one("region", "regions"),
            select_one("cercle", "cercles").choice_filter("region = ${region}"),
        ],
        vec![("regions", choices(&["seg", "kou"])), ("cercles", cercles)],
    );
    let names = |e: &Evaluation| {
        item(e, "cercle")
            .choices
            .iter()
            .map(|c| c.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&evaluate(&form, &answers(&[("region", "kou")]), None)),
        ["kati", "koulikoro"]
    );
    assert_eq!(
        names(&evaluate(&form, &answers(&[("region", "seg")]), None)),
        ["segou", "bla"]
    );
    let e = evaluate(&form, &answers(&[("region", "seg")]), None);
    assert_eq!(item(&e, "cercle").choices[0].label, "SEGOU");
}

fn household() -> FormDef {
    form(
        vec![
            integer("size"),
            repeat(
                "members",
                vec![
                    integer("age"),
                    calculate("rank", "position(..)"),
                    calculate("older", "${age} > 17"),
                    text("school").relevant("${age} < 18"),
                ],
            )
            .repeat_count("${size}"),
            calculate("total_age", "sum(${age})"),
            calculate("how_many", "count(${members})"),
            calculate("second_age", "indexed-repeat(${age}, ${members}, 2)"),
        ],
        vec![],
    )
}

#[test]
fn repeats_read_their_own_instance_inside_and_every_instance_outside() {
    let form = household();
    let a = answers(&[
        ("size", "3"),
        ("members[bbbbbbbb]", "2"),
        ("members[bbbbbbbb]/age", "12"),
        ("members[aaaaaaaa]", "1"),
        ("members[aaaaaaaa]/age", "40"),
        ("members[cccccccc]", "3"),
        ("members[cccccccc]/age", "5"),
    ]);
    let e = evaluate(&form, &a, None);
    let instances: Vec<_> = e
        .items
        .iter()
        .filter(|i| matches!(i.kind, ItemKind::Instance { .. }))
        .collect();
    assert_eq!(
        instances
            .iter()
            .map(|i| (i.path.as_str(), &i.kind))
            .collect::<Vec<_>>(),
        [
            ("members[aaaaaaaa]", &ItemKind::Instance { position: 1 }),
            ("members[bbbbbbbb]", &ItemKind::Instance { position: 2 }),
            ("members[cccccccc]", &ItemKind::Instance { position: 3 }),
        ]
    );
    assert_eq!(
        item(&e, "members").kind,
        ItemKind::Repeat {
            repeat_count: Some(3)
        }
    );
    assert_eq!(calculated(&e, "members[bbbbbbbb]/rank"), "2");
    assert_eq!(calculated(&e, "members[aaaaaaaa]/older"), "true");
    assert_eq!(calculated(&e, "members[bbbbbbbb]/older"), "false");
    assert!(!item(&e, "members[aaaaaaaa]/school").relevant);
    assert!(item(&e, "members[bbbbbbbb]/school").relevant);
    assert_eq!(calculated(&e, "total_age"), "57");
    assert_eq!(calculated(&e, "how_many"), "3");
    assert_eq!(calculated(&e, "second_age"), "12");
    // A page for the repeat, then one per instance with its questions.
    let pages: Vec<_> = e.pages.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        pages,
        [
            "size",
            "members",
            "members[aaaaaaaa]",
            "members[bbbbbbbb]",
            "members[cccccccc]"
        ]
    );
    let second = &e.pages[3];
    assert_eq!(
        second.items,
        ["members[bbbbbbbb]/age", "members[bbbbbbbb]/school"]
    );

    // A removed instance (its order key cleared) and the answers under it are ignored.
    let mut removed = a.clone();
    removed.set("members[aaaaaaaa]", None);
    let e = evaluate(&form, &removed, None);
    assert_eq!(calculated(&e, "total_age"), "17");
    assert_eq!(calculated(&e, "members[bbbbbbbb]/rank"), "1");
    assert!(!e
        .items
        .iter()
        .any(|i| i.path.starts_with("members[aaaaaaaa]")));
}

#[test]
fn defaults_fill_unanswered_questions_only() {
    let form = form(
        vec![
            integer("people").default("4"),
            q("visit", QuestionType::Date).default("today()"),
            integer("adults")
                .default("${people}")
                .constraint(". <= ${people}", &[]),
        ],
        vec![],
    );
    let e = evaluate(&form, &Answers::new(), None);
    assert_eq!(item(&e, "people").value.as_deref(), Some("4"));
    assert_eq!(item(&e, "adults").value.as_deref(), Some("4"));
    assert_eq!(item(&e, "visit").value.as_deref(), Some("2025-03-01"));
    let e = evaluate(&form, &answers(&[("people", "6"), ("adults", "7")]), None);
    assert_eq!(item(&e, "people").value.as_deref(), Some("6"));
    assert_eq!(item(&e, "adults").value.as_deref(), Some("7"));
    assert_eq!(
        e.errors.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        ["adults"]
    );
}

#[test]
fn or_other_shows_its_text_box_when_other_is_chosen() {
    let form = form(
        vec![q(
            "crop",
            QuestionType::SelectOne {
                list: "crops".into(),
                or_other: true,
            },
        )
        .required()],
        vec![("crops", choices(&["millet", "rice"]))],
    );
    let e = evaluate(&form, &answers(&[("crop", "rice")]), Some("English (en)"));
    let crop = item(&e, "crop");
    assert_eq!(
        crop.choices
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["millet", "rice", "other"]
    );
    assert_eq!(crop.choices[2].label, "Other");
    assert!(!item(&e, "crop_other").relevant);
    assert_eq!(e.pages[0].items, ["crop"]);

    let e = evaluate(
        &form,
        &answers(&[("crop", "other"), ("crop_other", "fonio")]),
        None,
    );
    let other = item(&e, "crop_other");
    assert!(other.relevant);
    assert_eq!(other.kind, ItemKind::Other);
    assert_eq!(other.value.as_deref(), Some("fonio"));
    assert_eq!(e.pages[0].items, ["crop", "crop_other"]);
    assert!(e.errors.is_empty());
}

#[test]
fn a_received_value_that_does_not_fit_blocks() {
    let form = form(
        vec![
            integer("age"),
            select_multiple("crops", "crops"),
            q("when", QuestionType::Date),
            integer("hidden").relevant("false()"),
        ],
        vec![("crops", choices(&["millet", "rice"]))],
    );
    let a = answers(&[
        ("age", "douze"),
        ("crops", "rice maize"),
        ("when", "2025-02-30"),
        ("hidden", "x"),
    ]);
    let e = evaluate(&form, &a, None);
    assert_eq!(
        e.errors.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        ["age", "crops", "when"]
    );
    assert!(
        e.errors[0].message.starts_with("Valeur reçue invalide : "),
        "{}",
        e.errors[0].message
    );
    assert!(
        e.errors[1].message.contains("maize"),
        "{}",
        e.errors[1].message
    );
    let en = evaluate(&form, &a, Some("English (en)"));
    assert!(
        en.errors[2].message.starts_with("Invalid value received: "),
        "{}",
        en.errors[2].message
    );
}

#[test]
fn a_field_list_group_is_one_page_and_notes_are_shown() {
    let form = form(
        vec![
            q("welcome", QuestionType::Note),
            group(
                "person",
                vec![
                    text("name").read_only(),
                    integer("age"),
                    calculate("c", "1"),
                ],
            )
            .appearance("field-list"),
            group("plain", vec![text("x"), text("y")]),
        ],
        vec![],
    );
    let e = evaluate(&form, &Answers::new(), None);
    assert!(item(&e, "name").read_only && !item(&e, "age").read_only);
    let pages: Vec<(&str, Vec<&str>)> = e
        .pages
        .iter()
        .map(|p| {
            (
                p.path.as_str(),
                p.items.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        pages,
        [
            ("welcome", vec!["welcome"]),
            ("person", vec!["name", "age"]),
            ("x", vec!["x"]),
            ("y", vec!["y"]),
        ]
    );
}
