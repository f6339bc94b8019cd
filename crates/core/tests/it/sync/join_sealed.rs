//! Join files sealed under a one-time code, on real files: a file found on a stick reveals
//! nothing; a wrong code, an altered file, hostile KDF parameters and an old clear file are
//! each refused with their code and leave the joining laptop unchanged and able to join with
//! the right code; names on a stick carry no title; a laptop's default name is neutral.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Value};
use terrain_core::schema::Role;
use terrain_core::sync::{self, bundle, bundle::ExportTarget};
use terrain_core::{Entity, Lang, Store};

use crate::support::fields;

const TITLE: &str = "Sécurité à Kidal";

struct Scene {
    dir: tempfile::TempDir,
    lead: Store,
    joiner: Store,
    study: String,
}

fn scene() -> Scene {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut lead = Store::open_in_dir(&dir.path().join("lead")).expect("lead");
    let study = lead
        .create(Entity::Study, &fields(json!({ "title": TITLE })))
        .expect("study");
    lead.create(
        Entity::Session,
        &fields(json!({"study_id": study, "session_type": "focus_group", "date": "2026-03-02"})),
    )
    .expect("session");
    let joiner = Store::open_in_dir(&dir.path().join("joiner")).expect("joiner");
    Scene {
        dir,
        lead,
        joiner,
        study,
    }
}

impl Scene {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn dump(&self) -> String {
        sync::dump_string(self.joiner.conn(), None).expect("dump")
    }

    /// The refused join changed nothing, and the right code still lets the laptop in: it then
    /// imports the lead's bundle and writes a session of its own.
    fn joiner_still_joins(&mut self, invitation: &sync::Invitation, before: &str) {
        assert_eq!(self.dump(), before, "the joining laptop is unchanged");
        assert!(sync::study_key(self.joiner.conn(), &self.study)
            .expect("key")
            .is_none());
        let joined =
            sync::join_from_file(&self.joiner, Path::new(&invitation.path), &invitation.code)
                .expect("the right code joins");
        assert_eq!(joined.title, TITLE);
        let p = self.path("full.terrain");
        bundle::export_bundle(
            &self.lead,
            &self.study,
            &ExportTarget::Full,
            &p,
            &mut |_| {},
        )
        .expect("export");
        let report = bundle::import_bundle(&mut self.joiner, &p, &mut |_| {}).expect("import");
        assert!(report.new_records >= 2, "{report:?}");
        let study = self.study.clone();
        self.joiner
            .create(
                Entity::Session,
                &fields(
                    json!({"study_id": study, "session_type": "workshop", "date": "2026-03-09"}),
                ),
            )
            .expect("a normal write");
    }

    fn invite(&self, role: Role) -> sync::Invitation {
        let usb = self.path("usb");
        std::fs::create_dir_all(&usb).expect("usb");
        sync::invite_to_folder(&self.lead, &self.study, role, &usb).expect("invite")
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Another valid code (eight words of the list), not the invitation's.
fn other_code(code: &str) -> String {
    let other = if code.starts_with("abaisser") {
        "abandon"
    } else {
        "abaisser"
    };
    let mut words: Vec<&str> = code.split(' ').collect();
    words[0] = other;
    words.join(" ")
}

#[test]
fn a_join_file_found_on_a_stick_reveals_nothing() {
    let mut s = scene();
    let invitation = s.invite(Role::Supervisor);
    let name = Path::new(&invitation.path)
        .file_name()
        .and_then(|n| n.to_str())
        .expect("name")
        .to_string();
    assert!(
        name.starts_with("terrain-invitation-") && name.ends_with(".json") && name.len() == 32,
        "{name}"
    );
    let bytes = std::fs::read(&invitation.path).expect("read");
    let key = sync::study_key(s.lead.conn(), &s.study)
        .expect("key")
        .expect("the lead holds it");
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let lead_key = s.lead.device_key().verifying_key().to_bytes();
    for secret in [
        key.to_vec(),
        STANDARD.encode(key).into_bytes(),
        URL_SAFE.encode(key).into_bytes(),
        URL_SAFE_NO_PAD.encode(key).into_bytes(),
        STANDARD.encode(&key[..24]).into_bytes(),
        hex.into_bytes(),
        STANDARD.encode(lead_key).into_bytes(),
        TITLE.as_bytes().to_vec(),
        "Kidal".as_bytes().to_vec(),
        "kidal".as_bytes().to_vec(),
        s.study.as_bytes().to_vec(),
        s.study.replace('-', "").into_bytes(),
        b"supervisor".to_vec(),
        b"superviseur".to_vec(),
        b"roster".to_vec(),
        b"invitation\"".to_vec(),
    ] {
        assert!(
            !contains(&bytes, &secret),
            "{:?} found in the join file",
            String::from_utf8_lossy(&secret)
        );
        assert!(!contains(name.as_bytes(), &secret));
    }
    // The file keeps the format, the KDF and its parameters, a salt, a nonce, the ciphertext.
    let outside: Value = serde_json::from_slice(&bytes).expect("json");
    let mut keys: Vec<&str> = outside
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "format",
            "kdf",
            "kdf_params",
            "nonce",
            "salt",
            "sealed",
            "version"
        ]
    );
    assert_eq!(outside["version"], 3);
    assert_eq!(outside["kdf"], "argon2id");
    assert_eq!(
        outside["kdf_params"],
        json!({"m_kib": 19456, "t": 2, "p": 1})
    );
    // Its code is eight words, and opens it; both laptops show the same fingerprints.
    assert_eq!(invitation.code.split(' ').count(), 8);
    let before = s.dump();
    s.joiner_still_joins(&invitation.clone(), &before);
    let members = sync::members(&s.joiner, &s.study).expect("members");
    let lead_row = members
        .iter()
        .find(|m| m.node_id == s.lead.node_id())
        .expect("the lead is a member");
    assert_eq!(lead_row.fingerprint, invitation.inviter_fingerprint);
    let shown =
        sync::preview_join_file(Path::new(&invitation.path), &invitation.code).expect("preview");
    assert_eq!(shown.study_fingerprint, invitation.study_fingerprint);
    assert_eq!(shown.inviter_fingerprint, invitation.inviter_fingerprint);
    assert_eq!(shown.role, Role::Supervisor);
    assert_eq!(invitation.study_fingerprint, sync::study_fingerprint(&key));
    assert_eq!(invitation.study_fingerprint.len(), 19);
}

#[test]
fn a_wrong_code_is_refused_as_such_and_the_right_one_still_joins() {
    let mut s = scene();
    let invitation = s.invite(Role::Enumerator);
    let before = s.dump();
    let path = PathBuf::from(&invitation.path);
    let e = sync::join_from_file(&s.joiner, &path, &other_code(&invitation.code))
        .expect_err("wrong code");
    assert_eq!(e.code(), "wrong_code");
    assert!(
        e.message(Lang::Fr).starts_with("Code incorrect"),
        "{}",
        e.message(Lang::Fr)
    );
    assert!(e.message(Lang::En).starts_with("Wrong code"));
    for lang in [Lang::Fr, Lang::En] {
        let m = e.message(lang).to_lowercase();
        assert!(!m.contains("damaged") && !m.contains("endommag"), "{m}");
    }
    // A word not in the list is named; a short code says how many words were read.
    let typo = invitation.code.replacen(' ', " chameau ", 1);
    let typo: Vec<&str> = typo.split(' ').take(8).collect();
    let e = sync::join_from_file(&s.joiner, &path, &typo.join(" ")).expect_err("typo");
    assert_eq!(e.code(), "unknown_code_word");
    assert!(
        e.message(Lang::Fr).contains("« chameau »"),
        "{}",
        e.message(Lang::Fr)
    );
    let short: Vec<&str> = invitation.code.split(' ').take(7).collect();
    let e = sync::join_from_file(&s.joiner, &path, &short.join(" ")).expect_err("short");
    assert_eq!(e.code(), "code_length");
    assert!(e.message(Lang::En).contains("7 were read"));
    // The code typed loosely (capitals, no accents, hyphens and commas) is the same code.
    let loose = invitation
        .code
        .to_uppercase()
        .replace('É', "E")
        .replace('È', "e")
        .replace(' ', " -, ");
    let mut loosely = invitation.clone();
    loosely.code = loose;
    s.joiner_still_joins(&loosely, &before);
}

#[test]
fn an_altered_join_file_is_refused_and_the_real_one_still_joins() {
    let mut s = scene();
    let invitation = s.invite(Role::Enumerator);
    let text = std::fs::read_to_string(&invitation.path).expect("read");
    let before = s.dump();
    let outside: Value = serde_json::from_str(&text).expect("json");
    // One bit of the ciphertext, the salt or the nonce; another KDF parameter: the tag fails.
    for field in ["sealed", "salt", "nonce"] {
        let mut raw = STANDARD
            .decode(outside[field].as_str().expect("b64"))
            .expect("b64");
        raw[3] ^= 0x01;
        let mut altered = outside.clone();
        altered[field] = json!(STANDARD.encode(&raw));
        let e = sync::join(&s.joiner, &altered.to_string(), &invitation.code)
            .expect_err("a flipped bit");
        assert_eq!(e.code(), "wrong_code", "{field}");
    }
    let mut altered = outside.clone();
    altered["kdf_params"]["t"] = json!(3);
    let e = sync::join(&s.joiner, &altered.to_string(), &invitation.code).expect_err("t");
    assert_eq!(e.code(), "wrong_code");
    // Any byte of the file flipped: refused, whatever it breaks.
    let bytes = text.as_bytes();
    for at in (0..bytes.len()).step_by(bytes.len() / 40 + 1) {
        let mut flipped = bytes.to_vec();
        flipped[at] ^= 0x04;
        let Ok(flipped) = String::from_utf8(flipped) else {
            continue;
        };
        let e = sync::join(&s.joiner, &flipped, &invitation.code).expect_err("a flipped byte");
        assert!(
            ["wrong_code", "bad_join_file", "old_join_file"].contains(&e.code()),
            "byte {at}: {}",
            e.code()
        );
    }
    s.joiner_still_joins(&invitation, &before);
}

#[test]
fn hostile_kdf_parameters_are_refused_before_any_work() {
    let mut s = scene();
    let invitation = s.invite(Role::Enumerator);
    let text = std::fs::read_to_string(&invitation.path).expect("read");
    let before = s.dump();
    let outside: Value = serde_json::from_str(&text).expect("json");
    for params in [
        json!({"m_kib": 4u64 * 1024 * 1024, "t": 2, "p": 1}),
        json!({"m_kib": 19456, "t": 1_000_000_000u64, "p": 1}),
        json!({"m_kib": 19456, "t": 2, "p": 10_000}),
        json!({"m_kib": 19456, "t": 0, "p": 1}),
        json!({"m_kib": 19456, "t": 2}),
        json!({"m_kib": -1, "t": 2, "p": 1}),
    ] {
        let mut hostile = outside.clone();
        hostile["kdf_params"] = params.clone();
        let started = Instant::now();
        let e = sync::join(&s.joiner, &hostile.to_string(), &invitation.code)
            .expect_err("hostile parameters");
        assert_eq!(e.code(), "bad_join_file", "{params}");
        // Argon2 at the sane parameters takes a fraction of a second; these would take hours.
        assert!(started.elapsed() < Duration::from_secs(5), "{params}");
    }
    let mut other = outside.clone();
    other["kdf"] = json!("pbkdf2");
    let e = sync::join(&s.joiner, &other.to_string(), &invitation.code).expect_err("kdf");
    assert_eq!(e.code(), "bad_join_file");
    s.joiner_still_joins(&invitation, &before);
}

#[test]
fn an_old_clear_join_file_is_refused_with_a_message_asking_for_a_new_one() {
    let mut s = scene();
    let invitation = s.invite(Role::Enumerator);
    let content = sync::unseal_join(&invitation.file, &invitation.code).expect("open");
    // A version 2 file: the same content in clear beside its format and version.
    let mut old: Value = serde_json::from_str(&content).expect("json");
    old["format"] = json!("terrain-join");
    old["version"] = json!(2);
    let path = s.path("old.json");
    std::fs::write(&path, old.to_string()).expect("write");
    let before = s.dump();
    for code in [invitation.code.as_str(), ""] {
        let e = sync::join_from_file(&s.joiner, &path, code).expect_err("old");
        assert_eq!(e.code(), "old_join_file");
        assert!(e.message(Lang::Fr).contains("nouvelle invitation"));
        assert!(e.message(Lang::En).contains("new invitation"));
    }
    // The folder's listing still knows it for a join file (so the screen can say why).
    let dir = s.path("old");
    std::fs::create_dir(&dir).expect("dir");
    std::fs::copy(&path, dir.join("terrain-invitation-etude.json")).expect("copy");
    let files = sync::files_in(&dir).expect("files");
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].kind, sync::SyncFileKind::Join);
    s.joiner_still_joins(&invitation, &before);
}

#[test]
fn names_on_a_stick_carry_no_title_and_a_laptop_is_named_neutrally() {
    let s = scene();
    let usb = s.path("usb");
    std::fs::create_dir(&usb).expect("usb");
    sync::invite_to_folder(&s.lead, &s.study, Role::Enumerator, &usb).expect("invite");
    sync::export_to_folder(&s.lead, &s.study, &ExportTarget::Full, &usb, &mut |_| {})
        .expect("full");
    sync::export_to_folder(
        &s.lead,
        &s.study,
        &ExportTarget::For(s.joiner.node_id().to_string()),
        &usb,
        &mut |_| {},
    )
    .expect("for the joiner");
    let files = sync::files_in(&usb).expect("files");
    assert_eq!(files.len(), 3, "{files:?}");
    for f in &files {
        let name = f.name.to_lowercase();
        for word in ["kidal", "securite", "sécurité", "supervisor", "enumerat"] {
            assert!(!name.contains(word), "{name}");
        }
        assert!(!name.contains(&s.study), "{name}");
        assert!(name.starts_with("terrain-"), "{name}");
    }
    let bundles: Vec<&str> = files
        .iter()
        .filter(|f| f.kind == sync::SyncFileKind::Bundle)
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(bundles.len(), 2);
    let tag = |n: &str| n.split('-').nth(1).map(str::to_string);
    assert_eq!(
        tag(bundles[0]),
        tag(bundles[1]),
        "one study, one day, one tag"
    );
    assert_eq!(tag(bundles[0]).map(|t| t.len()), Some(8));
    assert_ne!(bundles[0], bundles[1]);

    // A laptop that did not name itself is "Ordinateur" and four hex digits of its node id.
    let node = s.joiner.node_id().to_string();
    let name = sync::device_name(&s.joiner);
    assert_eq!(name, format!("Ordinateur {}", &node[..4]));
    for var in ["HOSTNAME", "COMPUTERNAME", "USER", "USERNAME"] {
        if let Ok(host) = std::env::var(var) {
            if !host.trim().is_empty() {
                assert!(!name.contains(host.trim()), "{var}");
            }
        }
    }
    sync::set_device_label(&s.joiner, "Bureau Gao").expect("label");
    assert_eq!(sync::device_name(&s.joiner), "Bureau Gao");
}
