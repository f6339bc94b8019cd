//! A small fixed dataset whose dashboard figures are worked out by hand in the tests
//! (used by the stats, report and export tests).

use serde_json::{json, Value};
use terrain_core::{Entity, Store};

use super::fields;

/// The Kayes and Ségou regions (2016 gazetteer).
pub const KAYES: &str = "9d70cd7c-749a-5857-92e2-16825cba5192";
pub const SEGOU: &str = "46ff4d5a-c09b-58ce-b2bc-28446f270c0e";
/// Sadiola, a commune of the Kayes cercle (ML0103), Kayes region (ML01).
pub const SADIOLA: &str = "e5ede3f5-1d45-5cc3-b925-41f7972dd82a";
/// Pelengana, a commune of the Ségou cercle (ML0406), Ségou region (ML04).
pub const PELENGANA: &str = "e0d688fc-e603-5e02-b219-f93037ae2eff";
pub const OTHER_NODE: &str = "00000000-0000-4000-8000-0000000000aa";

pub struct Fixture {
    pub store: Store,
    pub study_a: String,
    pub study_b: String,
    /// S1 focus group Sadiola 2025-01-10; S2 workshop Pelengana 2025-02-01; S3 validation
    /// workshop Sadiola 2025-03-01; S4 focus group Sadiola 2025-01-10 (another laptop);
    /// S5 (study B) focus group Pelengana 2025-01-20.
    pub s: [String; 5],
    pub r: [String; 3],
}

pub fn create(store: &mut Store, entity: Entity, v: Value) -> String {
    store.create(entity, &fields(v)).expect("create")
}

fn person(store: &mut Store, session: &str, v: Value) -> String {
    let mut f = fields(v);
    f.insert("session_id".into(), json!(session));
    store.create(Entity::Participant, &f).expect("participant")
}

pub fn build(dir: &std::path::Path) -> Fixture {
    let mut store = Store::open_in_dir(dir).expect("open");
    let a = create(
        &mut store,
        Entity::Study,
        json!({"title": "Étude A — sécurité", "organisation": "ONG Sahel"}),
    );
    let b = create(&mut store, Entity::Study, json!({"title": "Étude B"}));
    let s1 = create(
        &mut store,
        Entity::Session,
        json!({
        "study_id": a, "session_type": "focus_group", "date": "2025-01-10", "place_id": SADIOLA,
        "title": "Groupe de femmes de Sadiola", "women_only": true, "woman_facilitator": true,
        "interpreter": false, "languages": ["bm", "fr"], "facilitators": ["Awa Traoré"],
        "consent_level": "group", "consent_quotes": true, "notes": "Mme Diarra a parlé de son fils."}),
    );
    person(
        &mut store,
        &s1,
        json!({"sex": "female", "age": 30, "actor_group": "womens_association", "name": "Fanta Keïta", "phone": "+22370000001"}),
    );
    person(
        &mut store,
        &s1,
        json!({"sex": "female", "age": 40, "actor_group": "womens_association"}),
    );
    person(
        &mut store,
        &s1,
        json!({"sex": "female", "age": 28, "actor_group": "police", "institution": "Police nationale"}),
    );
    create(
        &mut store,
        Entity::Tally,
        json!({"session_id": s1, "sex": "female", "age_band": "18_24", "actor_group": "youth", "count": 4}),
    );
    create(
        &mut store,
        Entity::Finding,
        json!({"session_id": s1, "theme": "justice", "text": "Les femmes demandent des audiences foraines."}),
    );

    let s2 = create(
        &mut store,
        Entity::Session,
        json!({
        "study_id": a, "session_type": "workshop", "date": "2025-02-01", "place_id": PELENGANA,
        "women_only": false, "woman_facilitator": false, "interpreter": true, "languages": ["bm"],
        "facilitators": ["Awa Traoré", "Moussa Coulibaly"]}),
    );
    person(
        &mut store,
        &s2,
        json!({"sex": "male", "age": 35, "actor_group": "gendarmerie", "institution": "Gendarmerie nationale", "role": "chef de brigade"}),
    );
    person(
        &mut store,
        &s2,
        json!({"sex": "male", "age": 35, "actor_group": "gendarmerie", "institution": "Gendarmerie nationale", "role": "chef de brigade"}),
    );
    person(
        &mut store,
        &s2,
        json!({"sex": "female", "age": 50, "actor_group": "civil_society"}),
    );
    create(
        &mut store,
        Entity::Tally,
        json!({"session_id": s2, "sex": "male", "actor_group": "armed_forces", "count": 2}),
    );
    create(
        &mut store,
        Entity::Finding,
        json!({"session_id": s2, "theme": "sécurité", "text": "Le poste de Pelengana ferme à 18 h."}),
    );

    let s3 = create(
        &mut store,
        Entity::Session,
        json!({
        "study_id": a, "session_type": "validation_workshop", "date": "2025-03-01", "place_id": SADIOLA,
        "consent_level": "individual"}),
    );
    person(
        &mut store,
        &s3,
        json!({"sex": "male", "actor_group": "administrative_authority", "code": "X-1"}),
    );

    let s4 = create(
        &mut store,
        Entity::Session,
        json!({
        "study_id": a, "session_type": "focus_group", "date": "2025-01-10", "place_id": SADIOLA,
        "consent_level": "group"}),
    );
    person(
        &mut store,
        &s4,
        json!({"sex": "female", "age": 22, "actor_group": "womens_association", "code": "X-1"}),
    );
    // S4 was entered on another laptop: its changes come from another node.
    store
        .conn()
        .execute("INSERT INTO nodes(node_id) VALUES (?1)", [OTHER_NODE])
        .expect("node");
    store
        .conn()
        .execute(
            "UPDATE change_log SET node = (SELECT idx FROM nodes WHERE node_id = ?1) WHERE row_id = ?2",
            (OTHER_NODE, &s4),
        )
        .expect("origin");

    let s5 = create(
        &mut store,
        Entity::Session,
        json!({
        "study_id": b, "session_type": "focus_group", "date": "2025-01-20", "place_id": PELENGANA,
        "consent_level": "group"}),
    );
    person(
        &mut store,
        &s5,
        json!({"sex": "male", "age": 19, "actor_group": "youth"}),
    );
    person(
        &mut store,
        &s5,
        json!({"sex": "male", "age": 20, "actor_group": "youth"}),
    );

    let r1 = create(
        &mut store,
        Entity::Recommendation,
        json!({
        "study_id": a, "text": "Tenir des audiences foraines à Sadiola.", "theme": "justice",
        "target_institution": "Gouvernorat de Kayes", "status": "proposed", "source_sessions": [s1]}),
    );
    let r2 = create(
        &mut store,
        Entity::Recommendation,
        json!({
        "study_id": a, "text": "Ouvrir le poste de Pelengana jusqu'à 22 h.", "theme": "justice",
        "status": "implemented", "source_sessions": [s2]}),
    );
    let r3 = create(
        &mut store,
        Entity::Recommendation,
        json!({
        "study_id": a, "text": "Former des points focaux.", "theme": "police",
        "target_institution": "Police nationale", "status": "validated"}),
    );
    Fixture {
        store,
        study_a: a,
        study_b: b,
        s: [s1, s2, s3, s4, s5],
        r: [r1, r2, r3],
    }
}
