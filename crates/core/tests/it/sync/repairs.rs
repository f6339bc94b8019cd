//! Repairs of a field stamped in the future (issue 12, "Stamps"), between real stores: a
//! laptop whose clock ran ten years ahead stamped a session's title in 2036; laptops that took
//! it (their clock ran ahead when they received it) cannot edit it any more. A supervisor
//! repairs it; the repair reaches laptops holding the value and laptops that never held it,
//! in either order, and the field is edited normally again everywhere. Repairs by anyone else
//! are refused, and a "repair" of a value not far ahead is no repair.

use serde_json::json;
use terrain_core::changes::{sign_segments, Change, Stamp};
use terrain_core::schema::Role;
use terrain_core::sync::bundle::{self, ExportTarget};
use terrain_core::sync::{self, ChangeBatch};
use terrain_core::{clock, read as query, Entity, Lang, Store};

use crate::support::fields;

const TEN_YEARS_MS: i64 = 10 * 365 * 24 * 3600 * 1000;

/// A clock set so that a 2036 stamp is two hours ahead of it: the value is taken (under a day
/// ahead) without dragging the receiver's own clock (over an hour ahead).
const NEARLY_TEN_YEARS_MS: i64 = TEN_YEARS_MS - 2 * 3600 * 1000;

/// A coordinator (the founder), a supervisor and an enumerator holding a study with one
/// session titled "Avant", and a laptop (`far`) whose clock ran ten years ahead when it
/// retitled it "Futur". The supervisor and the coordinator took that value.
struct Team {
    dir: tempfile::TempDir,
    lead: Store,
    sup: Store,
    enu: Store,
    far: Store,
    study: String,
    session: String,
}

fn joined(dir: &std::path::Path, lead: &Store, study: &str, name: &str, role: Role) -> Store {
    let s = Store::open_in_dir(&dir.join(name)).unwrap();
    sync::join_invitation(&s, &sync::invite(lead, study, role).unwrap()).unwrap();
    s
}

fn send(
    dir: &std::path::Path,
    from: &Store,
    to: &mut Store,
    study: &str,
) -> terrain_core::Result<bundle::ImportReport> {
    let p = dir.join(format!("{}.terrain", uuid::Uuid::new_v4()));
    let target = ExportTarget::For(to.node_id().to_string());
    bundle::export_bundle(from, study, &target, &p, &mut |_| {}).unwrap();
    bundle::import_bundle(to, &p, &mut |_| {})
}

/// Imports `from`'s bundle with a clock nearly ten years ahead, then sets the clock right.
fn take_while_ahead(dir: &std::path::Path, from: &Store, to: &mut Store, study: &str) {
    to.set_clock_offset_ms(NEARLY_TEN_YEARS_MS);
    send(dir, from, to, study).unwrap();
    to.set_clock_offset_ms(0);
}

fn team() -> Team {
    let dir = tempfile::tempdir().unwrap();
    let mut lead = Store::open_in_dir(&dir.path().join("lead")).unwrap();
    let study = lead
        .create(Entity::Study, &fields(json!({"title": "Mopti"})))
        .unwrap();
    let session = lead
        .create(
            Entity::Session,
            &fields(json!({"study_id": study, "session_type": "workshop", "date": "2026-05-02", "title": "Avant"})),
        )
        .unwrap();
    let mut sup = joined(dir.path(), &lead, &study, "sup", Role::Supervisor);
    let mut enu = joined(dir.path(), &lead, &study, "enu", Role::Enumerator);
    let mut far = joined(dir.path(), &lead, &study, "far", Role::Enumerator);
    for s in [&mut sup, &mut enu, &mut far] {
        send(dir.path(), &lead, s, &study).unwrap();
    }
    far.set_clock_offset_ms(TEN_YEARS_MS);
    far.update(
        Entity::Session,
        &session,
        &fields(json!({"title": "Futur"})),
    )
    .unwrap();
    take_while_ahead(dir.path(), &far, &mut sup, &study);
    take_while_ahead(dir.path(), &far, &mut lead, &study);
    Team {
        dir,
        lead,
        sup,
        enu,
        far,
        study,
        session,
    }
}

fn title(s: &Store, session: &str) -> serde_json::Value {
    query::get(s.conn(), Entity::Session, session)
        .unwrap()
        .fields["title"]
        .clone()
}

fn dump(s: &Store) -> String {
    sync::dump_string(s.conn(), None).unwrap()
}

fn repair_title(s: &mut Store, t_study: &str, session: &str) -> terrain_core::Result<usize> {
    sync::repair_field(s, t_study, (Entity::Session, session, "title"))
}

#[test]
fn a_supervisor_repairs_a_title_stamped_in_2036_and_every_laptop_converges_on_the_next_edit() {
    let mut t = team();
    let (study, session) = (t.study.clone(), t.session.clone());
    // Frozen: the supervisor's edit would be stamped above 2036.
    let e = t
        .sup
        .update(
            Entity::Session,
            &session,
            &fields(json!({"title": "Corrigé"})),
        )
        .unwrap_err();
    assert_eq!(e.code(), "future_value");
    assert!(
        e.message(Lang::En).contains("can repair it"),
        "{}",
        e.message(Lang::En)
    );
    assert!(e.message(Lang::Fr).contains("réparer"));
    let listed = sync::future_values(&t.sup, &study).unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    let f = &listed[0];
    assert_eq!(
        (f.entity, f.row_id.as_str(), f.field.as_str()),
        (Entity::Session, session.as_str(), "title")
    );
    assert_eq!(f.value, json!("Futur"));
    assert_eq!(f.device, t.far.node_id());
    assert!(f.days_ahead >= 3640, "{}", f.days_ahead);

    assert_eq!(repair_title(&mut t.sup, &study, &session).unwrap(), 1);
    assert_eq!(title(&t.sup, &session), json!("Futur"), "the value is kept");
    assert!(sync::future_values(&t.sup, &study).unwrap().is_empty());
    assert!(
        sync::list_conflicts(t.sup.conn(), false)
            .unwrap()
            .is_empty(),
        "a repaired value is no conflict"
    );
    // Repairing it again: nothing left to repair.
    assert_eq!(
        repair_title(&mut t.sup, &study, &session)
            .unwrap_err()
            .code(),
        "not_future_value"
    );

    // The coordinator held the 2036 value: it stops winning there.
    send(t.dir.path(), &t.sup, &mut t.lead, &study).unwrap();
    assert!(sync::future_values(&t.lead, &study).unwrap().is_empty());
    assert_eq!(dump(&t.lead), dump(&t.sup));
    // The enumerator never held it: the bundle carries the value with its repair.
    send(t.dir.path(), &t.sup, &mut t.enu, &study).unwrap();
    assert_eq!(dump(&t.enu), dump(&t.sup));
    // Then the field is edited normally, and the edit wins everywhere.
    t.enu
        .update(
            Entity::Session,
            &session,
            &fields(json!({"title": "Normal"})),
        )
        .unwrap();
    for to in [&mut t.sup, &mut t.lead] {
        send(t.dir.path(), &t.enu, to, &study).unwrap();
    }
    for s in [&t.sup, &t.lead, &t.enu] {
        assert_eq!(title(s, &session), json!("Normal"));
        assert!(sync::list_conflicts(s.conn(), false).unwrap().is_empty());
        assert!(sync::future_values(s, &study).unwrap().is_empty());
    }
    assert_eq!(dump(&t.sup), dump(&t.enu));
    assert_eq!(dump(&t.lead), dump(&t.enu));
    // The history shows the edit in force, not the repaired value.
    let history = query::history(t.lead.conn(), Entity::Session, &session).unwrap();
    let current: Vec<_> = history
        .iter()
        .filter(|h| h.field == "title" && h.current)
        .collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].new, json!("Normal"));
    // The dump a study's sync carries agrees with the rows.
    assert!(sync::dump_string(t.lead.conn(), Some(&study))
        .unwrap()
        .contains("\"Normal\""));
}

/// The changes a fresh laptop lacks from `from`, one batch per origin (each with its
/// segments), with the roster handed over first.
fn per_origin(from: &Store, to: &Store, study: &str) -> Vec<(String, ChangeBatch)> {
    sync::receive_entries(
        to,
        study,
        &terrain_core::changes::stored_entries(from.conn(), study).unwrap(),
    )
    .unwrap();
    sync::seal_own(from).unwrap();
    let have = sync::held_vector(to.conn(), study).unwrap();
    let (all, more) = sync::next_batch(from.conn(), study, &have, usize::MAX, usize::MAX).unwrap();
    assert!(!more);
    let mut out: Vec<(String, ChangeBatch)> = Vec::new();
    for c in all.changes {
        match out.iter_mut().find(|(n, _)| *n == c.node) {
            Some((_, b)) => b.changes.push(c),
            None => out.push((
                c.node.clone(),
                ChangeBatch {
                    changes: vec![c],
                    segments: Vec::new(),
                },
            )),
        }
    }
    for s in all.segments {
        if let Some((_, b)) = out.iter_mut().find(|(n, _)| *n == s.node) {
            b.segments.push(s);
        }
    }
    out
}

#[test]
fn a_repair_and_the_value_it_repairs_arrive_in_either_order_and_replicas_agree() {
    let mut t = team();
    let (study, session) = (t.study.clone(), t.session.clone());
    repair_title(&mut t.sup, &study, &session).unwrap();
    let batch = |list: &[(String, ChangeBatch)], node: &str| {
        list.iter()
            .find(|(n, _)| n == node)
            .map(|(_, b)| b.clone())
            .unwrap()
    };
    let (lead, far, sup) = (
        t.lead.node_id().to_string(),
        t.far.node_id().to_string(),
        t.sup.node_id().to_string(),
    );

    // The repair first, then the value it repairs: taken, and it does not compete.
    let mut first = joined(t.dir.path(), &t.lead, &study, "first", Role::Enumerator);
    let list = per_origin(&t.sup, &first, &study);
    for node in [&lead, &sup, &far] {
        sync::apply_signed(&mut first, &study, &batch(&list, node)).unwrap();
    }
    assert_eq!(dump(&first), dump(&t.sup));

    // The value alone: refused by name, nothing held; once the repair is held, taken.
    let mut second = joined(t.dir.path(), &t.lead, &study, "second", Role::Enumerator);
    let list = per_origin(&t.sup, &second, &study);
    sync::apply_signed(&mut second, &study, &batch(&list, &lead)).unwrap();
    let before = dump(&second);
    let e = sync::apply_signed(&mut second, &study, &batch(&list, &far)).unwrap_err();
    assert_eq!(e.code(), "future_stamp");
    assert_eq!(dump(&second), before);
    sync::apply_signed(&mut second, &study, &batch(&list, &sup)).unwrap();
    sync::apply_signed(&mut second, &study, &batch(&list, &far)).unwrap();
    assert_eq!(dump(&second), dump(&t.sup));

    // The value before its repair in one batch: judged against the batch's repairs.
    let mut third = joined(t.dir.path(), &t.lead, &study, "third", Role::Enumerator);
    let list = per_origin(&t.sup, &third, &study);
    sync::apply_signed(&mut third, &study, &batch(&list, &lead)).unwrap();
    let mut both = batch(&list, &far);
    let repair = batch(&list, &sup);
    both.changes.extend(repair.changes);
    both.segments.extend(repair.segments);
    sync::apply_signed(&mut third, &study, &both).unwrap();
    assert_eq!(dump(&third), dump(&t.sup));

    // A bundle from the repairing laptop to one that never held the value.
    let mut usb = joined(t.dir.path(), &t.lead, &study, "usb", Role::Enumerator);
    send(t.dir.path(), &t.sup, &mut usb, &study).unwrap();
    assert_eq!(dump(&usb), dump(&t.sup));
    for s in [&first, &second, &third, &usb] {
        assert_eq!(title(s, &session), json!("Futur"));
        assert!(sync::future_values(s, &study).unwrap().is_empty());
        assert!(sync::list_conflicts(s.conn(), false).unwrap().is_empty());
    }
    // And it edits the field, which reaches the repairing laptop.
    usb.update(
        Entity::Session,
        &session,
        &fields(json!({"title": "Après"})),
    )
    .unwrap();
    send(t.dir.path(), &usb, &mut t.sup, &study).unwrap();
    assert_eq!(title(&t.sup, &session), json!("Après"));
}

/// A change of `by` in `study` as its write path would number it next, signed by it.
fn crafted(by: &Store, victim: &Store, study: &str, change: Change) -> ChangeBatch {
    let held = sync::held_vector(victim.conn(), study)
        .unwrap()
        .get(study, by.node_id());
    let c = Change {
        node: by.node_id().to_string(),
        seq: held + 1,
        study: Some(study.to_string()),
        ..change
    };
    let segments = sign_segments(study, std::slice::from_ref(&c), by.device_key()).unwrap();
    ChangeBatch {
        changes: vec![c],
        segments,
    }
}

/// The 2036 stamp of the session's title (the far laptop's change).
fn far_stamp(t: &Team) -> Stamp {
    sync::all_changes(t.lead.conn())
        .unwrap()
        .into_iter()
        .find(|c| c.node == t.far.node_id() && c.field == "title")
        .map(|c| c.stamp())
        .unwrap()
}

fn title_change(t: &Team, value: &str, hlc: i64, prev: Stamp) -> Change {
    Change {
        node: String::new(),
        seq: 0,
        study: None,
        entity: Entity::Session,
        row_id: t.session.clone(),
        field: "title".into(),
        value: rusqlite::types::Value::Text(value.into()),
        hlc,
        prev: Some(prev),
        cover: terrain_core::changes::Cover::Value,
    }
}

/// `s` still writes a session and still takes the supervisor's news.
fn still_works(t: &mut Team, day: u32) {
    let study = t.study.clone();
    t.lead
        .create(
            Entity::Session,
            &fields(json!({"study_id": study, "session_type": "workshop", "date": format!("2026-06-{day:02}")})),
        )
        .unwrap();
    t.sup
        .create(
            Entity::Session,
            &fields(json!({"study_id": study, "session_type": "workshop", "date": format!("2026-07-{day:02}")})),
        )
        .unwrap();
    let report = send(t.dir.path(), &t.sup, &mut t.lead, &study).unwrap();
    assert!(report.applied >= 1);
}

#[test]
fn an_enumerators_repair_is_refused_when_written_and_when_received() {
    let mut t = team();
    let (study, session) = (t.study.clone(), t.session.clone());
    // Written: the enumerator holds the 2036 value too, but may not repair it.
    take_while_ahead(t.dir.path(), &t.far, &mut t.enu, &study);
    let before = dump(&t.enu);
    let e = repair_title(&mut t.enu, &study, &session).unwrap_err();
    assert_eq!(e.code(), "role_refused");
    assert!(!e.message(Lang::Fr).is_empty() && !e.message(Lang::En).is_empty());
    assert_eq!(dump(&t.enu), before);
    assert_eq!(sync::future_values(&t.enu, &study).unwrap().len(), 1);
    t.enu
        .create(
            Entity::Session,
            &fields(json!({"study_id": study, "session_type": "workshop", "date": "2026-05-09"})),
        )
        .unwrap();
    send(t.dir.path(), &t.enu, &mut t.lead, &study).unwrap();

    // Received: a repair the enumerator signed, crafted past its write path.
    let now = clock::from_millis(clock::wall_millis(0));
    let change = title_change(&t, "Volé", now, far_stamp(&t));
    let batch = crafted(&t.enu, &t.lead, &study, change);
    let before = dump(&t.lead);
    let e = sync::apply_signed(&mut t.lead, &study, &batch).unwrap_err();
    assert_eq!(e.code(), "role_refused");
    assert_eq!(dump(&t.lead), before);
    assert_eq!(title(&t.lead, &session), json!("Futur"));
    still_works(&mut t, 1);
}

#[test]
fn a_repair_of_a_value_not_far_ahead_is_no_repair() {
    let mut t = team();
    let (study, session) = (t.study.clone(), t.session.clone());
    let participant = t
        .sup
        .create(
            Entity::Participant,
            &fields(json!({"session_id": session, "sex": "female"})),
        )
        .unwrap();
    // Written: a field whose value is stamped now has nothing to repair.
    let before = dump(&t.sup);
    let e = sync::repair_field(
        &mut t.sup,
        &study,
        (Entity::Participant, &participant, "sex"),
    )
    .unwrap_err();
    assert_eq!(e.code(), "not_future_value");
    assert!(
        e.message(Lang::Fr).contains("sex") && e.message(Lang::En).contains("nothing to repair")
    );
    assert_eq!(dump(&t.sup), before);

    // Received: a supervisor's change stamped an hour below the value it names is malformed
    // (the write path stamps above the value it replaces), not a repair.
    send(t.dir.path(), &t.sup, &mut t.lead, &study).unwrap();
    let sex = sync::all_changes(t.lead.conn())
        .unwrap()
        .into_iter()
        .find(|c| c.row_id == participant && c.field == "sex")
        .unwrap();
    let hour_below = sex.hlc - clock::from_millis(3600 * 1000);
    let change = Change {
        entity: Entity::Participant,
        row_id: participant.clone(),
        field: "sex".into(),
        value: rusqlite::types::Value::Text("male".into()),
        ..title_change(&t, "", hour_below, sex.stamp())
    };
    let batch = crafted(&t.sup, &t.lead, &study, change);
    let before = dump(&t.lead);
    let e = sync::apply_signed(&mut t.lead, &study, &batch).unwrap_err();
    assert_eq!(e.code(), "malformed");
    assert_eq!(dump(&t.lead), before);
    still_works(&mut t, 2);
}

#[test]
fn a_coordinator_repairs_every_field_of_a_study_at_once() {
    let mut t = team();
    let study = t.study.clone();
    // The far laptop also dated a participant's sex in 2036.
    let session = t.session.clone();
    let participant = t
        .far
        .create(
            Entity::Participant,
            &fields(json!({"session_id": session, "sex": "female"})),
        )
        .unwrap();
    take_while_ahead(t.dir.path(), &t.far, &mut t.lead, &study);
    let listed = sync::future_values(&t.lead, &study).unwrap();
    assert!(
        listed.iter().any(|f| f.field == "title") && listed.iter().any(|f| f.field == "sex"),
        "{listed:?}"
    );
    assert_eq!(
        sync::repair_all(&mut t.lead, &study).unwrap().len(),
        listed.len()
    );
    assert!(sync::future_values(&t.lead, &study).unwrap().is_empty());
    t.lead
        .update(
            Entity::Participant,
            &participant,
            &fields(json!({"sex": "male"})),
        )
        .unwrap();
}

#[test]
fn a_value_stamped_ahead_is_refused_unrepaired_unless_already_held() {
    let mut t = team();
    let study = t.study.clone();
    // The lead already holds the 2036 value: the supervisor's bundle repeats it, a duplicate.
    assert!(send(t.dir.path(), &t.sup, &mut t.lead, &study).is_ok());
    // The enumerator never held it, and no repair names it: refused by name, nothing held.
    let before = dump(&t.enu);
    let e = send(t.dir.path(), &t.sup, &mut t.enu, &study).unwrap_err();
    assert_eq!(e.code(), "future_stamp");
    assert_eq!(dump(&t.enu), before);
    // Once the supervisor repaired it, the same laptop takes it.
    repair_title(&mut t.sup, &study, &t.session.clone()).unwrap();
    send(t.dir.path(), &t.sup, &mut t.enu, &study).unwrap();
    assert_eq!(dump(&t.enu), dump(&t.sup));
}
