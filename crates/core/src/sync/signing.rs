//! What leaves a laptop carries its authors' proof. Before anything is sent (a bundle, a hub
//! push, a pull served while sharing) the laptop signs its own changes not yet signed, in
//! segments (`changes::signature`); then every batch is cut at segment ends and carries the
//! segments of its changes, whoever wrote them, so the origin's signature travels through any
//! relay (docs/design/authorship.md, section 3).
//!
//! Only changes under a segment travel. Shared records (places) travel in a study's sync only
//! when their origin is in that study's roster: its members can check nobody else's. A
//! revoked laptop's changes after its cut-off are not relayed: every receiver would refuse them.

use rusqlite::{Connection, OptionalExtension};

use crate::changes::merge::Change;
use crate::changes::repair;
use crate::changes::roster_rules::Roster;
use crate::changes::signature::{segments_in, store_segment, Segment, SegmentDigest};
use crate::error::Result;
use crate::store::meta::get_meta;
use crate::store::Store;
use crate::sync::batches::{read_range, weight, NodeIndex};
use crate::sync::vector::{held_vector, Range, Vector};

/// Changes and the segments that prove who wrote them, as one batch travels: every change
/// lies in exactly one of the segments, and every segment comes whole.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChangeBatch {
    pub changes: Vec<Change>,
    pub segments: Vec<Segment>,
}

/// Signs this laptop's own changes that no segment covers yet, in every scope; returns how
/// many segments were made. Deterministic (ed25519 signatures are): two windows sealing at
/// once store the same rows.
pub fn seal_own(store: &Store) -> Result<u32> {
    let tx = store.conn().unchecked_transaction()?;
    let me = store.node_idx();
    let node = store.node_id().to_string();
    let scopes: Vec<(i64, String)> = {
        let mut stmt = tx.prepare_cached("SELECT idx, study FROM scopes ORDER BY idx")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let nodes = NodeIndex::load(&tx)?;
    let mut made = 0u32;
    for (idx, scope) in scopes {
        // Runs and segments of one node never overlap: the last by first_seq ends highest,
        // found from the primary key without reading the others.
        let held: Option<i64> = tx
            .prepare_cached(
                "SELECT last_seq FROM change_log WHERE scope = ?1 AND node = ?2
                  ORDER BY first_seq DESC LIMIT 1",
            )?
            .query_row((idx, me), |r| r.get(0))
            .optional()?;
        let sealed: i64 = tx
            .prepare_cached(
                "SELECT last_seq FROM change_segments WHERE scope = ?1 AND node = ?2
                  ORDER BY first_seq DESC LIMIT 1",
            )?
            .query_row((idx, me), |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        let Some(held) = held.filter(|h| *h > sealed) else {
            continue;
        };
        let range = Range {
            scope: scope.clone(),
            node: node.clone(),
            from: sealed,
            to: held,
        };
        let mut open = SegmentDigest::new();
        read_range(&tx, &nodes, &range, usize::MAX, &mut |c| {
            open.add(&c)?;
            if open.is_full() {
                let full = std::mem::replace(&mut open, SegmentDigest::new());
                store_segment(&tx, &full.sign(&scope, &node, store.device_key()))?;
                made += 1;
            }
            Ok(true)
        })?;
        if open.count > 0 {
            store_segment(&tx, &open.sign(&scope, &node, store.device_key()))?;
            made += 1;
        }
    }
    tx.commit()?;
    Ok(made)
}

/// One origin's changes in one scope that a peer lacks, with the segments that cover them.
pub(crate) struct Planned {
    pub range: Range,
    pub segments: Vec<Segment>,
}

/// What of `study` (and of shared records) a peer holding `base` lacks and may be sent: per
/// (scope, origin), from the start of the segment holding the peer's next change (a peer
/// could hold part of one only by another way than sync) to the end of the last segment.
pub(crate) fn plan(conn: &Connection, study: &str, base: &Vector) -> Result<Vec<Planned>> {
    let roster = Roster::load(conn, study)?;
    let own = get_meta(conn, "node_id")?;
    let mut out = Vec::new();
    for mut range in held_vector(conn, study)?.missing_from(base) {
        if range.scope.is_empty() {
            let member = roster
                .as_ref()
                .is_none_or(|r| r.current_role(&range.node, "").is_ok());
            if !member {
                continue;
            }
        }
        // A revoked laptop's changes after its cut-off are refused everywhere: not relayed.
        // Its own still go, so that a revoked laptop hears it from whoever refuses them.
        let cut = roster
            .as_ref()
            .filter(|_| own.as_deref() != Some(range.node.as_str()))
            .and_then(|r| r.revoked_after(&range.node, &range.scope));
        if let Some(cut) = cut {
            range.to = range.to.min(cut);
            if range.to <= range.from {
                continue;
            }
        }
        let segments = segments_in(conn, &range.scope, &range.node, range.from + 1, range.to)?;
        let (Some(first), Some(last)) = (segments.first(), segments.last()) else {
            continue;
        };
        range.from = range.from.min(first.first_seq - 1);
        range.to = range.to.min(last.last_seq);
        let repairs = repair::any_in(conn, &range.scope, &range.node, range.from, range.to)?;
        out.push((repairs, Planned { range, segments }));
    }
    // Ranges holding a repair go first: a receiver refuses a change stamped too far ahead
    // unless it holds, or receives with it, the repair naming it (`changes::repair`).
    out.sort_by_key(|(repairs, _)| !repairs);
    Ok(out.into_iter().map(|(_, p)| p).collect())
}

/// Walks the planned changes in order; `each` gets each change under a segment, and the
/// segment when the change ends it, and says whether to go on.
pub(crate) fn walk(
    conn: &Connection,
    planned: &[Planned],
    each: &mut dyn FnMut(Change, Option<&Segment>) -> Result<bool>,
) -> Result<()> {
    let nodes = NodeIndex::load(conn)?;
    for p in planned {
        let mut at = 0usize;
        let mut go_on = true;
        read_range(conn, &nodes, &p.range, usize::MAX, &mut |c| {
            while p.segments.get(at).is_some_and(|s| s.last_seq < c.seq) {
                at += 1;
            }
            let Some(s) = p.segments.get(at).filter(|s| s.first_seq <= c.seq) else {
                // Held without a signature (a store older than signatures): it stays here.
                return Ok(true);
            };
            let ends = (s.last_seq == c.seq).then_some(s);
            go_on = each(c, ends)?;
            Ok(go_on)
        })?;
        if !go_on {
            break;
        }
    }
    Ok(())
}

/// The next changes (about `max`, and about `max_bytes`, each batch ending at a segment's
/// end) of `study` and of shared records that a peer holding `base` lacks, with their
/// segments, and whether more may remain. Seal first (`seal_own`).
pub fn next_batch(
    conn: &Connection,
    study: &str,
    base: &Vector,
    max: usize,
    max_bytes: usize,
) -> Result<(ChangeBatch, bool)> {
    let planned = plan(conn, study, base)?;
    let mut batch = ChangeBatch::default();
    let mut bytes = 0usize;
    let mut full = false;
    walk(conn, &planned, &mut |c, ends| {
        bytes += weight(&c);
        batch.changes.push(c);
        if let Some(s) = ends {
            batch.segments.push(s.clone());
            if batch.changes.len() >= max || bytes >= max_bytes {
                full = true;
                return Ok(false);
            }
        }
        Ok(true)
    })?;
    Ok((batch, full))
}

/// How many changes of `study` (and shared records) a peer holding `base` lacks and may get.
pub fn count_missing(conn: &Connection, study: &str, base: &Vector) -> Result<u64> {
    let planned = plan(conn, study, base)?;
    Ok(planned
        .iter()
        .flat_map(|p| &p.segments)
        .map(|s| u64::from(s.count))
        .sum())
}
