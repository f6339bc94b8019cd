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

/// Every file under `dir` (a data folder, a stick), with its bytes.
fn files_under(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            let bytes = std::fs::read(&path).unwrap();
            out.push((path, bytes));
        }
    }
    out
}

/// The closing scenario: a field laptop (encrypted store, a study sealed to
/// headquarters) is seized with its USB stick, which holds a bundle, a join file and an
/// anonymised export. Its disk and the stick, copied, hold no participant's name or phone, no
/// note, no finding and no study key to whoever lacks the passphrase and the one-time code.
#[test]
fn a_seized_laptop_and_its_stick_reveal_no_name_phone_note_finding_or_study_key() {
    let root = tempfile::tempdir().unwrap();
    let (hq_dir, field_dir, stick) = (
        root.path().join("hq"),
        root.path().join("field"),
        root.path().join("stick"),
    );
    for d in [&hq_dir, &field_dir, &stick] {
        std::fs::create_dir(d).unwrap();
    }
    let (hq, field) = (hq_dir.join("terrain.db"), field_dir.join("terrain.db"));
    let pass = secret_file(root.path(), "pass.txt", PASS);
    let as_field = |args: &[&str]| {
        let mut all = vec!["--passphrase-file", pass.as_str()];
        all.extend_from_slice(args);
        ok(&field, &all)
    };
    ok(&hq, &["--passphrase-file", &pass, "init"]);
    let hq_key = root.path().join("hq.pub");
    ok(
        &hq,
        &[
            "--passphrase-file",
            &pass,
            "hq",
            "keygen",
            "--out",
            hq_key.to_str().unwrap(),
        ],
    );

    as_field(&["init"]);
    let study = as_field(&["record", "new", "study", "title=Étude canari de Kidal"])
        .trim()
        .to_string();
    as_field(&["study", "set-hq-key", &study, hq_key.to_str().unwrap()]);
    let session = as_field(&[
        "record",
        "new",
        "session",
        &format!("study_id={study}"),
        "session_type=focus_group",
        "date=2025-04-02",
        "notes=Les FAMa rackettent au poste de Canari-Anefis",
    ])
    .trim()
    .to_string();
    for (name, phone) in [
        (NAME, "+223 70 11 22 33"),
        ("Aïssata Canari-Maïga", "+223 66 44 55 66"),
    ] {
        as_field(&[
            "record",
            "new",
            "participant",
            &format!("session_id={session}"),
            "sex=female",
            &format!("name={name}"),
            &format!("phone={phone}"),
        ]);
    }
    as_field(&[
        "record",
        "new",
        "finding",
        &format!("session_id={session}"),
        "theme=sécurité",
        "text=Le convoi canari est attaqué chaque jeudi",
    ]);

    // What goes on the stick: a bundle, a join file, an anonymised export.
    as_field(&[
        "bundle",
        "export",
        "--study",
        &study,
        "--full",
        "--out",
        stick.to_str().unwrap(),
    ]);
    let invited = as_field(&["study", "invite", &study, "--out", stick.to_str().unwrap()]);
    let code = invited.lines().last().unwrap().to_string();
    as_field(&[
        "export",
        "csv",
        "--anonymised",
        "--min-cell",
        "3",
        "--quiet",
        "--out",
        stick.join("partage").to_str().unwrap(),
    ]);

    // (The study's title is meant to be shared: an anonymised export shows it. It is in no
    // file name, and nowhere else in clear: the store is encrypted, bundles are sealed.)
    // The study key, read the only way there is: with the passphrase.
    let key: Vec<u8> = {
        let store =
            terrain_core::Store::open_with(&field, terrain_core::store::Unlock::Passphrase(PASS))
                .unwrap();
        store
            .conn()
            .query_row("SELECT key FROM study_key_versions", [], |r| r.get(0))
            .unwrap()
    };
    use base64::Engine;
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let mut secrets: Vec<(String, Vec<u8>)> = [
        NAME,
        "Aïssata Canari-Maïga",
        "+223 70 11 22 33",
        "+223 66 44 55 66",
        "Canari-Anefis",
        "convoi canari",
    ]
    .iter()
    .map(|s| (s.to_string(), s.as_bytes().to_vec()))
    .collect();
    secrets.push(("study key".into(), key.clone()));
    secrets.push((
        "study key, base64".into(),
        base64::engine::general_purpose::STANDARD
            .encode(&key)
            .into_bytes(),
    ));
    secrets.push(("study key, hex".into(), hex.into_bytes()));

    let seized: Vec<_> = files_under(&field_dir)
        .into_iter()
        .chain(files_under(&stick))
        .collect();
    assert!(
        seized.len() >= 5,
        "{:?}",
        seized.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    let mut found = Vec::new();
    for (path, bytes) in &seized {
        for (what, needle) in &secrets {
            if bytes.windows(needle.len()).any(|w| w == needle.as_slice()) {
                found.push(format!("{what} in {}", path.display()));
            }
        }
        // No file name on the stick tells the study or a person.
        let name = path.file_name().unwrap().to_string_lossy().to_lowercase();
        assert!(
            !name.contains("canari") && !name.contains("kidal"),
            "{name}"
        );
    }
    assert_eq!(found, Vec::<String>::new());
    // The search finds what is there: the study's title, which the anonymised export shares.
    let title = "Étude canari de Kidal".as_bytes();
    assert!(seized
        .iter()
        .any(|(_, bytes)| bytes.windows(title.len()).any(|w| w == title)));

    // With the code, the join file does open (the test can fail): a new laptop joins.
    let joiner = root.path().join("joiner.db");
    let join_file = std::fs::read_dir(&stick)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .unwrap();
    ok(
        &joiner,
        &[
            "study",
            "join",
            join_file.to_str().unwrap(),
            "--code",
            &code,
        ],
    );
}
