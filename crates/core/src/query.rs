//! What the screens and the CLI read: records, lists, totals, overviews, history.

use std::collections::{BTreeMap, HashMap};

use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::merge::Stamp;
use crate::places::{fold, PlaceIndex};
use crate::schema::{self, Entity};
use crate::value::to_json;
use crate::{clock, write};

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
}

impl Record {
    fn from_row(entity: Entity, id: &str, row: &BTreeMap<&'static str, SqlValue>) -> Record {
        let mut fields = serde_json::Map::new();
        for def in entity.fields() {
            let v = row.get(def.name).cloned().unwrap_or(SqlValue::Null);
            fields.insert(def.name.to_string(), to_json(def, &v));
        }
        Record {
            id: id.to_string(),
            entity,
            deleted: row.get(schema::DELETED) == Some(&SqlValue::Integer(1)),
            fields,
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
    let row = write::read_row(conn, entity, id)?.ok_or_else(|| Error::NotFound {
        entity,
        id: id.to_string(),
    })?;
    Ok(Record::from_row(entity, id, &row))
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
    /// Include deleted records (they are marked).
    #[serde(default)]
    pub include_deleted: bool,
    /// Only deleted records (the "deleted" view).
    #[serde(default)]
    pub only_deleted: bool,
}

/// Records of one entity in creation order (UUIDv7 ids sort by time).
pub fn list(conn: &Connection, entity: Entity, opts: &ListOptions) -> Result<Vec<Record>> {
    let names: Vec<&'static str> = entity
        .fields()
        .iter()
        .map(|f| f.name)
        .chain([schema::DELETED])
        .collect();
    let columns = names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let mut sql = format!("SELECT id, {columns} FROM {} WHERE 1=1", entity.as_str());
    let mut params: Vec<String> = Vec::new();
    if opts.only_deleted {
        sql.push_str(" AND deleted = 1");
    } else if !opts.include_deleted {
        sql.push_str(" AND deleted = 0");
    }
    if entity == Entity::Place && opts.field.is_none() {
        // The reference gazetteer is thousands of rows: list only user-added places.
        sql.push_str(" AND map_version = 'user'");
    }
    if let (Some(field), Some(value)) = (&opts.field, &opts.value) {
        if entity.field(field).is_none() {
            return Err(Error::invalid(entity, field, crate::Problem::UnknownField));
        }
        sql.push_str(&format!(" AND \"{field}\" = ?1"));
        params.push(value.clone());
    }
    sql.push_str(" ORDER BY id");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params.iter()), |r| {
        let id: String = r.get(0)?;
        let mut row = BTreeMap::new();
        for (i, name) in names.iter().enumerate() {
            row.insert(*name, r.get::<_, SqlValue>(i + 1)?);
        }
        Ok(Record::from_row(entity, &id, &row))
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Head counts, always by sex.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SexCount {
    pub women: i64,
    pub men: i64,
}

impl SexCount {
    pub fn add(&mut self, sex: &str, n: i64) {
        match sex {
            "female" => self.women += n,
            "male" => self.men += n,
            _ => {}
        }
    }
    pub fn total(&self) -> i64 {
        self.women + self.men
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct KeyCount {
    pub key: String,
    pub women: i64,
    pub men: i64,
}

/// The totals of a session or a study: participants' lines plus tally sheets.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct Totals {
    pub women: i64,
    pub men: i64,
    pub total: i64,
    pub by_actor_group: Vec<KeyCount>,
    pub by_age_band: Vec<KeyCount>,
}

/// Adds (sex, age band, actor group, count) rows into totals.
#[derive(Default)]
struct TotalsBuilder {
    all: SexCount,
    actor: BTreeMap<String, SexCount>,
    age: BTreeMap<String, SexCount>,
}

impl TotalsBuilder {
    fn add(&mut self, sex: &str, age_band: Option<String>, actor: Option<String>, n: i64) {
        self.all.add(sex, n);
        self.actor
            .entry(actor.unwrap_or_else(|| "unknown".into()))
            .or_default()
            .add(sex, n);
        self.age
            .entry(age_band.unwrap_or_else(|| "unknown".into()))
            .or_default()
            .add(sex, n);
    }

    fn finish(self) -> Totals {
        let list = |m: BTreeMap<String, SexCount>| {
            m.into_iter()
                .map(|(key, c)| KeyCount {
                    key,
                    women: c.women,
                    men: c.men,
                })
                .collect()
        };
        Totals {
            women: self.all.women,
            men: self.all.men,
            total: self.all.total(),
            by_actor_group: list(self.actor),
            by_age_band: list(self.age),
        }
    }
}

/// Live people of live sessions selected by `session_where` (SQL on alias `s`).
fn totals_where(conn: &Connection, session_where: &str, param: &str) -> Result<Totals> {
    let mut b = TotalsBuilder::default();
    let sql = format!(
        "SELECT p.sex, p.age_band, p.actor_group, count(*) FROM participant p
           JOIN session s ON s.id = p.session_id AND s.deleted = 0
          WHERE p.deleted = 0 AND {session_where}
          GROUP BY 1, 2, 3
         UNION ALL
         SELECT t.sex, t.age_band, t.actor_group, sum(t.count) FROM tally t
           JOIN session s ON s.id = t.session_id AND s.deleted = 0
          WHERE t.deleted = 0 AND {session_where}
          GROUP BY 1, 2, 3"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([param])?;
    while let Some(r) = rows.next()? {
        let sex: Option<String> = r.get(0)?;
        b.add(
            sex.as_deref().unwrap_or(""),
            r.get(1)?,
            r.get(2)?,
            r.get::<_, Option<i64>>(3)?.unwrap_or(0),
        );
    }
    Ok(b.finish())
}

pub fn session_totals(conn: &Connection, session_id: &str) -> Result<Totals> {
    totals_where(conn, "s.id = ?1", session_id)
}

pub fn study_totals(conn: &Connection, study_id: &str) -> Result<Totals> {
    totals_where(conn, "s.study_id = ?1", study_id)
}

/// A study in the list of studies.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct StudyRow {
    pub study: Record,
    pub sessions: i64,
    pub women: i64,
    pub men: i64,
}

pub fn studies(conn: &Connection) -> Result<Vec<StudyRow>> {
    let all = list(conn, Entity::Study, &ListOptions::default())?;
    let mut out = Vec::with_capacity(all.len());
    for study in all {
        let sessions: i64 = conn.query_row(
            "SELECT count(*) FROM session WHERE study_id = ?1 AND deleted = 0",
            [&study.id],
            |r| r.get(0),
        )?;
        let t = study_totals(conn, &study.id)?;
        out.push(StudyRow {
            study,
            sessions,
            women: t.women,
            men: t.men,
        });
    }
    out.sort_by(|a, b| b.study.id.cmp(&a.study.id));
    Ok(out)
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SessionSort {
    #[default]
    DateDesc,
    DateAsc,
    Place,
    Type,
    People,
}

/// The filters of the sessions list.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct SessionFilter {
    #[serde(default)]
    pub study_id: Option<String>,
    /// A region's place id: sessions anywhere inside it.
    #[serde(default)]
    pub region_id: Option<String>,
    #[serde(default)]
    pub session_type: Option<String>,
    #[serde(default)]
    pub date_from: Option<String>,
    #[serde(default)]
    pub date_to: Option<String>,
    /// Words looked for in title, notes, place, facilitators.
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub sort: SessionSort,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SessionRow {
    pub id: String,
    pub study_id: Option<String>,
    pub study_title: Option<String>,
    pub session_type: Option<String>,
    pub title: Option<String>,
    pub date: Option<String>,
    pub place_id: Option<String>,
    pub place: Option<String>,
    pub region: Option<String>,
    pub women: i64,
    pub men: i64,
}

pub fn sessions(conn: &Connection, filter: &SessionFilter) -> Result<Vec<SessionRow>> {
    let places = PlaceIndex::load(conn)?;
    let mut counts: BTreeMap<String, SexCount> = BTreeMap::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT session_id, sex, count(*) FROM participant WHERE deleted = 0 GROUP BY 1, 2
             UNION ALL
             SELECT session_id, sex, sum(count) FROM tally WHERE deleted = 0 GROUP BY 1, 2",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let sid: Option<String> = r.get(0)?;
            let sex: Option<String> = r.get(1)?;
            if let Some(sid) = sid {
                counts.entry(sid).or_default().add(
                    sex.as_deref().unwrap_or(""),
                    r.get::<_, Option<i64>>(2)?.unwrap_or(0),
                );
            }
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT s.id, s.study_id, st.title, s.session_type, s.title, s.date, s.place_id,
                coalesce(s.notes, '') || ' ' || coalesce(s.facilitators, '') || ' ' || coalesce(s.note_taker, '')
           FROM session s LEFT JOIN study st ON st.id = s.study_id
          WHERE s.deleted = 0
            AND (?1 IS NULL OR s.study_id = ?1)
            AND (?2 IS NULL OR s.session_type = ?2)
            AND (?3 IS NULL OR s.date >= ?3)
            AND (?4 IS NULL OR s.date <= ?4)",
    )?;
    let empty = |s: &Option<String>| s.clone().filter(|v| !v.trim().is_empty());
    let needle = filter.text.as_deref().map(fold).unwrap_or_default();
    let mut out = Vec::new();
    let mut rows = stmt.query((
        empty(&filter.study_id),
        empty(&filter.session_type),
        empty(&filter.date_from),
        empty(&filter.date_to),
    ))?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let place_id: Option<String> = r.get(6)?;
        let region = place_id.as_deref().and_then(|p| places.region_of(p));
        if let Some(want) = empty(&filter.region_id) {
            if region.map(|p| p.id.as_str()) != Some(want.as_str()) {
                continue;
            }
        }
        let title: Option<String> = r.get(4)?;
        let place_path = place_id.as_deref().map(|p| places.path(p));
        if !needle.trim().is_empty() {
            let hay = fold(&format!(
                "{} {} {}",
                title.as_deref().unwrap_or(""),
                place_path.as_deref().unwrap_or(""),
                r.get::<_, String>(7)?
            ));
            if !needle.split_whitespace().all(|w| hay.contains(w)) {
                continue;
            }
        }
        let c = counts.get(&id).cloned().unwrap_or_default();
        out.push(SessionRow {
            id,
            study_id: r.get(1)?,
            study_title: r.get(2)?,
            session_type: r.get(3)?,
            title,
            date: r.get(5)?,
            place_id: place_id.clone(),
            place: place_id
                .as_deref()
                .and_then(|p| places.get(p))
                .map(|p| p.name.clone()),
            region: region.map(|p| p.name.clone()),
            women: c.women,
            men: c.men,
        });
    }
    match filter.sort {
        SessionSort::DateDesc => out.sort_by(|a, b| (&b.date, &b.id).cmp(&(&a.date, &a.id))),
        SessionSort::DateAsc => out.sort_by(|a, b| (&a.date, &a.id).cmp(&(&b.date, &b.id))),
        SessionSort::Place => {
            out.sort_by(|a, b| (&a.region, &a.place, &a.date).cmp(&(&b.region, &b.place, &b.date)))
        }
        SessionSort::Type => {
            out.sort_by(|a, b| (&a.session_type, &a.date).cmp(&(&b.session_type, &b.date)))
        }
        SessionSort::People => out.sort_by_key(|s| std::cmp::Reverse(s.women + s.men)),
    }
    Ok(out)
}

/// A study at a glance.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Overview {
    pub study: Record,
    pub sessions: i64,
    pub sessions_by_type: Vec<(String, i64)>,
    pub sessions_by_region: Vec<(String, i64)>,
    pub people: Totals,
    pub recommendations_by_status: Vec<(String, i64)>,
}

pub fn study_overview(conn: &Connection, study_id: &str) -> Result<Overview> {
    let study = get(conn, Entity::Study, study_id)?;
    let rows = sessions(
        conn,
        &SessionFilter {
            study_id: Some(study_id.to_string()),
            ..Default::default()
        },
    )?;
    let mut by_type: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_region: BTreeMap<String, i64> = BTreeMap::new();
    for s in &rows {
        *by_type
            .entry(s.session_type.clone().unwrap_or_default())
            .or_default() += 1;
        *by_region
            .entry(s.region.clone().unwrap_or_else(|| "—".into()))
            .or_default() += 1;
    }
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(status, ''), count(*) FROM recommendation
          WHERE study_id = ?1 AND deleted = 0 GROUP BY 1 ORDER BY 1",
    )?;
    let recs = stmt
        .query_map([study_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Overview {
        study,
        sessions: rows.len() as i64,
        sessions_by_type: by_type.into_iter().collect(),
        sessions_by_region: by_region.into_iter().collect(),
        people: study_totals(conn, study_id)?,
        recommendations_by_status: recs,
    })
}

/// One field change in a record's history.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct HistoryEntry {
    pub field: String,
    pub old: Json,
    pub new: Json,
    /// RFC 3339 time of the change (from its clock stamp).
    pub at: String,
    /// The device (node id) that made it.
    pub device: String,
    /// Whether this value is the one in force now.
    pub current: bool,
}

/// Every change to a record, oldest first, with the value it replaced.
pub fn history(conn: &Connection, entity: Entity, id: &str) -> Result<Vec<HistoryEntry>> {
    // The record's changes, then each one's replaced value found among them (its prev is a
    // change of the same field): a self-join on the `changes` view would expand the whole log.
    let mut stmt = conn.prepare_cached(
        "SELECT c.field, c.value, c.hlc, n.node_id, c.prev_hlc, c.prev_node, c.node
           FROM changes c JOIN nodes n ON n.idx = c.node
          WHERE c.entity = ?2 AND c.row_id = ?1
          ORDER BY c.hlc, n.node_id",
    )?;
    type Row = (String, SqlValue, i64, String, Option<i64>, Option<i64>, i64);
    let rows: Vec<Row> = stmt
        .query_map((id, entity.as_str()), |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let by_stamp: HashMap<(&str, i64, i64), &SqlValue> = rows
        .iter()
        .map(|(field, value, hlc, _, _, _, node)| ((field.as_str(), *hlc, *node), value))
        .collect();
    let mut out: Vec<HistoryEntry> = Vec::new();
    let mut winners: BTreeMap<String, Stamp> = BTreeMap::new();
    for (field, value, hlc, node_id, prev_hlc, prev_node, _) in &rows {
        let Some(def) = entity.field(field) else {
            continue;
        };
        let stamp = Stamp {
            hlc: *hlc,
            node: node_id.clone(),
        };
        let w = winners
            .entry(field.clone())
            .or_insert_with(|| stamp.clone());
        if stamp > *w {
            *w = stamp.clone();
        }
        let old = prev_hlc
            .zip(*prev_node)
            .and_then(|(h, n)| by_stamp.get(&(field.as_str(), h, n)).copied())
            .cloned()
            .unwrap_or(SqlValue::Null);
        out.push(HistoryEntry {
            field: field.clone(),
            new: to_json(def, value),
            old: to_json(def, &old),
            at: clock::to_rfc3339(stamp.hlc),
            device: stamp.node,
            current: false,
        });
    }
    // Mark the change in force for each field: the last with the winning stamp.
    for e in out.iter_mut().rev() {
        if let Some(w) = winners.get(&e.field) {
            if clock::to_rfc3339(w.hlc) == e.at && w.node == e.device {
                e.current = true;
                winners.remove(&e.field);
            }
        }
    }
    Ok(out)
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
        let stamp = crate::merge::winner(conn, r.entity, &r.id, schema::DELETED)?.map(|(s, _)| s);
        keyed.push((stamp, r));
    }
    keyed.sort_by(|(a, ra), (b, rb)| b.cmp(a).then_with(|| rb.id.cmp(&ra.id)));
    Ok(keyed.into_iter().map(|(_, r)| r).collect())
}
