//! Reading XLSForm files: forms written here with rust_xlsxwriter, an `.xls` fixture and
//! pyxform's own example forms (crates/core/tests/forms/), read back into a FormDef; refusals
//! and warnings by sheet, row and column in French and English; limits against hostile files.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::Workbook;
use terrain_core::error::{FormIssue, IssueKind, Severity};
use terrain_core::forms::xlsform::{import_bytes, import_file, MAX_FILE_BYTES};
use terrain_core::forms::{FormDef, NodeKind, QuestionType};
use terrain_core::{Error, Lang, Refusal};

type Rows<'a> = &'a [&'a [&'a str]];

/// An `.xlsx` workbook with these sheets (name, rows; the first row is the header).
fn xlsx(sheets: &[(&str, Rows<'_>)]) -> Vec<u8> {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                if !text.is_empty() {
                    sheet.write_string(r as u32, c as u16, *text).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// The zip `bytes` with each entry's content passed through `change`.
fn rezip(bytes: &[u8], change: impl Fn(&str, Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        out.start_file(name.as_str(), options).unwrap();
        out.write_all(&change(&name, data)).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn import(sheets: &[(&str, Rows<'_>)]) -> Result<(FormDef, Vec<FormIssue>), Vec<FormIssue>> {
    import_bytes(&xlsx(sheets), "household.xlsx")
}

fn refused(sheets: &[(&str, Rows<'_>)]) -> Vec<FormIssue> {
    match import(sheets) {
        Ok((def, warnings)) => panic!("imported, not refused: {def:?} {warnings:?}"),
        Err(issues) => issues,
    }
}

fn messages(issues: &[FormIssue], lang: Lang) -> Vec<String> {
    issues
        .iter()
        .filter(|i| i.is_error())
        .map(|i| i.message(lang))
        .collect()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/forms")
        .join(name)
}

const CHOICES: Rows<'static> = &[
    &[
        "list_name",
        "name",
        "label::Français (fr)",
        "label::English (en)",
        "label::Bambara (bm)",
        "region",
    ],
    &["region", "kayes", "Kayes", "Kayes", "Kayi", ""],
    &["region", "mopti", "Mopti", "Mopti", "Mopti", ""],
    &[
        "cercle",
        "bandiagara",
        "Bandiagara",
        "Bandiagara",
        "Bandiagara",
        "mopti",
    ],
    &["cercle", "kita", "Kita", "Kita", "Kita", "kayes"],
    &["sources", "puits", "Puits", "Well", "Kɔlɔn", ""],
    &["sources", "forage", "Forage", "Borehole", "Pɔnpu", ""],
];

/// Every type and column the issue lists, in three languages.
#[rustfmt::skip]
const EVERYTHING: Rows<'static> = &[
    &["type", "name", "label::Français (fr)", "label::English (en)", "label::Bambara (bm)", "hint::Français (fr)", "hint::English (en)", "required", "required_message::Français (fr)", "constraint", "constraint_message::Français (fr)", "constraint_message::English (en)", "relevant", "calculation", "default", "read_only", "choice_filter", "appearance", "repeat_count", "parameters"],
    &["start", "debut"],
    &["end", "fin"],
    &["today", "jour"],
    &["deviceid", "appareil"],
    &["text", "nom", "Nom", "Name", "Tɔgɔ", "Nom complet", "Full name", "yes", "Le nom est obligatoire", "", "", "", "", "", "", "", "", "multiline"],
    &["integer", "age", "Âge", "Age", "Si", "", "", "TRUE", "", ". >= 15 and . < 120", "Entre 15 et 119 ans", "Between 15 and 119", "", "", "", "", "", "", "", ""],
    &["decimal", "revenu", "Revenu", "Income", "Sɔrɔ", "", "", "", "", "", "", "", "${age} > 17", "", "0", "", "", "", "", ""],
    &["date", "date_visite", "Date", "Date", "Don"],
    &["time", "heure", "Heure", "Time", "Waati"],
    &["dateTime", "moment", "Moment", "Moment", "Waati"],
    &["select_one region", "region", "Région", "Region", "Mara", "", "", "yes", "", "", "", "", "", "", "", "", "", "minimal"],
    &["select_one cercle", "cercle", "Cercle", "Circle", "Serikili", "", "", "", "", "", "", "", "", "", "", "", "region = ${region}"],
    &["select_multiple sources or_other", "sources", "Sources d'eau", "Water sources", "Ji bɔyɔrɔw"],
    &["note", "merci", "Merci", "Thank you", "I ni ce"],
    &["calculate", "double_age", "", "", "", "", "", "", "", "", "", "", "", "${age} * 2"],
    &["acknowledge", "accord", "D'accord ?", "Agreed?", "I sɔnna wa?"],
    &["range", "note_service", "Note", "Score", "Jate", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "start=0 end=10 step=2"],
    &["geopoint", "position", "Position", "Location", "Yɔrɔ"],
    &["begin group", "identite", "Identité", "Identity", "Tɔgɔ", "", "", "", "", "", "", "", "", "", "", "", "", "field-list"],
    &["text", "village", "Village", "Village", "Dugu", "", "", "", "", "", "", "", "", "", "", "yes"],
    &["end group"],
    &["integer", "nb_menages", "Ménages", "Households", "Somɔgɔw"],
    &["begin repeat", "menages", "Ménage", "Household", "Du", "", "", "", "", "", "", "", "", "", "", "", "", "", "${nb_menages}"],
    &["integer", "nb_membres", "Membres", "Members", "Mɔgɔw"],
    &["begin repeat", "membres", "Membre", "Member", "Mɔgɔ", "", "", "", "", "", "", "", "", "", "", "", "", "", "${nb_membres}"],
    &["text", "prenom", "Prénom", "First name", "Tɔgɔ"],
    &["end repeat"],
    &["end repeat"],
];

const SETTINGS: Rows<'static> = &[
    &["form_title", "form_id", "version", "default_language"],
    &[
        "Ménages de Mopti",
        "menages_mopti",
        "2025030101",
        "Français (fr)",
    ],
];

#[test]
fn every_type_and_column_is_read_into_the_form_definition() {
    let (def, warnings) = import(&[
        ("survey", EVERYTHING),
        ("choices", CHOICES),
        ("settings", SETTINGS),
    ])
    .unwrap_or_else(|issues| panic!("{:?}", messages(&issues, Lang::En)));
    assert_eq!(def.form_id, "menages_mopti");
    assert_eq!(def.title, "Ménages de Mopti");
    assert_eq!(def.version, "2025030101");
    assert_eq!(def.default_language.as_deref(), Some("Français (fr)"));
    assert_eq!(
        def.languages,
        ["Français (fr)", "English (en)", "Bambara (bm)"]
    );

    let q = |name: &str| def.node(name).unwrap_or_else(|| panic!("no node {name}"));
    let ty = |name: &str| q(name).question().cloned().unwrap();
    assert_eq!(ty("nom"), QuestionType::Text);
    assert_eq!(ty("age"), QuestionType::Integer);
    assert_eq!(ty("revenu"), QuestionType::Decimal);
    assert_eq!(ty("date_visite"), QuestionType::Date);
    assert_eq!(ty("heure"), QuestionType::Time);
    assert_eq!(ty("moment"), QuestionType::DateTime);
    assert_eq!(
        ty("region"),
        QuestionType::SelectOne {
            list: "region".into(),
            or_other: false
        }
    );
    assert_eq!(
        ty("sources"),
        QuestionType::SelectMultiple {
            list: "sources".into(),
            or_other: true
        }
    );
    assert_eq!(ty("merci"), QuestionType::Note);
    assert_eq!(ty("double_age"), QuestionType::Calculate);
    assert_eq!(ty("accord"), QuestionType::Acknowledge);
    assert_eq!(
        ty("note_service"),
        QuestionType::Range {
            start: 0.0,
            end: 10.0,
            step: 2.0
        }
    );
    assert_eq!(ty("position"), QuestionType::Geopoint);
    // start/end/today become calculations of the moment; deviceid is left out with a warning.
    assert_eq!(ty("debut"), QuestionType::Calculate);
    assert_eq!(q("debut").calculation.as_deref(), Some("now()"));
    assert_eq!(q("fin").calculation.as_deref(), Some("now()"));
    assert_eq!(q("jour").calculation.as_deref(), Some("today()"));
    assert!(def.node("appareil").is_none());
    assert!(warnings.iter().any(|w| w.kind
        == IssueKind::IgnoredMetadata {
            name: "deviceid".into()
        }
        && w.row == Some(5)
        && w.column.as_deref() == Some("type")));

    let nom = q("nom");
    assert_eq!(nom.label["Bambara (bm)"], "Tɔgɔ");
    assert_eq!(nom.hint["English (en)"], "Full name");
    assert_eq!(nom.required.as_deref(), Some("true()"));
    assert_eq!(
        nom.required_message["Français (fr)"],
        "Le nom est obligatoire"
    );
    assert_eq!(nom.appearance, ["multiline"]);
    assert_eq!(nom.row, 6);
    let age = q("age");
    assert_eq!(age.required.as_deref(), Some("true()"), "TRUE is required");
    assert_eq!(age.constraint.as_deref(), Some(". >= 15 and . < 120"));
    assert_eq!(age.constraint_message["English (en)"], "Between 15 and 119");
    assert_eq!(q("revenu").relevant.as_deref(), Some("${age} > 17"));
    assert_eq!(q("revenu").default.as_deref(), Some("0"));
    assert_eq!(q("revenu").required, None);
    assert_eq!(q("double_age").calculation.as_deref(), Some("${age} * 2"));
    assert_eq!(q("village").read_only.as_deref(), Some("true()"));
    assert_eq!(
        q("cercle").choice_filter.as_deref(),
        Some("region = ${region}")
    );
    assert_eq!(q("region").appearance, ["minimal"]);

    // Groups and nested repeats hold their children; repeat_count is kept.
    match &q("identite").kind {
        NodeKind::Group { children } => assert_eq!(children[0].name, "village"),
        other => panic!("{other:?}"),
    }
    assert!(q("identite").has_appearance("field-list"));
    match &q("menages").kind {
        NodeKind::Repeat {
            children,
            repeat_count,
        } => {
            assert_eq!(repeat_count.as_deref(), Some("${nb_menages}"));
            assert_eq!(children.len(), 2);
            match &children[1].kind {
                NodeKind::Repeat {
                    children,
                    repeat_count,
                } => {
                    assert_eq!(repeat_count.as_deref(), Some("${nb_membres}"));
                    assert_eq!(children[0].name, "prenom");
                }
                other => panic!("{other:?}"),
            }
        }
        other => panic!("{other:?}"),
    }
    let mut repeats_of_prenom = Vec::new();
    def.walk(|v| {
        if v.node.name == "prenom" {
            repeats_of_prenom = v.repeats.iter().map(|s| s.to_string()).collect();
        }
    });
    assert_eq!(repeats_of_prenom, ["menages", "membres"]);

    // Choices in sheet order, labels in each language, other columns kept for choice_filter.
    let cercle = &def.choices["cercle"];
    assert_eq!(cercle[0].name, "bandiagara");
    assert_eq!(cercle[1].extra["region"], "kayes");
    assert_eq!(def.choices["sources"][0].label["Bambara (bm)"], "Kɔlɔn");
    // The form survives its own JSON (what another laptop receives) and passes the same checks.
    let json = serde_json::to_string(&def).unwrap();
    let back: FormDef = serde_json::from_str(&json).unwrap();
    assert_eq!(back, def);
    assert!(
        back.check().iter().all(|i| !i.is_error()),
        "{:?}",
        back.check()
    );
    // Only the deviceid row warns.
    assert_eq!(warnings.len(), 1, "{warnings:?}");
}

/// A survey of 47 questions and, on row 48, a relevance that calls pulldata.
#[test]
fn an_unsupported_function_is_refused_by_sheet_row_and_column_in_both_languages() {
    let names: Vec<String> = (2..48).map(|i| format!("q{i}")).collect();
    let mut rows: Vec<&[&str]> = vec![&["type", "name", "label", "relevant"]];
    let owned: Vec<[&str; 4]> = names
        .iter()
        .map(|n| ["text", n.as_str(), "Q", ""])
        .collect();
    rows.extend(owned.iter().map(|r| &r[..]));
    let last = [
        "text",
        "village",
        "Village",
        "pulldata('villages', 'nom', 'code', ${q2}) = 'x'",
    ];
    rows.push(&last);
    let issues = refused(&[("survey", &rows)]);
    assert_eq!(
        messages(&issues, Lang::Fr),
        ["feuille survey, ligne 48, colonne relevant : la fonction pulldata n'est pas prise en charge"]
    );
    assert_eq!(
        messages(&issues, Lang::En),
        ["sheet survey, row 48, column relevant: the function pulldata is not supported"]
    );
    // As the error a use case returns: code form_refused, the issues one per line.
    let error = Error::Refused(Refusal::FormRefused(issues));
    assert_eq!(error.code(), "form_refused");
    assert_eq!(
        error.message(Lang::En),
        "sheet survey, row 48, column relevant: the function pulldata is not supported"
    );
}

#[test]
fn an_unknown_list_a_duplicate_name_an_unmatched_end_and_an_image_are_each_refused_where_they_are()
{
    let issues = refused(&[
        (
            "survey",
            &[
                &["type", "name", "label"],
                &["select_one districts", "district", "District"],
                &["text", "nom", "Nom"],
                &["integer", "nom", "Nom encore"],
                &["image", "photo", "Photo"],
                &["end group"],
            ],
        ),
        (
            "choices",
            &[
                &["list_name", "name", "label"],
                &["region", "kayes", "Kayes"],
            ],
        ),
    ]);
    assert_eq!(
        messages(&issues, Lang::Fr),
        [
            "feuille survey, ligne 2, colonne type : la liste districts n'existe pas dans la feuille choices",
            "feuille survey, ligne 4, colonne name : le nom nom est déjà utilisé dans le questionnaire",
            "feuille survey, ligne 5, colonne type : le type image n'est pas pris en charge",
            "feuille survey, ligne 6, colonne type : end group ne correspond à aucun begin group",
        ]
    );
    assert_eq!(
        messages(&issues, Lang::En),
        [
            "sheet survey, row 2, column type: the list districts is not in the choices sheet",
            "sheet survey, row 4, column name: the name nom is already used in the form",
            "sheet survey, row 5, column type: the type image is not supported",
            "sheet survey, row 6, column type: end group matches no begin group",
        ]
    );
}

#[test]
fn a_group_never_ended_and_an_unknown_reference_are_refused() {
    let issues = refused(&[(
        "survey",
        &[
            &["type", "name", "label", "relevant"],
            &["begin repeat", "membres", "Membres"],
            &["text", "nom", "Nom", "${agee} > 3"],
        ],
    )]);
    assert_eq!(
        messages(&issues, Lang::En),
        [
            "sheet survey, row 2, column type: begin repeat membres has no end repeat",
            "sheet survey, row 3, column relevant: ${agee} names no question of the form",
        ]
    );
}

#[test]
fn an_appearance_terrain_ignores_is_a_warning_and_the_form_is_imported() {
    let (def, warnings) = import(&[
        (
            "survey",
            &[
                &[
                    "type",
                    "name",
                    "label",
                    "appearance",
                    "guidance_hint",
                    "media::image",
                ],
                &["text", "nom", "Nom", "multiline", "Demandez poliment", ""],
                &[
                    "select_one oui_non",
                    "accord",
                    "D'accord ?",
                    "likert minimal",
                    "",
                    "accord.png",
                ],
            ],
        ),
        (
            "choices",
            &[
                &["list_name", "name", "label"],
                &["oui_non", "oui", "Oui"],
                &["oui_non", "non", "Non"],
            ],
        ),
    ])
    .unwrap();
    assert_eq!(
        def.node("accord").unwrap().appearance,
        ["likert", "minimal"]
    );
    let said: Vec<String> = warnings.iter().map(|w| w.message(Lang::Fr)).collect();
    assert_eq!(
        said,
        [
            "feuille survey, colonne guidance_hint : la colonne est ignorée",
            "feuille survey, colonne media::image : la colonne est ignorée",
            "feuille survey, ligne 3, colonne appearance : l'apparence likert est ignorée",
        ]
    );
    assert!(warnings.iter().all(|w| w.severity == Severity::Warning));
    assert_eq!(
        warnings[2].message(Lang::En),
        "sheet survey, row 3, column appearance: the appearance likert is ignored"
    );
}

#[test]
fn sheet_and_column_names_are_case_insensitive_and_both_language_suffix_styles_are_read() {
    let (def, warnings) = import(&[
        (
            "SURVEY",
            &[
                &[
                    " Type ",
                    "NAME",
                    "Label:fr",
                    "label:en",
                    "Relevance",
                    "Required",
                ],
                &["TEXT", "nom", "Nom", "Name", "", "Yes"],
                &["Integer", "age", "Âge", "Age", "${nom} != ''", "no"],
            ],
        ),
        ("Settings", &[&["Form_ID"], &["kle_2025"]]),
    ])
    .unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(def.form_id, "kle_2025");
    assert_eq!(def.title, "kle_2025", "the title falls back to the form_id");
    assert_eq!(def.version, "");
    assert_eq!(def.languages, ["fr", "en"]);
    let age = def.node("age").unwrap();
    assert_eq!(age.label["fr"], "Âge");
    assert_eq!(age.relevant.as_deref(), Some("${nom} != ''"));
    assert_eq!(age.required, None);
    assert_eq!(def.node("nom").unwrap().required.as_deref(), Some("true()"));
}

#[test]
fn without_settings_the_form_id_is_the_file_name_and_an_unsuffixed_label_comes_first() {
    let bytes = xlsx(&[(
        "survey",
        &[
            &["type", "name", "label::English (en)", "label"],
            &["text", "nom", "Name", "Nom"],
        ],
    )]);
    let (def, _) = import_bytes(&bytes, "Enquête ménage.xlsx").unwrap();
    assert_eq!(def.form_id, "Enquête ménage");
    assert_eq!(def.title, "Enquête ménage");
    assert_eq!(def.languages, ["", "English (en)"]);
    assert_eq!(def.default_language, None);
}

#[test]
fn a_file_that_is_not_a_workbook_or_has_no_survey_is_refused() {
    let issues = import_bytes(b"type,name\ntext,nom\n", "form.xlsx").unwrap_err();
    assert!(matches!(issues[0].kind, IssueKind::NotASpreadsheet { .. }));
    let issues = import_bytes(
        &xlsx(&[("questions", &[&["type", "name"], &["text", "a"]])]),
        "f.xlsx",
    )
    .unwrap_err();
    assert_eq!(
        messages(&issues, Lang::Fr),
        ["feuille survey : la feuille est absente du fichier"]
    );
    let issues = refused(&[("survey", &[&["name", "label"], &["nom", "Nom"]])]);
    assert_eq!(
        messages(&issues, Lang::En),
        ["sheet survey, row 1, column type: the column is missing from the sheet"]
    );
}

#[test]
fn hostile_files_are_refused_at_the_limits_without_a_panic() {
    // Too large a file: refused before reading.
    let big = vec![0u8; MAX_FILE_BYTES as usize + 1];
    let issues = import_bytes(&big, "big.xlsx").unwrap_err();
    assert_eq!(
        issues[0].kind,
        IssueKind::FileTooLarge {
            max_bytes: MAX_FILE_BYTES
        }
    );
    // Too many survey rows.
    let mut rows: Vec<Vec<String>> = vec![vec!["type".into(), "name".into()]];
    rows.extend((0..5001).map(|i| vec!["text".into(), format!("q{i}")]));
    let refs: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let slices: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
    let issues = refused(&[("survey", &slices)]);
    assert_eq!(
        messages(&issues, Lang::En),
        ["sheet survey: the sheet has more than 5000 rows, the most a form may have"]
    );
    // A cell of more than 100,000 characters (Excel itself stops at 32,767: a file made by
    // hand), in the workbook's shared strings.
    let placeholder = xlsx(&[(
        "survey",
        &[&["type", "name", "label"], &["text", "nom", "PLACEHOLDER"]],
    )]);
    let long = rezip(&placeholder, |name, data| {
        if name == "xl/sharedStrings.xml" {
            String::from_utf8(data)
                .unwrap()
                .replace("PLACEHOLDER", &"x".repeat(100_001))
                .into_bytes()
        } else {
            data
        }
    });
    let issues = import_bytes(&long, "long.xlsx").unwrap_err();
    assert_eq!(
        messages(&issues, Lang::En),
        ["sheet survey, row 2, column C: the cell holds more than 100000 characters, the most it may"]
    );
    // A zip bomb: 300 KB that unpack to 201 MB are refused before the workbook is read.
    let bomb = rezip(&placeholder, |name, data| {
        if name == "xl/sharedStrings.xml" {
            let mut big = data;
            big.resize(201_000_000, b' ');
            big
        } else {
            data
        }
    });
    assert!(bomb.len() < 1_000_000, "{}", bomb.len());
    let issues = import_bytes(&bomb, "bomb.xlsx").unwrap_err();
    assert_eq!(
        messages(&issues, Lang::Fr),
        ["le questionnaire est plus grand que ce que Terrain conserve"]
    );
    // Truncated and altered workbooks are refused, never a panic.
    let good = xlsx(&[("survey", EVERYTHING), ("choices", CHOICES)]);
    for cut in [10, good.len() / 3, good.len() / 2, good.len() - 10] {
        assert!(import_bytes(&good[..cut], "cut.xlsx").is_err());
    }
    let mut flipped = good.clone();
    for i in (0..flipped.len()).step_by(97) {
        flipped[i] ^= 0x5a;
    }
    let _ = import_bytes(&flipped, "flipped.xlsx");
}

#[test]
fn the_checks_refuse_a_received_definition_that_breaks_the_rules() {
    let (mut def, _) = import(&[
        ("survey", EVERYTHING),
        ("choices", CHOICES),
        ("settings", SETTINGS),
    ])
    .unwrap();
    assert!(def.check().iter().all(|i| !i.is_error()));
    // A name made bad, a list emptied, a range without a step, a filter on a text.
    let mut bad = def.clone();
    bad.body[3].name = "2nom".into();
    bad.choices.get_mut("region").unwrap().clear();
    let mut saw_range = false;
    fn range_step_zero(nodes: &mut [terrain_core::forms::Node], saw: &mut bool) {
        for n in nodes {
            if let NodeKind::Question {
                question: QuestionType::Range { step, .. },
            } = &mut n.kind
            {
                *step = 0.0;
                *saw = true;
            }
        }
    }
    range_step_zero(&mut bad.body, &mut saw_range);
    assert!(saw_range);
    let text = bad
        .body
        .iter_mut()
        .find(|n| n.name == "date_visite")
        .unwrap();
    text.choice_filter = Some("true()".into());
    let said: Vec<String> = bad
        .check()
        .iter()
        .filter(|i| i.is_error())
        .map(|i| i.message(Lang::En))
        .collect();
    assert_eq!(
        said,
        [
            "sheet survey, row 6, column name: the name \"2nom\" is not valid (a letter or _ first, then letters, digits, _, - or .)",
            "sheet survey, row 9, column choice_filter: choice_filter applies only to select_one and select_multiple",
            "sheet survey, row 12, column type: the list region has no choice",
            "sheet survey, row 18, column parameters: the parameters \"start=0 end=10 step=0\" are not numeric start, end and step with step above 0",
            "sheet choices, column list_name: the list region has no choice",
        ]
    );
    // A duplicate choice, and a form_id too long for the form record.
    let puits = def.choices["sources"][0].clone();
    def.choices.get_mut("sources").unwrap().push(puits);
    def.form_id = "x".repeat(101);
    let said: Vec<String> = def
        .check()
        .iter()
        .filter(|i| i.is_error())
        .map(|i| i.message(Lang::Fr))
        .collect();
    assert_eq!(
        said,
        [
            "feuille settings, ligne 2, colonne form_id : le texte dépasse 100 caractères, le maximum",
            "feuille choices, colonne name : le choix puits figure deux fois dans la liste sources",
        ]
    );
}

#[test]
fn the_old_xls_format_is_read_by_its_content() {
    let (def, warnings) = import_file(&fixture("menage_kle.xls"))
        .unwrap_or_else(|issues| panic!("{:?}", messages(&issues, Lang::En)));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(def.form_id, "menage_kle");
    assert_eq!(def.title, "Ménage (KLE)");
    assert_eq!(def.version, "2025030101", "a number cell is read as typed");
    assert_eq!(def.default_language.as_deref(), Some("Français (fr)"));
    assert_eq!(
        def.languages,
        ["Français (fr)", "English (en)", "Bambara (bm)"]
    );
    assert_eq!(def.node("prenom").unwrap().label["Bambara (bm)"], "Tɔgɔ");
    match &def.node("membres").unwrap().kind {
        NodeKind::Repeat {
            repeat_count,
            children,
        } => {
            assert_eq!(repeat_count.as_deref(), Some("${taille}"));
            assert_eq!(children.len(), 3);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        def.choices["sources"][2].name, "1",
        "a number choice name is read as typed"
    );
    // Content decides, not the extension.
    let bytes = std::fs::read(fixture("menage_kle.xls")).unwrap();
    assert_eq!(import_bytes(&bytes, "menage_kle.xlsx").unwrap().0, def);
}

/// pyxform's own example forms (BSD-2-Clause, crates/core/tests/forms/pyxform/LICENSE): those
/// Terrain supports import (older spellings too: `select one from L or specify other`, `gps`,
/// `phone number`); the others are refused for what Terrain does not support.
#[test]
fn pyxform_example_forms_import_or_are_refused_for_what_terrain_does_not_support() {
    let dir = fixture("pyxform");
    for (name, questions) in [
        ("calculate.xls", 4),
        ("field-list.xlsx", 1),
        ("gps.xls", 1),
        ("group.xlsx", 3),
        ("or_other.xlsx", 2),
        ("specify_other.xlsx", 1),
        ("text_and_integer.xlsx", 2),
        ("yes_or_no_question.xlsx", 1),
    ] {
        match import_file(&dir.join(name)) {
            Ok((def, _)) => assert_eq!(def.question_count(), questions, "{name}"),
            Err(issues) => panic!("{name}: {:?}", messages(&issues, Lang::En)),
        }
    }
    let (def, _) = import_file(&dir.join("specify_other.xlsx")).unwrap();
    assert_eq!(
        def.node("sex").unwrap().question(),
        Some(&QuestionType::SelectOne {
            list: "sexes".into(),
            or_other: true
        })
    );
    assert_eq!(
        import_file(&dir.join("gps.xls")).unwrap().0.body[0].question(),
        Some(&QuestionType::Geopoint)
    );
    for (name, expected) in [
        (
            "pull_data.xlsx",
            "sheet survey, row 2, column calculation: the function pulldata is not supported",
        ),
        (
            "case_insensitivity.xlsx",
            "sheet survey, row 3, column TYPE: the type select_one_external is not supported",
        ),
        (
            "loop.xlsx",
            "sheet survey, row 3, column type: the type begin loop is not supported",
        ),
        (
            "flat_xlsform_test.xlsx",
            "sheet survey, row 35, column type: the type barcode is not supported",
        ),
        (
            "choice_filter_test.xlsx",
            "sheet choices, column name: the choice king appears twice in the list counties",
        ),
    ] {
        let issues = import_file(&dir.join(name)).unwrap_err();
        let said = messages(&issues, Lang::En);
        assert!(said.iter().any(|m| m == expected), "{name}: {said:#?}");
    }
}
/// Writes the fuzzer's seed forms (fuzz/corpus/xlsform): this file's forms, which import whole.
#[test]
#[ignore = "writes the fuzz seeds"]
fn write_the_xlsform_seeds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/xlsform");
    std::fs::create_dir_all(&dir).unwrap();
    let everything = xlsx(&[
        ("survey", EVERYTHING),
        ("choices", CHOICES),
        ("settings", SETTINGS),
    ]);
    std::fs::write(dir.join("everything.xlsx"), everything).unwrap();
    let small = xlsx(&[(
        "survey",
        &[&["type", "name", "label"], &["text", "nom", "Nom"]],
    )]);
    std::fs::write(dir.join("small.xlsx"), small).unwrap();
    std::fs::copy(fixture("menage_kle.xls"), dir.join("menage_kle.xls")).unwrap();
}
