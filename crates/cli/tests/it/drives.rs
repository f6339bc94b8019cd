//! `terrain drives`: the USB sticks plugged in, as text and JSON; it needs no database.

use crate::support::{cmd, json, ok};

#[test]
fn drives_lists_the_sticks_plugged_in_without_opening_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("never.db");

    let listed = json(&db, &["drives", "--json"]);
    let drives = listed.as_array().expect("a list");
    for d in drives {
        assert!(d["path"].as_str().is_some_and(|p| !p.is_empty()), "{d}");
        assert!(d["label"].as_str().is_some_and(|l| !l.is_empty()), "{d}");
        assert!(
            d["free_bytes"].as_u64().is_some() && d["read_only"].is_boolean(),
            "{d}"
        );
    }

    let text = ok(&db, &["drives"]);
    if drives.is_empty() {
        assert_eq!(text, "No USB stick plugged in.\n");
        let out = cmd(&db)
            .env("TERRAIN_LANG", "fr")
            .arg("drives")
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            "Aucune clé USB branchée.\n"
        );
    } else {
        assert_eq!(text.lines().count(), drives.len(), "{text}");
    }
    assert!(!db.exists(), "listing drives made no database");
}
