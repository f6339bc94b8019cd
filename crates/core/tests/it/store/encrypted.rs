//! The store encrypted at rest, on real files: what a thief holding the data folder finds (no
//! name, phone, note, finding or key), the passphrase and the recovery words, a wrong
//! passphrase, a store copied with or without its key file, converting a plain store in place,
//! and the states a crash can leave a conversion in.

use std::path::{Path, PathBuf};

use serde_json::json;
use terrain_core::store::{key_file_path, kind, Kind, Unlock};
use terrain_core::sync::dump_string;
use terrain_core::{Entity, Error, Store};

use crate::support::fields;

const PASS: &str = "le fleuve Niger à Ségou";
const NAME: &str = "Mariam Coulibaly-Canari";
const PHONE: &str = "+223 76 54 32 10";
const NOTE: &str = "parle des FAMa sous condition";
const FINDING: &str = "Les patrouilles rackettent au poste de Canari-Niono";

/// A study, a session, a named participant with a phone, and a finding.
fn write_canaries(store: &mut Store) {
    store
        .write(|w| {
            let study = w.create(
                Entity::Study,
                &fields(json!({"title": "Étude canari", "start_date": "2025-01-06"})),
            )?;
            let session = w.create(
                Entity::Session,
                &fields(json!({"study_id": study, "session_type": "focus_group",
                    "date": "2025-03-12", "notes": NOTE})),
            )?;
            w.create(
                Entity::Participant,
                &fields(json!({"session_id": session, "sex": "female",
                    "name": NAME, "phone": PHONE})),
            )?;
            w.create(
                Entity::Finding,
                &fields(json!({"session_id": session, "theme": "sécurité", "text": FINDING})),
            )?;
            Ok(())
        })
        .unwrap();
}

/// Every file in `dir`, with its bytes.
fn files_in(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The canaries (and this store's secrets) found in clear in any file of `dir`.
fn found_in_clear(dir: &Path, secrets: &[Vec<u8>]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, bytes) in files_in(dir) {
        for needle in [NAME, PHONE, NOTE, FINDING, "Étude canari"]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .chain(secrets.iter().cloned())
        {
            if contains(&bytes, &needle) {
                found.push(format!(
                    "{} in {}",
                    String::from_utf8_lossy(&needle),
                    path.display()
                ));
            }
        }
    }
    found
}

/// The store's own secrets as they sit in its meta table: the device key, in base64.
fn secrets_of(store: &Store) -> Vec<Vec<u8>> {
    let device: String = store
        .conn()
        .query_row(
            "SELECT value FROM meta WHERE key LIKE 'device_key.%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    vec![device.into_bytes()]
}

#[test]
fn a_thief_with_the_data_folder_finds_no_name_phone_note_finding_or_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terrain.db");
    let (mut store, words) = Store::create_encrypted(&path, PASS).unwrap();
    assert_eq!(words.as_str().split(' ').count(), 12);
    assert!(store.is_encrypted());
    write_canaries(&mut store);
    let secrets = secrets_of(&store);
    // While open: the WAL and shm hold the latest writes.
    assert_eq!(found_in_clear(dir.path(), &secrets), Vec::<String>::new());
    let before = dump_string(store.conn(), None).unwrap();
    drop(store);
    assert_eq!(found_in_clear(dir.path(), &secrets), Vec::<String>::new());
    assert_eq!(kind(&path).unwrap(), Kind::Encrypted);

    let again = Store::open_with(&path, Unlock::Passphrase(PASS)).unwrap();
    assert_eq!(dump_string(again.conn(), None).unwrap(), before);
}

#[cfg(unix)]
#[test]
fn the_data_folder_and_its_files_are_the_owners_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let store = Store::open_in_dir(&data).unwrap();
    write_canaries(&mut Store::open_in_dir(&data).unwrap());
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    for (path, _) in files_in(&data) {
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
    drop(store);
}

#[test]
fn a_wrong_passphrase_opens_nothing_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terrain.db");
    let (mut store, _) = Store::create_encrypted(&path, PASS).unwrap();
    write_canaries(&mut store);
    let before = dump_string(store.conn(), None).unwrap();
    drop(store);
    let bytes_before = (
        std::fs::read(&path).unwrap(),
        std::fs::read(key_file_path(&path)).unwrap(),
    );

    for wrong in ["le fleuve Niger à Segou", "", "x"] {
        let err = Store::open_with(&path, Unlock::Passphrase(wrong)).unwrap_err();
        assert_eq!(err.code(), "wrong_passphrase", "{wrong:?}");
        let fr = err.message(terrain_core::Lang::Fr);
        assert!(fr.contains("intactes"), "{fr}");
    }
    let err = Store::open(&path).unwrap_err();
    assert_eq!(err.code(), "passphrase_needed");
    let bytes_after = (
        std::fs::read(&path).unwrap(),
        std::fs::read(key_file_path(&path)).unwrap(),
    );
    assert!(
        bytes_before == bytes_after,
        "a wrong passphrase changed a file"
    );

    let store = Store::open_with(&path, Unlock::Passphrase(PASS)).unwrap();
    assert_eq!(dump_string(store.conn(), None).unwrap(), before);
}

#[test]
fn the_passphrase_changes_without_rewriting_the_database_and_the_recovery_words_still_open_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terrain.db");
    let (mut store, words) = Store::create_encrypted(&path, PASS).unwrap();
    write_canaries(&mut store);
    let before = dump_string(store.conn(), None).unwrap();
    let err = store.change_passphrase("court").unwrap_err();
    assert_eq!(err.code(), "passphrase_too_short");
    store.change_passphrase("une nouvelle phrase").unwrap();
    drop(store);

    let err = Store::open_with(&path, Unlock::Passphrase(PASS)).unwrap_err();
    assert_eq!(err.code(), "wrong_passphrase");
    let store = Store::open_with(&path, Unlock::Passphrase("une nouvelle phrase")).unwrap();
    assert_eq!(dump_string(store.conn(), None).unwrap(), before);
    drop(store);

    // Forgotten passphrase: the recovery words open it (typed without accents, in capitals)
    // and set a new one.
    let typed = terrain_core::store::words::fold(words.as_str()).to_uppercase();
    let store = Store::open_with(&path, Unlock::Recovery(&typed)).unwrap();
    store.change_passphrase("retrouvée grâce aux mots").unwrap();
    drop(store);
    Store::open_with(&path, Unlock::Passphrase("retrouvée grâce aux mots")).unwrap();

    let mut wrong: Vec<&str> = words.as_str().split(' ').collect();
    wrong.swap(0, 1);
    let err = Store::open_with(&path, Unlock::Recovery(&wrong.join(" "))).unwrap_err();
    assert!(
        ["wrong_recovery_words", "bad_recovery_words"].contains(&err.code()),
        "{}",
        err.code()
    );
    let err = Store::open_with(&path, Unlock::Recovery("abaisser pas-un-mot")).unwrap_err();
    assert_eq!(err.code(), "bad_recovery_words");
}

#[test]
fn a_store_copied_to_another_machine_opens_with_its_key_file_and_only_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terrain.db");
    let (mut store, _) = Store::create_encrypted(&path, PASS).unwrap();
    write_canaries(&mut store);
    let before = dump_string(store.conn(), Some(&study_of(&store))).unwrap();
    drop(store);

    // With its key file: it opens (as a new device, since it is a copy).
    let copy = dir.path().join("copy");
    std::fs::create_dir(&copy).unwrap();
    std::fs::copy(&path, copy.join("terrain.db")).unwrap();
    std::fs::copy(
        key_file_path(&path),
        key_file_path(&copy.join("terrain.db")),
    )
    .unwrap();
    let opened = Store::open_with(&copy.join("terrain.db"), Unlock::Passphrase(PASS)).unwrap();
    assert_eq!(
        dump_string(opened.conn(), Some(&study_of(&opened))).unwrap(),
        before
    );
    drop(opened);

    // Without it: refused by name, whatever is given.
    let bare = dir.path().join("bare");
    std::fs::create_dir(&bare).unwrap();
    std::fs::copy(&path, bare.join("terrain.db")).unwrap();
    let err = Store::open_with(&bare.join("terrain.db"), Unlock::Passphrase(PASS)).unwrap_err();
    assert_eq!(err.code(), "key_file_missing");
    assert!(err
        .message(terrain_core::Lang::En)
        .contains("terrain.db.key"));

    // With another store's key file: the passphrase opens that file, but its key is not this
    // database's.
    let other = dir.path().join("other.db");
    drop(Store::create_encrypted(&other, PASS).unwrap());
    std::fs::copy(
        key_file_path(&other),
        key_file_path(&bare.join("terrain.db")),
    )
    .unwrap();
    let err = Store::open_with(&bare.join("terrain.db"), Unlock::Passphrase(PASS)).unwrap_err();
    assert_eq!(err.code(), "key_file_mismatch");
    assert!(matches!(err, Error::Lock(_)));
}

fn study_of(store: &Store) -> String {
    store
        .conn()
        .query_row("SELECT id FROM study", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_plain_store_is_converted_in_place_and_nothing_readable_is_left_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terrain.db");
    let mut store = Store::open(&path).unwrap();
    assert!(!store.is_encrypted());
    write_canaries(&mut store);
    // Deleted text must not survive in freed pages either.
    store
        .conn()
        .execute_batch("CREATE TABLE scratch(t); INSERT INTO scratch VALUES ('Canari effacé');")
        .unwrap();
    let secrets = secrets_of(&store);
    let before = dump_string(store.conn(), None).unwrap();
    assert!(!found_in_clear(dir.path(), &secrets).is_empty());
    drop(store);

    let err = Store::encrypt(&path, "court").unwrap_err();
    assert_eq!(err.code(), "passphrase_too_short");
    assert_eq!(kind(&path).unwrap(), Kind::Plain);

    let words = Store::encrypt(&path, PASS).unwrap();
    assert_eq!(words.as_str().split(' ').count(), 12);
    assert_eq!(kind(&path).unwrap(), Kind::Encrypted);
    let names: Vec<String> = files_in(dir.path())
        .iter()
        .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(found_in_clear(dir.path(), &secrets), Vec::<String>::new());

    let err = Store::encrypt(&path, PASS).unwrap_err();
    assert_eq!(err.code(), "already_encrypted");
    assert_eq!(Store::open(&path).unwrap_err().code(), "passphrase_needed");
    let store = Store::open_with(&path, Unlock::Passphrase(PASS)).unwrap();
    assert_eq!(dump_string(store.conn(), None).unwrap(), before);
}

#[test]
fn a_conversion_cut_short_leaves_the_plain_store_or_the_encrypted_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terrain.db");
    let mut store = Store::open(&path).unwrap();
    write_canaries(&mut store);
    let before = dump_string(store.conn(), None).unwrap();
    drop(store);

    // Cut before the rename: a half-made copy, a key file and a second name of the plain file.
    std::fs::write(dir.path().join("terrain.db.encrypting"), b"half a copy").unwrap();
    std::fs::copy(
        {
            let other = dir.path().join("other.db");
            drop(Store::create_encrypted(&other, PASS).unwrap());
            key_file_path(&other)
        },
        key_file_path(&path),
    )
    .unwrap();
    std::fs::hard_link(&path, dir.path().join("terrain.db.plain")).unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(dump_string(store.conn(), None).unwrap(), before);
    drop(store);
    for leftover in [
        "terrain.db.encrypting",
        "terrain.db.plain",
        "terrain.db.key",
    ] {
        assert!(!dir.path().join(leftover).exists(), "{leftover}");
    }

    // Cut after the rename: the plain leftover is wiped at the next open, even a locked one.
    Store::encrypt(&path, PASS).unwrap();
    let leftover = dir.path().join("terrain.db.plain");
    std::fs::write(&leftover, NAME).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert_eq!(err.code(), "passphrase_needed");
    assert!(!leftover.exists());
    let store = Store::open_with(&path, Unlock::Passphrase(PASS)).unwrap();
    assert_eq!(dump_string(store.conn(), None).unwrap(), before);
}

#[test]
fn a_second_connection_reopens_with_the_same_key_and_sees_the_same_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terrain.db");
    let (mut store, _) = Store::create_encrypted(&path, PASS).unwrap();
    write_canaries(&mut store);
    let other = store.reopen().unwrap();
    assert!(other.is_encrypted());
    assert_eq!(
        dump_string(other.conn(), None).unwrap(),
        dump_string(store.conn(), None).unwrap()
    );
    let read_only = terrain_core::store::open_read_only(&path, other_key(&store)).unwrap();
    let studies: i64 = read_only
        .query_row("SELECT count(*) FROM study", [], |r| r.get(0))
        .unwrap();
    assert_eq!(studies, 1);
    let err = terrain_core::store::open_read_only(&path, None).unwrap_err();
    assert_eq!(err.code(), "passphrase_needed");
}

fn other_key(store: &Store) -> Option<&terrain_core::store::DbKey> {
    match store.unlock() {
        Unlock::Key(k) => Some(k),
        _ => None,
    }
}

#[test]
fn the_apps_door_creates_locks_unlocks_recovers_and_converts() {
    use terrain_core::store::door::{Door, DoorState};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("terrain.db");

    // First start: nothing yet.
    let mut door = Door::at(&path);
    assert_eq!(door.status().state, DoorState::New);
    assert!(door.store().is_none());
    assert_eq!(
        door.create(Some("court")).unwrap_err().code(),
        "passphrase_too_short"
    );
    let words = door.create(Some(PASS)).unwrap().expect("recovery words");
    assert_eq!(door.status().state, DoorState::Open);
    assert!(door.status().encrypted);
    write_canaries(door.store().unwrap());
    let before = dump_string(door.store().unwrap().conn(), None).unwrap();
    door.set_idle_lock_minutes(5).unwrap();
    assert_eq!(door.status().idle_lock_minutes, 5);

    // Lock: the store and its key leave memory.
    door.lock().unwrap();
    assert_eq!(door.status().state, DoorState::Locked);
    assert!(door.store().is_none());
    assert_eq!(
        door.unlock("pas la bonne phrase").unwrap_err().code(),
        "wrong_passphrase"
    );
    assert_eq!(door.status().state, DoorState::Locked);
    door.unlock(PASS).unwrap();
    assert_eq!(
        dump_string(door.store().unwrap().conn(), None).unwrap(),
        before
    );

    // Changing the passphrase needs the current one.
    let err = door
        .change_passphrase("pas la bonne phrase", "une autre phrase")
        .unwrap_err();
    assert_eq!(err.code(), "wrong_passphrase");
    door.change_passphrase(PASS, "une autre phrase").unwrap();

    // A restart: the door is locked; forgotten passphrase, the recovery words and a new one.
    drop(door);
    let mut door = Door::at(&path);
    assert_eq!(door.status().state, DoorState::Locked);
    door.recover(words.as_str(), "la phrase retrouvée").unwrap();
    assert_eq!(door.status().idle_lock_minutes, 5);
    drop(door);
    let mut door = Door::at(&path);
    door.unlock("la phrase retrouvée").unwrap();

    // A plain store (demonstration) opens at once and converts on request.
    let plain = dir.path().join("plain").join("terrain.db");
    let mut door = Door::at(&plain);
    assert!(door.create(None).unwrap().is_none());
    assert_eq!(door.status().state, DoorState::Open);
    assert!(!door.status().encrypted);
    assert_eq!(door.lock().unwrap_err().code(), "not_encrypted");
    write_canaries(door.store().unwrap());
    let before = dump_string(door.store().unwrap().conn(), None).unwrap();
    drop(door);
    let mut door = Door::at(&plain);
    assert_eq!(door.status().state, DoorState::Open);
    door.encrypt(PASS).unwrap();
    assert!(door.status().encrypted);
    assert_eq!(
        dump_string(door.store().unwrap().conn(), None).unwrap(),
        before
    );
    assert_eq!(kind(&plain).unwrap(), Kind::Encrypted);
}
