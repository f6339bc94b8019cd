//! What the benchmarks write: records as a person types them (for the write path), and changes
//! made on other laptops, which reach a replica through `sync::apply_changes` as a bundle or a
//! hub would bring them. Never SQL into the store's tables: only these two paths keep the
//! change log, the rows and the version vector in step.

use rusqlite::types::Value as SqlValue;
use serde_json::{json, Value};

use terrain_core::changes::{normalize, Change, Stamp};
use terrain_core::schema::{Entity, ACTOR_GROUPS, PARTICIPANT_CONSENT, SEXES};
use terrain_core::{clock, Error, Fields, Problem, Result};

/// Fields as the UI sends them, from a JSON object.
pub fn fields(v: Value) -> Fields {
    serde_json::from_value(v).unwrap_or_default()
}

/// Participant `i` of `session` as a field team records one: seven typed fields, to which the
/// write path adds the code and the age band (nine stored).
pub fn participant(session: &str, i: usize) -> Fields {
    fields(json!({
        "session_id": session,
        "sex": SEXES[i % 2],
        "age": 15 + (i % 65) as i64,
        "actor_group": ACTOR_GROUPS[i % ACTOR_GROUPS.len()],
        "institution": format!("Mairie de la commune {}", i % 97),
        "role": "membre",
        "consent": PARTICIPANT_CONSENT[i % 2],
    }))
}

/// Other laptops of one study, making changes outside any store. They share one clock, which
/// starts a day ago: what they send is older than what this laptop writes now.
pub struct Laptops {
    study: String,
    nodes: Vec<String>,
    seqs: Vec<i64>,
    hlc: i64,
}

impl Laptops {
    pub fn new(study: &str, nodes: &[&str]) -> Laptops {
        Laptops {
            study: study.to_string(),
            nodes: nodes.iter().map(|n| n.to_string()).collect(),
            seqs: vec![0; nodes.len()],
            hlc: clock::from_millis(clock::wall_millis(0) - 86_400_000),
        }
    }

    /// Moves the clock on by `ticks`, beyond the one tick each change takes.
    pub fn wait(&mut self, ticks: i64) {
        self.hlc += ticks;
    }

    /// One field change made on laptop `n`: that laptop's next seq, the clock's next tick.
    pub fn change(
        &mut self,
        n: usize,
        entity: Entity,
        row: &str,
        field: &str,
        value: SqlValue,
        prev: Option<Stamp>,
    ) -> Change {
        self.seqs[n] += 1;
        self.hlc += 1;
        Change {
            node: self.nodes[n].clone(),
            seq: self.seqs[n],
            study: Some(self.study.clone()),
            entity,
            row_id: row.to_string(),
            field: field.to_string(),
            value,
            hlc: self.hlc,
            prev,
            cover: terrain_core::changes::Cover::fresh(entity, field),
        }
    }

    /// A new record made on laptop `n`, as its write path logs it: one change per field, each
    /// value checked and normalised as typed, empty ones left out. The values the write path
    /// fills in (a participant's code and age band) are the caller's to give.
    pub fn create(
        &mut self,
        n: usize,
        entity: Entity,
        row: &str,
        fields: &Fields,
    ) -> Result<Vec<Change>> {
        let mut out = Vec::with_capacity(fields.len());
        for (name, typed) in fields {
            let def = entity
                .field(name)
                .ok_or_else(|| Error::invalid(entity, name, Problem::UnknownField))?;
            let value = normalize(entity, def, typed)?;
            if value != SqlValue::Null {
                out.push(self.change(n, entity, row, name, value, None));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use terrain_core::sync::{self, apply_changes};
    use terrain_core::Store;

    const NODES: [&str; 2] = [
        "0191d2c0-0000-7000-8000-0000000000e1",
        "0191d2c0-0000-7000-8000-0000000000e2",
    ];

    #[test]
    fn changes_made_elsewhere_merge_into_a_replica_as_received_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(&dir.path().join("a.db")).expect("store");
        let study = store
            .create(Entity::Study, &fields(json!({"title": "Bench"})))
            .expect("study");
        let mut laptops = Laptops::new(&study, &NODES);
        let session = uuid::Uuid::now_v7().to_string();
        let typed = fields(json!({"study_id": study, "session_type": "focus_group",
                                  "date": "2026-11-20", "languages": ["bm", "fr"], "notes": ""}));
        let mut changes = laptops
            .create(1, Entity::Session, &session, &typed)
            .expect("session");
        assert_eq!(changes.len(), 4, "the empty note is left out");
        let person = uuid::Uuid::now_v7().to_string();
        changes.extend(
            laptops
                .create(0, Entity::Participant, &person, &participant(&session, 3))
                .expect("participant"),
        );
        apply_changes(&mut store, Some(&study), &changes).expect("applied");

        let held = sync::held_vector(store.conn(), &study).expect("vector");
        assert_eq!(held.get(&study, NODES[1]), 4, "{held:?}");
        assert_eq!(held.get(&study, NODES[0]), 7, "{held:?}");
        let languages: String = store
            .conn()
            .query_row(
                "SELECT languages FROM session WHERE id = ?1",
                [&session],
                |r| r.get(0),
            )
            .expect("session row");
        assert_eq!(languages, r#"["bm","fr"]"#);
        assert!(laptops
            .create(
                0,
                Entity::Session,
                &session,
                &fields(json!({"colour": "red"}))
            )
            .is_err());
    }
}
