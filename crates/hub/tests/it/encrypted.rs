//! A hub whose store is encrypted at rest: shared from the app (its unlocked store's key goes
//! to the hub's own connections) and run alone as `terrain-hub --passphrase-file`. Laptops
//! sync through it as through any hub, and its files hold none of what they sent in clear.

use serde_json::json;
use terrain_core::{Entity, Store};
use terrain_hub::LocalHub;

use crate::support::{dump, fields, join, new_session, new_study, sync, HubProcess, Lab};

const PASS: &str = "le hub de Bamako est chiffré";
const NAME: &str = "Awa Canari-Traoré";

fn in_clear(dir: &std::path::Path, needle: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .filter(|p| {
            std::fs::read(p)
                .expect("read")
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
        })
        .map(|p| p.display().to_string())
        .collect()
}

/// A laptop with a named participant in a study, and the study's join text.
fn laptop(lab: &Lab) -> (Store, terrain_core::sync::Invitation) {
    let mut laptop = lab.store("laptop");
    let (study, invite) = new_study(&mut laptop, "Mopti");
    let session = new_session(&mut laptop, &study, "séance");
    let line = fields(&[
        ("session_id", json!(session)),
        ("sex", json!("female")),
        ("name", json!(NAME)),
    ]);
    laptop
        .create(Entity::Participant, &line)
        .expect("participant");
    (laptop, invite)
}

#[test]
fn a_shared_laptop_with_an_encrypted_store_serves_and_keeps_nothing_in_clear() {
    let lab = Lab::new();
    let (mut laptop, invite) = laptop(&lab);
    let hub_dir = lab.dir.path().join("hub");
    std::fs::create_dir(&hub_dir).expect("dir");
    let (hub_store, _) = Store::create_encrypted(&hub_dir.join("hub.db"), PASS).expect("hub");
    join(&hub_store, &invite);
    let hub = LocalHub::start(hub_store.file(), "127.0.0.1:0").expect("hub starts");
    let url = hub.info.urls[0].clone();
    sync(&mut laptop, &url, Some(&hub.info.join_code)).expect("sync");
    hub.stop().expect("stop");

    assert_eq!(dump(&hub_store), dump(&laptop));
    drop(hub_store);
    assert_eq!(in_clear(&hub_dir, NAME), Vec::<String>::new());
}

#[test]
fn terrain_hub_opens_its_encrypted_store_with_a_passphrase_file_and_refuses_without() {
    let lab = Lab::new();
    let (mut laptop, invite) = laptop(&lab);
    let hub_dir = lab.dir.path().join("hub");
    std::fs::create_dir(&hub_dir).expect("dir");
    let db = hub_dir.join("hub.db");
    let (hub_store, _) = Store::create_encrypted(&db, PASS).expect("hub");
    join(&hub_store, &invite);
    drop(hub_store);
    let pass_file = lab.dir.path().join("pass.txt");
    std::fs::write(&pass_file, format!("{PASS}\n")).expect("pass");

    // Without its passphrase the hub does not start, and says why.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_terrain-hub"))
        .args(["--db", &db.to_string_lossy(), "--listen", "127.0.0.1:0"])
        .env_remove("TERRAIN_PASSPHRASE")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("[passphrase_needed]"));

    let hub = HubProcess::start(&db, &["--passphrase-file", &pass_file.to_string_lossy()]);
    sync(&mut laptop, &hub.url, Some(&hub.join_code)).expect("sync");
    drop(hub);
    let reopened =
        Store::open_with(&db, terrain_core::store::Unlock::Passphrase(PASS)).expect("open");
    assert_eq!(dump(&reopened), dump(&laptop));
    drop(reopened);
    assert_eq!(in_clear(&hub_dir, NAME), Vec::<String>::new());
}
