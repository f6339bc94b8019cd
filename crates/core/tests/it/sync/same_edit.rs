//! The same edit made on two laptops at once is no conflict: two sides that are equal leave a
//! supervisor nothing to choose (both restore a record, both pick the same choice, two
//! supervisors resolve a conflict alike). Values that differ still conflict.

use serde_json::json;
use terrain_core::schema::Role;
use terrain_core::sync::bundle::{self, ExportTarget, ImportReport};
use terrain_core::{read as query, sync, Entity, Store};

use crate::support::fields;

struct Two {
    dir: tempfile::TempDir,
    a: Store,
    b: Store,
    study: String,
    session: String,
}

impl Two {
    /// Two laptops of one study holding the same session.
    fn new() -> Two {
        let dir = tempfile::tempdir().unwrap();
        let mut a = Store::open_in_dir(&dir.path().join("a")).unwrap();
        let b = Store::open_in_dir(&dir.path().join("b")).unwrap();
        let study = a
            .create(Entity::Study, &fields(json!({"title": "Ségou"})))
            .unwrap();
        sync::join_invitation(&b, &sync::invite(&a, &study, Role::Coordinator).unwrap()).unwrap();
        let session = a
            .create(
                Entity::Session,
                &fields(json!({"study_id": study, "session_type": "focus_group",
                               "date": "2026-05-01", "title": "Marché"})),
            )
            .unwrap();
        let mut two = Two {
            dir,
            a,
            b,
            study,
            session,
        };
        two.a_to_b();
        two
    }

    fn send(dir: &std::path::Path, from: &Store, to: &mut Store, study: &str) -> ImportReport {
        let p = dir.join(format!("{}.terrain", uuid::Uuid::new_v4()));
        let target = ExportTarget::For(to.node_id().to_string());
        bundle::export_bundle(from, study, &target, &p, &mut |_| {}).unwrap();
        bundle::import_bundle(to, &p, &mut |_| {}).unwrap()
    }

    fn a_to_b(&mut self) -> ImportReport {
        Two::send(self.dir.path(), &self.a, &mut self.b, &self.study)
    }

    fn b_to_a(&mut self) -> ImportReport {
        Two::send(self.dir.path(), &self.b, &mut self.a, &self.study)
    }

    /// Both ways; the conflicts each side logged.
    fn exchange(&mut self) -> u64 {
        self.b_to_a().conflicts + self.a_to_b().conflicts
    }

    fn both_edit(&mut self, a: serde_json::Value, b: serde_json::Value) {
        let s = self.session.clone();
        self.a.update(Entity::Session, &s, &fields(a)).unwrap();
        self.b.update(Entity::Session, &s, &fields(b)).unwrap();
    }

    /// The whole log, resolved conflicts included, the same on both laptops.
    fn conflicts(&self) -> Vec<sync::Conflict> {
        let on_a = sync::list_conflicts(self.a.conn(), true).unwrap();
        assert_eq!(on_a, sync::list_conflicts(self.b.conn(), true).unwrap());
        assert_eq!(
            sync::dump_string(self.a.conn(), None).unwrap(),
            sync::dump_string(self.b.conn(), None).unwrap()
        );
        on_a
    }
}

#[test]
fn the_same_choice_and_the_same_restore_on_two_laptops_are_no_conflict() {
    let mut t = Two::new();
    t.both_edit(
        json!({"session_type": "key_informant_interview", "duration_minutes": 90}),
        json!({"session_type": "key_informant_interview", "duration_minutes": 90}),
    );
    assert_eq!(t.exchange(), 0);
    assert!(t.conflicts().is_empty());
    // Deleted on one, then restored on both at once.
    let s = t.session.clone();
    t.a.delete(Entity::Session, &s).unwrap();
    t.a_to_b();
    t.a.restore(Entity::Session, &s).unwrap();
    t.b.restore(Entity::Session, &s).unwrap();
    assert_eq!(t.exchange(), 0);
    assert!(t.conflicts().is_empty());
    // Someone writing over the twice-made edit later loses nothing either.
    t.a.update(
        Entity::Session,
        &s,
        &fields(json!({"duration_minutes": 60})),
    )
    .unwrap();
    assert_eq!(t.a_to_b().conflicts, 0);
    assert!(t.conflicts().is_empty());
    // Values that differ still conflict, once, on both sides.
    t.both_edit(json!({"title": "Marché A"}), json!({"title": "Marché B"}));
    assert_eq!(t.exchange(), 2, "each side logs the value it did not keep");
    let logged = t.conflicts();
    assert_eq!(logged.len(), 1);
    assert_ne!(
        Some(&logged[0].loser.value),
        logged[0].winner.as_ref().map(|w| &w.value)
    );
    // Both laptops still write and sync.
    t.a.update(Entity::Session, &s, &fields(json!({"notes": "revu"})))
        .unwrap();
    t.a_to_b();
    let on_b = query::get(t.b.conn(), Entity::Session, &s).unwrap();
    assert_eq!(on_b.fields["notes"], json!("revu"));
}

#[test]
fn two_supervisors_resolving_alike_make_no_conflict_on_the_resolution() {
    for keep_loser in [false, true] {
        let mut t = Two::new();
        t.both_edit(json!({"title": "Marché A"}), json!({"title": "Marché B"}));
        t.exchange();
        let logged = t.conflicts();
        assert_eq!(logged.len(), 1);
        let c = &logged[0];
        let pick = match keep_loser {
            true => c.loser.value_id.clone(),
            false => c.winner.as_ref().unwrap().value_id.clone(),
        };
        // Each supervisor picks the same value before hearing of the other's pick.
        sync::resolve_conflict(&mut t.a, &c.id, &pick).unwrap();
        sync::resolve_conflict(&mut t.b, &c.id, &pick).unwrap();
        assert_eq!(t.exchange(), 0, "keep_loser: {keep_loser}");
        let after = t.conflicts();
        if keep_loser {
            // The value picked is in force on both: nothing is lost.
            assert!(after.is_empty(), "{after:?}");
        } else {
            assert_eq!(after.len(), 1);
            assert_eq!(after[0].picked.as_deref(), Some(pick.as_str()));
        }
        assert_eq!(sync::open_conflicts(t.a.conn()).unwrap(), 0);
        let title = &query::get(t.b.conn(), Entity::Session, &t.session)
            .unwrap()
            .fields["title"];
        let kept = if keep_loser {
            &c.loser
        } else {
            c.winner.as_ref().unwrap()
        };
        assert_eq!(title, &kept.value);
    }
}
