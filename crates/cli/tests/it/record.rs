//! `terrain record find` (issue 14, finding 14): a person found by words of their code or
//! name, without case or accents, in one study or in all; JSON for scripts.

use crate::support::{json, ok};

#[test]
fn a_person_is_found_by_name_or_code_in_one_study_or_all() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("terrain.db");
    let new = |args: &[&str]| ok(&db, args).trim().to_string();
    let segou = new(&["record", "new", "study", "title=Ségou"]);
    let kayes = new(&["record", "new", "study", "title=Kayes"]);
    for (study, date, code, name) in [
        (&segou, "2025-03-01", "SG-1", "name=Aminata Traoré"),
        (&kayes, "2025-04-01", "KY-1", "name=Aminata Diarra"),
    ] {
        let session = new(&[
            "record",
            "new",
            "session",
            &format!("study_id={study}"),
            "session_type=focus_group",
            &format!("date={date}"),
        ]);
        new(&[
            "record",
            "new",
            "participant",
            &format!("session_id={session}"),
            "sex=female",
            &format!("code={code}"),
            name,
        ]);
    }
    // Both Aminatas, the most recent session first; accents and case aside.
    let all = ok(&db, &["record", "find", "AMINATA"]);
    let codes: Vec<&str> = all.lines().map(|l| l.split('\t').nth(1).unwrap()).collect();
    assert_eq!(codes, ["KY-1", "SG-1"]);
    assert!(all.contains("Aminata Traoré\t2025-03-01\tSégou"), "{all}");
    // One study only, two words that must both be there.
    let found = json(
        &db,
        &[
            "record", "find", "--json", "--study", &segou, "aminata", "traore",
        ],
    );
    assert_eq!(found["total"], 1);
    assert_eq!(found["hits"][0]["code"], "SG-1");
    assert_eq!(found["sealed_names"], 0);
    let none = json(
        &db,
        &["record", "find", "--json", "--study", &kayes, "traore"],
    );
    assert_eq!(none["total"], 0);
}
