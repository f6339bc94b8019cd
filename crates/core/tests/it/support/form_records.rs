//! Questionnaire records written as the forms use cases write them (docs/design/forms.md,
//! "Records"): a form version with its definition, a response, one answer record per
//! question with the id `changes::answer_id` makes. For the tests of the records themselves,
//! below the use cases.

use serde_json::{json, Value as Json};
use terrain_core::changes::answer_id;
use terrain_core::read::{self, ListOptions};
use terrain_core::{Entity, Store};

use super::fields;

/// A node of a definition: `kind` is its NodeKind as JSON.
fn node(name: &str, kind: Json, row: u32) -> Json {
    json!({
        "name": name, "kind": kind, "label": {"": name}, "hint": {},
        "required": null, "required_message": {}, "constraint": null,
        "constraint_message": {}, "relevant": null, "calculation": null, "default": null,
        "read_only": null, "choice_filter": null, "appearance": [], "row": row,
    })
}

/// A FormDef as JSON: `name` (text), `age` (integer, a constraint), `sex` (select_one) and a
/// repeat `members` of `member_name`; `relevant` goes on `age` (an expression, checked or not).
pub fn definition_with(form_id: &str, version: &str, title: &str, relevant: Option<&str>) -> Json {
    let mut age = node(
        "age",
        json!({"type": "question", "question": {"type": "integer"}}),
        3,
    );
    age["constraint"] = json!(". < 130");
    age["relevant"] = json!(relevant);
    json!({
        "form_id": form_id, "version": version, "title": title,
        "default_language": null, "languages": [""],
        "body": [
            node("name", json!({"type": "question", "question": {"type": "text"}}), 2),
            age,
            node("sex", json!({"type": "question",
                "question": {"type": "select_one", "list": "sex", "or_other": false}}), 4),
            node("members", json!({"type": "repeat", "repeat_count": null, "children": [
                node("member_name", json!({"type": "question", "question": {"type": "text"}}), 6),
            ]}), 5),
        ],
        "choices": {"sex": [
            {"name": "female", "label": {"": "Femme"}, "extra": {}},
            {"name": "male", "label": {"": "Homme"}, "extra": {}},
        ]},
    })
}

pub fn definition(form_id: &str, version: &str, title: &str) -> String {
    definition_with(form_id, version, title, Some("${name} != ''")).to_string()
}

/// Imports a form version into `study` (as `forms::store::import_form` writes it); its id.
pub fn import(store: &mut Store, study: &str, form_id: &str, version: &str) -> String {
    let title = format!("Enquête {form_id}");
    store
        .create(
            Entity::Form,
            &fields(json!({
                "study_id": study, "form_id": form_id, "version": version, "title": title,
                "definition": definition(form_id, version, &title), "file_name": "enquete.xlsx",
                "question_count": 4,
            })),
        )
        .unwrap()
}

/// A new draft response to `form` in `study`; its id.
pub fn respond(store: &mut Store, study: &str, form: &str) -> String {
    store
        .create(
            Entity::Response,
            &fields(json!({"study_id": study, "form_ref": form, "status": "draft"})),
        )
        .unwrap()
}

/// Sets the answer at `path` (None clears it): creates its record the first time, with the id
/// made from the response and the path; restores it when it was removed.
pub fn answer(store: &mut Store, response: &str, path: &str, value: Option<&str>) -> String {
    let id = answer_id(response, path);
    let held = read::get(store.conn(), Entity::Answer, &id).ok();
    store
        .write(|w| match held {
            None => w.create_with_id(
                Entity::Answer,
                &id,
                &fields(json!({"response_id": response, "path": path, "value": value})),
            ),
            Some(r) => {
                if r.deleted {
                    w.restore(Entity::Answer, &id)?;
                }
                w.update(Entity::Answer, &id, &fields(json!({"value": value})))
                    .map(|_| ())
            }
        })
        .unwrap();
    id
}

/// The live answers of a response as (path, value), by path.
pub fn answers(store: &Store, response: &str) -> Vec<(String, Option<String>)> {
    let opts = ListOptions {
        field: Some("response_id".into()),
        value: Some(response.into()),
        ..Default::default()
    };
    let mut out: Vec<(String, Option<String>)> = read::list(store.conn(), Entity::Answer, &opts)
        .unwrap()
        .into_iter()
        .map(|r| {
            (
                r.text("path").unwrap().to_string(),
                r.text("value").map(str::to_string),
            )
        })
        .collect();
    out.sort();
    out
}

/// How many live records of `entity` the store lists.
pub fn live_count(store: &Store, entity: Entity) -> usize {
    read::list(store.conn(), entity, &ListOptions::default())
        .unwrap()
        .len()
}
