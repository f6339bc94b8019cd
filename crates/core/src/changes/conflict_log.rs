//! The conflict log of one field: which held values were lost, and keeping the `conflicts`
//! table equal to that. A held change is in conflict iff it is not the field's winner, no
//! held change names it as its `prev` (nobody wrote over it knowingly), it is no repair, and
//! its value is not one someone kept or saw: the winner's value, or the value of a change
//! someone wrote over knowingly. Two laptops making the same edit (both restore a record,
//! both pick the same choice, two supervisors resolving alike) made one edit twice: nothing
//! was lost, and a supervisor has nothing to choose.
//!
//! The log is worked out again from everything held of the field each time a change of it
//! arrives, and when an erasure empties its values (`changes::erasure`): it depends only on
//! the set of changes held, never on the order they came in.

use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;

use crate::error::Result;
use crate::schema::Entity;

/// One held change of a field, as the conflict log judges it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate<'v> {
    pub hlc: i64,
    /// The handle of its origin node.
    pub node: i64,
    pub value: &'v SqlValue,
    /// A held change names it as its `prev`: someone saw it before writing over it.
    pub seen: bool,
    /// A repair (`changes::repair`): it says nothing about values.
    pub repair: bool,
}

/// A field of a record.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldOf<'a> {
    pub entity: Entity,
    pub row_id: &'a str,
    pub field: &'a str,
}

/// The changes of the field that are lost values, given everything held of it and the
/// stamp (hlc, node handle) of its winner.
pub(crate) fn lost<'c, 'v>(
    held: &'c [Candidate<'v>],
    winner: Option<(i64, i64)>,
) -> Vec<&'c Candidate<'v>> {
    let wins = |c: &Candidate<'_>| Some((c.hlc, c.node)) == winner;
    let kept: Vec<&SqlValue> = held
        .iter()
        .filter(|c| c.seen || wins(c))
        .map(|c| c.value)
        .collect();
    held.iter()
        .filter(|c| !wins(c) && !c.seen && !c.repair && !kept.contains(&c.value))
        .collect()
}

/// Makes the conflict log of the field hold exactly `lost`; returns how many entries it
/// gained. A field with a single held change has no conflict: callers skip it.
pub(crate) fn set_lost(conn: &Connection, of: FieldOf<'_>, lost: &[&Candidate<'_>]) -> Result<u64> {
    let entity = of.entity.as_str();
    let logged: Vec<(i64, i64)> = conn
        .prepare_cached(
            "SELECT loser_hlc, loser_node FROM conflicts
              WHERE row_id = ?1 AND field = ?2 AND entity = ?3",
        )?
        .query_map((of.row_id, of.field, entity), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (hlc, node) in &logged {
        if !lost.iter().any(|c| (c.hlc, c.node) == (*hlc, *node)) {
            conn.prepare_cached(
                "DELETE FROM conflicts WHERE entity = ?1 AND row_id = ?2 AND field = ?3
                    AND loser_hlc = ?4 AND loser_node = ?5",
            )?
            .execute((entity, of.row_id, of.field, hlc, node))?;
        }
    }
    let mut added = 0;
    for c in lost.iter().filter(|c| !logged.contains(&(c.hlc, c.node))) {
        added += conn
            .prepare_cached(
                "INSERT OR IGNORE INTO conflicts(row_id, field, entity, loser_hlc, loser_node, loser_value)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute((of.row_id, of.field, entity, c.hlc, c.node, c.value))? as u64;
    }
    Ok(added)
}
