//! What a network transport (the hub) needs beside the bundle functions of [`crate::sync`]:
//! the changes a peer lacks read in bounded batches, so that memory on both sides stays small
//! whatever the size of the database, and a count of them for progress bars.
//!
//! A batch holds, per (scope, origin node), the next changes in seq order, so a receiver that
//! applies whole batches always holds a prefix of each and its vector says where to resume.

use rusqlite::Connection;

use crate::error::Result;
use crate::merge::Change;
use crate::store;
use crate::sync::{held_vector, Vector};

/// (scope, node handle, node id, above seq, up to seq): a range of one node's changes.
type Range = (String, i64, String, i64, i64);

fn ranges(conn: &Connection, study: &str, base: &Vector) -> Result<Vec<Range>> {
    let held = held_vector(conn, study)?;
    let mut out = Vec::new();
    for ((scope, node), max) in held {
        let from = base
            .get(&(scope.clone(), node.clone()))
            .copied()
            .unwrap_or(0);
        if max > from {
            let idx = store::node_idx(conn, &node)?;
            out.push((scope, idx, node, from, max));
        }
    }
    Ok(out)
}

/// Roughly what a change weighs before compression: its value and ids.
fn weight(c: &Change) -> usize {
    let value = match &c.value {
        rusqlite::types::Value::Text(t) => t.len(),
        rusqlite::types::Value::Blob(b) => b.len(),
        _ => 8,
    };
    value + c.row_id.len() + c.field.len() + 48
}

/// The next changes (at most `max`, and about `max_bytes` at most: long texts make batches
/// heavy) of `study` and of shared records that a peer holding `base` lacks, and whether more
/// remain after them. A batch holds at least one change.
pub fn next_batch(
    conn: &Connection,
    study: &str,
    base: &Vector,
    max: usize,
    max_bytes: usize,
) -> Result<(Vec<Change>, bool)> {
    let mut out: Vec<Change> = Vec::new();
    let mut bytes = 0usize;
    let names = crate::sync::node_names(conn)?;
    for range in ranges(conn, study, base)? {
        let room = max.saturating_sub(out.len());
        if room == 0 || bytes >= max_bytes {
            return Ok((out, true));
        }
        crate::sync::read_range(conn, &names, &range, room, &mut |c| {
            if bytes >= max_bytes && !out.is_empty() {
                return Ok(false);
            }
            bytes += weight(&c);
            out.push(c);
            Ok(true)
        })?;
        if out.len() >= max || bytes >= max_bytes {
            // Full: more remains unless this range ended exactly here and no range follows;
            // a spare round trip that finds nothing is cheaper than counting.
            return Ok((out, true));
        }
    }
    Ok((out, false))
}

/// How many changes of `study` (and shared records) a peer holding `base` lacks.
pub fn count_missing(conn: &Connection, study: &str, base: &Vector) -> Result<u64> {
    let mut total = 0u64;
    for range in ranges(conn, study, base)? {
        total += crate::sync::count_range(conn, &range)?;
    }
    Ok(total)
}

/// Moves `base` past the changes of a batch the peer now holds.
pub fn advance(base: &mut Vector, batch: &[Change]) {
    for c in batch {
        let scope = c.study.clone().unwrap_or_default();
        let seq = base.entry((scope, c.node.clone())).or_insert(0);
        *seq = (*seq).max(c.seq);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Entity;
    use crate::sync::apply_changes;
    use crate::Store;
    use serde_json::json;

    fn fields(pairs: &[(&str, serde_json::Value)]) -> crate::write::Fields {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn bounded_batches_add_up_to_the_whole_and_resume_from_the_vector() {
        let dir = tempfile::tempdir().expect("ok");
        let mut a = Store::open(&dir.path().join("a.db")).expect("ok");
        let mut b = Store::open(&dir.path().join("b.db")).expect("ok");
        let study = a
            .create(Entity::Study, &fields(&[("title", json!("Gao"))]))
            .expect("ok");
        for i in 0..40 {
            a.create(
                Entity::Session,
                &fields(&[
                    ("study_id", json!(study)),
                    ("title", json!(format!("s{i}"))),
                    ("session_type", json!("focus_group")),
                    ("date", json!("2026-01-02")),
                ]),
            )
            .expect("ok");
        }
        let total = count_missing(a.conn(), &study, &Vector::new()).expect("ok");
        assert!(total > 40);
        let mut got = 0;
        let mut rounds = 0;
        loop {
            rounds += 1;
            assert!(rounds < 1000);
            let have = held_vector(b.conn(), &study).expect("ok");
            let (batch, more) = next_batch(a.conn(), &study, &have, 7, usize::MAX).expect("ok");
            assert!(batch.len() <= 7);
            got += batch.len() as u64;
            apply_changes(&mut b, Some(&study), &batch).expect("ok");
            if !more {
                break;
            }
        }
        assert_eq!(got, total);
        assert_eq!(
            held_vector(a.conn(), &study).expect("ok"),
            held_vector(b.conn(), &study).expect("ok")
        );
        let have = held_vector(b.conn(), &study).expect("ok");
        assert_eq!(count_missing(a.conn(), &study, &have).expect("ok"), 0);
        // A byte budget cuts batches short but still moves one change at least.
        let (tiny, more) = next_batch(a.conn(), &study, &Vector::new(), 1000, 1).expect("ok");
        assert_eq!((tiny.len(), more), (1, true));
        let mut v = Vector::new();
        let (batch, _) = next_batch(a.conn(), &study, &v, 5, usize::MAX).expect("ok");
        advance(&mut v, &batch);
        assert_eq!(count_missing(a.conn(), &study, &v).expect("ok"), total - 5);
    }
}
