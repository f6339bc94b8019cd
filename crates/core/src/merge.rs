//! Applying one field change, local or received, to the store. Per field, the change with the
//! greatest (hlc, node id) wins. A value overwritten by a change that did not know it (its
//! `prev` is something else) is kept in the conflict log. The conflict log depends only on the
//! set of changes held — never on the order they arrived in — so replicas converge:
//! a change is in conflict iff it is not the winner of its field and no held change was
//! written on top of it. That needs one fact: a change written on top of another always has
//! a greater stamp (the write path guarantees it).

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::schema::Entity;

/// A stamp: hybrid logical clock and origin node id. Totally ordered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub hlc: i64,
    pub node: String,
}

impl Ord for Stamp {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.hlc, &self.node).cmp(&(other.hlc, &other.node))
    }
}

impl PartialOrd for Stamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// One field change as it travels: identity (node, seq), target, value, stamp and the stamp of
/// the value it replaced on its origin (None when the field had none).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub node: String,
    pub seq: i64,
    /// The study whose sync carries it; None for shared records (user-added places).
    pub study: Option<String>,
    pub entity: Entity,
    pub row_id: String,
    pub field: String,
    pub value: SqlValue,
    pub hlc: i64,
    pub prev: Option<Stamp>,
}

impl Change {
    pub fn stamp(&self) -> Stamp {
        Stamp {
            hlc: self.hlc,
            node: self.node.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Already held: nothing changed.
    Duplicate,
    /// Became the field's value.
    Won,
    /// Held and in the history, but an existing value wins.
    Lost,
}

/// The value currently winning a field, with its stamp.
pub(crate) fn winner(
    conn: &Connection,
    row_id: &str,
    field: &str,
) -> Result<Option<(Stamp, SqlValue)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.hlc, n.node_id, c.value FROM changes c JOIN nodes n ON n.idx = c.node
         WHERE c.row_id = ?1 AND c.field = ?2
         ORDER BY c.hlc DESC, n.node_id DESC LIMIT 1",
    )?;
    Ok(stmt
        .query_row((row_id, field), |r| {
            Ok((
                Stamp {
                    hlc: r.get(0)?,
                    node: r.get(1)?,
                },
                r.get::<_, SqlValue>(2)?,
            ))
        })
        .optional()?)
}

/// Maps node ids to this database's integer handles and back.
pub(crate) trait NodeMap {
    fn idx(&mut self, conn: &Connection, node_id: &str) -> Result<i64>;
}

/// A node map for one batch, filled by the caller's writer.
#[derive(Default)]
pub(crate) struct Nodes {
    by_id: HashMap<String, i64>,
}

impl Nodes {
    /// The handles of every node a batch names, looked up (or created) through the writer.
    pub(crate) fn for_batch(w: &mut crate::write::Writer<'_>, changes: &[Change]) -> Result<Nodes> {
        let mut by_id: HashMap<String, i64> = HashMap::new();
        let names = changes
            .iter()
            .flat_map(|c| std::iter::once(&c.node).chain(c.prev.as_ref().map(|p| &p.node)));
        for name in names {
            if !by_id.contains_key(name) {
                by_id.insert(name.clone(), w.node_handle(name)?);
            }
        }
        Ok(Nodes { by_id })
    }
}

impl NodeMap for Nodes {
    fn idx(&mut self, conn: &Connection, node_id: &str) -> Result<i64> {
        if let Some(i) = self.by_id.get(node_id) {
            return Ok(*i);
        }
        let i = crate::store::node_idx(conn, node_id)?;
        self.by_id.insert(node_id.to_string(), i);
        Ok(i)
    }
}

/// What applying a batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Records this replica had no change of before.
    pub new_records: u64,
    /// Fields of already known records whose value changed.
    pub updated_fields: u64,
    /// Entries added to the conflict log.
    pub conflicts: u64,
    /// Changes already held.
    pub duplicates: u64,
    /// Changes newly held.
    pub applied: u64,
}

impl Outcome {
    pub fn add(&mut self, o: Outcome) {
        self.new_records += o.new_records;
        self.updated_fields += o.updated_fields;
        self.conflicts += o.conflicts;
        self.duplicates += o.duplicates;
        self.applied += o.applied;
    }
}

/// A held change's stamp with the handle of its node.
#[derive(Debug, Clone)]
struct Held {
    hlc: i64,
    node_idx: i64,
    node: String,
}

impl Held {
    fn key(&self) -> (i64, &str) {
        (self.hlc, self.node.as_str())
    }
}

/// Applies changes in the caller's transaction, as if one at a time, but with one look-up and
/// one write per record rather than several per field. Entities and fields must have been
/// checked against the schema. The state reached depends only on the set of changes held:
/// per field the greatest (hlc, node id) wins, and a non-winning change goes to the conflict
/// log unless a held change names it as its `prev`.
pub(crate) fn apply_batch(
    conn: &Connection,
    changes: &[Change],
    nodes: &mut impl NodeMap,
) -> Result<(Outcome, Vec<Applied>)> {
    let mut out = Outcome::default();
    let mut applied = vec![Applied::Duplicate; changes.len()];
    // Records in first-seen order, each with the indices of its changes.
    let mut rows: Vec<(Entity, &str, Vec<usize>)> = Vec::new();
    let mut row_pos: HashMap<(Entity, &str), usize> = HashMap::new();
    for (i, c) in changes.iter().enumerate() {
        let pos = *row_pos
            .entry((c.entity, c.row_id.as_str()))
            .or_insert_with(|| {
                rows.push((c.entity, c.row_id.as_str(), Vec::new()));
                rows.len() - 1
            });
        rows[pos].2.push(i);
    }
    let mut vv: HashMap<i64, i64> = HashMap::new();
    let mut scope_vv: HashMap<(Option<&str>, i64), i64> = HashMap::new();
    for (entity, row_id, idxs) in rows {
        let existing = held_winners(conn, row_id)?;
        let row_is_new = existing.is_empty();
        // Insert; keep the newly held ones per field.
        let mut fresh: BTreeMap<&str, Vec<(usize, Held)>> = BTreeMap::new();
        for i in idxs {
            let c = &changes[i];
            let origin = nodes.idx(conn, &c.node)?;
            let prev_node = match &c.prev {
                Some(p) => Some(nodes.idx(conn, &p.node)?),
                None => None,
            };
            let inserted = conn
                .prepare_cached(
                    "INSERT OR IGNORE INTO changes(node, seq, study, entity, row_id, field, value, hlc, prev_hlc, prev_node)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?
                .execute((
                    origin,
                    c.seq,
                    &c.study,
                    c.entity.as_str(),
                    &c.row_id,
                    &c.field,
                    &c.value,
                    c.hlc,
                    c.prev.as_ref().map(|p| p.hlc),
                    prev_node,
                ))?;
            if inserted == 0 {
                out.duplicates += 1;
                continue;
            }
            out.applied += 1;
            let m = vv.entry(origin).or_insert(c.seq);
            *m = (*m).max(c.seq);
            let m = scope_vv
                .entry((c.study.as_deref(), origin))
                .or_insert(c.seq);
            *m = (*m).max(c.seq);
            if let (Some(p), Some(pn)) = (&c.prev, prev_node) {
                // The replaced value was seen: it is not lost, whenever it arrives.
                conn.prepare_cached(
                    "INSERT OR IGNORE INTO superseded(row_id, field, hlc, node) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute((&c.row_id, &c.field, p.hlc, pn))?;
                conn.prepare_cached(
                    "DELETE FROM conflicts WHERE row_id = ?1 AND field = ?2 AND loser_hlc = ?3 AND loser_node = ?4",
                )?
                .execute((&c.row_id, &c.field, p.hlc, pn))?;
            }
            fresh.entry(c.field.as_str()).or_default().push((
                i,
                Held {
                    hlc: c.hlc,
                    node_idx: origin,
                    node: c.node.clone(),
                },
            ));
        }
        if fresh.is_empty() {
            continue;
        }
        if row_is_new && entity != Entity::Resolution {
            out.new_records += 1;
        }
        let mut columns: Vec<(&str, &SqlValue)> = Vec::new();
        for (field, news) in fresh {
            let old = existing.get(field);
            let best_new = news
                .iter()
                .max_by(|a, b| a.1.key().cmp(&b.1.key()))
                .map(|(i, h)| (*i, h.clone()));
            let Some((best_i, best)) = best_new else {
                continue;
            };
            let new_wins = old.is_none_or(|(o, _)| best.key() > o.key());
            for (i, h) in &news {
                if new_wins && *i == best_i {
                    applied[*i] = Applied::Won;
                    continue;
                }
                applied[*i] = Applied::Lost;
                if !is_superseded(conn, changes[*i].row_id.as_str(), field, h)? {
                    out.conflicts += add_conflict(
                        conn,
                        entity,
                        &changes[*i].row_id,
                        field,
                        h,
                        &changes[*i].value,
                    )?;
                }
            }
            if new_wins {
                if let Some((o, o_value)) = old {
                    if !is_superseded(conn, row_id, field, o)? {
                        out.conflicts += add_conflict(conn, entity, row_id, field, o, o_value)?;
                    }
                }
                if !row_is_new {
                    out.updated_fields += 1;
                }
                columns.push((field, &changes[best_i].value));
            }
        }
        if !columns.is_empty() {
            set_columns(conn, entity, row_id, &columns)?;
        }
    }
    for (node, seq) in vv {
        conn.prepare_cached(
            "INSERT INTO version_vector(node, max_seq) VALUES (?1, ?2)
             ON CONFLICT(node) DO UPDATE SET max_seq = max(max_seq, excluded.max_seq)",
        )?
        .execute((node, seq))?;
    }
    for ((scope, node), seq) in scope_vv {
        conn.prepare_cached(
            "INSERT INTO scope_vector(scope, node, max_seq) VALUES (?1, ?2, ?3)
             ON CONFLICT(scope, node) DO UPDATE SET max_seq = max(max_seq, excluded.max_seq)",
        )?
        .execute((scope.unwrap_or(""), node, seq))?;
    }
    Ok((out, applied))
}

/// The stamp winning each field of a record (the write path's `prev`s).
pub(crate) fn field_stamps(conn: &Connection, row_id: &str) -> Result<HashMap<String, Stamp>> {
    Ok(held_winners(conn, row_id)?
        .into_iter()
        .map(|(field, (h, _))| {
            (
                field,
                Stamp {
                    hlc: h.hlc,
                    node: h.node,
                },
            )
        })
        .collect())
}

/// The winning held change of each field of a record, with its value.
fn held_winners(conn: &Connection, row_id: &str) -> Result<HashMap<String, (Held, SqlValue)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.field, c.hlc, c.node, n.node_id, c.value FROM changes c JOIN nodes n ON n.idx = c.node
          WHERE c.row_id = ?1",
    )?;
    let mut rows = stmt.query([row_id])?;
    let mut out: HashMap<String, (Held, SqlValue)> = HashMap::new();
    while let Some(r) = rows.next()? {
        let field: String = r.get(0)?;
        let held = Held {
            hlc: r.get(1)?,
            node_idx: r.get(2)?,
            node: r.get(3)?,
        };
        let better = out.get(&field).is_none_or(|(w, _)| held.key() > w.key());
        if better {
            let value: SqlValue = r.get(4)?;
            out.insert(field, (held, value));
        }
    }
    Ok(out)
}

fn is_superseded(conn: &Connection, row_id: &str, field: &str, h: &Held) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM superseded WHERE row_id = ?1 AND field = ?2 AND hlc = ?3 AND node = ?4)",
        )?
        .query_row((row_id, field, h.hlc, h.node_idx), |r| r.get(0))?)
}

fn add_conflict(
    conn: &Connection,
    entity: Entity,
    row_id: &str,
    field: &str,
    h: &Held,
    value: &SqlValue,
) -> Result<u64> {
    let n = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO conflicts(row_id, field, entity, loser_hlc, loser_node, loser_value)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute((row_id, field, entity.as_str(), h.hlc, h.node_idx, value))?;
    Ok(n as u64)
}

/// Writes winning values into the entity's table, creating the row on first sight, in one
/// statement. Fields were checked against the schema, so they are real columns.
fn set_columns(
    conn: &Connection,
    entity: Entity,
    row_id: &str,
    columns: &[(&str, &SqlValue)],
) -> Result<()> {
    let names: Vec<String> = columns.iter().map(|(f, _)| format!("\"{f}\"")).collect();
    let marks: Vec<String> = (0..columns.len()).map(|i| format!("?{}", i + 2)).collect();
    let sets: Vec<String> = names
        .iter()
        .map(|n| format!("{n} = excluded.{n}"))
        .collect();
    let sql = format!(
        "INSERT INTO {}(id, {}) VALUES (?1, {}) ON CONFLICT(id) DO UPDATE SET {}",
        entity.as_str(),
        names.join(", "),
        marks.join(", "),
        sets.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    stmt.raw_bind_parameter(1, row_id)?;
    for (i, (_, v)) in columns.iter().enumerate() {
        stmt.raw_bind_parameter(i + 2, *v)?;
    }
    stmt.raw_execute()?;
    Ok(())
}
