//! `terrain form` and `terrain response` (issue 15): an XLSForm imported into a study, a
//! refused one named by sheet, row and column, a response filled from FILE.json, refused by
//! its constraint, fixed and finalised, listed and shown as JSON.

use std::path::{Path, PathBuf};

use crate::support::{json, ok, refused};

/// Writes an XLSForm workbook: its survey, choices and settings sheets, header row first.
fn xlsform(path: &Path, survey: &[&[&str]], choices: &[&[&str]], settings: &[&[&str]]) {
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

const HEADER: &[&str] = &[
    "type",
    "name",
    "label::Français (fr)",
    "label::English (en)",
    "required",
    "relevant",
    "constraint",
    "constraint_message::Français (fr)",
    "constraint_message::English (en)",
];

const CHOICES: &[&[&str]] = &[
    &[
        "list_name",
        "name",
        "label::Français (fr)",
        "label::English (en)",
    ],
    &["yes_no", "yes", "Oui", "Yes"],
    &["yes_no", "no", "Non", "No"],
];

/// The household form at `version`; `relevant` is the relevance of its `children` question.
fn household(dir: &Path, version: &str, relevant: &str) -> PathBuf {
    let path = dir.join(format!("menage-{version}.xlsx"));
    let survey: &[&[&str]] = &[
        HEADER,
        &[
            "integer", "age", "Âge", "Age", "yes", "", ". >= 0", "Un âge", "An age",
        ],
        &[
            "select_one yes_no",
            "has_children",
            "Des enfants ?",
            "Children?",
            "yes",
            "",
            "",
            "",
            "",
        ],
        &[
            "integer",
            "children",
            "Combien ?",
            "How many?",
            "yes",
            relevant,
            ". > 0",
            "Au moins un enfant",
            "At least one child",
        ],
        &[
            "begin_repeat",
            "members",
            "Membres",
            "Members",
            "",
            "",
            "",
            "",
            "",
        ],
        &["text", "member_name", "Nom", "Name", "", "", "", "", ""],
        &["end_repeat", "", "", "", "", "", "", "", ""],
    ];
    let settings: &[&[&str]] = &[
        &["form_title", "form_id", "version", "default_language"],
        &["Ménage", "menage", version, "Français (fr)"],
    ];
    xlsform(&path, survey, CHOICES, settings);
    path
}

fn write_json(dir: &Path, name: &str, value: serde_json::Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, value.to_string()).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]

fn a_form_is_imported_then_filled_refused_fixed_and_finalised_from_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("terrain.db");
    let study = ok(&db, &["record", "new", "study", "title=Ségou"])
        .trim()
        .to_string();
    let file = household(dir.path(), "1", "${has_children} = 'yes'");
    let file = file.to_str().unwrap();

    // Imported: its id, form_id, version, title and question count, one per line.
    let out = ok(&db, &["form", "import", file, "--study", &study]);
    let lines: Vec<(&str, &str)> = out.lines().map(|l| l.split_once('\t').unwrap()).collect();
    let keys: Vec<&str> = lines.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, ["id", "form_id", "version", "title", "questions"]);
    let form = lines[0].1.to_string();
    assert_eq!(
        &lines[1..],
        [
            ("form_id", "menage"),
            ("version", "1"),
            ("title", "Ménage"),
            ("questions", "4")
        ]
    );
    // The same version again is refused; another version is imported beside it, as JSON.
    let again = refused(&db, &["form", "import", file, "--study", &study]);
    assert!(again.contains("[form_version_held]"), "{again}");
    let v2 = household(dir.path(), "2", "${has_children} = 'yes'");
    let imported = json(
        &db,
        &[
            "form",
            "import",
            v2.to_str().unwrap(),
            "--study",
            &study,
            "--json",
        ],
    );
    assert_eq!(imported["form_id"], "menage");
    assert_eq!(imported["version"], "2");
    assert_eq!(imported["questions"], 4);
    assert!(imported["warnings"].is_array());

    let listed = json(&db, &["form", "list", "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(listed[0]["id"], form.as_str());
    assert_eq!(
        listed[0]["languages"],
        serde_json::json!(["Français (fr)", "English (en)"])
    );
    let shown = json(&db, &["form", "show", &form, "--json"]);
    let names: Vec<&str> = shown["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["age", "has_children", "children", "member_name"]);
    assert_eq!(shown["questions"][1]["type"], "select_one");
    assert_eq!(shown["questions"][1]["label"]["English (en)"], "Children?");
    assert_eq!(shown["questions"][1]["choices"][0]["name"], "yes");
    assert_eq!(shown["questions"][3]["group"], "members");

    // A relevant question failing its constraint: refused with its name and the form's message.
    let bad = write_json(
        dir.path(),
        "bad.json",
        serde_json::json!({"age": 34, "has_children": "yes", "children": 0,
               "members": [{"member_name": "Awa"}]}),
    );
    let err = refused(&db, &["response", "new", &form, "--answers", &bad]);
    assert!(err.contains("children: Au moins un enfant"), "{err}");
    assert!(err.contains("[response_invalid]"), "{err}");
    assert!(json(&db, &["response", "list", "menage", "--json"])
        .as_array()
        .unwrap()
        .is_empty());
    // A draft keeps it; the fix finalises it.
    let id = ok(
        &db,
        &["response", "new", &form, "--answers", &bad, "--draft"],
    )
    .trim()
    .to_string();
    let shown = json(&db, &["response", "show", &id, "--json"]);
    assert_eq!(shown["status"], "draft");
    assert_eq!(shown["errors"][0]["name"], "children");
    let fix = write_json(dir.path(), "fix.json", serde_json::json!({"children": 2}));
    ok(&db, &["response", "set", &id, "--answers", &fix]);
    let list = json(&db, &["response", "list", "menage", "--json"]);
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["status"], "final");
    assert_eq!(list[0]["version"], "1");
    let shown = json(&db, &["response", "show", &id, "--json"]);
    assert_eq!(shown["answers"]["children"], 2);
    assert_eq!(
        shown["answers"]["members"],
        serde_json::json!([{"member_name": "Awa"}])
    );
    assert_eq!(shown["errors"], serde_json::json!([]));
    ok(&db, &["response", "reopen", &id]);
    assert_eq!(
        json(&db, &["response", "show", &id, "--json"])["status"],
        "draft"
    );
    ok(&db, &["response", "finalise", &id]);

    // A value that does not fit its question, and an unknown question, are named.
    let word = write_json(
        dir.path(),
        "word.json",
        serde_json::json!({"age": "trente"}),
    );
    let err = refused(
        &db,
        &["response", "new", "menage", "--answers", &word, "--draft"],
    );
    assert!(
        err.contains("age") && err.contains("[answer_invalid]"),
        "{err}"
    );
    let unknown = write_json(
        dir.path(),
        "unknown.json",
        serde_json::json!({"nom": "Awa"}),
    );
    let err = refused(&db, &["response", "new", "menage", "--answers", &unknown]);
    assert!(
        err.contains("nom") && err.contains("[answer_invalid]"),
        "{err}"
    );

    ok(&db, &["response", "delete", &id]);
    assert!(json(&db, &["response", "list", &form, "--json"])
        .as_array()
        .unwrap()
        .is_empty());
    ok(&db, &["form", "delete", &form]);
    assert_eq!(
        json(&db, &["form", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_form_using_an_unsupported_function_is_refused_by_sheet_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("terrain.db");
    let study = ok(&db, &["record", "new", "study", "title=Ségou"])
        .trim()
        .to_string();
    let file = household(
        dir.path(),
        "1",
        "pulldata('menages', 'n', 'id', ${age}) > 0",
    );
    let err = refused(
        &db,
        &["form", "import", file.to_str().unwrap(), "--study", &study],
    );
    // The relevance of `children`, on the survey sheet's fourth row.
    assert!(
        err.contains("sheet survey, row 4, column relevant"),
        "{err}"
    );
    assert!(err.contains("pulldata"), "{err}");
    assert!(err.contains("[form_refused]"), "{err}");
    assert!(json(&db, &["form", "list", "--json"])
        .as_array()
        .unwrap()
        .is_empty());
}
