//! `terrain init`, `encrypt` and `passphrase change` on real files: the passphrase from a file
//! or the environment, a wrong one refused with nothing changed, and SIGKILL at any moment of a
//! passphrase change or of a conversion leaving a store that opens, with all its data.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::{cmd, dump, json, ok, refused};

const PASS: &str = "la pluie tombe sur Mopti";
const NAME: &str = "Fatoumata Canari-Diallo";

fn secret_file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    // A line end, as an editor leaves it: not part of the passphrase.
    std::fs::write(&path, format!("{text}\n")).unwrap();
    path.to_str().unwrap().to_string()
}

/// `terrain` with the passphrase in TERRAIN_PASSPHRASE.
fn with_pass(db: &Path, pass: &str, args: &[&str]) -> std::process::Output {
    cmd(db)
        .env("TERRAIN_PASSPHRASE", pass)
        .args(args)
        .output()
        .unwrap()
}

fn stdout(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn write_canary(db: &Path, pass: &str) {
    let study = stdout(&with_pass(
        db,
        pass,
        &["record", "new", "study", "title=Étude canari"],
    ))
    .trim()
    .to_string();
    let session = stdout(&with_pass(
        db,
        pass,
        &[
            "record",
            "new",
            "session",
            &format!("study_id={study}"),
            "session_type=individual_interview",
            "date=2025-04-02",
        ],
    ))
    .trim()
    .to_string();
    stdout(&with_pass(
        db,
        pass,
        &[
            "record",
            "new",
            "participant",
            &format!("session_id={session}"),
            "sex=female",
            &format!("name={NAME}"),
        ],
    ));
}

fn in_clear(dir: &Path, needle: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .filter(|p| {
            let bytes = std::fs::read(p).unwrap();
            bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
        })
        .map(|p| p.display().to_string())
        .collect()
}

#[test]
fn init_makes_an_encrypted_store_that_opens_only_with_its_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("field.db");
    let pass_file = secret_file(dir.path(), "pass.txt", PASS);

    // Without a passphrase, init refuses; with one too short, too.
    assert!(refused(&db, &["init"]).contains("[passphrase_needed]"));
    let short = secret_file(dir.path(), "short.txt", "court");
    assert!(refused(&db, &["--passphrase-file", &short, "init"]).contains("[passphrase_too_short]"));
    assert!(!db.exists());

    let out = ok(&db, &["--passphrase-file", &pass_file, "init"]);
    let words = out.lines().last().unwrap();
    assert_eq!(words.split(' ').count(), 12, "{out}");
    assert!(refused(&db, &["--passphrase-file", &pass_file, "init"]).contains("[store_exists]"));

    let info = json(&db, &["--passphrase-file", &pass_file, "info", "--json"]);
    assert_eq!(info["encrypted"], true);
    write_canary(&db, PASS);
    assert_eq!(in_clear(dir.path(), NAME), Vec::<String>::new());

    // Without the passphrase, or with a wrong one: refused by name, nothing changed.
    let before = std::fs::read(&db).unwrap();
    assert!(refused(&db, &["info"]).contains("[passphrase_needed]"));
    let wrong = with_pass(&db, "la pluie tombe sur Gao", &["info"]);
    assert!(!wrong.status.success());
    let err = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        err.contains("[wrong_passphrase]") && err.contains("intact"),
        "{err}"
    );
    assert!(std::fs::read(&db).unwrap() == before);
    // A passphrase given for a store that is not there does not make a plain one.
    let elsewhere = dir.path().join("nothing.db");
    assert!(with_pass(&elsewhere, PASS, &["info"]).status.code() == Some(1));
    assert!(!elsewhere.exists());

    // The recovery words open it, from a file, typed without accents.
    let words_file = secret_file(
        dir.path(),
        "words.txt",
        &terrain_core::store::words::fold(words),
    );
    let dumped = ok(&db, &["--recovery-file", &words_file, "dump", "--json"]);
    assert!(dumped.contains(NAME));

    // A store made without a passphrase says so.
    let plain = dir.path().join("plain.db");
    assert_eq!(json(&plain, &["info", "--json"])["encrypted"], false);
}

#[test]
fn encrypt_converts_a_plain_store_in_place_keeping_everything() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("field.db");
    write_canary(&db, "");
    let before = dump(&db);
    assert!(!in_clear(dir.path(), NAME).is_empty());

    let pass_file = secret_file(dir.path(), "pass.txt", PASS);
    let out = ok(&db, &["--passphrase-file", &pass_file, "encrypt"]);
    assert_eq!(out.lines().last().unwrap().split(' ').count(), 12);
    assert_eq!(in_clear(dir.path(), NAME), Vec::<String>::new());
    assert_eq!(stdout(&with_pass(&db, PASS, &["dump", "--json"])), before);
    assert!(
        refused(&db, &["--passphrase-file", &pass_file, "encrypt"]).contains("[already_encrypted]")
    );
}

/// Starts `terrain` with `args`, kills it with SIGKILL after `after`, and waits for it.
fn killed_after(db: &Path, pass: &str, args: &[&str], after: Duration) -> bool {
    let mut child = cmd(db)
        .env("TERRAIN_PASSPHRASE", pass)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while start.elapsed() < after {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    true
}

#[test]
fn a_passphrase_change_killed_at_any_moment_leaves_the_old_or_the_new_passphrase_working() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("field.db");
    let pass_file = secret_file(dir.path(), "pass.txt", PASS);
    ok(&db, &["--passphrase-file", &pass_file, "init"]);
    write_canary(&db, PASS);
    let before = stdout(&with_pass(&db, PASS, &["dump", "--json"]));

    // The change takes two Argon2id runs: timed once whole, then killed at points spread over
    // that time, so kills land before, inside and after the key file's rewrite whatever the
    // machine's speed.
    let whole = Instant::now();
    let first = secret_file(dir.path(), "first.txt", "une toute nouvelle phrase");
    stdout(&with_pass(
        &db,
        PASS,
        &["passphrase", "change", "--new-passphrase-file", &first],
    ));
    let took = whole.elapsed();
    let mut current = "une toute nouvelle phrase".to_string();
    let mut killed = 0;
    for tenth in [1u32, 2, 4, 5, 6, 7, 8, 9] {
        let ms = (took * tenth / 10).as_millis() as u64;
        let other = if current == PASS {
            "une toute nouvelle phrase"
        } else {
            PASS
        };
        let new_for_this = secret_file(dir.path(), "next.txt", other);
        let args = [
            "passphrase",
            "change",
            "--new-passphrase-file",
            &new_for_this,
        ];
        if killed_after(&db, &current, &args, Duration::from_millis(ms)) {
            killed += 1;
        }
        // Exactly one of the two opens the store, with all its data.
        let old_opens = with_pass(&db, &current, &["dump", "--json"]);
        let new_opens = with_pass(&db, other, &["dump", "--json"]);
        assert!(
            old_opens.status.success() != new_opens.status.success(),
            "after {ms} ms: old {} new {}",
            old_opens.status,
            new_opens.status
        );
        let opened = if old_opens.status.success() {
            old_opens
        } else {
            current = other.to_string();
            new_opens
        };
        assert_eq!(String::from_utf8(opened.stdout).unwrap(), before);
    }
    assert!(killed >= 3, "only {killed} runs were killed");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    // A killed rewrite may leave its temporary file; the next open removes it.
    assert_eq!(leftovers, Vec::<String>::new());
}

#[test]
fn a_conversion_killed_at_any_moment_leaves_a_store_that_opens_with_all_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("field.db");
    write_canary(&db, "");
    let before = dump(&db);
    let pass_file = secret_file(dir.path(), "pass.txt", PASS);
    for ms in [20u64, 200, 600, 1000, 1500, 2500] {
        killed_after(
            &db,
            PASS,
            &["--passphrase-file", &pass_file, "encrypt"],
            Duration::from_millis(ms),
        );
        let plain = cmd(&db).args(["dump", "--json"]).output().unwrap();
        let encrypted = with_pass(&db, PASS, &["dump", "--json"]);
        let opened = if plain.status.success() {
            plain
        } else {
            encrypted
        };
        assert!(opened.status.success(), "after {ms} ms");
        assert_eq!(
            String::from_utf8(opened.stdout).unwrap(),
            before,
            "after {ms} ms"
        );
        if terrain_core::store::kind(&db).unwrap() == terrain_core::store::Kind::Encrypted {
            assert_eq!(
                in_clear(dir.path(), NAME),
                Vec::<String>::new(),
                "after {ms} ms"
            );
            return;
        }
    }
    // No kill landed after the rename: finish it and check the end state.
    ok(&db, &["--passphrase-file", &pass_file, "encrypt"]);
    assert_eq!(in_clear(dir.path(), NAME), Vec::<String>::new());
}
