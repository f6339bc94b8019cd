//! `terrain hq keygen|show` and `terrain study set-hq-key` on real database files: the HQ store
//! keeps the private half and writes the public half to a one-line file; a coordinator sets it
//! as the study's key, and names written afterwards are sealed (the file and the dump hold
//! none); a bent key file and an existing output file are refused in one line, nothing changed.

use crate::support::{dump, json, ok, refused};

const NAME: &str = "Mariam Touré-Canari";

#[test]
fn hq_keygen_makes_a_key_file_a_coordinator_sets_it_and_names_are_sealed_from_then_on() {
    let dir = tempfile::tempdir().unwrap();
    let hq = dir.path().join("hq.db");
    let lead = dir.path().join("lead.db");
    let key_file = dir.path().join("hq-key.txt");
    let key_path = key_file.to_str().unwrap();

    assert_eq!(
        json(&hq, &["hq", "show", "--json"])["hq_keys"],
        serde_json::json!([])
    );
    let fingerprint = ok(&hq, &["hq", "keygen", "--out", key_path])
        .trim()
        .to_string();
    assert_eq!(fingerprint.split(' ').count(), 4, "{fingerprint}");
    let text = std::fs::read_to_string(&key_file).unwrap();
    assert!(
        text.starts_with("terrain-hq-key:1:") && text.lines().count() == 1,
        "{text}"
    );
    assert_eq!(
        json(&hq, &["hq", "show", "--json"])["hq_keys"],
        serde_json::json!([fingerprint])
    );
    assert_eq!(
        json(&hq, &["info", "--json"])["hq_keys"],
        serde_json::json!([fingerprint])
    );
    // The file is not replaced, and no second key is made.
    refused(&hq, &["hq", "keygen", "--out", key_path]);
    assert_eq!(std::fs::read_to_string(&key_file).unwrap(), text);
    assert_eq!(ok(&hq, &["hq", "show"]).trim(), fingerprint);

    let study = ok(&lead, &["record", "new", "study", "title=Sikasso"])
        .trim()
        .to_string();
    let session = ok(
        &lead,
        &[
            "record",
            "new",
            "session",
            &format!("study_id={study}"),
            "session_type=focus_group",
            "date=2026-04-01",
        ],
    )
    .trim()
    .to_string();
    // A bent key file is refused; the lead is unchanged.
    let bent = dir.path().join("bent.txt");
    std::fs::write(
        &bent,
        text.replace("terrain-hq-key:1:", "terrain-hq-key:1:A"),
    )
    .unwrap();
    let before = dump(&lead);
    let err = refused(
        &lead,
        &["study", "set-hq-key", &study, bent.to_str().unwrap()],
    );
    assert!(err.contains("[bad_hq_key]"), "{err}");
    assert_eq!(dump(&lead), before);

    let set = ok(&lead, &["study", "set-hq-key", &study, key_path]);
    assert_eq!(set.trim(), fingerprint);
    ok(
        &lead,
        &[
            "record",
            "new",
            "participant",
            &format!("session_id={session}"),
            "sex=female",
            &format!("name={NAME}"),
        ],
    );
    let listed = ok(&lead, &["record", "list", "participant", "--json"]);
    assert!(
        listed.contains(terrain_core::changes::SEALED_MARKER),
        "{listed}"
    );
    assert!(!listed.contains(NAME));
    let dumped = dump(&lead);
    assert!(dumped.contains("sealed:1:") && !dumped.contains(NAME));
    for file in ["lead.db", "lead.db-wal"] {
        let bytes = std::fs::read(dir.path().join(file)).unwrap_or_default();
        assert!(
            !bytes.windows(NAME.len()).any(|w| w == NAME.as_bytes()),
            "{file}"
        );
    }
}
