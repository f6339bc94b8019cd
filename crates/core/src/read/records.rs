//! Records as the UI and the CLI see them: one, a list, the bin.

use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use crate::changes::merge::winner;
use crate::changes::sealed::{is_sealed, Opener, SEALED_MARKER};
use crate::changes::value::to_json;
use crate::error::{Error, Problem, Result};
use crate::read::live::live;
use crate::schema::{self, Entity};
use crate::store::rows::{columns, read_row, row_at, select_list, Row};

/// A record as the UI and `record list --json` see it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Record {
    pub id: String,
    pub entity: Entity,
    pub deleted: bool,
    // Not `Record<...>`: inside the generated Record.ts that name is this type itself.
    #[ts(type = "{ [key in string]: unknown }")]
    pub fields: serde_json::Map<String, Json>,
    /// The fields sealed to headquarters that this store cannot open: they hold the marker
    /// (`changes::sealed::SEALED_MARKER`), and a screen shows its own word for it.
    pub sealed: Vec<String>,
}

impl Record {
    fn from_row(entity: Entity, id: &str, row: &Row, opener: &Opener) -> Record {
        let mut fields = serde_json::Map::new();
        let mut sealed = Vec::new();
        for def in entity.fields() {
            let v = row.get(def.name).unwrap_or(&SqlValue::Null);
            let shown = opener.show(entity, def.name, v);
            if is_sealed(v) && shown == SqlValue::Text(SEALED_MARKER.into()) {
                sealed.push(def.name.to_string());
            }
            fields.insert(def.name.to_string(), to_json(def, &shown));
        }
        Record {
            id: id.to_string(),
            entity,
            deleted: row.get(schema::DELETED) == Some(&SqlValue::Integer(1)),
            fields,
            sealed,
        }
    }

    /// A flat JSON object: `id`, every field by name, and `deleted`.
    pub fn to_flat_json(&self) -> Json {
        let mut obj = serde_json::Map::new();
        obj.insert("id".into(), Json::String(self.id.clone()));
        obj.extend(self.fields.clone());
        obj.insert("deleted".into(), Json::Bool(self.deleted));
        Json::Object(obj)
    }

    pub fn text(&self, field: &str) -> Option<&str> {
        self.fields.get(field).and_then(|v| v.as_str())
    }
}

pub fn get(conn: &Connection, entity: Entity, id: &str) -> Result<Record> {
    let row = read_row(conn, entity, id)?.ok_or_else(|| Error::NotFound {
        entity,
        id: id.to_string(),
    })?;
    Ok(Record::from_row(entity, id, &row, &Opener::load(conn)?))
}

/// Which records of an entity to list.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct ListOptions {
    /// Only records whose `field` equals `value` (e.g. session_id of a participant).
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
    /// Include deleted records (they are marked), and those inside a deleted study or session.
    #[serde(default)]
    pub include_deleted: bool,
    /// Only deleted records (the "deleted" view).
    #[serde(default)]
    pub only_deleted: bool,
}

/// Records of one entity in creation order (UUIDv7 ids sort by time).
pub fn list(conn: &Connection, entity: Entity, opts: &ListOptions) -> Result<Vec<Record>> {
    let names = columns(entity);
    let table = entity.as_str();
    let mut sql = format!(
        "SELECT id, {} FROM {table} WHERE 1=1",
        select_list(&names, None),
    );
    let mut params: Vec<String> = Vec::new();
    if opts.only_deleted {
        sql.push_str(" AND deleted = 1");
    } else if !opts.include_deleted {
        // Live records: not deleted, nor inside a deleted study or session.
        sql.push_str(&format!(" AND {}", live(entity, table)));
    }
    if entity == Entity::Place && opts.field.is_none() {
        // The reference gazetteer is thousands of rows: list only user-added places.
        sql.push_str(" AND map_version = 'user'");
    }
    if let (Some(field), Some(value)) = (&opts.field, &opts.value) {
        if entity.field(field).is_none() {
            return Err(Error::invalid(entity, field, Problem::UnknownField));
        }
        sql.push_str(&format!(" AND \"{field}\" = ?1"));
        params.push(value.clone());
    }
    sql.push_str(" ORDER BY id");
    let opener = Opener::load(conn)?;
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params.iter()), |r| {
        let id: String = r.get(0)?;
        Ok(Record::from_row(
            entity,
            &id,
            &row_at(r, &names, 1)?,
            &opener,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Every deleted record (the "deleted" view), newest first.
pub fn deleted_records(conn: &Connection) -> Result<Vec<Record>> {
    let mut out = Vec::new();
    for entity in Entity::ALL {
        if entity == Entity::Resolution {
            continue;
        }
        out.extend(list(
            conn,
            entity,
            &ListOptions {
                only_deleted: true,
                ..Default::default()
            },
        )?);
    }
    // Most recently deleted first: by the stamp of the change that deleted each one.
    let mut keyed = Vec::with_capacity(out.len());
    for r in out {
        let stamp = winner(conn, r.entity, &r.id, schema::DELETED)?.map(|(s, _)| s);
        keyed.push((stamp, r));
    }
    keyed.sort_by(|(a, ra), (b, rb)| b.cmp(a).then_with(|| rb.id.cmp(&ra.id)));
    Ok(keyed.into_iter().map(|(_, r)| r).collect())
}
