//! Questionnaire records through the real sync path (docs/design/forms.md, "Records"): two
//! laptops of one study exchange bundle files; answers merge per question, the same question
//! answered on both is a conflict on `answer.value` like any other field; repeat instances
//! are records too; a form version never changes, and a new one keeps the old one's answers.

use serde_json::json;
use terrain_core::changes::answer_id;
use terrain_core::read::{self as query, ListOptions};
use terrain_core::schema::Role;
use terrain_core::sync::bundle::{self, ExportTarget, ImportReport};
use terrain_core::{sync, Entity, Lang, Problem, Store};

use crate::support::fields;
use crate::support::form_records::{answer, answers, definition, import, live_count, respond};

/// Two laptops of one study: A (the coordinator, who imported the form and started the
/// response) and B (an enumerator), both holding the form and the response.
struct Two {
    dir: tempfile::TempDir,
    a: Store,
    b: Store,
    study: String,
    form: String,
    response: String,
}

impl Two {
    fn new() -> Two {
        let dir = tempfile::tempdir().unwrap();
        let mut a = Store::open_in_dir(&dir.path().join("a")).unwrap();
        let b = Store::open_in_dir(&dir.path().join("b")).unwrap();
        let study = a
            .create(Entity::Study, &fields(json!({"title": "Kayes"})))
            .unwrap();
        sync::join_invitation(&b, &sync::invite(&a, &study, Role::Enumerator).unwrap()).unwrap();
        let form = import(&mut a, &study, "menage", "1");
        let response = respond(&mut a, &study, &form);
        let mut two = Two {
            dir,
            a,
            b,
            study,
            form,
            response,
        };
        let report = two.a_to_b();
        assert!(report.new_records >= 3, "{report:?}");
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

    /// Both laptops hold the same records and the same answers of the response.
    fn same(&self) -> Vec<(String, Option<String>)> {
        assert_eq!(
            sync::dump_string(self.a.conn(), Some(&self.study)).unwrap(),
            sync::dump_string(self.b.conn(), Some(&self.study)).unwrap()
        );
        let on_a = answers(&self.a, &self.response);
        assert_eq!(on_a, answers(&self.b, &self.response));
        on_a
    }
}

fn pair(path: &str, value: &str) -> (String, Option<String>) {
    (path.to_string(), Some(value.to_string()))
}

#[test]
fn two_laptops_answering_different_questions_of_one_response_merge_both() {
    let mut t = Two::new();
    let r = t.response.clone();
    answer(&mut t.a, &r, "name", Some("Awa"));
    answer(&mut t.b, &r, "age", Some("34"));
    answer(&mut t.b, &r, "sex", Some("female"));
    assert_eq!(t.exchange(), 0);
    assert_eq!(
        t.same(),
        [
            pair("age", "34"),
            pair("name", "Awa"),
            pair("sex", "female")
        ]
    );
    // Later edits of either question travel as edits of the same records.
    answer(&mut t.a, &r, "age", Some("35"));
    answer(&mut t.b, &r, "name", None);
    assert_eq!(t.exchange(), 0);
    assert_eq!(
        t.same(),
        [
            pair("age", "35"),
            ("name".into(), None),
            pair("sex", "female")
        ]
    );
    assert!(sync::list_conflicts(t.a.conn(), true).unwrap().is_empty());
}

#[test]
fn the_same_question_answered_on_both_is_a_conflict_on_its_value_resolved_as_any_other() {
    let mut t = Two::new();
    let r = t.response.clone();
    // Answered for the first time on both laptops at once: one record, made twice.
    answer(&mut t.a, &r, "age", Some("34"));
    answer(&mut t.b, &r, "age", Some("43"));
    assert_eq!(t.exchange(), 2, "each side logs the value it did not keep");
    let on_a = sync::list_conflicts(t.a.conn(), false).unwrap();
    assert_eq!(on_a, sync::list_conflicts(t.b.conn(), false).unwrap());
    assert_eq!(on_a.len(), 1, "{on_a:?}");
    let c = &on_a[0];
    assert_eq!(
        (c.entity, c.row_id.as_str(), c.field.as_str()),
        (Entity::Answer, answer_id(&r, "age").as_str(), "value")
    );
    assert_eq!(c.study.as_deref(), Some(t.study.as_str()));
    let winner = c.winner.clone().unwrap();
    assert_ne!(c.loser.value, winner.value);
    // The coordinator keeps the overwritten value; the pick travels.
    sync::resolve_conflict(&mut t.a, &c.id, &c.loser.value_id).unwrap();
    t.a_to_b();
    assert!(sync::list_conflicts(t.b.conn(), false).unwrap().is_empty());
    let kept = c.loser.value.as_str().unwrap().to_string();
    assert_eq!(t.same(), [pair("age", &kept)]);
    // An edit made later on both laptops again conflicts, again on the value alone.
    answer(&mut t.a, &r, "age", Some("50"));
    answer(&mut t.b, &r, "age", Some("51"));
    assert_eq!(t.exchange(), 2);
    let open = sync::list_conflicts(t.a.conn(), false).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].field, "value");
}

#[test]
fn repeat_instances_are_records_that_merge_and_are_removed_and_restored() {
    let mut t = Two::new();
    let r = t.response.clone();
    // Each laptop adds a member: instance keys are random, so two instances.
    answer(&mut t.a, &r, "members[aaaabbbb]", Some("1"));
    answer(
        &mut t.a,
        &r,
        "members[aaaabbbb]/member_name",
        Some("Moussa"),
    );
    answer(&mut t.b, &r, "members[ccccdddd]", Some("1"));
    answer(&mut t.b, &r, "members[ccccdddd]/member_name", Some("Fanta"));
    assert_eq!(t.exchange(), 0);
    assert_eq!(
        t.same(),
        [
            pair("members[aaaabbbb]", "1"),
            pair("members[aaaabbbb]/member_name", "Moussa"),
            pair("members[ccccdddd]", "1"),
            pair("members[ccccdddd]/member_name", "Fanta"),
        ]
    );
    // B renumbers its member after A's; A removes its own (the instance's record only).
    answer(&mut t.b, &r, "members[ccccdddd]", Some("2"));
    let instance = answer_id(&r, "members[aaaabbbb]");
    t.a.delete(Entity::Answer, &instance).unwrap();
    assert_eq!(t.exchange(), 0);
    assert_eq!(
        t.same(),
        [
            pair("members[aaaabbbb]/member_name", "Moussa"),
            pair("members[ccccdddd]", "2"),
            pair("members[ccccdddd]/member_name", "Fanta"),
        ]
    );
    // Restored on B, the instance is back on both.
    t.b.restore(Entity::Answer, &instance).unwrap();
    assert_eq!(t.exchange(), 0);
    assert_eq!(t.same().len(), 4);
}

#[test]
fn a_form_version_a_responses_form_and_an_answers_place_never_change() {
    let mut t = Two::new();
    let (form, r) = (t.form.clone(), t.response.clone());
    let fixed = |e: terrain_core::Error, field: &str| match e {
        terrain_core::Error::Invalid(v) => {
            assert_eq!((v.field.as_str(), v.problem), (field, Problem::Fixed));
        }
        other => panic!("{field}: {other:?}"),
    };
    let other_definition = definition("menage", "2", "Enquête menage");
    for (field, value) in [
        ("definition", json!(other_definition)),
        ("form_id", json!("autre")),
        ("version", json!("2")),
        ("title", json!("Autre titre")),
    ] {
        let e =
            t.a.update(Entity::Form, &form, &fields(json!({ field: value })))
                .unwrap_err();
        fixed(e, field);
    }
    // The same value is no change; what is not fixed changes.
    t.a.update(
        Entity::Form,
        &form,
        &fields(json!({"version": "1", "session_type": "individual_interview"})),
    )
    .unwrap();
    let second = import(&mut t.a, &t.study.clone(), "autre", "1");
    let e =
        t.a.update(Entity::Response, &r, &fields(json!({"form_ref": second})))
            .unwrap_err();
    fixed(e, "form_ref");
    // A response answers a form of its own study, in one of its sessions.
    let elsewhere =
        t.a.create(Entity::Study, &fields(json!({"title": "Gao"})))
            .unwrap();
    let their_form = import(&mut t.a, &elsewhere, "menage", "1");
    let their_session =
        t.a.create(
            Entity::Session,
            &fields(json!({"study_id": elsewhere, "session_type": "workshop",
                           "date": "2026-05-01"})),
        )
        .unwrap();
    let study = t.study.clone();
    for (field, value) in [("form_ref", &their_form), ("session_id", &their_session)] {
        let mut f = json!({"study_id": study, "form_ref": form, "status": "draft"});
        f[field] = json!(value);
        match t.a.create(Entity::Response, &fields(f)).unwrap_err() {
            terrain_core::Error::Invalid(v) => {
                assert_eq!((v.field.as_str(), v.problem), (field, Problem::OtherStudy));
            }
            other => panic!("{other:?}"),
        }
    }
    let id = answer(&mut t.a, &r, "age", Some("20"));
    for (field, value) in [("path", "name"), ("response_id", r.as_str())] {
        let other = if field == "response_id" {
            respond(&mut t.a, &t.study.clone(), &form)
        } else {
            value.to_string()
        };
        let e =
            t.a.update(Entity::Answer, &id, &fields(json!({ field: other })))
                .unwrap_err();
        fixed(e, field);
    }
    // An answer whose id is not its path's is never written.
    let stray = uuid::Uuid::now_v7().to_string();
    let e =
        t.a.write(|w| {
            w.create_with_id(
                Entity::Answer,
                &stray,
                &fields(json!({"response_id": r, "path": "name", "value": "x"})),
            )
        })
        .unwrap_err();
    assert_eq!(e.code(), "internal", "{e:?}");
    // The message says so in both languages.
    let e =
        t.a.update(Entity::Form, &form, &fields(json!({"version": "3"})))
            .unwrap_err();
    assert!(e.message(Lang::Fr).contains("ne peut plus être changé"));
    assert!(e.message(Lang::En).contains("cannot be changed"));
    // An enumerator answers, but does not import forms.
    let study = t.study.clone();
    t.a_to_b();
    answer(&mut t.b, &r, "name", Some("Oumar"));
    let e =
        t.b.create(
            Entity::Form,
            &fields(json!({"study_id": study, "form_id": "x", "title": "X",
                           "definition": definition("x", "", "X")})),
        )
        .unwrap_err();
    assert_eq!(e.code(), "role_refused", "{e:?}");
    assert_eq!(t.exchange(), 0);
    t.same();
}

#[test]
fn a_new_version_beside_an_old_one_keeps_the_old_answers() {
    let mut t = Two::new();
    let study = t.study.clone();
    let (v1, old) = (t.form.clone(), t.response.clone());
    answer(&mut t.a, &old, "name", Some("Awa"));
    answer(&mut t.a, &old, "age", Some("34"));
    let v2 = import(&mut t.a, &study, "menage", "2");
    let new = respond(&mut t.a, &study, &v2);
    answer(&mut t.a, &new, "name", Some("Bintou"));
    assert_eq!(t.exchange(), 0);
    // Both versions and both responses are live, each response on its own version.
    assert_eq!(live_count(&t.b, Entity::Form), 2);
    assert_eq!(live_count(&t.b, Entity::Response), 2);
    let old_on_b = query::get(t.b.conn(), Entity::Response, &old).unwrap();
    assert_eq!(old_on_b.fields["form_ref"], json!(v1));
    assert_eq!(t.same(), [pair("age", "34"), pair("name", "Awa")]);
    assert_eq!(answers(&t.b, &new), [pair("name", "Bintou")]);
    // What a delete takes: the study's responses, a form's own.
    let h = query::holdings(t.b.conn(), Entity::Study, &study).unwrap();
    assert_eq!(h.responses, 2);
    assert!(h
        .describe(Lang::Fr)
        .contains("2 réponses aux questionnaires"));
    let h = query::holdings(t.b.conn(), Entity::Form, &v1).unwrap();
    assert_eq!(h.responses, 1);
    assert_eq!(h.describe(Lang::En), "1 form response");
    // Deleting the old version hides its response and answers, not the new one's.
    t.a.delete(Entity::Form, &v1).unwrap();
    t.a_to_b();
    assert_eq!(live_count(&t.b, Entity::Form), 1);
    assert_eq!(live_count(&t.b, Entity::Response), 1);
    assert!(answers(&t.b, &old).is_empty());
    assert_eq!(answers(&t.b, &new), [pair("name", "Bintou")]);
    assert_eq!(
        query::holdings(t.b.conn(), Entity::Study, &study)
            .unwrap()
            .responses,
        1
    );
    // Deleting the study hides every form, response and answer; restoring brings them back.
    t.a.restore(Entity::Form, &v1).unwrap();
    t.a.delete(Entity::Study, &study).unwrap();
    t.a_to_b();
    for e in [Entity::Form, Entity::Response, Entity::Answer] {
        assert_eq!(live_count(&t.b, e), 0, "{e}");
    }
    let with_deleted = ListOptions {
        include_deleted: true,
        ..Default::default()
    };
    assert_eq!(
        query::list(t.b.conn(), Entity::Answer, &with_deleted)
            .unwrap()
            .len(),
        3
    );
    t.a.restore(Entity::Study, &study).unwrap();
    t.a_to_b();
    assert_eq!(live_count(&t.b, Entity::Response), 2);
    assert_eq!(t.same(), [pair("age", "34"), pair("name", "Awa")]);
}
