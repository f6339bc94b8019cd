//! The conflict log as people see it: a value overwritten by a concurrent edit, side by side
//! with the value in force, and a supervisor's pick. A pick is a synced `resolution` record
//! (its id derives from the conflict) plus, when the loser is picked, a normal edit that
//! writes it back on top of the current value. [`conflict_views`] dresses the log for people:
//! labels in their language, a few words naming the record, the devices' names.

use std::collections::BTreeMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value as Json;
use ts_rs::TS;

use crate::changes::merge;
use crate::changes::roster_rules::WriteCheck;
use crate::changes::value::{sql_to_json, to_json};
use crate::clock;
use crate::error::{Error, Result, SyncError};
use crate::read::records::get;
use crate::schema::Entity;
use crate::store::Store;
use crate::sync::devices::list_devices;

/// Namespace of conflict ids (UUIDv5 of the conflict's key).
const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x5e0c_41b2_7a11_4c8e_9d0f_7e1a_c0ff_1c75);

/// The id of a conflict (and of its resolution record): stable on every replica.
pub fn conflict_id(row_id: &str, field: &str, loser_hlc: i64, loser_node: &str) -> String {
    uuid::Uuid::new_v5(
        &NAMESPACE,
        format!("{row_id}\n{field}\n{loser_hlc}\n{loser_node}").as_bytes(),
    )
    .to_string()
}

/// One of the two values of a conflict.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ConflictValue {
    /// What to pass to `resolve`: the change's origin node and seq, `NODE:SEQ`.
    pub value_id: String,
    #[ts(type = "unknown")]
    pub value: Json,
    /// The device (node id) that wrote it.
    pub device: String,
    /// When (RFC 3339, from its clock stamp).
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Conflict {
    pub id: String,
    pub entity: Entity,
    pub row_id: String,
    pub field: String,
    pub study: Option<String>,
    /// The value that was overwritten without being seen.
    pub loser: ConflictValue,
    /// The value in force now.
    pub winner: Option<ConflictValue>,
    /// The value id a supervisor picked, if resolved.
    pub picked: Option<String>,
}

fn json_of(entity: Entity, field: &str, v: &SqlValue) -> Json {
    match entity.field(field) {
        Some(def) => to_json(def, v),
        None => sql_to_json(v),
    }
}

/// The change in force for a field: (node id, seq, hlc, value).
fn current(
    conn: &Connection,
    entity: Entity,
    row_id: &str,
    field: &str,
) -> Result<Option<(String, i64, i64, SqlValue)>> {
    Ok(conn
        .prepare_cached(
            "SELECT n.node_id, c.seq, c.hlc, c.value FROM changes c JOIN nodes n ON n.idx = c.node
              WHERE c.entity = ?3 AND c.row_id = ?1 AND c.field = ?2
              ORDER BY c.hlc DESC, n.node_id DESC LIMIT 1",
        )?
        .query_row((row_id, field, entity.as_str()), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?)
}

/// The seq and scope of a held change known by its stamp (looked up one by one: a join on
/// the `changes` view would expand the whole log).
fn losing_change(
    conn: &Connection,
    entity: Entity,
    row_id: &str,
    field: &str,
    hlc: i64,
    node: i64,
) -> Result<Option<(i64, Option<String>)>> {
    Ok(conn
        .prepare_cached(
            "SELECT seq, study FROM changes
              WHERE entity = ?1 AND row_id = ?2 AND field = ?3 AND hlc = ?4 AND node = ?5",
        )?
        .query_row((entity.as_str(), row_id, field, hlc, node), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

/// An entry of the conflict log: a value overwritten by a change that did not know it, with the
/// seq and scope of the change that wrote it.
pub(crate) struct LoggedConflict {
    pub entity: Entity,
    pub row_id: String,
    pub field: String,
    pub hlc: i64,
    /// The node id of the overwritten value's origin.
    pub node: String,
    pub value: SqlValue,
    pub seq: Option<i64>,
    pub study: Option<String>,
}

impl LoggedConflict {
    pub fn id(&self) -> String {
        conflict_id(&self.row_id, &self.field, self.hlc, &self.node)
    }

    /// The overwritten value as JSON, as its field shows it.
    pub fn value_json(&self) -> Json {
        json_of(self.entity, &self.field, &self.value)
    }
}

/// The conflict log, in a stable order (the one the dump and the conflicts list show).
pub(crate) fn logged_conflicts(conn: &Connection) -> Result<Vec<LoggedConflict>> {
    let mut stmt = conn.prepare(
        "SELECT k.row_id, k.field, k.entity, k.loser_hlc, ln.node_id, k.loser_value, k.loser_node
           FROM conflicts k JOIN nodes ln ON ln.idx = k.loser_node
          ORDER BY k.row_id, k.field, k.loser_hlc, ln.node_id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let row_id: String = r.get(0)?;
        let field: String = r.get(1)?;
        let entity_name: String = r.get(2)?;
        let entity = Entity::parse(&entity_name).ok_or(Error::UnknownEntity(entity_name))?;
        let hlc: i64 = r.get(3)?;
        let (seq, study) = losing_change(conn, entity, &row_id, &field, hlc, r.get(6)?)?
            .map_or((None, None), |(seq, study)| (Some(seq), study));
        out.push(LoggedConflict {
            entity,
            hlc,
            node: r.get(4)?,
            value: r.get(5)?,
            seq,
            study,
            row_id,
            field,
        });
    }
    Ok(out)
}

/// Conflicts, unresolved only or all, in a stable order.
pub fn list_conflicts(conn: &Connection, include_resolved: bool) -> Result<Vec<Conflict>> {
    let mut picks: BTreeMap<String, Option<String>> = BTreeMap::new();
    {
        let mut p = conn.prepare("SELECT id, picked FROM resolution WHERE deleted = 0")?;
        for row in p.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })? {
            let (id, picked) = row?;
            picks.insert(id, picked);
        }
    }
    let mut out = Vec::new();
    for c in logged_conflicts(conn)? {
        let id = c.id();
        let picked = picks.get(&id).cloned().flatten();
        if picked.is_some() && !include_resolved {
            continue;
        }
        let winner =
            current(conn, c.entity, &c.row_id, &c.field)?.map(|(wn, ws, wh, wv)| ConflictValue {
                value_id: format!("{wn}:{ws}"),
                value: json_of(c.entity, &c.field, &wv),
                device: wn,
                at: clock::to_rfc3339(wh),
            });
        out.push(Conflict {
            id,
            entity: c.entity,
            loser: ConflictValue {
                value_id: format!("{}:{}", c.node, c.seq.unwrap_or(0)),
                value: c.value_json(),
                at: clock::to_rfc3339(c.hlc),
                device: c.node,
            },
            study: c.study,
            winner,
            row_id: c.row_id,
            field: c.field,
            picked,
        });
    }
    Ok(out)
}

/// A supervisor picks one of a conflict's two values (by value id). The pick syncs.
pub fn resolve_conflict(store: &mut Store, conflict_id: &str, value_id: &str) -> Result<()> {
    let conflict = list_conflicts(store.conn(), true)?
        .into_iter()
        .find(|c| c.id == conflict_id)
        .ok_or_else(|| {
            Error::Sync(SyncError::UnknownConflict {
                id: conflict_id.to_string(),
            })
        })?;
    let not_a_value = || {
        Error::Sync(SyncError::NotAConflictValue {
            id: value_id.to_string(),
        })
    };
    let is_option = conflict.loser.value_id == value_id
        || conflict
            .winner
            .as_ref()
            .is_some_and(|w| w.value_id == value_id);
    if !is_option {
        return Err(not_a_value());
    }
    let (node, seq) = value_id.rsplit_once(':').ok_or_else(not_a_value)?;
    let seq: i64 = seq.parse().map_err(|_| not_a_value())?;
    let picked: SqlValue = store
        .conn()
        .query_row(
            "SELECT c.value FROM changes c JOIN nodes n ON n.idx = c.node
              WHERE c.entity = ?3 AND c.row_id = ?4 AND n.node_id = ?1 AND c.seq = ?2",
            (node, seq, conflict.entity.as_str(), &conflict.row_id),
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(not_a_value)?;
    store.write(|w| {
        let study = w.study_of(conflict.entity, &conflict.row_id, "", &SqlValue::Null)?;
        w.resolution_study = study.clone().or(conflict.study.clone());
        let now = merge::winner(w.conn(), conflict.entity, &conflict.row_id, &conflict.field)?;
        if now.as_ref().map(|(_, v)| v) != Some(&picked) {
            w.put(
                conflict.entity,
                &conflict.row_id,
                &conflict.field,
                picked.clone(),
                study,
            )?;
        }
        let fields = BTreeMap::from([("picked".to_string(), Json::String(value_id.to_string()))]);
        let exists: bool = w.conn().query_row(
            "SELECT EXISTS(SELECT 1 FROM resolution WHERE id = ?1)",
            [&conflict.id],
            |r| r.get(0),
        )?;
        if exists {
            w.restore(Entity::Resolution, &conflict.id)?;
            w.update(Entity::Resolution, &conflict.id, &fields)?;
        } else {
            w.create_with_id(Entity::Resolution, &conflict.id, &fields)?;
        }
        Ok(())
    })
}

/// One value of a conflict, for showing side by side.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ConflictSide {
    pub value_id: String,
    #[ts(type = "unknown")]
    pub value: Json,
    pub device: String,
    pub device_label: Option<String>,
    pub at: String,
}

/// A conflict as a person sees it: what was edited, in their language, and both values.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ConflictView {
    pub id: String,
    pub entity: Entity,
    pub entity_label: String,
    pub row_id: String,
    /// A few words that let a person recognise the record.
    pub record_label: String,
    pub field: String,
    pub field_label: String,
    /// The value overwritten without being seen.
    pub loser: ConflictSide,
    /// The value in force now.
    pub current: Option<ConflictSide>,
    pub picked: Option<String>,
    /// Whether this laptop's role lets it pick a value: supervisors and coordinators, or
    /// anyone in a study made before roles (the write path decides the same way).
    pub may_resolve: bool,
}

/// Unresolved conflicts, each with both values side by side, labelled in the store's language.
pub fn conflict_views(store: &Store) -> Result<Vec<ConflictView>> {
    let lang = store.lang();
    let labels: BTreeMap<String, String> = list_devices(store)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|d| d.label.map(|l| (d.node_id, l)))
        .collect();
    let side = |v: ConflictValue| ConflictSide {
        device_label: labels.get(&v.device).cloned(),
        value_id: v.value_id,
        value: v.value,
        device: v.device,
        at: v.at,
    };
    let mut roles = WriteCheck::default();
    let mut may_resolve = |study: Option<&str>| {
        roles
            .check(store.conn(), store.node_id(), Entity::Resolution, study)
            .is_ok()
    };
    Ok(list_conflicts(store.conn(), false)?
        .into_iter()
        .map(|c| ConflictView {
            may_resolve: may_resolve(c.study.as_deref()),
            entity_label: c.entity.label(lang).to_string(),
            record_label: describe(store, c.entity, &c.row_id),
            field_label: c
                .entity
                .field(&c.field)
                .map(|f| f.label(lang).to_string())
                .unwrap_or_else(|| c.field.clone()),
            id: c.id,
            entity: c.entity,
            row_id: c.row_id,
            field: c.field,
            loser: side(c.loser),
            current: c.winner.map(side),
            picked: c.picked,
        })
        .collect())
}

/// A few words that let a person recognise a record (its title, its date, a code...), else
/// the start of its id.
fn describe(store: &Store, entity: Entity, id: &str) -> String {
    let short_id = || id.chars().take(8).collect();
    let Ok(r) = get(store.conn(), entity, id) else {
        return short_id();
    };
    let names: &[&str] = match entity {
        Entity::Study => &["title"],
        Entity::Session => &["title", "date"],
        Entity::Participant => &["code", "age"],
        Entity::Place => &["name"],
        Entity::Finding | Entity::Recommendation => &["text"],
        _ => &[],
    };
    let text = names
        .iter()
        .filter_map(|n| match r.fields.get(*n) {
            Some(Json::String(s)) if !s.is_empty() => Some(s.chars().take(60).collect()),
            Some(Json::Number(n)) => Some(n.to_string()),
            _ => None,
        })
        .collect::<Vec<String>>()
        .join(" · ");
    if text.is_empty() {
        short_id()
    } else {
        text
    }
}
