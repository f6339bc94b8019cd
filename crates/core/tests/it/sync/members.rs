//! A study's members and this laptop's access as screens show them, and role changes by node
//! id, between real stores. Every refused change leaves the roster and the dump as they were,
//! and the refused laptop still writes and still receives a good batch afterwards.

use serde_json::json;
use terrain_core::changes::{stored_entries, PublicKey};
use terrain_core::schema::Role;
use terrain_core::sync::{self, StudyAccess};
use terrain_core::{Entity, Lang, Store};

use crate::support::fields;

/// A founder (coordinator) and a member holding the roster, with the founder's records.
struct Team {
    _dir: tempfile::TempDir,
    lead: Store,
    member: Store,
    study: String,
}

fn key_of(s: &Store) -> PublicKey {
    s.device_key().verifying_key().to_bytes()
}

fn session(study: &str, day: u32) -> terrain_core::Fields {
    fields(
        json!({"study_id": study, "session_type": "workshop", "date": format!("2026-03-{day:02}")}),
    )
}

/// Sends the roster and the changes `from` holds to `to`, as a sync would.
fn sync_to(from: &Store, to: &mut Store, study: &str) {
    sync::receive_entries(to, study, &stored_entries(from.conn(), study).unwrap()).unwrap();
    sync::seal_own(from).unwrap();
    let have = sync::held_vector(to.conn(), study).unwrap();
    let (batch, _) = sync::next_batch(from.conn(), study, &have, usize::MAX, usize::MAX).unwrap();
    sync::apply_signed(to, study, &batch).unwrap();
}

/// A team whose member holds `role`.
fn team(role: Role) -> Team {
    let dir = tempfile::tempdir().unwrap();
    let mut lead = Store::open_in_dir(&dir.path().join("lead")).unwrap();
    let mut member = Store::open_in_dir(&dir.path().join("member")).unwrap();
    sync::set_device_label(&lead, "Bureau Mopti").unwrap();
    sync::set_device_label(&member, "Portable Awa").unwrap();
    let study = lead
        .create(Entity::Study, &fields(json!({"title": "Mopti"})))
        .unwrap();
    lead.create(Entity::Session, &session(&study, 1)).unwrap();
    sync::grant(&lead, &study, &key_of(&member), role).unwrap();
    sync::pin_anchor(&member, &study, &key_of(&lead)).unwrap();
    sync_to(&lead, &mut member, &study);
    Team {
        _dir: dir,
        lead,
        member,
        study,
    }
}

fn refused(r: terrain_core::Result<impl std::fmt::Debug>) -> String {
    let e = r.unwrap_err();
    assert!(!e.message(Lang::Fr).is_empty() && !e.message(Lang::En).is_empty());
    e.code().to_string()
}

/// What a refused role change must leave as it was: the roster entries and the dump.
fn state(s: &Store, study: &str) -> (usize, String) {
    (
        stored_entries(s.conn(), study).unwrap().len(),
        sync::dump_string(s.conn(), None).unwrap(),
    )
}

/// `s` still writes a session (when its role allows) and the lead's new changes still reach it.
fn still_works(t: &mut Team, writer_is_member: bool, day: u32) {
    let writer = if writer_is_member {
        &mut t.member
    } else {
        &mut t.lead
    };
    writer
        .create(Entity::Session, &session(&t.study, day))
        .unwrap();
    t.lead
        .create(Entity::Session, &session(&t.study, day + 1))
        .unwrap();
    sync_to(&t.lead, &mut t.member, &t.study);
    assert!(sync::dump_string(t.member.conn(), None)
        .unwrap()
        .contains(&format!("2026-03-{:02}", day + 1)));
}

fn access(edit: bool, resolve: bool, study: bool, members: bool) -> (bool, bool, bool, bool) {
    (edit, resolve, study, members)
}

fn flags(a: &StudyAccess) -> (bool, bool, bool, bool) {
    (
        a.may_edit_records,
        a.may_resolve_conflicts,
        a.may_manage_study,
        a.may_manage_members,
    )
}

#[test]
fn an_unmanaged_study_allows_everything_and_lists_no_members() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Store::open_in_dir(&dir.path().join("a")).unwrap();
    let mut old = Store::open_in_dir(&dir.path().join("old")).unwrap();
    let study = a
        .create(Entity::Study, &fields(json!({"title": "Avant"})))
        .unwrap();
    // A laptop that got the study's records without its roster (an old join file).
    sync::seal_own(&a).unwrap();
    let (batch, _) = sync::next_batch(
        a.conn(),
        &study,
        &sync::Vector::new(),
        usize::MAX,
        usize::MAX,
    )
    .unwrap();
    sync::apply_changes(&mut old, Some(&study), &batch.changes).unwrap();
    let seen = sync::study_access(&old, &study).unwrap();
    assert!(!seen.managed);
    assert_eq!(seen.role, None);
    assert_eq!(flags(&seen), access(true, true, true, true));
    assert!(sync::members(&old, &study).unwrap().is_empty());
    assert_eq!(
        refused(sync::grant_member(&old, &study, "x", Role::Analyst)),
        "unknown_member"
    );
    old.create(Entity::Session, &session(&study, 2)).unwrap();
}

#[test]
fn each_role_sees_what_it_may_do() {
    let cases = [
        (Role::Analyst, access(false, false, false, false)),
        (Role::Enumerator, access(true, false, false, false)),
        (Role::Supervisor, access(true, true, false, false)),
        (Role::Coordinator, access(true, true, true, true)),
    ];
    for (role, want) in cases {
        let t = team(role);
        let seen = sync::study_access(&t.member, &t.study).unwrap();
        assert!(seen.managed);
        assert_eq!(seen.role, Some(role));
        assert_eq!(flags(&seen), want, "{role:?}");
        // And the write path agrees with what the app shows.
        let mut member = t.member;
        let wrote = member.create(Entity::Session, &session(&t.study, 5));
        assert_eq!(wrote.is_ok(), want.0, "{role:?} writing a session");
    }
    let t = team(Role::Enumerator);
    let founder = sync::study_access(&t.lead, &t.study).unwrap();
    assert_eq!(founder.role, Some(Role::Coordinator));
    assert_eq!(flags(&founder), access(true, true, true, true));
}

#[test]
fn members_show_labels_fingerprints_roles_and_this_laptop_first() {
    let t = team(Role::Supervisor);
    for (here, mine, other) in [
        (&t.lead, "Bureau Mopti", "Portable Awa"),
        (&t.member, "Portable Awa", "Bureau Mopti"),
    ] {
        let list = sync::members(here, &t.study).unwrap();
        assert_eq!(list.len(), 2);
        assert!(list[0].is_self && !list[1].is_self);
        assert_eq!(list[0].node_id, here.node_id());
        assert_eq!(list[0].label.as_deref(), Some(mine));
        // The other laptop's label is known only once it synced with us (devices list).
        assert!(list[1].label.is_none() || list[1].label.as_deref() == Some(other));
    }
    let list = sync::members(&t.lead, &t.study).unwrap();
    assert_eq!(list[0].role, Some(Role::Coordinator));
    assert_eq!(list[1].role, Some(Role::Supervisor));
    assert_eq!(list[1].node_id, t.member.node_id());
    let fp = &list[1].fingerprint;
    assert_eq!(fp, &sync::key_fingerprint(&key_of(&t.member)));
    assert_eq!(fp.len(), 19, "four groups of four hex digits: {fp}");
    assert!(fp
        .split(' ')
        .all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_hexdigit())));
    assert_ne!(fp, &list[0].fingerprint);
}

#[test]
fn a_coordinator_changes_a_role_by_node_prefix_and_the_member_learns_it() {
    let mut t = team(Role::Enumerator);
    let prefix: String = t.member.node_id().chars().take(8).collect();
    let changed = sync::grant_member(&t.lead, &t.study, &prefix, Role::Supervisor).unwrap();
    assert_eq!(changed.node_id, t.member.node_id());
    assert_eq!(changed.role, Some(Role::Supervisor));
    sync_to(&t.lead, &mut t.member, &t.study);
    let seen = sync::study_access(&t.member, &t.study).unwrap();
    assert_eq!(seen.role, Some(Role::Supervisor));
    assert!(seen.may_resolve_conflicts);
    still_works(&mut t, true, 10);
}

#[test]
fn a_revoked_member_is_listed_as_revoked_and_may_do_nothing() {
    let mut t = team(Role::Supervisor);
    let member = t.member.node_id().to_string();
    let gone = sync::revoke_member(&t.lead, &t.study, &member).unwrap();
    assert_eq!(gone.role, None);
    sync_to(&t.lead, &mut t.member, &t.study);
    let seen = sync::study_access(&t.member, &t.study).unwrap();
    assert!(seen.managed);
    assert_eq!(seen.role, None);
    assert_eq!(flags(&seen), access(false, false, false, false));
    let listed = sync::members(&t.member, &t.study).unwrap();
    assert!(listed.iter().any(|m| m.is_self && m.role.is_none()));
    // Granting it again would be ignored by every roster: refused, nothing stored.
    let before = state(&t.lead, &t.study);
    assert_eq!(
        refused(sync::grant_member(
            &t.lead,
            &t.study,
            &member,
            Role::Enumerator
        )),
        "member_unchanged"
    );
    assert_eq!(state(&t.lead, &t.study), before);
    still_works(&mut t, false, 12);
}

#[test]
fn an_enumerator_cannot_promote_itself_nor_revoke_anyone() {
    let mut t = team(Role::Enumerator);
    let me = t.member.node_id().to_string();
    let lead = t.lead.node_id().to_string();
    let before = state(&t.member, &t.study);
    assert_eq!(
        refused(sync::grant_member(
            &t.member,
            &t.study,
            &me,
            Role::Coordinator
        )),
        "role_refused"
    );
    assert_eq!(
        refused(sync::revoke_member(&t.member, &t.study, &lead)),
        "role_refused"
    );
    assert_eq!(state(&t.member, &t.study), before);
    let seen = sync::study_access(&t.member, &t.study).unwrap();
    assert_eq!(seen.role, Some(Role::Enumerator));
    still_works(&mut t, true, 14);
}

#[test]
fn nobody_revokes_themselves_nor_the_founder_and_nothing_is_stored() {
    let mut t = team(Role::Coordinator);
    let lead = t.lead.node_id().to_string();
    let me = t.member.node_id().to_string();
    let before = state(&t.member, &t.study);
    assert_eq!(
        refused(sync::revoke_member(&t.member, &t.study, &lead)),
        "member_unchanged"
    );
    assert_eq!(
        refused(sync::revoke_member(&t.member, &t.study, &me)),
        "member_unchanged"
    );
    assert_eq!(state(&t.member, &t.study), before);
    let before = state(&t.lead, &t.study);
    assert_eq!(
        refused(sync::revoke_member(&t.lead, &t.study, &lead)),
        "member_unchanged"
    );
    assert_eq!(state(&t.lead, &t.study), before);
    assert_eq!(
        sync::study_access(&t.lead, &t.study).unwrap().role,
        Some(Role::Coordinator)
    );
    still_works(&mut t, true, 16);
}

#[test]
fn unknown_or_ambiguous_node_ids_are_refused_by_name() {
    let mut t = team(Role::Enumerator);
    let before = state(&t.lead, &t.study);
    for typed in ["", "  ", "zzzz", "not-a-node"] {
        assert_eq!(
            refused(sync::grant_member(&t.lead, &t.study, typed, Role::Analyst)),
            "unknown_member",
            "{typed:?}"
        );
    }
    assert_eq!(state(&t.lead, &t.study), before);
    // Seventeen more members: two of them must share their first hex digit.
    for _ in 0..17 {
        let key = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
        sync::grant(
            &t.lead,
            &t.study,
            &key.verifying_key().to_bytes(),
            Role::Analyst,
        )
        .unwrap();
    }
    let members = sync::members(&t.lead, &t.study).unwrap();
    let shared = ('0'..='f')
        .map(String::from)
        .find(|p| members.iter().filter(|m| m.node_id.starts_with(p)).count() > 1)
        .expect("17 ids, 16 first digits");
    let before = state(&t.lead, &t.study);
    assert_eq!(
        refused(sync::revoke_member(&t.lead, &t.study, &shared)),
        "ambiguous_member"
    );
    assert_eq!(state(&t.lead, &t.study), before);
    still_works(&mut t, true, 18);
}

#[test]
fn only_supervisors_and_coordinators_are_offered_to_resolve_a_conflict() {
    let mut t = team(Role::Enumerator);
    let id = t
        .lead
        .create(Entity::Session, &session(&t.study, 2))
        .unwrap();
    sync_to(&t.lead, &mut t.member, &t.study);
    let date = |day: u32| fields(json!({"date": format!("2026-03-{day:02}")}));
    t.lead.update(Entity::Session, &id, &date(20)).unwrap();
    t.member.update(Entity::Session, &id, &date(21)).unwrap();
    sync_to(&t.member, &mut t.lead, &t.study);
    sync_to(&t.lead, &mut t.member, &t.study);
    let at_lead = sync::conflict_views(&t.lead).unwrap().shown;
    let at_member = sync::conflict_views(&t.member).unwrap().shown;
    assert!(!at_lead.is_empty() && !at_member.is_empty());
    assert!(at_lead.iter().all(|c| c.may_resolve));
    assert!(at_member.iter().all(|c| !c.may_resolve));
    // The write path agrees: the enumerator's pick is refused, nothing changes.
    let c = &at_member[0];
    let before = state(&t.member, &t.study);
    assert_eq!(
        refused(sync::resolve_conflict(
            &mut t.member,
            &c.id,
            &c.loser.value_id
        )),
        "role_refused"
    );
    assert_eq!(state(&t.member, &t.study), before);
    // Promoted, it is offered the pick.
    sync::grant_member(&t.lead, &t.study, t.member.node_id(), Role::Supervisor).unwrap();
    sync_to(&t.lead, &mut t.member, &t.study);
    assert!(sync::conflict_views(&t.member)
        .unwrap()
        .shown
        .iter()
        .all(|c| c.may_resolve));
    still_works(&mut t, true, 22);
}
