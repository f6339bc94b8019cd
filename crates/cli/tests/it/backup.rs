//! `terrain backup` and `terrain restore` on real files: a plain store's backup is encrypted
//! under the passphrase given and restores elsewhere with the same dump; the recovery words
//! open it too; a restore over a store needs --replace; a cut backup is refused by code and the
//! store here is left as it was.

use std::path::Path;

use crate::support::{cmd, dump, node_id, ok, refused};

const PASS: &str = "la sauvegarde de Kayes";

fn with_pass(db: &Path, args: &[&str]) -> std::process::Output {
    cmd(db)
        .env("TERRAIN_PASSPHRASE", PASS)
        .args(args)
        .output()
        .unwrap()
}

fn success(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_backup_restores_on_another_laptop_and_bad_ones_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a").join("terrain.db");
    ok(&db, &["record", "new", "study", "title=Étude de Kayes"]);
    let before = dump(&db);
    let out = dir.path().join("kayes.terrain-backup");
    let out_arg = out.to_str().unwrap();

    // A plain store's backup without a passphrase is refused: it would be readable.
    let err = refused(&db, &["backup", "--out", out_arg]);
    assert!(err.contains("[backup_passphrase_needed]"), "{err}");
    assert!(!out.exists());
    let printed = success(with_pass(&db, &["backup", "--out", out_arg]));
    let words = printed.trim_end().lines().last().unwrap().to_string();
    assert_eq!(words.split(' ').count(), 12, "{printed}");

    // Another laptop: the backup, with its passphrase, gives the same dump.
    let other = dir.path().join("b").join("terrain.db");
    let printed = success(with_pass(&other, &["restore", out_arg]));
    assert!(printed.contains("new device identity"), "{printed}");
    let restored = success(with_pass(&other, &["dump", "--json"]));
    assert_eq!(restored, before);

    // With the recovery words instead, in a third place.
    let third = dir.path().join("c").join("terrain.db");
    let words_file = dir.path().join("mots.txt");
    std::fs::write(&words_file, format!("{words}\n")).unwrap();
    let by_words = cmd(&third)
        .arg("--recovery-file")
        .arg(&words_file)
        .args(["restore", out_arg])
        .output()
        .unwrap();
    success(by_words);

    // Over the store here: refused without --replace, refused when cut short; the store is
    // unchanged and still takes a write.
    let id = node_id(&db);
    let err = String::from_utf8(with_pass(&db, &["restore", out_arg]).stderr).unwrap();
    assert!(err.contains("[restore_would_replace]"), "{err}");
    let bytes = std::fs::read(&out).unwrap();
    let cut = dir.path().join("cut.terrain-backup");
    std::fs::write(&cut, &bytes[..bytes.len() - 100]).unwrap();
    let err =
        String::from_utf8(with_pass(&db, &["restore", cut.to_str().unwrap(), "--replace"]).stderr)
            .unwrap();
    assert!(err.contains("[backup_truncated]"), "{err}");
    assert_eq!(dump(&db), before);
    assert_eq!(node_id(&db), id);
    ok(&db, &["record", "new", "study", "title=Après le refus"]);

    // Confirmed: the backup replaces it, under a new identity.
    success(with_pass(&db, &["restore", out_arg, "--replace"]));
    assert_eq!(success(with_pass(&db, &["dump", "--json"])), before);
    let info = success(with_pass(&db, &["info", "--json"]));
    assert!(!info.contains(&id), "{info}");
}
