//! A form's answers exported (docs/design/forms.md, "Exports"), read back with standard
//! readers (csv, calamine, serde_json): two versions of one form in one table, a
//! select_multiple's 0/1 columns, a repeat's table linked to its parent rows, the respondent's
//! columns from the linked participant, and what an anonymised export leaves out. The form's
//! dashboard counts its select questions by sex and actor group.

use std::collections::BTreeMap;
use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::{json, Value};
use terrain_core::changes::answer_id;
use terrain_core::export::{self, form_table_name, is_hxl_tag, ExportOptions, Format};
use terrain_core::forms::{Choice, FormDef, Labels, Node, NodeKind, QuestionType};
use terrain_core::read::SessionFilter;
use terrain_core::stats::{form_stats, NOT_LINKED};
use terrain_core::{Entity, Store};

use crate::support::fields;
use crate::support::stats_fixture::SADIOLA;

type Row = BTreeMap<String, String>;

fn labels(fr: &str, en: &str) -> Labels {
    [
        ("Français (fr)".to_string(), fr.to_string()),
        ("English (en)".to_string(), en.to_string()),
    ]
    .into()
}

fn node(name: &str, kind: NodeKind, fr: &str) -> Node {
    Node {
        label: labels(fr, &format!("{fr} (en)")),
        row: 2,
        ..Node::new(name, kind)
    }
}

fn q(name: &str, question: QuestionType, fr: &str) -> Node {
    node(name, NodeKind::Question { question }, fr)
}

fn list(names: &[&str]) -> Vec<Choice> {
    names
        .iter()
        .map(|n| Choice {
            name: n.to_string(),
            label: labels(&format!("{n} fr"), &format!("{n} en")),
            extra: BTreeMap::new(),
        })
        .collect()
}

fn multiple(list: &str) -> QuestionType {
    QuestionType::SelectMultiple {
        list: list.into(),
        or_other: false,
    }
}

/// Version 1 asks the name, water sources (well, river), age, a note, household members
/// (name, sex) and income; version 2 adds the tap, a phone type (or other) and each member's
/// age, and no longer asks the income.
fn version(v: &str) -> FormDef {
    let second = v == "2";
    let mut hh = vec![
        q("nom", QuestionType::Text, "Nom du chef de ménage"),
        q("eau", multiple("sources"), "Sources d'eau"),
    ];
    let mut members = vec![
        q("m_nom", QuestionType::Text, "Nom du membre"),
        q(
            "m_sexe",
            QuestionType::SelectOne {
                list: "sexe".into(),
                or_other: false,
            },
            "Sexe du membre",
        ),
    ];
    let mut body = vec![
        q("intro", QuestionType::Note, "Bonjour"),
        node(
            "menage",
            NodeKind::Group {
                children: Vec::new(),
            },
            "Ménage",
        ),
        q("age", QuestionType::Integer, "Âge"),
    ];
    if second {
        members.push(q("m_age", QuestionType::Integer, "Âge du membre"));
        body.push(q(
            "tel",
            QuestionType::SelectOne {
                list: "tel".into(),
                or_other: true,
            },
            "Téléphone",
        ));
    }
    body.push(node(
        "membres",
        NodeKind::Repeat {
            children: members,
            repeat_count: None,
        },
        "Membres",
    ));
    if !second {
        body.push(q("revenu", QuestionType::Decimal, "Revenu"));
    }
    if second {
        hh.push(q("village", QuestionType::Text, "Village"));
    }
    body[1].kind = NodeKind::Group { children: hh };
    let sources: &[&str] = if second {
        &["puits", "riviere", "robinet"]
    } else {
        &["puits", "riviere"]
    };
    FormDef {
        form_id: "menage".into(),
        version: v.into(),
        title: "Enquête ménage".into(),
        default_language: Some("Français (fr)".into()),
        languages: vec!["Français (fr)".into(), "English (en)".into()],
        body,
        choices: [
            ("sources".to_string(), list(sources)),
            ("sexe".to_string(), list(&["f", "m"])),
            ("tel".to_string(), list(&["simple", "smart"])),
        ]
        .into(),
    }
}

struct Setup {
    _dir: tempfile::TempDir,
    store: Store,
    study: String,
    session: String,
    responses: [String; 3],
}

fn create(store: &mut Store, entity: Entity, v: Value) -> String {
    store.create(entity, &fields(v)).expect("create")
}

fn import(store: &mut Store, study: &str, def: &FormDef) -> String {
    create(
        store,
        Entity::Form,
        json!({"study_id": study, "form_id": def.form_id, "version": def.version,
               "title": def.title, "definition": serde_json::to_string(def).unwrap(),
               "question_count": def.question_count()}),
    )
}

/// A response and its answers, written through the write path: (path, value) pairs; an
/// instance's path (`membres[k]`) holds its order key.
fn respond(store: &mut Store, r: Value, answers: &[(&str, &str)]) -> String {
    let id = create(store, Entity::Response, r);
    for (path, value) in answers {
        let f = fields(json!({"response_id": id, "path": path, "value": value}));
        store
            .write(|w| w.create_with_id(Entity::Answer, &answer_id(&id, path), &f))
            .expect("answer");
    }
    id
}

/// Responses 1 (version 1, final, Awa) and 2 (version 2, draft, Bakary, a removed member)
/// in a session at Sadiola, 3 (version 2, no session, nobody linked), and a deleted one.
fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in_dir(dir.path()).unwrap();
    let study = create(&mut store, Entity::Study, json!({"title": "Étude ménages"}));
    let session = create(
        &mut store,
        Entity::Session,
        json!({"study_id": study, "session_type": "individual_interview",
               "date": "2025-03-14", "place_id": SADIOLA}),
    );
    let awa = create(
        &mut store,
        Entity::Participant,
        json!({"session_id": session, "code": "P-AWA", "sex": "female", "age": 34,
               "actor_group": "womens_association", "name": "Awa Diarra"}),
    );
    let bakary = create(
        &mut store,
        Entity::Participant,
        json!({"session_id": session, "code": "P-BAK", "sex": "male", "age": 19,
               "actor_group": "youth"}),
    );
    let v1 = import(&mut store, &study, &version("1"));
    let v2 = import(&mut store, &study, &version("2"));
    let r1 = respond(
        &mut store,
        json!({"study_id": study, "form_ref": v1, "session_id": session,
               "participant_id": awa, "status": "final"}),
        &[
            ("nom", "Awa Diarra"),
            ("eau", "puits riviere"),
            ("age", "34"),
            ("revenu", "1500.5"),
            ("membres[aaaaaaaa]", "2"),
            ("membres[aaaaaaaa]/m_nom", "Moussa"),
            ("membres[aaaaaaaa]/m_sexe", "m"),
            ("membres[bbbbbbbb]", "1"),
            ("membres[bbbbbbbb]/m_nom", "Fatou"),
            ("membres[bbbbbbbb]/m_sexe", "f"),
        ],
    );
    let r2 = respond(
        &mut store,
        json!({"study_id": study, "form_ref": v2, "session_id": session,
               "participant_id": bakary, "status": "draft"}),
        &[
            ("eau", "robinet"),
            ("age", "19"),
            ("tel", "other"),
            ("tel_other", "=Nokia"),
            ("village", "Sadiola"),
            ("membres[cccccccc]", "1"),
            ("membres[cccccccc]/m_age", "12"),
            ("membres[dddddddd]", "2"),
            ("membres[dddddddd]/m_nom", "REMOVED-MEMBER"),
        ],
    );
    // The second member of response 2 was removed: its instance record is deleted.
    store
        .delete(Entity::Answer, &answer_id(&r2, "membres[dddddddd]"))
        .unwrap();
    let r3 = respond(
        &mut store,
        json!({"study_id": study, "form_ref": v2, "status": "final"}),
        &[("age", "41"), ("eau", "puits")],
    );
    let gone = respond(
        &mut store,
        json!({"study_id": study, "form_ref": v2, "status": "final"}),
        &[("age", "99")],
    );
    store.delete(Entity::Response, &gone).unwrap();
    Setup {
        _dir: dir,
        store,
        study,
        session,
        responses: [r1, r2, r3],
    }
}

fn options(anonymised: bool) -> ExportOptions {
    ExportOptions {
        form_id: Some("menage".into()),
        hxl: true,
        anonymised,
        ..Default::default()
    }
}

/// A CSV file's header, HXL row and rows.
fn read_csv(path: &Path) -> (Vec<String>, Vec<String>, Vec<Row>) {
    let bytes = std::fs::read(path).expect("read");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    let mut rows = r
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>());
    let headers = rows.next().expect("header");
    let tags = rows.next().expect("hxl row");
    let table = rows
        .map(|r| headers.iter().cloned().zip(r).collect())
        .collect();
    (headers, tags, table)
}

fn read_xlsx(path: &Path, sheet: &str) -> (Vec<String>, Vec<Row>) {
    let mut book: Xlsx<_> = open_workbook(path).expect("open xlsx");
    let range = book.worksheet_range(sheet).expect("sheet");
    let mut rows = range.rows().map(|r| {
        r.iter()
            .map(|d| match d {
                Data::Empty => String::new(),
                Data::Float(f) => f.to_string(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
    });
    let headers = rows.next().expect("header");
    rows.next().expect("hxl row");
    let table = rows
        .map(|r| headers.iter().cloned().zip(r).collect())
        .collect();
    (headers, table)
}

fn by_response(rows: &[Row]) -> BTreeMap<String, Row> {
    rows.iter()
        .map(|r| (r["response_id"].clone(), r.clone()))
        .collect()
}

#[test]
fn both_versions_export_together_with_choices_repeats_and_respondents() {
    let mut s = setup();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("csv");
    let sum = export::run(
        &mut s.store,
        Format::Csv,
        &out,
        &options(false),
        &mut |_| {},
    )
    .unwrap();
    let main = form_table_name("menage");
    assert_eq!(main, "form_menage");
    let counts: BTreeMap<_, _> = sum
        .tables
        .iter()
        .map(|t| (t.table.clone(), t.rows))
        .collect();
    assert_eq!(counts["form_menage"], 3, "the deleted response is left out");
    assert_eq!(
        counts["form_menage_membres"], 3,
        "the removed member is left out"
    );
    assert_eq!(
        counts["session"], 1,
        "the study's tables come first, as ever"
    );

    let (headers, tags, rows) = read_csv(&out.join("form_menage.csv"));
    let fixed = [
        "response_id",
        "form_version",
        "status",
        "session_id",
        "session_date",
        "place",
        "place_pcode",
        "respondent_code",
        "respondent_sex",
        "respondent_age_band",
        "respondent_actor_group",
    ];
    // The latest version's questions in its order, then what only version 1 asked; no note.
    let questions = [
        "menage/nom",
        "menage/eau",
        "menage/eau/puits",
        "menage/eau/riviere",
        "menage/eau/robinet",
        "menage/village",
        "age",
        "tel",
        "tel_other",
        "revenu",
    ];
    let expected: Vec<&str> = fixed.iter().chain(questions.iter()).copied().collect();
    assert_eq!(headers, expected);
    assert!(tags.iter().all(|t| is_hxl_tag(t)), "{tags:?}");
    assert_eq!(
        tags[headers.iter().position(|h| h == "age").unwrap()],
        "#indicator+age"
    );
    assert_eq!(tags[8], "#x_respondent+sex");

    let rows = by_response(&rows);
    let [r1, r2, r3] = &s.responses;
    let one = &rows[r1];
    assert_eq!(one["form_version"], "1");
    assert_eq!(one["status"], "final");
    assert_eq!(one["session_id"], s.session);
    assert_eq!(one["session_date"], "2025-03-14");
    assert_eq!(one["place"], "Sadiola");
    let pcode: Option<String> = s
        .store
        .conn()
        .query_row("SELECT pcode FROM place WHERE id = ?1", [SADIOLA], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(one["place_pcode"], pcode.unwrap_or_default());
    assert_eq!(one["respondent_code"], "P-AWA");
    assert_eq!(one["respondent_sex"], "female");
    assert_eq!(one["respondent_age_band"], "25_35");
    assert_eq!(one["respondent_actor_group"], "womens_association");
    assert_eq!(one["menage/nom"], "Awa Diarra");
    assert_eq!(one["menage/eau"], "puits riviere");
    assert_eq!(
        [
            &one["menage/eau/puits"],
            &one["menage/eau/riviere"],
            &one["menage/eau/robinet"]
        ],
        ["1", "1", "0"]
    );
    assert_eq!(one["revenu"], "1500.5");
    assert_eq!(one["tel"], "");

    let two = &rows[r2];
    assert_eq!(two["form_version"], "2");
    assert_eq!(two["status"], "draft");
    assert_eq!(two["respondent_actor_group"], "youth");
    assert_eq!(two["menage/eau/robinet"], "1");
    assert_eq!(two["menage/eau/puits"], "0");
    assert_eq!(two["tel_other"], "'=Nokia", "a formula is neutralised");
    assert_eq!(two["menage/village"], "Sadiola");
    assert_eq!(two["revenu"], "");

    let three = &rows[r3];
    for empty in [
        "session_id",
        "session_date",
        "place",
        "respondent_code",
        "respondent_sex",
    ] {
        assert_eq!(three[empty], "", "{empty}: no session, nobody linked");
    }
    assert_eq!(three["age"], "41");
    assert_eq!(three["menage/nom"], "", "unanswered");
    assert_eq!(three["menage/eau/riviere"], "0");

    // The repeat's rows point at their response and its row in the responses' table.
    let (headers, _, members) = read_csv(&out.join("form_menage_membres.csv"));
    assert_eq!(
        headers,
        [
            "_parent_index",
            "_parent_response_id",
            "_index",
            "membres/m_nom",
            "membres/m_sexe",
            "membres/m_age"
        ]
    );
    let main_rows = read_csv(&out.join("form_menage.csv")).2;
    let row_of = |id: &str| {
        (main_rows
            .iter()
            .position(|r| r["response_id"] == id)
            .unwrap()
            + 1)
        .to_string()
    };
    let of = |id: &str| -> Vec<&Row> {
        members
            .iter()
            .filter(|m| m["_parent_response_id"] == id)
            .collect()
    };
    let awa = of(r1);
    assert_eq!(awa.len(), 2);
    // In their order (the order key), not their keys'.
    assert_eq!(awa[0]["membres/m_nom"], "Fatou");
    assert_eq!(awa[1]["membres/m_nom"], "Moussa");
    assert_eq!(awa[1]["membres/m_sexe"], "m");
    assert!(awa.iter().all(|m| m["_parent_index"] == row_of(r1)));
    let bakary = of(r2);
    assert_eq!(bakary.len(), 1);
    assert_eq!(bakary[0]["membres/m_age"], "12");
    assert_eq!(bakary[0]["_parent_index"], row_of(r2));
    let indexes: Vec<&str> = members.iter().map(|m| m["_index"].as_str()).collect();
    assert_eq!(indexes, ["1", "2", "3"]);

    // The codebook labels each column from the form.
    let (_, _, book) = read_codebook(&out.join("codebook.csv"));
    let line = |table: &str, column: &str| {
        book.iter()
            .find(|r| r["table"] == table && r["column"] == column)
            .unwrap_or_else(|| panic!("{table}.{column} in the codebook"))
            .clone()
    };
    assert_eq!(line("form_menage", "age")["meaning_fr"], "Âge");
    assert_eq!(line("form_menage", "age")["meaning_en"], "Âge (en)");
    assert!(line("form_menage", "menage/eau/robinet")["meaning_fr"].contains("robinet fr"));
    assert!(line("form_menage", "tel")["allowed_values"].contains("smart = smart fr"));
    assert_eq!(
        line("form_menage_membres", "membres/m_nom")["meaning_fr"],
        "Nom du membre"
    );
}

fn read_codebook(path: &Path) -> (Vec<String>, Vec<String>, Vec<Row>) {
    let bytes = std::fs::read(path).expect("read");
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let headers: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|r| {
            headers
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect();
    (headers.clone(), Vec::new(), rows)
}

#[test]
fn xlsx_and_json_hold_the_same_answers() {
    let mut s = setup();
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("menage.xlsx");
    export::run(
        &mut s.store,
        Format::Xlsx,
        &xlsx,
        &options(false),
        &mut |_| {},
    )
    .unwrap();
    let (headers, rows) = read_xlsx(&xlsx, "form_menage");
    assert_eq!(headers[11], "menage/nom");
    let rows = by_response(&rows);
    let one = &rows[&s.responses[0]];
    assert_eq!(one["age"], "34", "a number, as a number");
    assert_eq!(one["revenu"], "1500.5");
    assert_eq!(one["menage/eau/puits"], "1");
    let (_, members) = read_xlsx(&xlsx, "form_menage_membres");
    assert_eq!(members.len(), 3);

    let json = dir.path().join("menage.json");
    export::run(
        &mut s.store,
        Format::Json,
        &json,
        &options(false),
        &mut |_| {},
    )
    .unwrap();
    let v: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(v["export"]["filters"]["form_id"], "menage");
    assert_eq!(v["export"]["filters"]["study_id"], s.study.as_str());
    let main = v["tables"]["form_menage"].as_array().unwrap();
    let one = main
        .iter()
        .find(|r| r["response_id"] == s.responses[0].as_str())
        .unwrap();
    assert_eq!(one["age"], 34);
    assert_eq!(one["revenu"], 1500.5);
    assert_eq!(one["menage/eau/riviere"], 1);
    assert_eq!(
        v["hxl"]["form_menage"]["respondent_code"],
        "#x_respondent+code"
    );
}

#[test]
fn an_anonymised_export_leaves_out_names_free_text_and_sensitive_answers() {
    let mut s = setup();
    // The study marks the age sensitive.
    s.store
        .update(
            Entity::Study,
            &s.study,
            &fields(json!({"sealed_fields": ["form.menage.age"]})),
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("csv");
    export::run(&mut s.store, Format::Csv, &out, &options(true), &mut |_| {}).unwrap();
    let (headers, tags, rows) = read_csv(&out.join("form_menage.csv"));
    for gone in [
        "respondent_code",
        "session_date",
        "place",
        "menage/nom",
        "menage/village",
        "tel_other",
        "age",
    ] {
        assert!(!headers.iter().any(|h| h == gone), "{gone} in {headers:?}");
    }
    for kept in [
        "session_month",
        "cercle",
        "respondent_sex",
        "menage/eau",
        "menage/eau/puits",
        "tel",
        "revenu",
    ] {
        assert!(headers.iter().any(|h| h == kept), "{kept} in {headers:?}");
    }
    assert!(tags.iter().all(|t| is_hxl_tag(t)));
    let rows = by_response(&rows);
    let one = &rows[&s.responses[0]];
    assert_eq!(one["session_month"], "2025-03");
    assert_eq!(one["cercle"], "Kayes");
    assert_eq!(one["respondent_sex"], "female");
    let (headers, _, _) = read_csv(&out.join("form_menage_membres.csv"));
    assert!(!headers.iter().any(|h| h == "membres/m_nom"), "{headers:?}");
    let everything: String = std::fs::read_dir(&out)
        .unwrap()
        .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
        .collect();
    for canary in ["Awa Diarra", "Moussa", "Nokia", "P-AWA", "2025-03-14"] {
        assert!(
            !everything.contains(canary),
            "{canary} left in an anonymised export"
        );
    }
}

#[test]
fn a_study_accepts_a_form_question_as_sensitive_but_not_a_malformed_code() {
    let mut s = setup();
    let refused = s.store.update(
        Entity::Study,
        &s.study,
        &fields(json!({"sealed_fields": ["form.menage"]})),
    );
    assert!(refused.is_err());
    let long = format!(
        "form.enquete_menages_2025_region_de_kayes.{}",
        "q".repeat(40)
    );
    s.store
        .update(
            Entity::Study,
            &s.study,
            &fields(json!({"sealed_fields": ["session.notes", long]})),
        )
        .unwrap();
}

#[test]
fn an_unknown_form_is_refused() {
    let mut s = setup();
    let dir = tempfile::tempdir().unwrap();
    let o = ExportOptions {
        form_id: Some("nothing".into()),
        ..Default::default()
    };
    let e = export::run(&mut s.store, Format::Csv, dir.path(), &o, &mut |_| {}).unwrap_err();
    assert_eq!(e.code(), "not_found");
    let other = ExportOptions {
        filter: SessionFilter {
            study_id: Some(create(
                &mut s.store,
                Entity::Study,
                json!({"title": "Autre"}),
            )),
            ..Default::default()
        },
        ..options(false)
    };
    let e = export::run(&mut s.store, Format::Csv, dir.path(), &other, &mut |_| {}).unwrap_err();
    assert_eq!(e.code(), "not_found", "the form is not in that study");
}

#[test]
fn the_dashboard_counts_each_choice_by_sex_and_actor_group() {
    let s = setup();
    let stats = form_stats(s.store.conn(), "menage", None, Some("English (en)")).unwrap();
    assert_eq!(stats.form_id, "menage");
    assert_eq!((stats.responses, stats.final_responses), (3, 2));
    assert_eq!(stats.sexes, ["female", "male", "unknown", NOT_LINKED]);
    assert_eq!(
        stats.actor_groups,
        ["womens_association", "youth", "unknown", NOT_LINKED]
    );
    let names: Vec<&str> = stats.questions.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(names, ["eau", "tel", "m_sexe"]);
    let eau = &stats.questions[0];
    assert!(eau.multiple);
    assert_eq!(eau.label, "Sources d'eau (en)");
    assert_eq!(eau.answered, 3);
    let count = |name: &str| eau.choices.iter().find(|c| c.name == name).unwrap();
    // puits: Awa (female, women's association) and the unlinked response 3.
    assert_eq!(count("puits").label, "puits en");
    assert_eq!(count("puits").by_sex, [1, 0, 0, 1]);
    assert_eq!(count("puits").by_actor_group, [1, 0, 0, 1]);
    assert_eq!(count("puits").total, 2);
    assert_eq!(count("riviere").by_sex, [1, 0, 0, 0]);
    assert_eq!(count("robinet").by_sex, [0, 1, 0, 0]);
    assert_eq!(count("robinet").by_actor_group, [0, 1, 0, 0]);
    // In a repeat, each member counts; the removed member does not.
    let sexe = &stats.questions[2];
    assert_eq!(sexe.answered, 2);
    assert_eq!(
        sexe.choices.iter().map(|c| c.total).collect::<Vec<_>>(),
        [1, 1]
    );

    // A session filter keeps the responses of its sessions only.
    let filter = SessionFilter {
        date_from: Some("2025-03-01".into()),
        ..Default::default()
    };
    let narrowed = form_stats(s.store.conn(), "menage", Some(&filter), None).unwrap();
    assert_eq!(narrowed.responses, 2);
    assert_eq!(
        narrowed.questions[0].label, "Sources d'eau",
        "the default language"
    );
    assert_eq!(
        form_stats(s.store.conn(), "none", None, None)
            .unwrap_err()
            .code(),
        "not_found"
    );
}
