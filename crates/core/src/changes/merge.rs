//! Applying one field change, local or received, to the store. Per field, the change with the
//! greatest (hlc, node id) wins. A value overwritten by a change that did not know it (its
//! `prev` is something else) is kept in the conflict log; a `prev` counts only for a change
//! of the same record and field (see `Seen`). The conflict log depends only on the
//! set of changes held — never on the order they arrived in — so replicas converge:
//! a change is in conflict iff it is not the winner of its field, no held change was written
//! on top of it and its value is not one kept or seen (`conflict_log`). That needs one fact: a change written on top of another always has
//! a greater stamp (the write path guarantees it), except a repair, whose stamp is more than a
//! day below its `prev`'s and takes that stamp out of the competition (`changes::repair`):
//! the winner is the greatest stamp no held repair names, a repaired value is seen, and a
//! repair that loses is no conflict (it says nothing about values).
//!
//! An erased change (`Cover::Erased`: its value gone, its commitment kept) of a record that
//! holds no erasure is **dormant**: held, so it is relayed and proves its segment, but it
//! competes for nothing and is no conflict. Only an erasure (`erased_reason`, role-checked)
//! makes a value go: a relay that strips a value and its salt from a change of a person
//! nobody erased cannot blank that field on the laptops it passes the change to. Once the
//! erasure is held, every change of the person's personal fields is erased anyway
//! (`changes::erasure`), and they compete as before (docs/design/protection.md, section 5).

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Statement};

use super::columns::{set_columns, Upserts};
use super::conflict_log::{self, Candidate, FieldOf};
use super::cover::{dormant, Cover, ERASED_REASON};
use super::log::{self, Entry, EntryRef, Run, RunAt};
use super::node_map::NodeMap;
use super::outcome::{Outcome, SyncStart};
use super::repair::{self, Noted, Repaired, Target};
use crate::error::Result;
use crate::schema::Entity;

/// A stamp: hybrid logical clock and origin node id. Totally ordered.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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

/// One field change as it travels: identity (scope, node, seq), where the scope is `study`
/// ('' when None) and each node numbers its changes per scope (`changes::seqs`); target,
/// value, stamp and the stamp of the value it replaced on its origin (None when it had none).
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
    /// How its segment covers it: a personal field's salt, or its commitment once erased.
    pub cover: Cover,
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
    entity: Entity,
    row_id: &str,
    field: &str,
) -> Result<Option<(Stamp, SqlValue)>> {
    let runs = log::record_runs(conn, entity, row_id)?;
    Ok(
        winners_of(&runs, &Repaired::of_runs(&runs), holds_erasure(&runs))
            .remove(field)
            .map(|(h, v)| {
                (
                    Stamp {
                        hlc: h.hlc,
                        node: h.node.to_string(),
                    },
                    v.clone(),
                )
            }),
    )
}

/// A held change's stamp with the handle of its node.
#[derive(Debug, Clone, Copy)]
struct Held<'a> {
    hlc: i64,
    node_idx: i64,
    node: &'a str,
    /// A repair (`changes::repair`): it says nothing about values, so it is never a conflict.
    repair: bool,
    /// Dormant (see the module's comment): it competes for nothing and is no conflict.
    dormant: bool,
}

impl<'a> Held<'a> {
    /// A change held in `run`; `erasure`: whether its record holds an erasure.
    fn of(run: &'a Run, e: &Entry, erasure: bool) -> Self {
        Held {
            hlc: e.hlc,
            node_idx: run.node,
            node: &run.node_id,
            repair: e.prev_hlc.is_some_and(|p| repair::is_repair(e.hlc, p)),
            dormant: dormant(e.cover, erasure),
        }
    }

    fn key(&self) -> (i64, &str) {
        (self.hlc, self.node)
    }
}

/// Whether a record's held changes include its erasure (only a participant has one).
fn holds_erasure(runs: &[Run]) -> bool {
    runs.iter()
        .flat_map(|r| &r.entries)
        .any(|e| e.field == ERASED_REASON)
}

/// What merging keeps across the batches of one transaction: per (scope, node) the highest
/// seq held (read once, then kept up to date) and the vector entries still to write, which
/// are written once when the transaction commits rather than once per record.
pub(crate) struct MergeState<'c> {
    /// The transaction's connection, which the statements below are prepared on.
    conn: &'c Connection,
    /// scope ('' for shared records) → node handle → seqs held.
    held: HashMap<String, HashMap<i64, HeldSeqs>>,
    /// Row upserts (see `columns`).
    upserts: Upserts<'c>,
    /// The run insert, held here rather than in the connection's statement cache, whose
    /// look-up hashes the statement's text: typing an attendance list writes one run per person.
    run_insert: Option<Statement<'c>>,
    /// Scope handles by study (see `log::scope_handle`).
    scopes: HashMap<String, i64>,
    /// What was held when the sync began, for counting updated fields (see `Outcome`).
    pub(crate) sync_start: Option<SyncStart>,
}

/// Of one node in one scope: the highest seq held, this transaction's changes included, and
/// the highest added by this transaction (0: none yet).
#[derive(Clone, Copy)]
struct HeldSeqs {
    max: i64,
    added: i64,
}

impl<'c> MergeState<'c> {
    pub(crate) fn new(conn: &'c Connection) -> Self {
        MergeState {
            conn,
            held: HashMap::new(),
            upserts: HashMap::new(),
            run_insert: None,
            scopes: HashMap::new(),
            sync_start: None,
        }
    }

    /// Appends one run to the log (see `log::insert_run`).
    fn insert_run(&mut self, at: RunAt<'_>, entries: &[EntryRef<'_>]) -> Result<()> {
        let scope = match at.study {
            None => 0,
            Some(study) => match self.scopes.get(study) {
                Some(handle) => *handle,
                None => {
                    let handle = log::scope_handle(self.conn, study)?;
                    self.scopes.insert(study.to_string(), handle);
                    handle
                }
            },
        };
        let insert = match &mut self.run_insert {
            Some(stmt) => stmt,
            None => self.run_insert.insert(self.conn.prepare(log::INSERT_RUN)?),
        };
        log::insert_run(insert, scope, at, entries)
    }

    /// The highest seq of `node` held in `scope`: a change above it cannot be held yet.
    fn held_max(&mut self, scope: &str, node: i64) -> Result<i64> {
        if let Some(h) = self.held.get(scope).and_then(|m| m.get(&node)) {
            return Ok(h.max);
        }
        let max: i64 = self
            .conn
            .prepare_cached("SELECT max_seq FROM scope_vector WHERE scope = ?1 AND node = ?2")?
            .query_row((scope, node), |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        self.held
            .entry(scope.to_string())
            .or_default()
            .insert(node, HeldSeqs { max, added: 0 });
        Ok(max)
    }

    /// Notes a change added. Its (scope, node) was looked up by `held_max` first, or the
    /// change is this node's newest, above anything held of it.
    fn note(&mut self, scope: &str, node: i64, seq: i64) {
        let per_node = match self.held.get_mut(scope) {
            Some(m) => m,
            None => self.held.entry(scope.to_string()).or_default(),
        };
        let h = per_node.entry(node).or_insert(HeldSeqs {
            max: seq,
            added: seq,
        });
        h.max = h.max.max(seq);
        h.added = h.added.max(seq);
    }

    /// Writes the version vectors of what this transaction added. (The table
    /// `version_vector`, one number per node across scopes, is no longer kept: seqs are
    /// per scope, see `changes::seqs`.)
    pub(crate) fn flush(&mut self) -> Result<()> {
        let conn = self.conn;
        for (scope, nodes) in &mut self.held {
            for (node, h) in nodes.iter_mut().filter(|(_, h)| h.added > 0) {
                let (node, seq) = (*node, std::mem::take(&mut h.added));
                conn.prepare_cached(
                    "INSERT INTO scope_vector(scope, node, max_seq) VALUES (?1, ?2, ?3)
                     ON CONFLICT(scope, node) DO UPDATE SET max_seq = max(max_seq, excluded.max_seq)",
                )?
                .execute((&scope, node, seq))?;
            }
        }
        Ok(())
    }
}

/// Applies changes in the caller's transaction, as if one at a time, but with one look-up and
/// one write per record rather than several per field. Entities and fields must have been
/// checked against the schema. The state reached depends only on the set of changes held:
/// per field the greatest (hlc, node id) wins, and a non-winning change goes to the conflict
/// log unless a held change names it as its `prev`. `known_new`: the changes are of a record
/// just created here, so there is nothing to look up. The version vectors are written by
/// `state.flush` before the transaction commits.
pub(crate) fn apply_batch(
    changes: &[Change],
    nodes: &mut impl NodeMap,
    state: &mut MergeState<'_>,
    known_new: bool,
) -> Result<(Outcome, Vec<Applied>)> {
    let conn = state.conn;
    let mut out = Outcome::default();
    let mut applied = vec![Applied::Duplicate; changes.len()];
    // Records in first-seen order, each with the indices of its changes.
    let mut rows: Vec<(Entity, &str, Vec<usize>)> = Vec::new();
    let mut row_pos: HashMap<(Entity, &str), usize> = HashMap::new();
    let one_record = changes.first().is_some_and(|first| {
        changes
            .iter()
            .all(|c| c.entity == first.entity && c.row_id == first.row_id)
    });
    if one_record {
        // A record written here: nothing to group.
        rows.push((
            changes[0].entity,
            &changes[0].row_id,
            (0..changes.len()).collect(),
        ));
    }
    for (i, c) in changes.iter().enumerate().filter(|_| !one_record) {
        let pos = *row_pos
            .entry((c.entity, c.row_id.as_str()))
            .or_insert_with(|| {
                rows.push((c.entity, c.row_id.as_str(), Vec::new()));
                rows.len() - 1
            });
        rows[pos].2.push(i);
    }
    for (entity, row_id, idxs) in rows {
        let runs = if known_new {
            Vec::new()
        } else {
            log::record_runs(conn, entity, row_id)?
        };
        let row_is_new = runs.is_empty();
        // Held before the sync began (a record first received in its earlier batch is new).
        let held_before = match &state.sync_start {
            Some(start) => runs.iter().any(|r| start.held(r)),
            None => !row_is_new,
        };
        // Held or in this batch, an erasure wakes the record's erased changes (see above).
        let erasure =
            holds_erasure(&runs) || idxs.iter().any(|i| changes[*i].field == ERASED_REASON);
        // What the row holds now; a repair in this batch may take some of it out below.
        let mut repaired = Repaired::of_runs(&runs);
        let existing = winners_of(&runs, &repaired, erasure);
        // Newly held changes: per field, and as (origin, seq, index, prev node) for the log.
        let mut fresh: BTreeMap<&str, Vec<(usize, Held)>> = BTreeMap::new();
        let mut to_log: Vec<(i64, i64, usize, Option<i64>)> = Vec::new();
        // The (scope, origin) of the previous change and its highest seq held: the changes of
        // a record nearly always share both.
        let mut last: Option<(&str, i64, i64)> = None;
        for i in idxs {
            let c = &changes[i];
            let origin = nodes.idx(conn, &c.node)?;
            let scope = c.study.as_deref().unwrap_or("");
            // A change above the highest seq held cannot be held yet: no look-up for nearly
            // every change received.
            let max = match last {
                Some((s, o, m)) if s == scope && o == origin => m,
                _ => state.held_max(scope, origin)?,
            };
            // A change is (scope, origin, seq): each origin numbers its changes per scope.
            let held = runs.iter().any(|r| r.holds(scope, origin, c.seq))
                || to_log.iter().any(|(o, s, i, _)| {
                    *o == origin && *s == c.seq && changes[*i].study == c.study
                })
                || (c.seq <= max && log::holds(conn, scope, origin, c.seq)?);
            if held {
                out.duplicates += 1;
                continue;
            }
            let prev_node = match &c.prev {
                Some(p) => Some(nodes.idx(conn, &p.node)?),
                None => None,
            };
            out.applied += 1;
            state.note(scope, origin, c.seq);
            last = Some((scope, origin, max.max(c.seq)));
            if let (Some(p), Some(pn)) = (&c.prev, prev_node) {
                // The replaced value was seen: the field's conflict log is worked out again
                // below (see `Seen`). A repair takes the stamp out of the competition.
                if repair::is_repair(c.hlc, p.hlc) {
                    repaired.add(&c.field, c.hlc, p.hlc, pn);
                    let target = Target {
                        entity,
                        row_id,
                        field: &c.field,
                        hlc: p.hlc,
                        node: &p.node,
                    };
                    let noted = Noted {
                        scope,
                        node: &c.node,
                        seq: c.seq,
                        target,
                    };
                    repair::note(conn, &noted)?;
                }
            }
            to_log.push((origin, c.seq, i, prev_node));
            fresh.entry(c.field.as_str()).or_default().push((
                i,
                Held {
                    hlc: c.hlc,
                    node_idx: origin,
                    node: &c.node,
                    repair: c
                        .prev
                        .as_ref()
                        .is_some_and(|p| repair::is_repair(c.hlc, p.hlc)),
                    dormant: dormant(c.cover, erasure),
                },
            ));
        }
        if fresh.is_empty() {
            continue;
        }
        let seen = Seen::of(&runs, changes, &to_log);
        write_runs(state, entity, row_id, changes, &mut to_log)?;
        if row_is_new && entity != Entity::Resolution {
            out.new_records += 1;
        }
        // A repair in this batch took a held stamp out: the held winners are found again.
        let held_now = repaired
            .has_fresh()
            .then(|| winners_of(&runs, &repaired, erasure));
        let mut columns: Vec<(&str, &SqlValue)> = Vec::new();
        for (field, news) in fresh {
            let before = existing.get(field);
            let old = held_now.as_ref().map_or(before, |w| w.get(field));
            // A repaired or dormant change is held and in the history, but does not compete.
            let best_new = news
                .iter()
                .filter(|(_, h)| !h.dormant && !repaired.holds(field, h.hlc, h.node_idx))
                .max_by(|a, b| a.1.key().cmp(&b.1.key()))
                .map(|(i, h)| (*i, *h));
            let new_wins =
                best_new.is_some_and(|(_, best)| old.is_none_or(|(o, _)| best.key() > o.key()));
            let best_i = best_new.map(|(i, _)| i);
            for (i, _) in &news {
                applied[*i] = if new_wins && Some(*i) == best_i {
                    Applied::Won
                } else {
                    Applied::Lost
                };
            }
            let winner = match best_new.filter(|_| new_wins) {
                Some((_, best)) => Some((best.hlc, best.node_idx)),
                None => old.map(|(o, _)| (o.hlc, o.node_idx)),
            };
            let of = FieldOf {
                entity,
                row_id,
                field,
            };
            out.conflicts += relog(conn, of, (&runs, &news), changes, &seen, winner, erasure)?;
            if new_wins {
                out.updated_fields += u64::from(held_before);
                if let Some(i) = best_i {
                    columns.push((field, &changes[i].value));
                }
            } else if let Some((_, o_value)) =
                old.filter(|(o, _)| before.is_none_or(|(b, _)| b.key() != o.key()))
            {
                // The row's value was repaired and a held value wins again.
                out.updated_fields += u64::from(held_before);
                columns.push((field, o_value));
            }
        }
        if !columns.is_empty() {
            set_columns(conn, &mut state.upserts, entity, row_id, &columns, false)?;
        }
    }
    Ok((out, applied))
}

/// A field of a record created here, as the write path stamps it.
pub(crate) struct LocalChange<'a> {
    pub field: &'a str,
    pub value: &'a SqlValue,
    pub hlc: i64,
    pub cover: Cover,
}

/// Applies the changes of a record just created here, with an id just made (so nothing of it
/// is held): what `apply_batch` would do, without its look-ups. Seqs are consecutive from
/// `at.first_seq` and fields distinct.
pub(crate) fn apply_new_record(
    state: &mut MergeState<'_>,
    at: RunAt<'_>,
    fields: &[LocalChange<'_>],
) -> Result<()> {
    let Some(last) = fields.len().checked_sub(1) else {
        return Ok(());
    };
    let entries: Vec<EntryRef<'_>> = fields
        .iter()
        .map(|f| EntryRef {
            field: f.field,
            value: f.value,
            hlc: f.hlc,
            prev_hlc: None,
            prev_node: None,
            cover: f.cover,
        })
        .collect();
    state.insert_run(at, &entries)?;
    state.note(at.study.unwrap_or(""), at.node, at.first_seq + last as i64);
    let columns: Vec<(&str, &SqlValue)> = fields.iter().map(|f| (f.field, f.value)).collect();
    set_columns(
        state.conn,
        &mut state.upserts,
        at.entity,
        at.row_id,
        &columns,
        true,
    )
}

/// Stores a record's newly held changes as runs: consecutive seqs of one origin in one scope.
fn write_runs(
    state: &mut MergeState<'_>,
    entity: Entity,
    row_id: &str,
    changes: &[Change],
    to_log: &mut [(i64, i64, usize, Option<i64>)],
) -> Result<()> {
    to_log
        .sort_unstable_by_key(|(origin, seq, i, _)| (*origin, changes[*i].study.as_deref(), *seq));
    let mut start = 0;
    while start < to_log.len() {
        let (origin, first_seq, first_i, _) = to_log[start];
        let study = changes[first_i].study.as_deref();
        let mut end = start + 1;
        while end < to_log.len() {
            let (o, s, i, _) = to_log[end];
            let follows = i64::try_from(end - start)
                .ok()
                .and_then(|n| first_seq.checked_add(n))
                == Some(s);
            if o != origin || !follows || changes[i].study.as_deref() != study {
                break;
            }
            end += 1;
        }
        let entries: Vec<EntryRef<'_>> = to_log[start..end]
            .iter()
            .map(|(_, _, i, prev_node)| {
                let c = &changes[*i];
                EntryRef {
                    field: &c.field,
                    value: &c.value,
                    hlc: c.hlc,
                    prev_hlc: c.prev.as_ref().map(|p| p.hlc),
                    prev_node: *prev_node,
                    cover: c.cover,
                }
            })
            .collect();
        let at = RunAt {
            node: origin,
            study,
            entity,
            row_id,
            first_seq,
        };
        state.insert_run(at, &entries)?;
        start = end;
    }
    Ok(())
}

/// The stamp winning each field of a record (the write path's `prev`s).
pub(crate) fn field_stamps(
    conn: &Connection,
    entity: Entity,
    row_id: &str,
) -> Result<HashMap<String, Stamp>> {
    let runs = log::record_runs(conn, entity, row_id)?;
    Ok(
        winners_of(&runs, &Repaired::of_runs(&runs), holds_erasure(&runs))
            .into_iter()
            .map(|(field, (h, _))| {
                (
                    field.to_string(),
                    Stamp {
                        hlc: h.hlc,
                        node: h.node.to_string(),
                    },
                )
            })
            .collect(),
    )
}

/// The winning held change of each field, with its value, among a record's runs: the
/// highest stamp among those no repair names (`changes::repair`) and that are not dormant
/// (`erasure`: whether the record's erasure is held or arriving).
fn winners_of<'r>(
    runs: &'r [Run],
    repaired: &Repaired,
    erasure: bool,
) -> HashMap<&'r str, (Held<'r>, &'r SqlValue)> {
    let mut out: HashMap<&str, (Held<'_>, &SqlValue)> = HashMap::new();
    for run in runs {
        for e in &run.entries {
            let held = Held::of(run, e, erasure);
            if held.dormant || repaired.holds(&e.field, e.hlc, run.node) {
                continue;
            }
            if out
                .get(e.field.as_str())
                .is_none_or(|(w, _)| held.key() > w.key())
            {
                out.insert(&e.field, (held, &e.value));
            }
        }
    }
    out
}

/// The stamps a record's held changes name as `prev`, per field: the values someone saw
/// before writing over them, which are therefore not conflicts.
///
/// A `prev` settles a value only when it names a change of the same record (entity and id)
/// and field: it is judged against this record's own log, which holds both changes once the
/// later of the two arrives, whichever it is, so every replica ends with the same conflict
/// log. A `prev` naming another field's stamp, another record's change or a stamp nobody
/// holds settles nothing: its change is not refused (an honest edit may arrive before the
/// value it replaced, and refusing it would stall sync), it simply conflicts as a change
/// with no `prev` would.
struct Seen<'a> {
    stamps: HashSet<(&'a str, i64, i64)>,
}

impl<'a> Seen<'a> {
    /// From the record's runs held before this batch and its changes newly held (`to_log`).
    fn of(
        runs: &'a [Run],
        changes: &'a [Change],
        to_log: &[(i64, i64, usize, Option<i64>)],
    ) -> Self {
        let held = runs
            .iter()
            .flat_map(|r| &r.entries)
            .filter_map(|e| Some((e.field.as_str(), e.prev_hlc?, e.prev_node?)));
        let fresh = to_log.iter().filter_map(|(_, _, i, prev_node)| {
            let c = &changes[*i];
            Some((c.field.as_str(), c.prev.as_ref()?.hlc, (*prev_node)?))
        });
        Seen {
            stamps: held.chain(fresh).collect(),
        }
    }

    fn holds(&self, field: &str, h: &Held) -> bool {
        self.stamps.contains(&(field, h.hlc, h.node_idx))
    }
}

/// Works out the conflict log of some fields of a record again from its held changes: an
/// erasure changed their values (`changes::erasure`).
pub(crate) fn relog_fields(
    conn: &Connection,
    entity: Entity,
    row_id: &str,
    fields: &[&str],
) -> Result<()> {
    let runs = log::record_runs(conn, entity, row_id)?;
    let erasure = holds_erasure(&runs);
    let winners = winners_of(&runs, &Repaired::of_runs(&runs), erasure);
    let seen = Seen::of(&runs, &[], &[]);
    for field in fields {
        let winner = winners.get(field).map(|(h, _)| (h.hlc, h.node_idx));
        let of = FieldOf {
            entity,
            row_id,
            field,
        };
        relog(conn, of, (&runs, &[]), &[], &seen, winner, erasure)?;
    }
    Ok(())
}

/// Works out the field's conflict log again from everything held of it: the record's runs
/// held before this batch and its changes newly held (`news`, indices into `changes`). A
/// dormant change is no candidate (`erasure`: whether the record's erasure is held).
fn relog(
    conn: &Connection,
    of: FieldOf<'_>,
    (runs, news): (&[Run], &[(usize, Held<'_>)]),
    changes: &[Change],
    seen: &Seen<'_>,
    winner: Option<(i64, i64)>,
    erasure: bool,
) -> Result<u64> {
    let field = of.field;
    let candidate = |h: &Held<'_>, value| Candidate {
        hlc: h.hlc,
        node: h.node_idx,
        value,
        seen: seen.holds(field, h),
        repair: h.repair,
    };
    let mut held: Vec<Candidate<'_>> = news
        .iter()
        .filter(|(_, h)| !h.dormant)
        .map(|(i, h)| candidate(h, &changes[*i].value))
        .collect();
    for run in runs {
        for e in run.entries.iter().filter(|e| e.field == field) {
            let h = Held::of(run, e, erasure);
            if !h.dormant {
                held.push(candidate(&h, &e.value));
            }
        }
    }
    if held.len() < 2 {
        return Ok(0);
    }
    conflict_log::set_lost(conn, of, &conflict_log::lost(&held, winner))
}
