//! Names and phone numbers sealed to headquarters (issue 13, slice 4 of
//! docs/design/protection.md), through real store files and real bundles: a field laptop of a
//! study with an HQ key keeps only ciphertext (not in its database, its WAL or its bundles);
//! the HQ store that made the key reads and exports the names; a relay without the key shows
//! the marker; concurrent edits of a sealed field make a conflict as usual.

use std::path::{Path, PathBuf};

use serde_json::json;
use tempfile::TempDir;
use terrain_core::changes::SEALED_MARKER;
use terrain_core::export::{self, ExportOptions, Format};
use terrain_core::read::{self, SessionFilter};
use terrain_core::schema::Role;
use terrain_core::sync;
use terrain_core::sync::bundle::{self, ExportTarget};
use terrain_core::{Entity, Store};

use crate::support::fields;

const NAMES: [&str; 2] = ["Oumou Sangaré-Canari", "Boubacar Diallo-Canari"];
const PHONES: [&str; 2] = ["+223 76 12 34 98", "+223 66 55 44 31"];

/// A coordinator's laptop A (the founder), the headquarters' store H (a supervisor that ran
/// `hq keygen`, its key set as the study's by A) and a field laptop F (an enumerator).
pub struct Hq {
    pub dir: TempDir,
    pub a: Store,
    pub h: Store,
    pub f: Store,
    pub study: String,
    pub session: String,
}

pub fn open(dir: &Path, name: &str) -> Store {
    std::fs::create_dir_all(dir.join(name)).unwrap();
    Store::open(&dir.join(name).join("terrain.db")).unwrap()
}

pub fn join(dir: &Path, a: &Store, study: &str, name: &str, role: Role) -> Store {
    let m = open(dir, name);
    sync::join_invitation(&m, &sync::invite(a, study, role).unwrap()).unwrap();
    m
}

/// `from` exports its whole study to a bundle file, which `to` imports.
pub fn carry(dir: &Path, from: &Store, to: &mut Store, study: &str, name: &str) -> PathBuf {
    let p = dir.join(name);
    bundle::export_bundle(from, study, &ExportTarget::Full, &p, &mut |_| {}).unwrap();
    bundle::import_bundle(to, &p, &mut |_| {}).unwrap();
    p
}

pub fn hq() -> Hq {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(dir.path(), "a");
    let study = a
        .create(Entity::Study, &fields(json!({"title": "Ségou"})))
        .unwrap();
    let session = a
        .create(
            Entity::Session,
            &fields(
                json!({"study_id": study, "session_type": "focus_group", "date": "2026-03-01"}),
            ),
        )
        .unwrap();
    let mut h = join(dir.path(), &a, &study, "h", Role::Supervisor);
    let public = sync::hq_keygen(&h).unwrap();
    let set = sync::set_hq_key(&a, &study, &public).unwrap();
    assert!(!set.held_here, "A does not hold the private half");
    let mut f = join(dir.path(), &a, &study, "f", Role::Enumerator);
    for (to, name) in [(&mut h, "a-h.terrain"), (&mut f, "a-f.terrain")] {
        carry(dir.path(), &a, to, &study, name);
    }
    // A learns both claims.
    carry(dir.path(), &h, &mut a, &study, "h-a.terrain");
    carry(dir.path(), &f, &mut a, &study, "f-a.terrain");
    Hq {
        dir,
        a,
        h,
        f,
        study,
        session,
    }
}

impl Hq {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// A participant written on `store` with a name and a phone; its id.
/// A participant written on `store` with a name and a phone (and an institution, which is
/// never sealed: the canary's control); its id.
pub fn person(store: &mut Store, session: &str, name: &str, phone: &str) -> String {
    store
        .create(
            Entity::Participant,
            &fields(json!({"session_id": session, "sex": "female", "name": name, "phone": phone, "institution": CONTROL})),
        )
        .unwrap()
}

/// Written in clear beside every sealed canary: the search must find it.
const CONTROL: &str = "Mairie-Témoin";

fn shown(store: &Store, id: &str, field: &str) -> String {
    let r = read::get(store.conn(), Entity::Participant, id).unwrap();
    r.text(field).unwrap_or_default().to_string()
}

/// Whether `needle` occurs in the bytes of the file (false when there is no such file).
fn file_holds(path: &Path, needle: &str) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// The database file and its WAL and shared-memory files.
fn store_files(store: &Store) -> Vec<PathBuf> {
    let db = store.path().to_path_buf();
    let with = |suffix: &str| PathBuf::from(format!("{}{suffix}", db.display()));
    vec![db.clone(), with("-wal"), with("-shm")]
}

#[test]
fn a_field_laptop_keeps_no_name_or_phone_and_headquarters_reads_and_exports_them() {
    let mut s = hq();
    let session = s.session.clone();
    let mut ids = Vec::new();
    for (name, phone) in NAMES.iter().zip(PHONES) {
        ids.push(person(&mut s.f, &session, name, phone));
    }
    // Renamed once: the history holds two sealed values.
    let renamed = "Kadiatou Keïta-Canari";
    s.f.update(
        Entity::Participant,
        &ids[0],
        &fields(json!({"name": renamed})),
    )
    .unwrap();
    let bundle = s.path("f-h.terrain");
    bundle::export_bundle(&s.f, &s.study, &ExportTarget::Full, &bundle, &mut |_| {}).unwrap();

    // The canary: on the field laptop, in no file.
    let mut files = store_files(&s.f);
    files.push(bundle.clone());
    assert!(files[1].exists(), "the WAL is searched too");
    for needle in NAMES.iter().chain(&PHONES).chain(&[renamed]) {
        for file in &files {
            assert!(!file_holds(file, needle), "{needle} in {}", file.display());
        }
    }
    assert!(files[..2].iter().any(|f| file_holds(f, CONTROL)));
    // What the field laptop holds and shows: ciphertext in the log, the marker on screen.
    let logged = sync::all_changes(s.f.conn()).unwrap();
    let names: Vec<_> = logged.iter().filter(|c| c.field == "name").collect();
    assert_eq!(names.len(), 3);
    assert!(names
        .iter()
        .all(|c| terrain_core::changes::is_sealed(&c.value)));
    assert_eq!(shown(&s.f, &ids[1], "name"), SEALED_MARKER);
    let r = read::get(s.f.conn(), Entity::Participant, &ids[1]).unwrap();
    assert_eq!(r.sealed, vec!["name".to_string(), "phone".to_string()]);

    // Headquarters imports the bundle and reads the names back, in records and history.
    bundle::import_bundle(&mut s.h, &bundle, &mut |_| {}).unwrap();
    assert_eq!(shown(&s.h, &ids[0], "name"), renamed);
    assert_eq!(shown(&s.h, &ids[1], "name"), NAMES[1]);
    assert_eq!(shown(&s.h, &ids[1], "phone"), PHONES[1]);
    assert!(read::get(s.h.conn(), Entity::Participant, &ids[1])
        .unwrap()
        .sealed
        .is_empty());
    let history = read::history(s.h.conn(), Entity::Participant, &ids[0]).unwrap();
    let news: Vec<_> = history
        .iter()
        .filter(|e| e.field == "name")
        .map(|e| (e.old.clone(), e.new.clone()))
        .collect();
    assert_eq!(
        news,
        vec![
            (json!(null), json!(NAMES[0])),
            (json!(NAMES[0]), json!(renamed))
        ]
    );
    // ...and exports them; a relay without the key exports the fixed marker instead.
    let hq_csv = s.path("hq-csv");
    let opts = ExportOptions {
        filter: SessionFilter {
            study_id: Some(s.study.clone()),
            ..Default::default()
        },
        ..Default::default()
    };
    export::run(&mut s.h, Format::Csv, &hq_csv, &opts, &mut |_| {}).unwrap();
    let csv = std::fs::read_to_string(hq_csv.join("participant.csv")).unwrap();
    for needle in [renamed, NAMES[1], PHONES[0], PHONES[1]] {
        assert!(
            csv.contains(needle),
            "{needle} not in the HQ export:\n{csv}"
        );
    }
    let json_out = s.path("hq.json");
    export::run(&mut s.h, Format::Json, &json_out, &opts, &mut |_| {}).unwrap();
    assert!(file_holds(&json_out, PHONES[1]));

    carry(s.dir.path(), &s.f, &mut s.a, &s.study, "f-a2.terrain");
    assert_eq!(shown(&s.a, &ids[1], "name"), SEALED_MARKER);
    let relay_csv = s.path("relay-csv");
    export::run(&mut s.a, Format::Csv, &relay_csv, &opts, &mut |_| {}).unwrap();
    let xlsx = s.path("relay.xlsx");
    export::run(&mut s.a, Format::Xlsx, &xlsx, &opts, &mut |_| {}).unwrap();
    let csv = std::fs::read_to_string(relay_csv.join("participant.csv")).unwrap();
    assert!(csv.contains(SEALED_MARKER), "{csv}");
    assert!(!csv.contains("sealed:1:"), "never the ciphertext: {csv}");
    for needle in NAMES.iter().chain(&PHONES) {
        assert!(!csv.contains(needle));
    }
}

#[test]
fn a_sealed_field_shown_as_the_marker_is_kept_when_saved_back_and_overwritten_when_typed() {
    let mut s = hq();
    let session = s.session.clone();
    let id = person(&mut s.f, &session, NAMES[0], PHONES[0]);
    // The form saved whole with what it shows changes nothing...
    let same = fields(json!({"name": SEALED_MARKER, "phone": SEALED_MARKER, "sex": "female"}));
    assert_eq!(s.f.update(Entity::Participant, &id, &same).unwrap(), 0);
    // ...a new value typed over the marker is sealed too.
    let typed = fields(json!({"phone": "+223 70 00 00 01"}));
    assert_eq!(s.f.update(Entity::Participant, &id, &typed).unwrap(), 1);
    carry(s.dir.path(), &s.f, &mut s.h, &s.study, "f-h.terrain");
    assert_eq!(shown(&s.h, &id, "phone"), "+223 70 00 00 01");
    assert_eq!(shown(&s.h, &id, "name"), NAMES[0]);
    // At headquarters, the form saved whole with the opened values changes nothing either.
    let at_hq = fields(json!({"name": NAMES[0], "phone": "+223 70 00 00 01"}));
    assert_eq!(s.h.update(Entity::Participant, &id, &at_hq).unwrap(), 0);
    assert!(!file_holds(s.f.path(), "+223 70 00 00 01"));
}

#[test]
fn a_field_a_study_marks_sealed_is_sealed_and_a_field_it_may_not_mark_is_refused() {
    let mut s = hq();
    let study = s.study.clone();
    let marked = fields(json!({"sealed_fields": ["session.notes", "session.note_taker"]}));
    s.a.update(Entity::Study, &study, &marked).unwrap();
    let e =
        s.a.update(
            Entity::Study,
            &study,
            &fields(json!({"sealed_fields": ["participant.role"]})),
        )
        .unwrap_err();
    assert_eq!(e.code(), "invalid");
    // An enumerator may not change which fields are sealed.
    carry(s.dir.path(), &s.a, &mut s.f, &study, "a-f2.terrain");
    let e =
        s.f.update(
            Entity::Study,
            &study,
            &fields(json!({"sealed_fields": null})),
        )
        .unwrap_err();
    assert_eq!(e.code(), "role_refused");

    let notes = "Le chef de village a parlé des FAMa-Canari";
    let session = s
        .f
        .create(
            Entity::Session,
            &fields(json!({"study_id": study, "session_type": "individual_interview", "date": "2026-03-02", "notes": notes, "title": "Entretien"})),
        )
        .unwrap();
    let hq = sync::study_hq(&s.f, &study).unwrap();
    assert_eq!(
        hq.sealed_fields,
        vec!["session.notes", "session.note_taker"]
    );
    assert!(!hq.held_here && hq.fingerprint.is_some());
    let files = store_files(&s.f);
    assert!(files.iter().all(|f| !file_holds(f, "FAMa-Canari")));
    // The search finds what is not sealed (the session's title).
    assert!(files.iter().any(|f| file_holds(f, "Entretien")));
    carry(s.dir.path(), &s.f, &mut s.h, &study, "f-h.terrain");
    let r = read::get(s.h.conn(), Entity::Session, &session).unwrap();
    assert_eq!(r.text("notes"), Some(notes));
    assert!(sync::study_hq(&s.h, &study).unwrap().held_here);
}

#[test]
fn headquarters_and_a_field_laptop_editing_one_sealed_name_make_a_conflict_as_usual() {
    let mut s = hq();
    let session = s.session.clone();
    let id = person(&mut s.f, &session, NAMES[0], PHONES[0]);
    carry(s.dir.path(), &s.f, &mut s.h, &s.study, "f-h.terrain");
    // Both edit the name without seeing the other's edit.
    s.f.update(
        Entity::Participant,
        &id,
        &fields(json!({"name": "Nom terrain-Canari"})),
    )
    .unwrap();
    s.h.update(
        Entity::Participant,
        &id,
        &fields(json!({"name": "Nom siège-Canari"})),
    )
    .unwrap();
    carry(s.dir.path(), &s.f, &mut s.h, &s.study, "f-h2.terrain");
    carry(s.dir.path(), &s.h, &mut s.f, &s.study, "h-f.terrain");
    let at_hq = sync::list_conflicts(s.h.conn(), false).unwrap();
    let at_field = sync::list_conflicts(s.f.conn(), false).unwrap();
    assert_eq!(at_hq.len(), 1, "{at_hq:?}");
    assert_eq!(at_field.len(), 1, "{at_field:?}");
    assert_eq!(at_hq[0].id, at_field[0].id, "the same conflict on both");
    // Both replicas agree on the winner (stamps, not values, decide).
    assert_eq!(
        sync::dump_string(s.h.conn(), Some(&s.study)).unwrap(),
        sync::dump_string(s.f.conn(), Some(&s.study)).unwrap()
    );
    // Headquarters sees both names; the field laptop sees the marker twice.
    let values = |c: &sync::Conflict| {
        let mut v = vec![
            c.loser.value.clone(),
            c.winner.as_ref().unwrap().value.clone(),
        ];
        v.sort_by_key(|j| j.to_string());
        v
    };
    assert_eq!(
        values(&at_hq[0]),
        vec![json!("Nom siège-Canari"), json!("Nom terrain-Canari")]
    );
    assert_eq!(
        values(&at_field[0]),
        vec![json!(SEALED_MARKER), json!(SEALED_MARKER)]
    );
    // The conflict log of the field laptop holds no name either.
    for file in store_files(&s.f) {
        assert!(!file_holds(&file, "siège-Canari"));
        assert!(!file_holds(&file, "terrain-Canari"));
    }
    // A supervisor's pick at headquarters keeps the value sealed.
    let loser = at_hq[0].loser.value_id.clone();
    sync::resolve_conflict(&mut s.h, &at_hq[0].id, &loser).unwrap();
    for (field, value) in sync::all_changes(s.h.conn())
        .unwrap()
        .iter()
        .map(|c| (&c.field, &c.value))
    {
        if field == "name" {
            assert!(terrain_core::changes::is_sealed(value));
        }
    }
}

#[test]
fn a_name_written_before_the_laptop_heard_of_the_hq_key_travels_plain_and_stays_readable() {
    // B joined and imported before the study had an HQ key: what it writes until it hears of
    // the key is in clear (it cannot know), accepted everywhere; once it hears, it seals.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut a = open(d, "a");
    let study = a
        .create(Entity::Study, &fields(json!({"title": "Kayes"})))
        .unwrap();
    let session = a
        .create(
            Entity::Session,
            &fields(
                json!({"study_id": study, "session_type": "focus_group", "date": "2026-03-01"}),
            ),
        )
        .unwrap();
    let mut b = join(d, &a, &study, "b", Role::Enumerator);
    let mut h = join(d, &a, &study, "h", Role::Supervisor);
    carry(d, &a, &mut b, &study, "a-b.terrain");
    sync::set_hq_key(&a, &study, &sync::hq_keygen(&h).unwrap()).unwrap();
    let before = person(&mut b, &session, "Écrit avant la clé", "+223 1");
    assert_eq!(shown(&b, &before, "name"), "Écrit avant la clé");
    carry(d, &b, &mut a, &study, "b-a.terrain");
    carry(d, &a, &mut h, &study, "a-h.terrain");
    assert_eq!(shown(&h, &before, "name"), "Écrit avant la clé");
    // B hears of the key: its next names are sealed.
    carry(d, &a, &mut b, &study, "a-b2.terrain");
    let after = person(&mut b, &session, "Écrit après la clé", "+223 2");
    assert_eq!(shown(&b, &after, "name"), SEALED_MARKER);
    carry(d, &b, &mut a, &study, "b-a2.terrain");
    carry(d, &a, &mut h, &study, "a-h2.terrain");
    assert_eq!(shown(&h, &after, "name"), "Écrit après la clé");
}
