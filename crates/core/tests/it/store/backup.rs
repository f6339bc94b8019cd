//! Backup and restore of the store on real files: a backup restored in a fresh data folder
//! gives the same dump (and a new device identity); a plain store's backup is encrypted; and
//! every bad backup (wrong passphrase, cut short, changed, not a backup, a newer format) is
//! refused with its code while the current store stays as it was and keeps working.

use std::path::{Path, PathBuf};

use serde_json::json;
use terrain_core::store::backup::{inspect, parse_head};
use terrain_core::store::door::{Door, DoorState};
use terrain_core::store::{kind, Kind, Unlock};
use terrain_core::sync::dump_string;
use terrain_core::{Entity, Store};

use crate::support::fields;

const PASS: &str = "la sauvegarde du lundi";
const NAME: &str = "Aminata Traoré-Canari";

fn write_person(store: &mut Store, name: &str) {
    store
        .write(|w| {
            let study = w.create(
                Entity::Study,
                &fields(json!({"title": "Étude sauvegardée", "start_date": "2025-01-06"})),
            )?;
            let session = w.create(
                Entity::Session,
                &fields(json!({"study_id": study, "session_type": "focus_group",
                    "date": "2025-03-12"})),
            )?;
            w.create(
                Entity::Participant,
                &fields(json!({"session_id": session, "sex": "female", "name": name})),
            )?;
            Ok(())
        })
        .unwrap();
}

fn dump(store: &Store) -> String {
    dump_string(store.conn(), None).unwrap()
}

/// A plain store with a study, a session and a named person, in `dir/name/terrain.db`.
fn plain_store(dir: &Path, name: &str) -> (PathBuf, Store) {
    let path = dir.join(name).join("terrain.db");
    let mut store = Store::open_in_dir(path.parent().unwrap()).unwrap();
    write_person(&mut store, NAME);
    (path, store)
}

/// A backup of a plain store under PASS, and the dump it holds.
fn a_backup(dir: &Path) -> (PathBuf, String) {
    let (_, store) = plain_store(dir, "source");
    let out = dir.join("sauvegarde.terrain-backup");
    let made = store.backup(&out, Some(PASS)).unwrap();
    assert!(made.recovery_words.is_some());
    assert_eq!(made.bytes, std::fs::metadata(&out).unwrap().len());
    (out, dump(&store))
}

fn code_of<T>(result: terrain_core::Result<T>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(e) => e.code().to_string(),
    }
}

/// The victim's store is as it was, every file of it, and still takes a write and a good
/// restore.
fn assert_intact(target: &Path, before: &str, files_before: &[(PathBuf, Vec<u8>)], good: &Path) {
    assert_eq!(files_of(target.parent().unwrap()), files_before);
    let mut store = Store::open(target).unwrap();
    assert_eq!(dump(&store), before);
    write_person(&mut store, "Après le refus");
    drop(store);
    let restored = Store::restore_backup(target, good, Unlock::Passphrase(PASS), true).unwrap();
    assert!(dump(&restored).contains(NAME));
}

/// Every file of a folder with its bytes, sorted by name.
fn files_of(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    files.sort();
    files
}

/// A victim: a plain store of its own, closed, with its dump and files.
fn victim(dir: &Path) -> (PathBuf, String, Vec<(PathBuf, Vec<u8>)>) {
    let (path, mut store) = plain_store(dir, "victim");
    write_person(&mut store, "Personne de la victime");
    let before = dump(&store);
    drop(store);
    let files = files_of(path.parent().unwrap());
    (path, before, files)
}

#[test]
fn a_backup_restored_in_a_fresh_folder_gives_the_same_dump_encrypted_under_a_new_identity() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = plain_store(dir.path(), "source");
    let out = dir.path().join("usb").join("sauvegarde.terrain-backup");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let made = store.backup(&out, Some(PASS)).unwrap();
    let words = made.recovery_words.unwrap();
    let before = dump(&store);
    let bytes = std::fs::read(&out).unwrap();
    assert!(!bytes.windows(NAME.len()).any(|w| w == NAME.as_bytes()));
    assert_eq!(
        inspect(&out).unwrap().schema_version,
        store.schema_version().unwrap()
    );

    // Another laptop: a fresh data folder.
    let fresh = dir.path().join("other").join("terrain.db");
    std::fs::create_dir_all(fresh.parent().unwrap()).unwrap();
    let mut restored =
        Store::restore_backup(&fresh, &out, Unlock::Passphrase(PASS), false).unwrap();
    assert_eq!(dump(&restored), before);
    assert!(restored.is_encrypted());
    assert_ne!(restored.node_id(), store.node_id());
    write_person(&mut restored, "Écrite après la restauration");
    drop(restored);
    // The restored store opens with the backup's passphrase, and with its recovery words.
    assert_eq!(kind(&fresh).unwrap(), Kind::Encrypted);
    drop(Store::open_with(&fresh, Unlock::Passphrase(PASS)).unwrap());
    let by_words = Store::open_with(&fresh, Unlock::Recovery(words.as_str())).unwrap();
    assert!(dump(&by_words).contains("Écrite après la restauration"));
    // Restored on the very laptop it was made on, over its own store: still a new identity,
    // since the laptop may have written and shared changes since the backup.
    write_person(&mut store, "Pas dans la sauvegarde");
    let old_id = store.node_id().to_string();
    drop(store);
    let again = Store::restore_backup(&path, &out, Unlock::Passphrase(PASS), true).unwrap();
    assert_eq!(dump(&again), before);
    assert_ne!(again.node_id(), old_id);
    let leftovers: Vec<_> = files_of(path.parent().unwrap())
        .into_iter()
        .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .filter(|n| n.contains("replaced") || n.contains("restoring") || n.contains("copy"))
        .collect();
    assert_eq!(leftovers, Vec::<String>::new());
}

#[test]
fn an_encrypted_stores_backup_opens_with_its_passphrase_or_its_recovery_words() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terrain.db");
    let (mut store, words) = Store::create_encrypted(&path, PASS).unwrap();
    write_person(&mut store, NAME);
    let out = dir.path().join("chiffree.terrain-backup");
    let made = store.backup(&out, None).unwrap();
    assert!(made.recovery_words.is_none());
    let before = dump(&store);
    for (i, unlock) in [Unlock::Passphrase(PASS), Unlock::Recovery(words.as_str())]
        .into_iter()
        .enumerate()
    {
        let fresh = dir.path().join(format!("fresh{i}")).join("terrain.db");
        std::fs::create_dir_all(fresh.parent().unwrap()).unwrap();
        let restored = Store::restore_backup(&fresh, &out, unlock, false).unwrap();
        assert_eq!(dump(&restored), before);
    }
}

#[test]
fn a_plain_stores_backup_needs_a_passphrase_and_is_never_written_over_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = plain_store(dir.path(), "source");
    let out = dir.path().join("b.terrain-backup");
    assert_eq!(
        code_of(store.backup(&out, None)),
        "backup_passphrase_needed"
    );
    assert_eq!(
        code_of(store.backup(&out, Some("court"))),
        "passphrase_too_short"
    );
    assert!(!out.exists());
    assert_eq!(
        code_of(store.backup(&path, Some(PASS))),
        "backup_over_store"
    );
    assert_eq!(
        code_of(store.backup(&dir.path().join("source/terrain.db.key"), Some(PASS))),
        "backup_over_store"
    );
    // A typed path never overwrites someone's document; an older backup there is replaced.
    let document = dir.path().join("rapport.docx");
    std::fs::write(&document, b"le rapport de mission").unwrap();
    assert_eq!(
        code_of(store.backup(&document, Some(PASS))),
        "backup_over_other_file"
    );
    assert_eq!(std::fs::read(&document).unwrap(), b"le rapport de mission");
    store.backup(&out, Some(PASS)).unwrap();
    let first = std::fs::read(&out).unwrap();
    store.backup(&out, Some(PASS)).unwrap();
    assert_ne!(std::fs::read(&out).unwrap(), first);
    assert_eq!(kind(&path).unwrap(), Kind::Plain);
    assert!(dump(&store).contains(NAME));
}

#[test]
fn a_wrong_passphrase_restores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (good, _) = a_backup(dir.path());
    let (target, before, files) = victim(dir.path());
    let wrong = Store::restore_backup(
        &target,
        &good,
        Unlock::Passphrase("pas la bonne phrase"),
        true,
    );
    assert_eq!(code_of(wrong), "wrong_passphrase");
    let words = "abaisser abandon abdiquer abeille abolir aborder aboutir aboyer abrasif abreuver abriter abroger";
    let wrong = Store::restore_backup(&target, &good, Unlock::Recovery(words), true);
    assert!(
        ["wrong_recovery_words", "bad_recovery_words"].contains(&code_of(wrong).as_str()),
        "recovery words of another key"
    );
    assert_intact(&target, &before, &files, &good);
}

#[test]
fn restoring_over_a_store_is_refused_unless_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let (good, _) = a_backup(dir.path());
    let (target, before, files) = victim(dir.path());
    let refused = Store::restore_backup(&target, &good, Unlock::Passphrase(PASS), false);
    assert_eq!(code_of(refused), "restore_would_replace");
    assert_intact(&target, &before, &files, &good);
}

#[test]
fn a_backup_cut_short_anywhere_is_refused_as_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let (good, _) = a_backup(dir.path());
    let bytes = std::fs::read(&good).unwrap();
    let (target, before, files) = victim(dir.path());
    let head_end = inspect(&good).unwrap().db_bytes;
    let len = bytes.len();
    for cut in [
        0,
        5,
        15,
        19,
        40,
        len - head_end as usize - 40,
        len / 2,
        len - 1,
    ] {
        let short = dir.path().join(format!("court-{cut}.terrain-backup"));
        std::fs::write(&short, &bytes[..cut]).unwrap();
        let refused = Store::restore_backup(&target, &short, Unlock::Passphrase(PASS), true);
        assert_eq!(code_of(refused), "backup_truncated", "cut at {cut}");
    }
    assert_intact(&target, &before, &files, &good);
}

#[test]
fn a_backup_changed_by_one_byte_or_lengthened_is_refused_as_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let (good, _) = a_backup(dir.path());
    let bytes = std::fs::read(&good).unwrap();
    let (target, before, files) = victim(dir.path());
    let len = bytes.len();
    let copy_start = len - 32 - inspect(&good).unwrap().db_bytes as usize;
    for at in [copy_start + 100, len / 2, len - 40, len - 1] {
        let mut changed = bytes.clone();
        changed[at] ^= 0x01;
        let path = dir.path().join(format!("change-{at}.terrain-backup"));
        std::fs::write(&path, &changed).unwrap();
        let refused = Store::restore_backup(&target, &path, Unlock::Passphrase(PASS), true);
        assert_eq!(code_of(refused), "backup_damaged", "byte {at}");
    }
    let mut longer = bytes.clone();
    longer.extend_from_slice(b"encore");
    let path = dir.path().join("longer.terrain-backup");
    std::fs::write(&path, &longer).unwrap();
    let refused = Store::restore_backup(&target, &path, Unlock::Passphrase(PASS), true);
    assert_eq!(code_of(refused), "backup_damaged");
    assert_intact(&target, &before, &files, &good);
}

#[test]
fn a_forged_backup_under_the_same_passphrase_is_refused_by_its_check() {
    // Whoever knows a backup's passphrase but not the key it unwraps cannot make a copy it
    // opens: the same head over another store's copy fails the check.
    let dir = tempfile::tempdir().unwrap();
    let (good, _) = a_backup(dir.path());
    let (_, other) = plain_store(dir.path(), "other");
    let other_out = dir.path().join("other.terrain-backup");
    other.backup(&other_out, Some(PASS)).unwrap();
    let good_bytes = std::fs::read(&good).unwrap();
    let other_bytes = std::fs::read(&other_out).unwrap();
    let good_copy = inspect(&good).unwrap().db_bytes as usize;
    let other_copy = inspect(&other_out).unwrap().db_bytes as usize;
    // The good file's head, then the other's copy and check (same sizes: same schema and data).
    assert_eq!(good_copy, other_copy);
    let split = good_bytes.len() - good_copy - 32;
    let mut forged = good_bytes[..split].to_vec();
    forged.extend_from_slice(&other_bytes[other_bytes.len() - other_copy - 32..]);
    let path = dir.path().join("forged.terrain-backup");
    std::fs::write(&path, &forged).unwrap();
    let (target, before, files) = victim(dir.path());
    let refused = Store::restore_backup(&target, &path, Unlock::Passphrase(PASS), true);
    assert_eq!(code_of(refused), "backup_damaged");
    assert_intact(&target, &before, &files, &good);
}

#[test]
fn what_is_not_a_backup_or_of_a_newer_format_is_refused_by_code() {
    let dir = tempfile::tempdir().unwrap();
    let (good, _) = a_backup(dir.path());
    let bytes = std::fs::read(&good).unwrap();
    let (target, before, files) = victim(dir.path());
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "backup_not_a_backup",
            b"SQLite format 3\0 and more bytes".to_vec(),
        ),
        ("backup_not_a_backup", std::fs::read(&target).unwrap()),
        ("backup_unknown_version", {
            let mut b = bytes.clone();
            b[15] = 2;
            b
        }),
        ("backup_damaged", {
            let mut b = bytes.clone();
            b[16..20].copy_from_slice(&u32::MAX.to_be_bytes());
            b
        }),
        ("backup_damaged", {
            let mut b = bytes.clone();
            b[20] = b'[';
            b
        }),
    ];
    for (i, (code, content)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("case-{i}"));
        std::fs::write(&path, &content).unwrap();
        let refused = Store::restore_backup(&target, &path, Unlock::Passphrase(PASS), true);
        assert_eq!(code_of(refused), code, "case {i}");
    }
    assert_intact(&target, &before, &files, &good);
}

#[test]
fn a_head_claiming_an_absurd_length_is_refused_without_reading_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let (good, _) = a_backup(dir.path());
    let bytes = std::fs::read(&good).unwrap();
    let head_len = u32::from_be_bytes(bytes[16..20].try_into().unwrap()) as usize;
    let mut head: serde_json::Value = serde_json::from_slice(&bytes[20..20 + head_len]).unwrap();
    for (db_bytes, code) in [
        (u64::MAX - 10, "backup_damaged"),
        (1u64 << 40, "backup_truncated"),
        (3, "backup_damaged"),
    ] {
        head["db_bytes"] = json!(db_bytes);
        let text = serde_json::to_vec(&head).unwrap();
        let mut file = bytes[..16].to_vec();
        file.extend_from_slice(&(text.len() as u32).to_be_bytes());
        file.extend_from_slice(&text);
        let refused = parse_head(&file, file.len() as u64).err().unwrap();
        assert_eq!(refused.code(), code, "{db_bytes}");
    }
    head["key_file"]["format"] = json!("terrain-key/9");
    let text = serde_json::to_vec(&head).unwrap();
    let mut file = bytes[..16].to_vec();
    file.extend_from_slice(&(text.len() as u32).to_be_bytes());
    file.extend_from_slice(&text);
    assert_eq!(
        parse_head(&file, u64::MAX).err().unwrap().code(),
        "key_file_damaged"
    );
}

#[test]
fn a_restore_cut_short_leaves_the_old_store_or_the_restored_one() {
    let dir = tempfile::tempdir().unwrap();
    let (good, restored_dump) = a_backup(dir.path());
    let (target, before, _) = victim(dir.path());
    let data = target.parent().unwrap();
    let named = |n: &str| data.join(n);

    // Killed after the old store went aside, before the restored one took its name.
    std::fs::rename(&target, named("terrain.db.replaced")).unwrap();
    std::fs::write(named("terrain.db.restoring"), b"half a copy").unwrap();
    let store = Store::open(&target).unwrap();
    assert_eq!(dump(&store), before);
    drop(store);
    assert!(!named("terrain.db.replaced").exists());
    assert!(!named("terrain.db.restoring").exists());

    // Killed after the restored one took its name, before the old one was removed.
    let restored = Store::restore_backup(&target, &good, Unlock::Passphrase(PASS), true).unwrap();
    drop(restored);
    std::fs::write(named("terrain.db.replaced"), b"the old store").unwrap();
    let door = Door::at(&target);
    assert!(!named("terrain.db.replaced").exists());
    drop(door);
    let store = Store::open_with(&target, Unlock::Passphrase(PASS)).unwrap();
    assert_eq!(dump(&store), restored_dump);
}

#[test]
fn the_apps_door_restores_over_the_open_store_or_keeps_it_open_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let (good, restored_dump) = a_backup(dir.path());
    let (target, before, _) = victim(dir.path());
    let mut door = Door::at(&target);
    let refused = door.restore(&good, "pas la bonne phrase", false);
    assert_eq!(code_of(refused), "wrong_passphrase");
    let store = door.store().unwrap();
    assert_eq!(dump(store), before);
    write_person(store, "Toujours ouverte");
    door.restore(&good, PASS, false).unwrap();
    let store = door.store().unwrap();
    assert_eq!(dump(store), restored_dump);
    assert!(store.is_encrypted());
    // A new laptop: its data folder does not exist yet; the first screen restores into it.
    let new = dir.path().join("nouveau").join("data").join("terrain.db");
    let mut door = Door::at(&new);
    assert_eq!(door.status().state, DoorState::New);
    door.restore(&good, PASS, false).unwrap();
    assert_eq!(dump(door.store().unwrap()), restored_dump);
    assert_eq!(door.status().state, DoorState::Open);
    // A locked store is not replaced by whoever cannot open it.
    let locked = dir.path().join("locked").join("terrain.db");
    std::fs::create_dir_all(locked.parent().unwrap()).unwrap();
    drop(Store::create_encrypted(&locked, "une autre phrase de passe").unwrap());
    let files = files_of(locked.parent().unwrap());
    let mut door = Door::at(&locked);
    assert_eq!(door.status().state, DoorState::Locked);
    assert_eq!(
        code_of(door.restore(&good, PASS, false)),
        "passphrase_needed"
    );
    assert_eq!(files_of(locked.parent().unwrap()), files);
    // The door's backup of a plain store asks a passphrase of its own.
    let (plain, _) = plain_store(dir.path(), "plain");
    let mut door = Door::at(&plain);
    let out = dir.path().join("porte.terrain-backup");
    assert_eq!(code_of(door.backup(&out, None)), "backup_passphrase_needed");
    assert!(door
        .backup(&out, Some(PASS))
        .unwrap()
        .recovery_words
        .is_some());
}

/// Writes the `backup_head` fuzz target's seeds (docs/fuzzing.md): the head of a real backup
/// of a plain store and of an encrypted one, each followed by a small copy and a check so that
/// the whole head parses (the fuzzer starts past the length checks).
#[test]
#[ignore = "writes fuzz/corpus/backup_head; run by hand after a format change"]
fn write_the_backup_head_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/backup_head");
    std::fs::create_dir_all(&corpus).unwrap();
    let (plain, _) = a_backup(dir.path());
    let encrypted = dir.path().join("encrypted.terrain-backup");
    let (store, _) = Store::create_encrypted(&dir.path().join("e.db"), PASS).unwrap();
    store.backup(&encrypted, None).unwrap();
    for (name, file) in [("plain-store", plain), ("encrypted-store", encrypted)] {
        let bytes = std::fs::read(&file).unwrap();
        let head_len = u32::from_be_bytes(bytes[16..20].try_into().unwrap()) as usize;
        let mut head: serde_json::Value =
            serde_json::from_slice(&bytes[20..20 + head_len]).unwrap();
        head["db_bytes"] = json!(512);
        let text = serde_json::to_vec(&head).unwrap();
        let mut seed = bytes[..16].to_vec();
        seed.extend_from_slice(&(text.len() as u32).to_be_bytes());
        seed.extend_from_slice(&text);
        seed.extend_from_slice(&[0u8; 512 + 32]);
        assert!(parse_head(&seed, seed.len() as u64).is_ok());
        std::fs::write(corpus.join(format!("{name}.bin")), &seed).unwrap();
    }
}
