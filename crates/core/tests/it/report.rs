//! The printable study report, in French and English.

use serde_json::json;
use terrain_core::report::{save_report, study_report};
use terrain_core::{Entity, Lang};

use crate::support::stats_fixture::*;

#[test]
fn report_in_both_languages() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut fx = build(dir.path());
    let fr = study_report(
        fx.store.conn(),
        &fx.study_a,
        Lang::Fr,
        Some("2030-01-01".into()),
    )
    .expect("fr");
    assert!(fr.html.starts_with("<!DOCTYPE html><html lang=\"fr\">"));
    assert!(fr.html.ends_with("</html>"));
    for needle in [
        "Étude A — sécurité",
        "Personnes consultées par région",
        "Kayes",
        "Ségou",
        "Tenir des audiences foraines à Sadiola.",
        "groupe de discussion",
        "Gendarmerie nationale",
        "Séances sans consentement enregistré",
        "@page",
    ] {
        assert!(fr.html.contains(needle), "French report lacks {needle:?}");
    }
    assert_eq!((fr.dashboard.people.women, fr.dashboard.people.men), (9, 5));
    assert_eq!(fr.methodology.sessions, 4);
    assert_eq!(fr.recommendations.len(), 3);
    // Total row: 9 women, 5 men, 14 people, 64 % women.
    assert!(fr.html.contains("<td class=\"n\">9</td><td class=\"n\">5</td><td class=\"n\">14</td><td class=\"n\">64 %</td>"));

    let en = study_report(fx.store.conn(), &fx.study_a, Lang::En, None).expect("en");
    assert!(en.html.contains("People consulted by region"));
    assert!(en.html.contains("focus group"));
    assert!(!en.html.contains("Personnes consultées par région"));

    // Text typed by people is escaped.
    let id = create(
        &mut fx.store,
        Entity::Study,
        json!({"title": "A <script>x</script> & b"}),
    );
    let r = study_report(fx.store.conn(), &id, Lang::Fr, None).expect("report");
    assert!(r.html.contains("A &lt;script&gt;x&lt;/script&gt; &amp; b"));
    assert!(!r.html.contains("<script>"));
}

#[test]
fn a_report_saved_as_html_is_the_document_shown_whole() {
    let dir = tempfile::tempdir().expect("tmp");
    let fx = build(dir.path());
    let out = tempfile::tempdir().expect("out");

    // No extension typed: ".html" is added so that a double click opens it.
    let written = save_report(
        fx.store.conn(),
        &fx.study_a,
        Lang::Fr,
        &out.path().join("rapport"),
    )
    .expect("saved");
    assert_eq!(written, out.path().join("rapport.html"));
    let html = std::fs::read_to_string(&written).expect("read back");
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"fr\">") && html.ends_with("</html>"));
    assert!(
        html.contains("Étude A — sécurité"),
        "the study's own report"
    );

    // An extension typed is kept; an English report says so.
    let en = save_report(
        fx.store.conn(),
        &fx.study_a,
        Lang::En,
        &out.path().join("report.htm"),
    )
    .expect("saved");
    assert_eq!(en, out.path().join("report.htm"));
    assert!(std::fs::read_to_string(&en)
        .expect("en")
        .contains("People consulted by region"));

    // A folder that is not there (a stick pulled out): refused, nothing written anywhere.
    let gone = out.path().join("stick").join("rapport.html");
    let e = save_report(fx.store.conn(), &fx.study_a, Lang::Fr, &gone).expect_err("no folder");
    assert_eq!(e.code(), "no_folder");
    assert!(!out.path().join("stick").exists());
    let names: Vec<_> = std::fs::read_dir(out.path())
        .expect("ls")
        .map(|e| e.expect("e").file_name())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "only the two reports, no temporary file: {names:?}"
    );
}

/// Numbers read as the report's language writes them: a decimal comma and singular nouns for
/// 0 and 1 in French, age bands youngest first (the vocabulary's order) in every table.
#[test]
fn numbers_plurals_and_age_bands_read_right_in_each_language() {
    let (_dir, mut store) = crate::support::temp_store();
    terrain_core::demo::load_demo(&mut store).expect("demo");
    let studies = terrain_core::read::studies(store.conn()).expect("studies");
    assert!(!studies.is_empty());
    for s in studies {
        for lang in [Lang::Fr, Lang::En] {
            let r = study_report(store.conn(), &s.study.id, lang, None).expect("report");
            let html = &r.html;
            let words: Vec<&str> = html.split(['>', '<', ' ', '(', ',']).collect();
            for pair in words.windows(2) {
                let singular = match lang {
                    Lang::Fr => matches!(pair[0], "0" | "1"),
                    Lang::En => pair[0] == "1",
                };
                if singular {
                    for plural in ["femmes", "hommes", "women", "men"] {
                        assert_ne!(
                            pair[1], plural,
                            "« {} {} » in {}",
                            pair[0], pair[1], s.study.id
                        );
                    }
                }
            }
            let duration = html
                .split(" h (")
                .next()
                .and_then(|head| head.rsplit('>').next())
                .expect("a total duration");
            match lang {
                Lang::Fr => assert!(!duration.contains('.'), "{duration}"),
                Lang::En => assert!(!duration.contains(','), "{duration}"),
            }
            let ages: Vec<usize> = match lang {
                Lang::Fr => [
                    "moins de 18 ans",
                    "18–24 ans",
                    "36–59 ans",
                    "60 ans et plus",
                ],
                Lang::En => ["under 18", "18–24", "36–59", "60 and over"],
            }
            .iter()
            .filter_map(|band| html.find(&format!("<td>{band}</td>")))
            .collect();
            assert!(ages.len() >= 3, "age bands missing: {ages:?}");
            assert!(
                ages.windows(2).all(|w| w[0] < w[1]),
                "age bands out of order"
            );
        }
    }
}
