//! The one write path. Every user edit goes through a [`Writer`]: in one transaction it
//! checks the values, and for each field that changes appends a change to the log (stamped by
//! the hybrid logical clock, numbered by this node's sequence) and updates the row.

use std::collections::BTreeMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior};
use serde_json::Value as Json;

use super::admit;
use super::answer_id::answer_id;
use super::cover::{Cover, ERASED_REASON};
use super::erasure;
use super::log::RunAt;
use super::merge::{self, Change, Stamp};
use super::outcome::Outcome;
use super::participant_code::participant_code;
use super::repair;
use super::roster::found;
use super::roster_rules::WriteCheck;
use super::scope::{Scopes, PARENT_FIELDS};
use super::seal_plan::SealPlan;
use super::seqs::{self, Counters};
use super::value::normalize;
use crate::clock;
use crate::error::{Error, Problem, Result, SyncError};
use crate::schema::{self, Entity, FieldDef, Kind};
use crate::store::meta::{get_meta, node_idx, set_meta};
use crate::store::rows::{read_row, Row};
use crate::store::Store;

/// Field name → value, as typed by a person (JSON from the UI, text from the CLI).
pub type Fields = BTreeMap<String, Json>;

pub struct Writer<'a> {
    /// Holds statements prepared on `tx`'s connection; declared first so they are finalized
    /// before the transaction ends.
    merge_state: merge::MergeState<'a>,
    tx: Transaction<'a>,
    node_id: String,
    /// This laptop's next change numbers, per scope.
    seqs: Counters,
    hlc: i64,
    clock_offset_ms: i64,
    node_cache: BTreeMap<String, i64>,
    node_idx: i64,
    /// Sessions read during this transaction.
    scopes: Scopes,
    /// The study a resolution being written belongs to (set by the conflicts module).
    pub(crate) resolution_study: Option<String>,
    device_key: ed25519_dalek::SigningKey,
    /// What this laptop's role allows, per study written to.
    roles: WriteCheck,
    /// What each study written to seals to its HQ key.
    sealing: SealPlan,
}

impl Store {
    /// Runs `f` in one immediate transaction: all its writes land together or not at all.
    pub fn write<T>(&mut self, f: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        let node_id = self.node_id().to_string();
        let node_idx = self.node_idx();
        let clock_offset_ms = self.clock_offset_ms;
        // `&mut self` already makes this the only transaction on the connection; the shared
        // borrow lets the writer keep statements prepared on it for the whole transaction.
        let conn = &self.conn;
        let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        let hlc = get_meta(&tx, "hlc")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut writer = Writer {
            merge_state: merge::MergeState::new(conn),
            tx,
            node_id: node_id.clone(),
            seqs: Counters::default(),
            hlc,
            clock_offset_ms,
            node_cache: BTreeMap::from([(node_id, node_idx)]),
            node_idx,
            scopes: Scopes::default(),
            resolution_study: None,
            device_key: self.device_key().clone(),
            roles: WriteCheck::default(),
            sealing: SealPlan::default(),
        };
        let out = f(&mut writer)?;
        writer.commit()?;
        Ok(out)
    }

    pub fn create(&mut self, entity: Entity, fields: &Fields) -> Result<String> {
        self.write(|w| w.create(entity, fields))
    }

    pub fn update(&mut self, entity: Entity, id: &str, fields: &Fields) -> Result<usize> {
        self.write(|w| w.update(entity, id, fields))
    }

    pub fn delete(&mut self, entity: Entity, id: &str) -> Result<()> {
        self.write(|w| w.delete(entity, id))
    }

    pub fn restore(&mut self, entity: Entity, id: &str) -> Result<()> {
        self.write(|w| w.restore(entity, id))
    }
}

impl Writer<'_> {
    pub fn conn(&self) -> &rusqlite::Connection {
        &self.tx
    }

    fn commit(mut self) -> Result<()> {
        self.merge_state.flush()?;
        set_meta(&self.tx, "hlc", &self.hlc.to_string())?;
        self.tx.commit()?;
        Ok(())
    }

    /// The local handle of a node id, cached for the transaction.
    fn node_handle(&mut self, node_id: &str) -> Result<i64> {
        if let Some(idx) = self.node_cache.get(node_id) {
            return Ok(*idx);
        }
        let idx = node_idx(&self.tx, node_id)?;
        self.node_cache.insert(node_id.to_string(), idx);
        Ok(idx)
    }

    /// Counts updated fields against what was held when the sync began (`Outcome`).
    pub(crate) fn count_from(&mut self, start: &super::outcome::SyncStart) {
        self.merge_state.sync_start = Some(start.clone());
    }

    /// Applies received changes in this transaction, once `admit` has checked them against
    /// what is held (their values and shape were checked before: `sync::validate_change_at`).
    pub(crate) fn apply(&mut self, changes: &[Change], known_new: bool) -> Result<Outcome> {
        admit::admit(&self.tx, (&self.node_id, self.node_idx), changes)?;
        seqs::check_contiguous(&self.tx, changes)?;
        self.merge_in(changes, known_new)
    }

    /// Applies changes (local or admitted) in this transaction. `known_new`: they are the
    /// first changes of a record whose id was just made here.
    fn merge_in(&mut self, changes: &[Change], known_new: bool) -> Result<Outcome> {
        if !known_new || changes.iter().any(|c| c.entity == Entity::Session) {
            self.scopes.forget();
        }
        let mut nodes = merge::Nodes::default();
        let names = changes
            .iter()
            .flat_map(|c| std::iter::once(&c.node).chain(c.prev.as_ref().map(|p| &p.node)));
        for name in names {
            if !nodes.contains(name) {
                let idx = self.node_handle(name)?;
                nodes.insert(name, idx);
            }
        }
        let (outcome, _) =
            merge::apply_batch(changes, &mut nodes, &mut self.merge_state, known_new)?;
        erasure::after_merge(&self.tx, changes)?;
        Ok(outcome)
    }

    /// Moves our clock after seeing a received stamp (bounded: see `clock::observe`).
    pub(crate) fn observe(&mut self, remote_hlc: i64) {
        self.hlc = clock::observe(
            self.hlc,
            remote_hlc,
            clock::wall_millis(self.clock_offset_ms),
        );
    }

    /// Creates a record with a new UUIDv7 id and returns the id.
    pub fn create(&mut self, entity: Entity, fields: &Fields) -> Result<String> {
        let id = uuid::Uuid::now_v7().to_string();
        self.create_record(entity, &id, fields, true)?;
        Ok(id)
    }

    /// Creates a record with a given id (ids are made by the caller for linked records).
    pub fn create_with_id(&mut self, entity: Entity, id: &str, fields: &Fields) -> Result<()> {
        self.create_record(entity, id, fields, false)
    }

    /// `fresh_id`: the id was just made here, so no change of it can be held yet.
    fn create_record(
        &mut self,
        entity: Entity,
        id: &str,
        fields: &Fields,
        fresh_id: bool,
    ) -> Result<()> {
        let mut values = self.check(entity, fields)?;
        self.fill_defaults(entity, id, &mut values)?;
        for def in entity.fields() {
            if def.required && values.get(def.name).is_none_or(|v| *v == SqlValue::Null) {
                return Err(Error::invalid(entity, def.name, Problem::Required));
            }
        }
        check_dates(entity, |name| values.get(name))?;
        if entity == Entity::Answer {
            check_answer_id(id, &values)?;
        }
        if entity == Entity::Study {
            // A study created here has this laptop as its founder and first coordinator.
            found(&self.tx, id, &self.device_key)?;
            self.roles.forget();
            self.sealing.forget();
        }
        let parent = PARENT_FIELDS
            .into_iter()
            .find_map(|k| values.get(k).map(|v| (k, v)));
        let study = match parent {
            Some((k, v)) => self.study_of(entity, id, k, v)?,
            None => self.study_of(entity, id, "", &SqlValue::Null)?,
        };
        (self.scopes).check_same_study(&self.tx, entity, study.as_deref(), &values.0)?;
        let mut values = values.0;
        values.retain(|(_, v)| *v != SqlValue::Null);
        let session = match (entity, values_session(&values)) {
            (Entity::Participant, Some(s)) => Some(s.to_string()),
            _ => None,
        };
        self.put_all(entity, id, values, study, fresh_id)?;
        if let Some(session) = session {
            self.scopes.count_participant(&session);
        }
        Ok(())
    }

    /// Changes the given fields of a live record; returns how many fields actually changed.
    pub fn update(&mut self, entity: Entity, id: &str, fields: &Fields) -> Result<usize> {
        let current = self.current_row(entity, id)?;
        if current.get(schema::DELETED) == Some(&SqlValue::Integer(1)) {
            return Err(Error::NotFound {
                entity,
                id: id.to_string(),
            });
        }
        let mut values = self.check(entity, fields)?;
        erasure::refuse_personal(&self.tx, entity, id, &values.0)?;
        if entity == Entity::Participant {
            if let (Some(SqlValue::Integer(age)), false) =
                (values.get("age"), values.contains_key("age_band"))
            {
                values.insert("age_band", SqlValue::Text(schema::age_band_of(*age).into()));
            }
        }
        for (name, value) in &values.0 {
            let def = entity
                .field(name)
                .ok_or_else(|| Error::invalid(entity, name, Problem::UnknownField))?;
            if def.required && *value == SqlValue::Null {
                return Err(Error::invalid(entity, name, Problem::Required));
            }
            // Other laptops refuse a record moved to another study or session (its changes
            // would reach the wrong people), a form version changed, an answer moved: refused
            // here first.
            let now = current.get(name).unwrap_or(&SqlValue::Null);
            if entity.fixed_fields().contains(name) && now != value {
                return Err(Error::invalid(entity, name, Problem::Fixed));
            }
        }
        check_dates(entity, |name| {
            values.get(name).or_else(|| current.get(name))
        })?;
        let study = self.study_of(entity, id, "", &SqlValue::Null)?;
        (self.scopes).check_same_study(&self.tx, entity, study.as_deref(), &values.0)?;
        let mut changed: Vec<(&str, SqlValue)> = Vec::with_capacity(values.0.len());
        for (name, value) in values.0 {
            let now = current.get(name);
            let same = now == Some(&value)
                || (self.sealing).unchanged(&self.tx, (entity, name), now, &value)?;
            if !same {
                changed.push((name, value));
            }
        }
        let count = changed.len();
        self.put_all(entity, id, changed, study, false)?;
        Ok(count)
    }

    pub fn delete(&mut self, entity: Entity, id: &str) -> Result<()> {
        self.set_deleted(entity, id, true)
    }

    pub fn restore(&mut self, entity: Entity, id: &str) -> Result<()> {
        self.set_deleted(entity, id, false)
    }

    fn set_deleted(&mut self, entity: Entity, id: &str, deleted: bool) -> Result<()> {
        let current = self.current_row(entity, id)?;
        let now = current.get(schema::DELETED) == Some(&SqlValue::Integer(1));
        if now != deleted {
            let study = self.study_of(entity, id, "", &SqlValue::Null)?;
            self.put(
                entity,
                id,
                schema::DELETED,
                SqlValue::Integer(deleted as i64),
                study,
            )?;
        }
        Ok(())
    }

    /// Appends one local change and applies it. Its stamp is above the value it replaces even
    /// when that value came from a laptop whose clock runs ahead: an edit made after seeing a
    /// value must win over it.
    pub(crate) fn put(
        &mut self,
        entity: Entity,
        id: &str,
        field: &str,
        value: SqlValue,
        study: Option<String>,
    ) -> Result<()> {
        self.put_all(entity, id, vec![(field, value)], study, false)
    }

    /// Appends one local change per field of one record and applies them together: one
    /// look-up of the record's current stamps and one row write, whatever the field count.
    fn put_all(
        &mut self,
        entity: Entity,
        id: &str,
        values: Vec<(&str, SqlValue)>,
        study: Option<String>,
        fresh_id: bool,
    ) -> Result<()> {
        if values.is_empty() {
            return Ok(());
        }
        let (tx, node) = (&self.tx, &self.node_id);
        self.roles
            .check_fields(tx, node, (entity, &values), study.as_deref())?;
        if entity == Entity::Study {
            self.sealing.forget();
        }
        let mut values = values;
        let at = (entity, study.as_deref());
        (self.sealing).seal(&self.tx, &mut self.roles, at, &mut values)?;
        let scope = study.as_deref().unwrap_or("");
        let wall = clock::wall_millis(self.clock_offset_ms);
        let first_seq = self
            .seqs
            .take(&self.tx, scope, &self.node_id, values.len())?;
        if fresh_id {
            // A record whose id was just made here: every field is new and wins, nothing to
            // look up or compare, so its changes go straight to the log and the row.
            let mut entries = Vec::with_capacity(values.len());
            for (field, value) in &values {
                self.hlc = tick(self.hlc, wall)?;
                entries.push(merge::LocalChange {
                    field,
                    value,
                    hlc: self.hlc,
                    cover: Cover::fresh(entity, field),
                });
            }
            if entity == Entity::Session {
                self.scopes.forget();
            }
            let at = RunAt {
                node: self.node_idx,
                study: study.as_deref(),
                entity,
                row_id: id,
                first_seq,
            };
            return merge::apply_new_record(&mut self.merge_state, at, &entries);
        }
        let winners = merge::field_stamps(&self.tx, entity, id)?;
        let mut changes = Vec::with_capacity(values.len());
        for (field, value) in values {
            let prev = winners.get(field).cloned();
            self.hlc = tick(self.hlc, wall)?;
            let hlc = match &prev {
                Some(p) if p.hlc >= self.hlc => {
                    // Above a value stamped far ahead (received before such stamps were
                    // refused): every other laptop would refuse this edit, and the laptop's
                    // whole log after it.
                    let above = p.hlc.saturating_add(1);
                    if let Some(ahead_ms) = clock::too_far_ahead(above, wall) {
                        return Err(Error::Sync(SyncError::FutureValue {
                            node: p.node.clone(),
                            ahead_ms,
                        }));
                    }
                    above
                }
                _ => self.hlc,
            };
            changes.push(Change {
                node: self.node_id.clone(),
                seq: first_seq + changes.len() as i64,
                study: study.clone(),
                entity,
                row_id: id.to_string(),
                field: field.to_string(),
                value,
                hlc,
                prev,
                cover: Cover::fresh(entity, field),
            });
        }
        self.merge_in(&changes, false)?;
        Ok(())
    }

    /// Appends a repair (`changes::repair`): a change of `field` naming `repaired` as its
    /// `prev`, stamped now, or just above `above` (the highest stamp still competing) so that
    /// it wins. Refused unless this laptop may resolve conflicts in the record's study. Its
    /// stamp, or None when it would not be a day below the repaired one (nothing to repair).
    pub(crate) fn put_repair(
        &mut self,
        (entity, id, field): (Entity, &str, &str),
        value: SqlValue,
        repaired: Stamp,
        above: i64,
    ) -> Result<Option<i64>> {
        let study = self.study_of(entity, id, "", &SqlValue::Null)?;
        self.roles
            .check_repair(&self.tx, &self.node_id, entity, study.as_deref())?;
        self.hlc = tick(self.hlc, clock::wall_millis(self.clock_offset_ms))?;
        let hlc = self.hlc.max(above.saturating_add(1));
        if !repair::is_repair(hlc, repaired.hlc) {
            return Ok(None);
        }
        let scope = study.as_deref().unwrap_or("");
        let seq = self.seqs.take(&self.tx, scope, &self.node_id, 1)?;
        let node = self.node_id.clone();
        let (row_id, field) = (id.to_string(), field.to_string());
        let prev = Some(repaired);
        let cover = Cover::fresh(entity, &field);
        let c = Change {
            node,
            seq,
            study,
            entity,
            row_id,
            field,
            value,
            hlc,
            prev,
            cover,
        };
        self.merge_in(&[c], false)?;
        Ok(Some(hlc))
    }

    /// The study whose sync carries a change to this record (see [`Scopes::study_of`]).
    pub(crate) fn study_of(
        &self,
        entity: Entity,
        id: &str,
        field: &str,
        value: &SqlValue,
    ) -> Result<Option<String>> {
        let resolution = self.resolution_study.as_deref();
        (self.scopes).study_of(&self.tx, (entity, id), (field, value), resolution)
    }

    /// Normalises every given field; refuses unknown ones and the tombstone.
    fn check(&self, entity: Entity, fields: &Fields) -> Result<Values> {
        let mut out = Values(Vec::with_capacity(fields.len() + 2));
        for (name, input) in fields {
            let def: &'static FieldDef = entity
                .fields()
                .iter()
                .find(|f| f.name == name)
                .ok_or_else(|| Error::invalid(entity, name, Problem::UnknownField))?;
            if def.name == ERASED_REASON {
                // Only an erasure sets it (`Writer::erase`), and nothing clears it.
                return Err(Error::invalid(entity, name, Problem::Fixed));
            }
            let value = normalize(entity, def, input)?;
            if let (Kind::Ref(target), SqlValue::Text(ref_id)) = (def.kind, &value) {
                if !self.is_live(target, ref_id)? {
                    return Err(Error::invalid(entity, name, Problem::MissingReference));
                }
            }
            // `fields` has each name once, so each field comes once.
            out.0.push((def.name, value));
        }
        Ok(out)
    }

    /// Values a new record gets when the person left them out.
    fn fill_defaults(&self, entity: Entity, id: &str, values: &mut Values) -> Result<()> {
        let missing = |v: &Values, k: &str| v.get(k).is_none_or(|x| *x == SqlValue::Null);
        match entity {
            Entity::Participant => {
                if let (Some(SqlValue::Integer(age)), true) =
                    (values.get("age"), missing(values, "age_band"))
                {
                    values.insert("age_band", SqlValue::Text(schema::age_band_of(*age).into()));
                }
                if missing(values, "code") {
                    if let Some(SqlValue::Text(session)) = values.get("session_id") {
                        let n = self.scopes.participants_in(&self.tx, session)?;
                        values.insert("code", SqlValue::Text(participant_code(id, n + 1)));
                    }
                }
            }
            Entity::Recommendation if missing(values, "status") => {
                values.insert("status", SqlValue::Text("proposed".into()));
            }
            Entity::Study if missing(values, "status") => {
                values.insert("status", SqlValue::Text("ongoing".into()));
            }
            Entity::Place if missing(values, "map_version") => {
                values.insert("map_version", SqlValue::Text("user".into()));
            }
            _ => {}
        }
        Ok(())
    }

    fn is_live(&self, entity: Entity, id: &str) -> Result<bool> {
        if entity == Entity::Session {
            return Ok((self.scopes)
                .with_session(&self.tx, id, |f| f.live)?
                .unwrap_or(false));
        }
        let table = entity.as_str();
        Ok(self
            .tx
            .prepare_cached(&format!("SELECT deleted FROM {table} WHERE id = ?1"))?
            .query_row([id], |r| r.get::<_, i64>(0))
            .optional()?
            == Some(0))
    }

    /// The stored row as field → value, or NotFound.
    fn current_row(&self, entity: Entity, id: &str) -> Result<Row> {
        read_row(&self.tx, entity, id)?.ok_or_else(|| Error::NotFound {
            entity,
            id: id.to_string(),
        })
    }
}

/// Checked values of one record, at most one per field, in the order they were given: a
/// record has a dozen fields at most, so a list is quicker to fill and search than a map.
struct Values(Vec<(&'static str, SqlValue)>);

impl Values {
    fn get(&self, name: &str) -> Option<&SqlValue> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    fn insert(&mut self, name: &'static str, value: SqlValue) {
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => *v = value,
            None => self.0.push((name, value)),
        }
    }
}

/// An answer's id is made from its response and path (`answer_id`): other laptops refuse any
/// other, as they would two records for one question.
fn check_answer_id(id: &str, values: &Values) -> Result<()> {
    if let (Some(SqlValue::Text(response)), Some(SqlValue::Text(path))) =
        (values.get("response_id"), values.get("path"))
    {
        if answer_id(response, path) != id {
            return Err(Error::Internal(format!(
                "answer {id} is not the id of {path} in response {response}: use changes::answer_id"
            )));
        }
    }
    Ok(())
}

fn values_session<'v>(values: &'v [(&str, SqlValue)]) -> Option<&'v str> {
    values.iter().find_map(|(k, v)| match (*k, v) {
        ("session_id", SqlValue::Text(s)) => Some(s.as_str()),
        _ => None,
    })
}

/// The clock's next stamp; none above the ceiling, whatever this laptop's date says.
fn tick(last: i64, wall: i64) -> Result<i64> {
    let next = clock::tick(last, wall);
    if clock::millis(next) > clock::CEILING_MS {
        return Err(Error::Internal(format!(
            "this laptop's clock says {}: set its date right before writing",
            clock::to_rfc3339(next)
        )));
    }
    Ok(next)
}

/// End dates not before start dates; `value` gives a field's value as it will be stored.
fn check_dates<'v>(entity: Entity, value: impl Fn(&str) -> Option<&'v SqlValue>) -> Result<()> {
    if let (Some(SqlValue::Text(start)), Some(SqlValue::Text(end))) =
        (value("start_date"), value("end_date"))
    {
        if end < start {
            return Err(Error::invalid(
                entity,
                "end_date",
                Problem::BeforeStart {
                    start_field: "start_date",
                },
            ));
        }
    }
    Ok(())
}
