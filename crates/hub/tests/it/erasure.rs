//! Erasure after consent is withdrawn, across real replicas (docs/design/protection.md,
//! section 5): a coordinator erases a participant on laptop A; B gets it by bundle, C and a
//! late-comer D through a hub on 127.0.0.1 (D receives the erased changes fresh, so it verifies
//! A's segments from the commitments alone, as the hub relays them). Then the bytes of every
//! database file (and its -wal and -shm), and of every bundle written after the erasure, hold
//! neither the person's name nor phone number; a later change of A still reaches everyone.
//! And a relay that strips a value (a member passing on a change of a person nobody erased as
//! its commitment alone) blanks nothing on the hub nor on the laptops the hub passes it to.

use std::path::{Path, PathBuf};

use rusqlite::types::Value as SqlValue;
use serde_json::json;
use terrain_core::changes::Cover;
use terrain_core::read::history;
use terrain_core::sync::bundle::{self, ExportTarget};
use terrain_core::{Entity, Store};

use crate::support::{dump, fields, join, new_session, new_study, start_hub, sync, Lab};

const NAME: &str = "Kadiatou Canari-Zerbo";
const PHONE: &str = "+22376540321";
const OTHER_PHONE: &str = "+22366990011";
const INSTITUTION: &str = "Radio Canari de Mopti";
/// A participant not erased: found in the files, so the search itself works.
const WITNESS: &str = "Awa Témoin-Sangaré";

fn files_of(db: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", db.display())))
        .filter(|p| p.exists())
        .collect()
}

/// The files among `paths` whose bytes contain `needle`.
fn holding(paths: &[PathBuf], needle: &str) -> Vec<PathBuf> {
    paths
        .iter()
        .filter(|p| {
            let bytes = std::fs::read(p).expect("read file");
            bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
        })
        .cloned()
        .collect()
}

fn bundle_to(from: &Store, to: &mut Store, study: &str, path: &Path) {
    let target = ExportTarget::For(to.node_id().to_string());
    bundle::export_bundle(from, study, &target, path, &mut |_| {}).expect("export");
    bundle::import_bundle(to, path, &mut |_| {}).expect("import");
}

fn participant(store: &Store, id: &str) -> serde_json::Value {
    terrain_core::read::get(store.conn(), Entity::Participant, id)
        .expect("participant")
        .to_flat_json()
}

#[test]
fn an_erasure_reaches_every_replica_by_bundle_and_hub_and_leaves_no_value_in_any_file() {
    let lab = Lab::new();
    let mut a = lab.store("a");
    let (study, invite) = new_study(&mut a, "Mopti");
    let session = new_session(&mut a, &study, "Sévaré");
    let person = a
        .create(
            Entity::Participant,
            &fields(&[
                ("session_id", json!(session)),
                ("sex", json!("female")),
                ("age", json!(34)),
                ("name", json!(NAME)),
                ("phone", json!(PHONE)),
                ("institution", json!(INSTITUTION)),
            ]),
        )
        .expect("participant");
    a.create(
        Entity::Participant,
        &fields(&[
            ("session_id", json!(session)),
            ("sex", json!("female")),
            ("name", json!(WITNESS)),
        ]),
    )
    .expect("witness");
    let mut b = lab.store("b");
    let hub_store = lab.store("hub");
    let mut c = lab.store("c");
    for s in [&b, &hub_store, &c] {
        join(s, &invite);
    }
    drop(hub_store);
    let before = lab.dir.path().join("before.bundle");
    bundle_to(&a, &mut b, &study, &before);
    let hub = start_hub(&lab.path("hub"));
    let (url, code) = (hub.info.url.clone(), hub.info.join_code.clone());
    sync(&mut a, &url, Some(&code)).expect("a → hub");
    sync(&mut c, &url, Some(&code)).expect("hub → c");
    assert_eq!(participant(&c, &person)["phone"], json!(PHONE));
    // B changes the phone number while A, unaware, erases the person: B's change reaches A
    // after the erasure, and a conflict on the name leaves a copy in A's conflict log first.
    b.update(
        Entity::Participant,
        &person,
        &fields(&[("phone", json!(OTHER_PHONE)), ("name", json!("K. Canari"))]),
    )
    .expect("b edits");
    a.update(
        Entity::Participant,
        &person,
        &fields(&[("name", json!("Kadiatou C."))]),
    )
    .expect("a edits");
    let crossing = lab.dir.path().join("crossing.bundle");
    let target = ExportTarget::For(a.node_id().to_string());
    bundle::export_bundle(&b, &study, &target, &crossing, &mut |_| {}).expect("b exports");

    a.erase_participant(&person, "consentement retiré le 3 mars")
        .expect("erase");
    bundle::import_bundle(&mut a, &crossing, &mut |_| {}).expect("late change imports");
    let erased = participant(&a, &person);
    for f in ["name", "phone", "age", "institution"] {
        assert_eq!(erased[f], json!(null), "{f} on A");
    }
    assert_eq!(erased["sex"], json!("female"));
    assert_eq!(
        erased["erased_reason"],
        json!("consentement retiré le 3 mars")
    );

    // By bundle to B, through the hub to C, and to D that joins only now.
    let after = lab.dir.path().join("after.bundle");
    bundle_to(&a, &mut b, &study, &after);
    sync(&mut a, &url, None).expect("a → hub");
    sync(&mut c, &url, None).expect("hub → c");
    let mut d = lab.store("d");
    join(&d, &invite);
    sync(&mut d, &url, Some(&code)).expect("hub → d");
    let to_d = lab.dir.path().join("to-d.bundle");
    let target = ExportTarget::For(d.node_id().to_string());
    bundle::export_bundle(&c, &study, &target, &to_d, &mut |_| {}).expect("c exports");
    bundle::import_bundle(&mut d, &to_d, &mut |_| {}).expect("d imports the same again");
    for s in [&b, &c, &d] {
        assert_eq!(dump(s), dump(&a), "every replica agrees");
        assert_eq!(participant(s, &person)["name"], json!(null));
    }
    // The history shows the erasure, not the values.
    let shown =
        serde_json::to_string(&history(a.conn(), Entity::Participant, &person).expect("history"))
            .expect("json");
    assert!(shown.contains("consentement retiré"), "{shown}");
    for canary in [
        NAME,
        PHONE,
        OTHER_PHONE,
        INSTITUTION,
        "K. Canari",
        "Kadiatou C.",
    ] {
        assert!(!shown.contains(canary), "history shows {canary}");
    }

    // Every file, the replicas still open (their WAL and shm included).
    let mut paths = Vec::new();
    for name in ["a", "b", "c", "d", "hub"] {
        paths.extend(files_of(&lab.path(name)));
    }
    assert!(paths.iter().any(|p| p.to_string_lossy().ends_with("-wal")));
    let bundles = vec![after.clone(), to_d.clone()];
    assert!(
        !holding(&paths, WITNESS).is_empty(),
        "the search finds what stays"
    );
    for canary in [
        NAME,
        PHONE,
        OTHER_PHONE,
        INSTITUTION,
        "K. Canari",
        "Kadiatou C.",
    ] {
        assert_eq!(holding(&paths, canary), Vec::<PathBuf>::new(), "{canary}");
        assert_eq!(holding(&bundles, canary), Vec::<PathBuf>::new(), "{canary}");
    }

    // A's segments still verify everywhere: a later change of A reaches B, C and D.
    a.update(
        Entity::Session,
        &session,
        &fields(&[("title", json!("Sévaré, après"))]),
    )
    .expect("a writes");
    bundle_to(&a, &mut b, &study, &lab.dir.path().join("later.bundle"));
    sync(&mut a, &url, None).expect("a → hub");
    for s in [&mut c, &mut d] {
        sync(s, &url, None).expect("hub → laptop");
    }
    for s in [&b, &c, &d] {
        assert!(dump(s).contains("Sévaré, après"));
        assert_eq!(dump(s), dump(&a));
    }
    hub.stop().expect("hub stops");
}

#[test]
fn a_name_stripped_by_a_relay_blanks_nothing_through_the_hub_and_an_erasure_still_erases() {
    let lab = Lab::new();
    let mut a = lab.store("a");
    let (study, invite) = new_study(&mut a, "Mopti");
    let session = new_session(&mut a, &study, "Sévaré");
    let person = a
        .create(
            Entity::Participant,
            &fields(&[
                ("session_id", json!(session)),
                ("sex", json!("female")),
                ("name", json!(NAME)),
                ("phone", json!(PHONE)),
            ]),
        )
        .expect("participant");
    let mut m = lab.store("m");
    let hub_store = lab.store("hub");
    let mut c = lab.store("c");
    for s in [&m, &hub_store, &c] {
        join(s, &invite);
    }
    drop(hub_store);
    let hub = start_hub(&lab.path("hub"));
    let (url, code) = (hub.info.url.clone(), hub.info.join_code.clone());
    for s in [&mut a, &mut m, &mut c] {
        sync(s, &url, Some(&code)).expect("first sync");
    }
    assert_eq!(participant(&c, &person)["name"], json!(NAME));

    // A renames the person and hands the edit to M, a member, which strips the new name of
    // its value and salt (the signature still holds) and is the first to reach the hub.
    a.update(
        Entity::Participant,
        &person,
        &fields(&[("name", json!("Kadiatou Z."))]),
    )
    .expect("a renames");
    terrain_core::sync::seal_own(&a).expect("seal");
    let have = terrain_core::sync::held_vector(m.conn(), &study).expect("vector");
    let (mut batch, _) =
        terrain_core::sync::next_batch(a.conn(), &study, &have, usize::MAX, usize::MAX)
            .expect("batch");
    let rename = batch
        .changes
        .iter_mut()
        .find(|ch| ch.field == "name")
        .expect("the rename");
    rename.cover = rename.cover.erased(&rename.value).expect("salted");
    rename.value = SqlValue::Null;
    terrain_core::sync::apply_signed(&mut m, &study, &batch).expect("m takes it");
    sync(&mut m, &url, None).expect("m → hub");
    sync(&mut c, &url, None).expect("hub → c");
    for s in [&m, &c] {
        assert_eq!(
            participant(s, &person)["name"],
            json!(NAME),
            "nothing blanked"
        );
        let held = terrain_core::sync::all_changes(s.conn()).expect("changes");
        assert!(held
            .iter()
            .any(|ch| ch.field == "name" && matches!(ch.cover, Cover::Erased(_))));
    }

    // A later rename still reaches C; A's erasure then leaves C holding what A holds.
    a.update(
        Entity::Participant,
        &person,
        &fields(&[("name", json!("K. Zerbo"))]),
    )
    .expect("a renames again");
    sync(&mut a, &url, None).expect("a → hub");
    sync(&mut c, &url, None).expect("hub → c");
    assert_eq!(participant(&c, &person)["name"], json!("K. Zerbo"));
    a.erase_participant(&person, "retrait").expect("erase");
    sync(&mut a, &url, None).expect("a → hub");
    sync(&mut c, &url, None).expect("hub → c");
    assert_eq!(participant(&c, &person)["name"], json!(null));
    assert_eq!(participant(&c, &person)["phone"], json!(null));
    assert_eq!(dump(&c), dump(&a), "c holds what a holds");
    hub.stop().expect("hub stops");
    let hub_store = lab.store("hub");
    assert_eq!(dump(&hub_store), dump(&a), "so does the hub");
    for canary in [NAME, PHONE, "Kadiatou Z.", "K. Zerbo"] {
        assert!(!dump(&c).contains(canary), "{canary}");
    }
}
