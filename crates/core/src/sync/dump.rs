//! The replicated state in a canonical form: every record that has a change (fields by name,
//! tombstone included) and the conflict log, sorted, leaving out what is local to one laptop
//! (node identity, keys, devices, vectors, the reference gazetteer nobody edited). Two replicas
//! holding the same changes print byte-identical dumps.

use std::collections::{BTreeMap, HashSet};

use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;
use serde_json::{Map, Value as Json};

use crate::changes::repair::is_repair;
use crate::changes::value::to_json;
use crate::error::{Error, Result};
use crate::schema::{self, Entity};
use crate::store::rows::{columns, row_at, select_list};
use crate::sync::conflicts::logged_conflicts;

fn record_json(entity: Entity, id: &str, values: &BTreeMap<String, SqlValue>) -> Json {
    let mut fields: BTreeMap<String, Json> = BTreeMap::new();
    for def in entity.fields() {
        let v = values.get(def.name).cloned().unwrap_or(SqlValue::Null);
        fields.insert(def.name.to_string(), to_json(def, &v));
    }
    let deleted = values.get(schema::DELETED) == Some(&SqlValue::Integer(1));
    fields.insert(schema::DELETED.to_string(), Json::Bool(deleted));
    fields.insert("id".to_string(), Json::String(id.to_string()));
    Json::Object(fields.into_iter().collect::<Map<String, Json>>())
}

/// Records as stored in the entity tables (rows having at least one change).
fn stored_records(conn: &Connection, entity: Entity) -> Result<Vec<Json>> {
    let names = columns(entity);
    let sql = format!(
        "SELECT t.id, {cols} FROM {table} t
          WHERE t.id IN (SELECT row_id FROM change_log WHERE entity = ?1) ORDER BY t.id",
        cols = select_list(&names, Some("t")),
        table = entity.as_str()
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([entity.code()])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let values = row_at(r, &names, 1)?
            .into_iter()
            .map(|(name, v)| (name.to_string(), v))
            .collect();
        out.push(record_json(entity, &id, &values));
    }
    Ok(out)
}

/// Records as a study's sync carries them: per field, the winner among the changes of that
/// study and of shared records.
fn scoped_records(conn: &Connection, study: &str) -> Result<BTreeMap<Entity, Vec<Json>>> {
    let mut stmt = conn.prepare(
        "SELECT c.entity, c.row_id, c.field, c.value, c.hlc, n.node_id, c.node, c.prev_hlc, c.prev_node
           FROM changes c JOIN nodes n ON n.idx = c.node WHERE c.study = ?1 OR c.study IS NULL",
    )?;
    let mut rows = stmt.query([study])?;
    type Winners = BTreeMap<String, ((i64, String), SqlValue)>;
    type Held = ((Entity, String), String, (i64, String), i64, SqlValue);
    let mut records: BTreeMap<(Entity, String), Winners> = BTreeMap::new();
    // A repaired stamp does not compete (`changes::repair`): (record, field, stamp, node).
    let mut repaired = HashSet::new();
    let mut held: Vec<Held> = Vec::new();
    while let Some(r) = rows.next()? {
        let e: String = r.get(0)?;
        let entity = Entity::parse(&e).ok_or(Error::UnknownEntity(e))?;
        let stamp = (r.get::<_, i64>(4)?, r.get::<_, String>(5)?);
        let record = (entity, r.get::<_, String>(1)?);
        let field: String = r.get(2)?;
        let (prev_hlc, prev_node): (Option<i64>, Option<i64>) = (r.get(7)?, r.get(8)?);
        if let (Some(p), Some(pn)) = (prev_hlc.filter(|p| is_repair(stamp.0, *p)), prev_node) {
            repaired.insert((record.clone(), field.clone(), p, pn));
        }
        held.push((record, field, stamp, r.get(6)?, r.get(3)?));
    }
    for (record, field, stamp, node, value) in held {
        if repaired.contains(&(record.clone(), field.clone(), stamp.0, node)) {
            continue;
        }
        let fields = records.entry(record).or_default();
        if fields.get(&field).is_none_or(|(s, _)| stamp > *s) {
            fields.insert(field, (stamp, value));
        }
    }
    let mut out: BTreeMap<Entity, Vec<Json>> = BTreeMap::new();
    for ((entity, id), fields) in records {
        let values = fields.into_iter().map(|(f, (_, v))| (f, v)).collect();
        out.entry(entity)
            .or_default()
            .push(record_json(entity, &id, &values));
    }
    Ok(out)
}

fn conflicts_json(conn: &Connection, study: Option<&str>) -> Result<Vec<Json>> {
    let mut out = Vec::new();
    for c in logged_conflicts(conn)? {
        if let (Some(s), Some(cs)) = (study, c.study.as_deref()) {
            if s != cs {
                continue;
            }
        }
        let mut m: BTreeMap<String, Json> = BTreeMap::new();
        m.insert("id".into(), Json::String(c.id()));
        m.insert("entity".into(), Json::String(c.entity.as_str().into()));
        m.insert("value".into(), c.value_json());
        m.insert("row_id".into(), Json::String(c.row_id));
        m.insert("field".into(), Json::String(c.field));
        m.insert("hlc".into(), Json::from(c.hlc));
        m.insert("device".into(), Json::String(c.node));
        out.push(Json::Object(m.into_iter().collect()));
    }
    Ok(out)
}

/// The canonical dump as JSON; `study` limits it to what that study's sync carries.
pub fn dump(conn: &Connection, study: Option<&str>) -> Result<Json> {
    let mut records: BTreeMap<String, Json> = BTreeMap::new();
    let mut scoped = match study {
        Some(s) => Some(scoped_records(conn, s)?),
        None => None,
    };
    for entity in Entity::ALL {
        let list = match scoped.as_mut() {
            Some(m) => m.remove(&entity).unwrap_or_default(),
            None => stored_records(conn, entity)?,
        };
        records.insert(entity.as_str().to_string(), Json::Array(list));
    }
    let mut top: BTreeMap<String, Json> = BTreeMap::new();
    top.insert(
        "conflicts".into(),
        Json::Array(conflicts_json(conn, study)?),
    );
    top.insert("format".into(), Json::String("terrain-dump/1".into()));
    top.insert(
        "records".into(),
        Json::Object(records.into_iter().collect()),
    );
    top.insert(
        "study".into(),
        study.map_or(Json::Null, |s| Json::String(s.into())),
    );
    Ok(Json::Object(top.into_iter().collect()))
}

/// The canonical dump as text (pretty JSON, keys sorted, one trailing newline).
pub fn dump_string(conn: &Connection, study: Option<&str>) -> Result<String> {
    let mut s = serde_json::to_string_pretty(&dump(conn, study)?)
        .map_err(|e| Error::Internal(e.to_string()))?;
    s.push('\n');
    Ok(s)
}
