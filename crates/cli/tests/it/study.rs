//! `terrain study invite|members|grant|revoke|rekey` on real database files: invitations name a
//! role, a coordinator lists members and changes their roles by node id or prefix, and a
//! member who is no coordinator is refused in one line with nothing changed.

use std::path::{Path, PathBuf};

use terrain_core::schema::Role;
use terrain_core::{changes, sync, Store};

use crate::support::{dump, node_id, ok, refused, run};

struct Team {
    dir: tempfile::TempDir,
    lead: PathBuf,
    member: PathBuf,
    study: String,
}

fn key_of(db: &Path) -> changes::PublicKey {
    Store::open(db)
        .unwrap()
        .device_key()
        .verifying_key()
        .to_bytes()
}

/// A lead laptop with a study, and a member in its roster holding `role` (granted through
/// core: join files carry the roster in another part of the work), holding the roster too.
fn team(role: Role) -> Team {
    let dir = tempfile::tempdir().unwrap();
    let lead = dir.path().join("lead.db");
    let member = dir.path().join("member.db");
    let study = ok(&lead, &["record", "new", "study", "title=Mopti"])
        .trim()
        .to_string();
    let lead_store = Store::open(&lead).unwrap();
    sync::set_device_label(&lead_store, "Bureau Mopti").unwrap();
    sync::grant(&lead_store, &study, &key_of(&member), role).unwrap();
    let mut m = Store::open(&member).unwrap();
    sync::pin_anchor(&m, &study, &key_of(&lead)).unwrap();
    let entries = changes::stored_entries(lead_store.conn(), &study).unwrap();
    sync::receive_entries(&m, &study, &entries).unwrap();
    let none = sync::Vector::new();
    sync::seal_own(&lead_store).unwrap();
    let (batch, _) =
        sync::next_batch(lead_store.conn(), &study, &none, usize::MAX, usize::MAX).unwrap();
    sync::apply_signed(&mut m, &study, &batch).unwrap();
    Team {
        dir,
        lead,
        member,
        study,
    }
}

#[test]
fn an_invitation_names_a_role_enumerator_by_default_and_an_unknown_role_is_refused() {
    let t = team(Role::Enumerator);
    let out = |name: &str| t.dir.path().join(name).to_str().unwrap().to_string();
    for (args, file) in [
        (vec!["--role", "analyst"], "analyst.json"),
        (vec![], "default.json"),
    ] {
        let mut all = vec!["study", "invite", &t.study, "--out"];
        let f = out(file);
        all.push(&f);
        all.extend(args);
        ok(&t.lead, &all);
        assert!(Path::new(&f).is_file());
    }
    let f = out("boss.json");
    let bad = run(
        &t.lead,
        &["study", "invite", &t.study, "--role", "boss", "--out", &f],
    );
    assert!(!bad.status.success());
    assert!(!Path::new(&f).exists());
}

/// `study invite` prints the path, the fingerprints and the one-time code alone on its last
/// line; `study join` refuses a wrong code in one line with nothing changed, then joins with the
/// right one (from --code or --code-file) and prints the same fingerprints to compare.
#[test]
fn an_invitation_prints_its_code_last_and_joining_shows_the_same_fingerprints() {
    let t = team(Role::Enumerator);
    let file = t.dir.path().join("usb-invite.json");
    let f = file.to_str().unwrap();
    let printed = ok(&t.lead, &["study", "invite", &t.study, "--out", f]);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), 4, "{printed}");
    assert_eq!(lines[0], f);
    let code = *lines.last().unwrap();
    assert_eq!(code.split(' ').count(), 8, "{code}");
    let study_fp = lines[1].split('\t').nth(1).unwrap();
    let lead_fp = lines[2].split('\t').nth(1).unwrap();
    assert_eq!(study_fp.len(), 19);

    let newcomer = t.dir.path().join("newcomer.db");
    ok(&newcomer, &["info"]);
    let before = dump(&newcomer);
    let mut words: Vec<&str> = code.split(' ').collect();
    words.swap(0, 1);
    let swapped = words.join(" ");
    let err = refused(&newcomer, &["study", "join", f, "--code", &swapped]);
    assert!(err.contains("wrong_code"), "{err}");
    let out = run(&newcomer, &["study", "join", f]);
    assert!(!out.status.success(), "a code is required");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--code"));
    assert_eq!(dump(&newcomer), before, "nothing changed");

    let code_file = t.dir.path().join("code.txt");
    std::fs::write(&code_file, code.to_uppercase()).unwrap();
    let joined = ok(
        &newcomer,
        &[
            "study",
            "join",
            f,
            "--code-file",
            code_file.to_str().unwrap(),
        ],
    );
    let lines: Vec<&str> = joined.lines().collect();
    assert_eq!(lines.len(), 3, "{joined}");
    assert!(lines[0].starts_with(&t.study));
    assert_eq!(lines[1].split('\t').nth(1), Some(study_fp));
    assert_eq!(lines[2].split('\t').nth(1), Some(lead_fp));
    let members = ok(&newcomer, &["study", "members", &t.study]);
    assert!(members.contains(lead_fp), "{members}");
}

#[test]
fn members_are_listed_with_label_node_fingerprint_and_role() {
    let t = team(Role::Supervisor);
    let text = ok(&t.lead, &["study", "members", &t.study]);
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0][0], "Bureau Mopti (this laptop)");
    assert_eq!(lines[0][1], node_id(&t.lead));
    assert_eq!(lines[0][2].len(), 19);
    assert_eq!(lines[0][3], "coordinator");
    assert_eq!(lines[1][1], node_id(&t.member));
    assert_eq!(lines[1][3], "supervisor");
    // The member sees the same roster, itself first.
    let there = ok(&t.member, &["study", "members", &t.study]);
    assert!(there.lines().next().unwrap().contains("(this laptop)"));
    assert!(there.lines().next().unwrap().ends_with("\tsupervisor"));
}

#[test]
fn a_coordinator_grants_by_prefix_and_revokes_by_node_id() {
    let t = team(Role::Enumerator);
    let member = node_id(&t.member);
    let prefix = &member[..8];
    let line = ok(
        &t.lead,
        &["study", "grant", &t.study, prefix, "--role", "analyst"],
    );
    assert!(line.trim_end().ends_with("\tanalyst"), "{line}");
    let out = run(&t.lead, &["study", "revoke", &t.study, &member]);
    assert!(out.status.success());
    let line = String::from_utf8(out.stdout).unwrap();
    assert!(line.trim_end().ends_with("\trevoked"), "{line}");
    // The study key is replaced with the revocation, and can be again by hand.
    let said = String::from_utf8(out.stderr).unwrap();
    assert!(said.contains("version 2"), "{said}");
    let out = run(&t.lead, &["study", "rekey", &t.study]);
    assert!(out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains("version 3"));
    let listed = ok(&t.lead, &["study", "members", &t.study]);
    assert!(listed.contains(&format!("{member}\t")) && listed.contains("\trevoked"));
    // Revoked stays revoked: a grant would be ignored, so it is refused.
    let err = refused(
        &t.lead,
        &["study", "grant", &t.study, &member, "--role", "enumerator"],
    );
    assert!(err.contains("[member_unchanged]"), "{err}");
    ok(
        &t.lead,
        &[
            "record",
            "new",
            "session",
            &format!("study_id={}", t.study),
            "session_type=workshop",
            "date=2026-03-02",
        ],
    );
}

#[test]
fn a_member_who_is_no_coordinator_is_refused_and_nothing_changes() {
    let t = team(Role::Enumerator);
    let me = node_id(&t.member);
    let lead = node_id(&t.lead);
    let before = ok(&t.member, &["study", "members", &t.study]);
    let dump_before = dump(&t.member);
    let err = refused(
        &t.member,
        &["study", "grant", &t.study, &me, "--role", "coordinator"],
    );
    assert!(err.contains("[role_refused]"), "{err}");
    let err = refused(&t.member, &["study", "revoke", &t.study, &lead[..6]]);
    assert!(err.contains("[role_refused]"), "{err}");
    let err = refused(&t.member, &["study", "rekey", &t.study]);
    assert!(err.contains("[role_refused]"), "{err}");
    let err = refused(&t.lead, &["study", "revoke", &t.study, "zzz"]);
    assert!(err.contains("[unknown_member]"), "{err}");
    assert_eq!(ok(&t.member, &["study", "members", &t.study]), before);
    assert_eq!(dump(&t.member), dump_before);
    // The member still writes what its role allows.
    ok(
        &t.member,
        &[
            "record",
            "new",
            "session",
            &format!("study_id={}", t.study),
            "session_type=workshop",
            "date=2026-03-03",
        ],
    );
}

/// Hands `from`'s roster and changes `to` lacks over to `to`, whose clock runs `offset_ms` ahead
/// while it takes them (a hub round through core).
fn hand_over(from: &Path, to: &Path, study: &str, offset_ms: i64) {
    let from = Store::open(from).unwrap();
    let mut to = Store::open(to).unwrap();
    to.set_clock_offset_ms(offset_ms);
    let entries = changes::stored_entries(from.conn(), study).unwrap();
    sync::receive_entries(&to, study, &entries).unwrap();
    sync::seal_own(&from).unwrap();
    let have = sync::held_vector(to.conn(), study).unwrap();
    let (batch, _) = sync::next_batch(from.conn(), study, &have, usize::MAX, usize::MAX).unwrap();
    sync::apply_signed(&mut to, study, &batch).unwrap();
}

#[test]
fn a_coordinator_lists_and_repairs_a_value_stamped_in_2036_and_an_enumerator_may_not() {
    const TEN_YEARS_MS: i64 = 10 * 365 * 24 * 3600 * 1000;
    let t = team(Role::Enumerator);
    let session = ok(
        &t.lead,
        &[
            "record",
            "new",
            "session",
            &format!("study_id={}", t.study),
            "session_type=workshop",
            "date=2026-03-02",
            "title=Avant",
        ],
    )
    .trim()
    .to_string();
    hand_over(&t.lead, &t.member, &t.study, 0);
    // The member's clock ran ten years ahead when it retitled the session; the lead took it
    // while its own clock ran nearly as far ahead (not far enough to refuse it).
    let mut far = Store::open(&t.member).unwrap();
    far.set_clock_offset_ms(TEN_YEARS_MS);
    let title = terrain_core::Fields::from([("title".to_string(), "Futur".into())]);
    far.update(terrain_core::Entity::Session, &session, &title)
        .unwrap();
    drop(far);
    hand_over(&t.member, &t.lead, &t.study, TEN_YEARS_MS - 2 * 3600 * 1000);

    let listed = ok(&t.lead, &["study", "future-values", &t.study]);
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(
        listed.starts_with(&format!("session\t{session}\ttitle\tFutur\t")),
        "{listed}"
    );
    let before = dump(&t.member);
    let err = refused(&t.member, &["study", "repair", &t.study]);
    assert!(err.contains("[role_refused]"), "{err}");
    assert_eq!(dump(&t.member), before);
    let repaired = ok(
        &t.lead,
        &[
            "study", "repair", &t.study, "--record", &session, "--field", "title",
        ],
    );
    assert_eq!(repaired, listed);
    assert_eq!(ok(&t.lead, &["study", "future-values", &t.study]), "");
    let err = refused(
        &t.lead,
        &[
            "study", "repair", &t.study, "--record", &session, "--field", "title",
        ],
    );
    assert!(err.contains("[not_future_value]"), "{err}");
    // The title is edited normally again.
    ok(
        &t.lead,
        &["record", "set", "session", &session, "title=Ensuite"],
    );
}
