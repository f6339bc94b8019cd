//! Sync by folder as the desktop app and the CLI run it: join files and bundles written into a
//! folder under readable names, files found by their content, the studies offered by title,
//! the overview, and conflicts as a person sees them. (Moved from the desktop shell.)

use std::path::Path;

use serde_json::json;
use terrain_core::read as query;
use terrain_core::schema::Role;
use terrain_core::sync::{self, bundle::ExportTarget, Phase, SyncFileKind};
use terrain_core::{Entity, Lang, Store};

use crate::support::fields;

fn store(dir: &Path, name: &str) -> Store {
    Store::open_in_dir(&dir.join(name)).expect("open")
}

/// A study with one session and two participants on `a`; `b` joined it by a join file.
fn team(dir: &Path) -> (Store, Store, String) {
    let mut a = store(dir, "a");
    let study = a
        .create(Entity::Study, &fields(json!({"title": "Études à Ségou"})))
        .expect("study");
    let session = a
        .create(
            Entity::Session,
            &fields(
                json!({"study_id": study, "session_type": "focus_group", "date": "2026-03-02"}),
            ),
        )
        .expect("session");
    for sex in ["female", "male"] {
        a.create(
            Entity::Participant,
            &fields(json!({"session_id": session, "sex": sex, "age": 30})),
        )
        .expect("participant");
    }
    let invitation = sync::invite_to_folder(&a, &study, Role::Coordinator, dir).expect("invite");
    let b = store(dir, "b");
    let joined =
        sync::join_from_file(&b, Path::new(&invitation.path), &invitation.code).expect("join");
    assert_eq!(joined.title, "Études à Ségou");
    (a, b, study)
}

#[test]
fn a_bundle_travels_by_folder_and_reports_what_it_brought() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, mut b, study) = team(dir.path());
    // Joined but not synced: the study is offered by the title its join file gave.
    let before = sync::offered_studies(&b).expect("studies");
    assert_eq!(before.len(), 1);
    assert!(before[0].joined && !before[0].has_records);
    assert_eq!(before[0].title, "Études à Ségou");
    assert_eq!(sync::known_title(&b, &study), "Études à Ségou");

    let usb = dir.path().join("usb");
    std::fs::create_dir(&usb).expect("usb");
    let mut seen = Vec::new();
    let report =
        sync::export_to_folder(&a, &study, &ExportTarget::Full, &usb, &mut |p| seen.push(p))
            .expect("export");
    assert!(report.changes > 0);
    assert!(seen.iter().all(|p| p.phase == Phase::Writing));
    assert_eq!(seen.last().map(|p| p.done), Some(report.changes));

    std::fs::write(usb.join("notes.txt"), "pas un paquet").expect("noise");
    let files = sync::files_in(&usb).expect("files");
    assert_eq!(files.len(), 1, "only the bundle is listed: {files:?}");
    assert_eq!(files[0].kind, SyncFileKind::Bundle);
    assert!(files[0].name.starts_with("terrain-"), "{}", files[0].name);
    assert!(files[0].name.contains("-complet-de-"), "{}", files[0].name);

    let mut steps = Vec::new();
    let got = sync::import_file(&mut b, Path::new(&files[0].path), &mut |p| {
        steps.push(p.phase)
    })
    .expect("import");
    assert_eq!(got.new_records, 4, "study, session, two participants");
    assert_eq!(got.conflicts, 0);
    assert!(steps.contains(&Phase::Checking) && steps.contains(&Phase::Applying));
    assert!(sync::offered_studies(&b).expect("studies")[0].has_records);
    sync::set_device_label(&b, "  PC d'Awa, Mopti  ").expect("label");
    let o = sync::overview(&b).expect("overview");
    assert_eq!(o.device_label.as_deref(), Some("PC d'Awa, Mopti"));
    assert_eq!(o.last_folder, Some(usb.display().to_string()));
    assert_eq!(o.open_conflicts, 0);

    // The same file again is refused with a readable message, in the person's language.
    let again =
        sync::import_file(&mut b, Path::new(&files[0].path), &mut |_| {}).expect_err("replayed");
    assert_eq!(again.code(), "already_imported");
    assert_eq!(again.message(Lang::Fr), "Ce paquet a déjà été importé.");
    let devices = sync::list_devices(&a).expect("devices");
    assert!(devices.iter().any(|d| d.is_self));
}

#[test]
fn refusals_are_readable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut s = store(dir.path(), "s");
    let missing = dir.path().join("nowhere");
    let e = sync::files_in(&missing).expect_err("no folder");
    assert_eq!(e.code(), "no_folder");
    assert!(e.message(Lang::Fr).contains("branchez la clé USB"));
    assert_eq!(
        sync::files_in(Path::new("")).expect_err("empty").code(),
        "no_folder"
    );
    let e = sync::import_file(&mut s, &missing, &mut |_| {}).expect_err("no file");
    assert_eq!(e.code(), "no_file");
    assert!(e.message(Lang::En).ends_with("does not exist."));
    let junk = dir.path().join("junk.terrain");
    std::fs::write(&junk, b"not a bundle at all").expect("junk");
    let e = sync::import_file(&mut s, &junk, &mut |_| {}).expect_err("junk");
    assert_eq!(e.code(), "not_a_bundle");
    assert_eq!(e.message(Lang::En), "This file is not a Terrain bundle.");
    let e = sync::join_from_file(&s, &junk, "").expect_err("not a join file");
    assert_eq!(e.code(), "bad_join_file");
}

/// A join file comes from anyone's USB stick: one too large to be a join file is not read, and
/// a title the keyboard could not have typed is refused (even sealed under a code the attacker
/// gives out); a real join file still works after.
#[test]
fn a_hostile_join_file_is_refused_and_joining_still_works() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, _b, study) = team(dir.path());
    let c = store(dir.path(), "c");
    let real = sync::invite_to_folder(&a, &study, Role::Coordinator, dir.path()).expect("invite");
    let text = std::fs::read_to_string(&real.path).expect("read");

    let huge = dir.path().join("huge.json");
    let padded = format!("{}{}", text, " ".repeat(1100 * 1024));
    std::fs::write(&huge, padded).expect("write");
    let e = sync::join_from_file(&c, &huge, &real.code).expect_err("too large");
    assert_eq!(e.code(), "bad_join_file");

    let content = sync::unseal_join(&text, &real.code).expect("open");
    let mut file: serde_json::Value = serde_json::from_str(&content).expect("json");
    file["title"] = json!("T".repeat(501));
    let forged = sync::seal_join(&file.to_string()).expect("seal");
    let long = dir.path().join("long.json");
    std::fs::write(&long, &forged.file).expect("write");
    let e = sync::join_from_file(&c, &long, &forged.code).expect_err("title too long");
    assert_eq!(e.code(), "bad_join_file");
    assert!(sync::offered_studies(&c).expect("studies").is_empty());

    let joined = sync::join_from_file(&c, Path::new(&real.path), &real.code).expect("the real one");
    assert_eq!(joined.title, "Études à Ségou");
}

#[test]
fn concurrent_edits_show_side_by_side_and_a_pick_sticks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut a, mut b, study) = team(dir.path());
    let usb = dir.path();
    let r =
        sync::export_to_folder(&a, &study, &ExportTarget::Full, usb, &mut |_| {}).expect("export");
    sync::import_file(&mut b, Path::new(&r.path), &mut |_| {}).expect("import");
    a.update(
        Entity::Study,
        &study,
        &fields(json!({"title": "Titre de A"})),
    )
    .expect("edit a");
    b.update(
        Entity::Study,
        &study,
        &fields(json!({"title": "Titre de B"})),
    )
    .expect("edit b");
    let for_b = ExportTarget::For(b.node_id().to_string());
    let for_a = ExportTarget::For(a.node_id().to_string());
    let from_a = sync::export_to_folder(&a, &study, &for_b, usb, &mut |_| {}).expect("a");
    let from_b = sync::export_to_folder(&b, &study, &for_a, usb, &mut |_| {}).expect("b");
    assert_ne!(
        from_a.path, from_b.path,
        "two laptops never overwrite each other's file"
    );
    let got = sync::import_file(&mut b, Path::new(&from_a.path), &mut |_| {}).expect("b reads a");
    sync::import_file(&mut a, Path::new(&from_b.path), &mut |_| {}).expect("a reads b");

    let list = sync::conflict_views(&a).expect("conflicts");
    assert_eq!(list.total, 1);
    let views = list.shown;
    assert_eq!(views.len(), 1, "{views:?}");
    let c = &views[0];
    assert_eq!(
        (c.field_label.as_str(), c.entity_label.as_str()),
        ("titre", "étude")
    );
    let values = [
        c.loser.value.clone(),
        c.current.as_ref().expect("current").value.clone(),
    ];
    assert!(values.contains(&json!("Titre de A")) && values.contains(&json!("Titre de B")));
    assert!(c.record_label == "Titre de A" || c.record_label == "Titre de B");
    assert!(got.conflicts + views.len() as u64 >= 1);
    let loser = c.loser.clone();
    sync::resolve_conflict(&mut a, &c.id, &loser.value_id).expect("pick");
    assert!(sync::conflict_views(&a).expect("after").shown.is_empty());
    let title = query::get(a.conn(), Entity::Study, &study).expect("study");
    assert_eq!(title.fields.get("title"), Some(&loser.value));
}

#[test]
fn file_names_carry_no_title_and_no_path() {
    // A peer id typed on the command line cannot put a path separator into the name.
    let dir = tempfile::tempdir().expect("tempdir");
    let s = store(dir.path(), "s");
    let name = sync::bundle_name(&s, "x", &ExportTarget::For("../../../etc/x".into()));
    assert!(name.contains("-pour-etcx-"), "{name}");
    assert!(!name.contains('/') && !name.contains('\\'), "{name}");
    let stamp = sync::stamp_now();
    assert!(stamp.len() == 13 && stamp.as_bytes()[8] == b'-', "{stamp}");
}
