//! Signed segments: the proof of who wrote each change. The origin signs its own changes in
//! segments (one scope, consecutive seqs, at most `SEGMENT_MAX_CHANGES` changes or about
//! `SEGMENT_MAX_BYTES` of values each) before they first leave it (`sync::signing`); relays
//! keep the origin's segments and send them with the changes; a receiver checks them all at
//! once before applying anything (docs/design/authorship.md, section 3).

use std::collections::HashMap;

use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;
use sha2::{Digest, Sha256};

use super::cover::{feed_typed, Cover};
use super::log::scope_handle;
use super::merge::Change;
use super::repair::is_repair;
use super::roster_rules::Roster;
use crate::error::{AuthorshipError, Error, Result};
use crate::schema::{Action, Entity};
use crate::store::meta::node_idx;

const DOMAIN: &[u8] = b"terrain/segment/v1\0";
/// A segment closes after this many changes, so that a batch cut at a segment's end stays
/// near the size asked.
pub const SEGMENT_MAX_CHANGES: u32 = 1024;
/// ... or after about this many bytes of values (long texts).
pub const SEGMENT_MAX_BYTES: usize = 1 << 20;

/// One origin's signature over some of its changes in one scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The study id, '' for shared records.
    pub scope: String,
    pub node: String,
    pub first_seq: i64,
    pub last_seq: i64,
    /// How many changes of (scope, node) lie in first_seq..=last_seq.
    pub count: u32,
    pub signature: [u8; 64],
}

/// A change as signed, borrowed from wherever the write path holds it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Signed<'a> {
    pub seq: i64,
    pub entity: Entity,
    pub row_id: &'a str,
    pub field: &'a str,
    pub value: &'a SqlValue,
    pub hlc: i64,
    pub prev: Option<(i64, &'a str)>,
    pub cover: Cover,
}

impl<'a> Signed<'a> {
    pub fn of(c: &'a Change) -> Signed<'a> {
        Signed {
            seq: c.seq,
            entity: c.entity,
            row_id: &c.row_id,
            field: &c.field,
            value: &c.value,
            hlc: c.hlc,
            prev: c.prev.as_ref().map(|p| (p.hlc, p.node.as_str())),
            cover: c.cover,
        }
    }

    /// Feeds the change's bytes (section 3.1 of the design) to a segment's digest; returns
    /// roughly how many bytes it weighs.
    fn feed(&self, h: &mut Sha256) -> Result<usize> {
        let field = self.entity.field_no(self.field).ok_or_else(|| {
            Error::Internal(format!("{} has no field {}", self.entity, self.field))
        })?;
        h.update(self.seq.to_be_bytes());
        h.update([self.entity.code() as u8]);
        push_short(h, self.row_id.as_bytes());
        h.update((field as u16).to_be_bytes());
        let weight = match (self.cover.commitment(self.value), self.value) {
            // A personal field: its commitment, the same before and after an erasure.
            (Some(c), _) => {
                h.update([3]);
                h.update(c);
                32
            }
            (None, value) => feed_value(h, value, self.field)?,
        };
        h.update(self.hlc.to_be_bytes());
        match self.prev {
            None => h.update([0]),
            Some((hlc, node)) => {
                h.update([1]);
                h.update(hlc.to_be_bytes());
                push_short(h, node.as_bytes());
            }
        }
        Ok(weight + self.row_id.len() + 40)
    }
}

/// Feeds a value covered by itself; returns its weight.
fn feed_value(h: &mut Sha256, value: &SqlValue, field: &str) -> Result<usize> {
    feed_typed(h, value).ok_or_else(|| {
        Error::Internal(format!(
            "field {field} holds a value the change log cannot store"
        ))
    })
}

fn push_short(h: &mut Sha256, bytes: &[u8]) {
    // Ids are UUIDs (validated on receipt; made here otherwise): far below 256 bytes.
    h.update([bytes.len().min(255) as u8]);
    h.update(bytes);
}

/// The bytes a segment's signature covers.
fn message(scope: &str, node: &str, first: i64, last: i64, count: u32, digest: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(DOMAIN.len() + 2 + scope.len() + node.len() + 52);
    out.extend_from_slice(DOMAIN);
    out.push(scope.len().min(255) as u8);
    out.extend_from_slice(scope.as_bytes());
    out.push(node.len().min(255) as u8);
    out.extend_from_slice(node.as_bytes());
    out.extend_from_slice(&first.to_be_bytes());
    out.extend_from_slice(&last.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(digest);
    out
}

/// A segment's digest being filled, change by change in seq order (section 3.1 of the design).
pub(crate) struct SegmentDigest {
    pub first: i64,
    pub last: i64,
    pub count: u32,
    /// About how many bytes of changes it covers.
    pub bytes: usize,
    digest: Sha256,
}

impl SegmentDigest {
    pub fn new() -> SegmentDigest {
        SegmentDigest {
            first: 0,
            last: 0,
            count: 0,
            bytes: 0,
            digest: Sha256::new(),
        }
    }

    pub fn add(&mut self, c: &Change) -> Result<()> {
        if self.count == 0 {
            self.first = c.seq;
        }
        self.bytes += Signed::of(c).feed(&mut self.digest)?;
        self.last = c.seq;
        self.count += 1;
        Ok(())
    }

    /// Whether the segment is as large as a segment gets.
    pub fn is_full(&self) -> bool {
        self.count >= SEGMENT_MAX_CHANGES || self.bytes >= SEGMENT_MAX_BYTES
    }

    /// The origin's signature over the segment.
    pub fn sign(self, scope: &str, node: &str, key: &SigningKey) -> Segment {
        let digest: [u8; 32] = self.digest.finalize().into();
        let signature = key
            .sign(&message(
                scope, node, self.first, self.last, self.count, &digest,
            ))
            .to_bytes();
        Segment {
            scope: scope.to_string(),
            node: node.to_string(),
            first_seq: self.first,
            last_seq: self.last,
            count: self.count,
            signature,
        }
    }
}

/// Signs changes of one origin in one scope, in seq order, as that origin does before they
/// leave it: segments of at most `SEGMENT_MAX_CHANGES` changes or about `SEGMENT_MAX_BYTES`.
/// (Tests and benchmarks play several laptops with it; a laptop signs through
/// `sync::seal_own`.)
pub fn sign_segments(scope: &str, changes: &[Change], key: &SigningKey) -> Result<Vec<Segment>> {
    let node = crate::store::node_id_of(&key.verifying_key());
    let mut out = Vec::new();
    let mut open = SegmentDigest::new();
    for c in changes {
        open.add(c)?;
        if open.is_full() {
            out.push(std::mem::replace(&mut open, SegmentDigest::new()).sign(scope, &node, key));
        }
    }
    if open.count > 0 {
        out.push(open.sign(scope, &node, key));
    }
    Ok(out)
}

/// Keeps a segment (made here or received), in the caller's transaction.
pub fn store_segment(conn: &Connection, s: &Segment) -> Result<()> {
    let scope = scope_handle(conn, &s.scope)?;
    let node = node_idx(conn, &s.node)?;
    conn.prepare_cached(
        "INSERT OR IGNORE INTO change_segments(scope, node, first_seq, last_seq, count, signature)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute((
        scope,
        node,
        s.first_seq,
        s.last_seq,
        s.count,
        &s.signature[..],
    ))?;
    Ok(())
}

/// The segments of `node` in `scope` ('' for shared records) that hold a seq in from..=to, in
/// seq order: what an export sends with those changes.
pub fn segments_in(
    conn: &Connection,
    scope: &str,
    node: &str,
    from: i64,
    to: i64,
) -> Result<Vec<Segment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT g.first_seq, g.last_seq, g.count, g.signature FROM change_segments g
           JOIN scopes s ON s.idx = g.scope JOIN nodes n ON n.idx = g.node
          WHERE s.study = ?1 AND n.node_id = ?2 AND g.last_seq >= ?3 AND g.first_seq <= ?4
          ORDER BY g.first_seq",
    )?;
    let rows = stmt.query_map((scope, node, from, to), |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, u32>(2)?,
            r.get::<_, Vec<u8>>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (first_seq, last_seq, count, sig) = row?;
        out.push(Segment {
            scope: scope.to_string(),
            node: node.to_string(),
            first_seq,
            last_seq,
            count,
            signature: sig
                .try_into()
                .map_err(|_| Error::Damaged("a change segment's signature".into()))?,
        });
    }
    Ok(out)
}

/// The segments that cover a batch of changes about to be sent (each whole: see
/// `verify_received`).
pub fn segments_covering(conn: &Connection, changes: &[Change]) -> Result<Vec<Segment>> {
    let mut spans: HashMap<(&str, &str), (i64, i64)> = HashMap::new();
    for c in changes {
        let key = (c.study.as_deref().unwrap_or(""), c.node.as_str());
        let span = spans.entry(key).or_insert((c.seq, c.seq));
        span.0 = span.0.min(c.seq);
        span.1 = span.1.max(c.seq);
    }
    let mut spans: Vec<_> = spans.into_iter().collect();
    spans.sort();
    let mut out = Vec::new();
    for ((scope, node), (from, to)) in spans {
        out.extend(segments_in(conn, scope, node, from, to)?);
    }
    Ok(out)
}

/// Checks received changes of a study against its roster before anything is applied: each
/// change lies in exactly one of the given segments, each segment gets exactly its changes,
/// each origin is a member whose role at that change allows it, and every signature holds
/// (checked together, `ed25519_dalek::verify_batch`).
pub fn verify_received(roster: &Roster, changes: &[Change], segments: &[Segment]) -> Result<()> {
    if changes.is_empty() && segments.is_empty() {
        // An empty round (nothing new): nothing to check.
        return Ok(());
    }
    let refuse = |c: &Change| {
        Error::Authorship(AuthorshipError::BadSignature {
            node: c.node.clone(),
            seq: c.seq,
        })
    };
    // Segments by (scope, node), in seq order, for a binary search per change.
    let mut by_origin: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, s) in segments.iter().enumerate() {
        by_origin
            .entry((s.scope.as_str(), s.node.as_str()))
            .or_default()
            .push(i);
    }
    for list in by_origin.values_mut() {
        list.sort_by_key(|&i| segments[i].first_seq);
        let overlap = list
            .windows(2)
            .any(|w| segments[w[0]].last_seq >= segments[w[1]].first_seq);
        if overlap {
            return Err(Error::Authorship(AuthorshipError::BadSignature {
                node: segments[list[0]].node.clone(),
                seq: segments[list[0]].first_seq,
            }));
        }
    }
    // Changes per segment, in seq order.
    let mut order: Vec<usize> = (0..changes.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&changes[a], &changes[b]);
        (x.study.as_deref(), &x.node, x.seq).cmp(&(y.study.as_deref(), &y.node, y.seq))
    });
    let mut digests: Vec<Option<(Sha256, u32, i64)>> = vec![None; segments.len()];
    for i in order {
        let c = &changes[i];
        let scope = c.study.as_deref().unwrap_or("");
        let role = roster
            .role_at(&c.node, scope, c.seq)
            .map_err(Error::Authorship)?;
        // A repair (`changes::repair`) is a supervisor's decision, on top of the edit.
        let repairs = c.prev.as_ref().is_some_and(|p| is_repair(c.hlc, p.hlc));
        let action = match Action::of_field(c.entity, &c.field) {
            a if role.may(a) && repairs => Action::ResolveConflicts,
            a => a,
        };
        if !role.may(action) {
            return Err(Error::Authorship(AuthorshipError::RoleRefused {
                role,
                action,
            }));
        }
        let list = by_origin
            .get(&(scope, c.node.as_str()))
            .ok_or_else(|| refuse(c))?;
        let at = list.partition_point(|&s| segments[s].last_seq < c.seq);
        let s = *list
            .get(at)
            .filter(|&&s| segments[s].first_seq <= c.seq)
            .ok_or_else(|| refuse(c))?;
        let slot = digests[s].get_or_insert_with(|| (Sha256::new(), 0, i64::MIN));
        if slot.2 >= c.seq {
            // The same change twice in one batch.
            return Err(refuse(c));
        }
        Signed::of(c).feed(&mut slot.0)?;
        slot.1 += 1;
        slot.2 = c.seq;
    }
    let mut messages = Vec::with_capacity(segments.len());
    let mut signatures = Vec::with_capacity(segments.len());
    let mut keys: Vec<VerifyingKey> = Vec::with_capacity(segments.len());
    for (s, slot) in segments.iter().zip(digests) {
        let bad = || {
            Error::Authorship(AuthorshipError::BadSignature {
                node: s.node.clone(),
                seq: s.first_seq,
            })
        };
        // A segment must come whole: the sender cuts batches at segment ends.
        let (digest, count, _) = slot.ok_or_else(bad)?;
        if count != s.count {
            return Err(bad());
        }
        let digest: [u8; 32] = digest.finalize().into();
        messages.push(message(
            &s.scope,
            &s.node,
            s.first_seq,
            s.last_seq,
            s.count,
            &digest,
        ));
        signatures.push(Signature::from_bytes(&s.signature));
        keys.push(roster.key_of(&s.node).ok_or_else(|| {
            Error::Authorship(AuthorshipError::NotMember {
                node: s.node.clone(),
            })
        })?);
    }
    let refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    if ed25519_dalek::verify_batch(&refs, &signatures, &keys).is_ok() {
        return Ok(());
    }
    // Name the first segment that does not hold.
    for (i, s) in segments.iter().enumerate() {
        if keys[i].verify_strict(refs[i], &signatures[i]).is_err() {
            return Err(Error::Authorship(AuthorshipError::BadSignature {
                node: s.node.clone(),
                seq: s.first_seq,
            }));
        }
    }
    // verify_batch is stricter than one by one on crafted edge cases: refuse all the same.
    Err(Error::Authorship(AuthorshipError::BadSignature {
        node: segments.first().map(|s| s.node.clone()).unwrap_or_default(),
        seq: segments.first().map_or(0, |s| s.first_seq),
    }))
}
