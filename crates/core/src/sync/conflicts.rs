//! The conflict log as people see it: a value overwritten by a concurrent edit, side by side
//! with the value in force, and a supervisor's pick. A pick is a synced `resolution` record
//! (its id derives from the conflict) plus, when the loser is picked, a normal edit that
//! writes it back on top of the current value. [`conflict_views`] dresses the log for people:
//! labels in their language, a few words naming the record, the devices' names.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value as Json;
use ts_rs::TS;

use crate::changes::merge;
use crate::changes::repair::is_repair;
use crate::changes::roster_rules::WriteCheck;
use crate::changes::sealed::Opener;
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

/// What dressing a record's conflicts needs of its log, read once: a flooded record holds
/// thousands of changes, and a look-up per conflict would read them all again each time.
struct RecordLog {
    entity: Entity,
    row_id: String,
    /// (field, hlc, node handle) → the seq and scope of the change held with that stamp.
    by_stamp: HashMap<(String, i64, i64), (i64, Option<String>)>,
    /// Field → the change in force: (node id, seq, hlc, value).
    current: HashMap<String, (String, i64, i64, SqlValue)>,
}

impl RecordLog {
    fn read(conn: &Connection, entity: Entity, row_id: &str) -> Result<RecordLog> {
        let mut log = RecordLog {
            entity,
            row_id: row_id.to_string(),
            by_stamp: HashMap::new(),
            current: HashMap::new(),
        };
        let mut stmt = conn.prepare_cached(
            "SELECT c.field, c.hlc, c.node, n.node_id, c.seq, c.study, c.value, c.prev_hlc, c.prev_node
               FROM changes c JOIN nodes n ON n.idx = c.node
              WHERE c.entity = ?1 AND c.row_id = ?2",
        )?;
        let mut rows = stmt.query((entity.as_str(), row_id))?;
        // A repaired value is not in force (`changes::repair`).
        let mut repaired = HashSet::new();
        let mut held = Vec::new();
        while let Some(r) = rows.next()? {
            let field: String = r.get(0)?;
            let (hlc, node_idx, node, seq): (i64, i64, String, i64) =
                (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
            log.by_stamp
                .insert((field.clone(), hlc, node_idx), (seq, r.get(5)?));
            let (prev_hlc, prev_node): (Option<i64>, Option<i64>) = (r.get(7)?, r.get(8)?);
            if let (Some(p), Some(pn)) = (prev_hlc.filter(|p| is_repair(hlc, *p)), prev_node) {
                repaired.insert((field.clone(), p, pn));
            }
            held.push((field, hlc, node_idx, node, seq, r.get::<_, SqlValue>(6)?));
        }
        for (field, hlc, node_idx, node, seq, value) in held {
            if repaired.contains(&(field.clone(), hlc, node_idx)) {
                continue;
            }
            let wins = log
                .current
                .get(&field)
                .is_none_or(|(n, _, h, _)| (hlc, &node) > (*h, n));
            if wins {
                log.current.insert(field, (node, seq, hlc, value));
            }
        }
        Ok(log)
    }

    /// The log of `row`'s record: the one already read when it is that record's (the conflict
    /// log is read in record order), else read now in its place.
    fn of<'s>(
        slot: &'s mut Option<RecordLog>,
        conn: &Connection,
        row: &LogRow,
    ) -> Result<&'s RecordLog> {
        let fresh = slot
            .as_ref()
            .is_some_and(|l| l.entity == row.entity && l.row_id == row.row_id);
        if !fresh {
            *slot = Some(RecordLog::read(conn, row.entity, &row.row_id)?);
        }
        slot.as_ref()
            .ok_or_else(|| Error::Internal("a record's log just read is gone".into()))
    }
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

/// A row of the conflict log as stored, read without any other look-up: listing the whole
/// log this way stays cheap however many entries a member floods it with.
struct LogRow {
    entity: Entity,
    row_id: String,
    field: String,
    hlc: i64,
    node: String,
    node_idx: i64,
    value: SqlValue,
}

impl LogRow {
    fn id(&self) -> String {
        conflict_id(&self.row_id, &self.field, self.hlc, &self.node)
    }

    /// With the seq and scope of the change that wrote it, from its record's log.
    fn logged(self, log: &RecordLog) -> LoggedConflict {
        let (seq, study) = log
            .by_stamp
            .get(&(self.field.clone(), self.hlc, self.node_idx))
            .cloned()
            .map_or((None, None), |(seq, study)| (Some(seq), study));
        LoggedConflict {
            entity: self.entity,
            row_id: self.row_id,
            field: self.field,
            hlc: self.hlc,
            node: self.node,
            value: self.value,
            seq,
            study,
        }
    }
}

/// The conflict log's rows, in a stable order (the one the dump and the conflicts list show).
fn log_rows(conn: &Connection) -> Result<Vec<LogRow>> {
    let mut stmt = conn.prepare(
        "SELECT k.row_id, k.field, k.entity, k.loser_hlc, ln.node_id, k.loser_value, k.loser_node
           FROM conflicts k JOIN nodes ln ON ln.idx = k.loser_node
          ORDER BY k.row_id, k.field, k.loser_hlc, ln.node_id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let entity_name: String = r.get(2)?;
        out.push(LogRow {
            entity: Entity::parse(&entity_name).ok_or(Error::UnknownEntity(entity_name))?,
            row_id: r.get(0)?,
            field: r.get(1)?,
            hlc: r.get(3)?,
            node: r.get(4)?,
            value: r.get(5)?,
            node_idx: r.get(6)?,
        });
    }
    Ok(out)
}

/// The conflict log, in a stable order (the one the dump and the conflicts list show).
pub(crate) fn logged_conflicts(conn: &Connection) -> Result<Vec<LoggedConflict>> {
    let mut log = None;
    log_rows(conn)?
        .into_iter()
        .map(|row| {
            let of_record = RecordLog::of(&mut log, conn, &row)?;
            Ok(row.logged(of_record))
        })
        .collect()
}

/// Conflict id → the value id a supervisor picked (None: the pick was cleared).
fn picks(conn: &Connection) -> Result<BTreeMap<String, Option<String>>> {
    let mut picks = BTreeMap::new();
    let mut p = conn.prepare("SELECT id, picked FROM resolution WHERE deleted = 0")?;
    for row in p.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
    })? {
        let (id, picked) = row?;
        picks.insert(id, picked);
    }
    Ok(picks)
}

/// A conflict with both its values, as `list_conflicts` shows it.
/// `log`: the last record's log read, kept for the next conflict of the same record.
/// Sealed values are shown opened where this store holds the HQ key, else as the marker.
fn dress(
    (conn, opener): (&Connection, &Opener),
    row: LogRow,
    picked: Option<String>,
    log: &mut Option<RecordLog>,
) -> Result<Conflict> {
    let log = RecordLog::of(log, conn, &row)?;
    let c = row.logged(log);
    let winner = log
        .current
        .get(&c.field)
        .map(|(wn, ws, wh, wv)| ConflictValue {
            value_id: format!("{wn}:{ws}"),
            value: json_of(c.entity, &c.field, &opener.show(c.entity, &c.field, wv)),
            device: wn.clone(),
            at: clock::to_rfc3339(*wh),
        });
    Ok(Conflict {
        id: c.id(),
        entity: c.entity,
        loser: ConflictValue {
            value_id: format!("{}:{}", c.node, c.seq.unwrap_or(0)),
            value: json_of(
                c.entity,
                &c.field,
                &opener.show(c.entity, &c.field, &c.value),
            ),
            at: clock::to_rfc3339(c.hlc),
            device: c.node,
        },
        study: c.study,
        winner,
        row_id: c.row_id,
        field: c.field,
        picked,
    })
}

/// Conflicts, unresolved only or all, in a stable order: the whole log (the CLI, tests). The
/// Sync screen reads a bounded part of it, see [`conflict_views`].
pub fn list_conflicts(conn: &Connection, include_resolved: bool) -> Result<Vec<Conflict>> {
    let picks = picks(conn)?;
    let opener = Opener::load(conn)?;
    let mut out = Vec::new();
    let mut log = None;
    for row in log_rows(conn)? {
        let picked = picks.get(&row.id()).cloned().flatten();
        if picked.is_some() && !include_resolved {
            continue;
        }
        out.push(dress((conn, &opener), row, picked, &mut log)?);
    }
    Ok(out)
}

/// How many conflicts wait for a supervisor's pick.
pub fn open_conflicts(conn: &Connection) -> Result<u64> {
    let picks = picks(conn)?;
    let rows = log_rows(conn)?;
    Ok(rows
        .iter()
        .filter(|r| picks.get(&r.id()).cloned().flatten().is_none())
        .count() as u64)
}

/// A supervisor picks one of a conflict's two values (by value id). The pick syncs.
pub fn resolve_conflict(store: &mut Store, conflict_id: &str, value_id: &str) -> Result<()> {
    let unknown = || {
        Error::Sync(SyncError::UnknownConflict {
            id: conflict_id.to_string(),
        })
    };
    // Found by id among the log's rows, then only this one dressed: the log may be long.
    let row = log_rows(store.conn())?
        .into_iter()
        .find(|r| r.id() == conflict_id)
        .ok_or_else(unknown)?;
    let picked = picks(store.conn())?.remove(conflict_id).flatten();
    let conflict = dress((store.conn(), &Opener::none()), row, picked, &mut None)?;
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

/// At most how many conflicts the Sync screen shows at once, and at most how many of one
/// record: a member flooding one record (or many) with conflicting changes must neither bury
/// the others nor make the screen read and dress the whole log on every load. Picking one
/// brings the next up.
pub const SHOWN_CONFLICTS: usize = 200;
pub const SHOWN_PER_RECORD: usize = 5;

/// The unresolved conflicts the Sync screen shows, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ConflictList {
    /// In the log's order, at most [`SHOWN_CONFLICTS`], at most [`SHOWN_PER_RECORD`] a record.
    pub shown: Vec<ConflictView>,
    /// All unresolved conflicts, shown or not.
    pub total: u64,
}

/// Unresolved conflicts, each with both values side by side, labelled in the store's language:
/// a bounded part of the log (see [`SHOWN_CONFLICTS`]) and the count of all of it.
pub fn conflict_views(store: &Store) -> Result<ConflictList> {
    let conn = store.conn();
    let lang = store.lang();
    let picks = picks(conn)?;
    let opener = Opener::load(conn)?;
    let mut total = 0u64;
    let mut chosen: Vec<LogRow> = Vec::new();
    let mut per_record: BTreeMap<(Entity, String), usize> = BTreeMap::new();
    for row in log_rows(conn)? {
        if picks.get(&row.id()).cloned().flatten().is_some() {
            continue;
        }
        total += 1;
        let of_record = per_record
            .entry((row.entity, row.row_id.clone()))
            .or_default();
        if chosen.len() < SHOWN_CONFLICTS && *of_record < SHOWN_PER_RECORD {
            *of_record += 1;
            chosen.push(row);
        }
    }
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
    let mut shown = Vec::with_capacity(chosen.len());
    let mut log = None;
    for row in chosen {
        let c = dress((conn, &opener), row, None, &mut log)?;
        shown.push(ConflictView {
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
        });
    }
    Ok(ConflictList { shown, total })
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
        Entity::Form => &["title", "version"],
        // The question's path says which question of the response is in conflict.
        Entity::Answer => &["path"],
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
