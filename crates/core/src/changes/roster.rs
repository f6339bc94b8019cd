//! A study's roster as stored and as it travels: signed entries, each kept as the exact bytes
//! its author signed (docs/design/authorship.md, section 2.1). What the set of entries means
//! (who holds which role, who is revoked) is `roster_rules`.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::error::{AuthorshipError, Error, Result};
use crate::schema::Role;

const DOMAIN: &[u8] = b"terrain/roster/v1\0";
/// More scopes or parents than this in one entry is not something Terrain writes.
const MAX_LIST: usize = 64;
/// A re-key hands the new study key to this many devices at most.
pub const MAX_ENVELOPES: usize = 256;
/// An envelope: an ephemeral X25519 key (32), a nonce (24), the sealed study key (32 + 16).
pub const ENVELOPE_LEN: usize = 32 + 24 + 32 + 16;
/// The largest entry Terrain writes is under 34 KB (a re-key to 256 devices, 64 scopes and 64
/// parents).
const MAX_ENTRY_BYTES: usize = 36 * 1024;

pub type Envelope = [u8; ENVELOPE_LEN];

pub type EntryId = [u8; 32];
pub type PublicKey = [u8; 32];

/// What an entry says about its subject key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// The study's first coordinator: only valid signed by the study's anchor, about itself.
    Found,
    /// The subject holds `role` for its changes above the cut-off.
    Grant(Role),
    /// The subject's changes above the cut-off are refused, and it signs nothing any more.
    Revoke,
    /// The subject is a one-time invitation key, handed over in a join file: it may sign
    /// one thing, a grant of exactly `role` to the laptop that joins with it (its "claim").
    Invite(Role),
    /// The study's key version `n`: the subject is the new key's commitment (see
    /// `sync::rekey`), and the entry's envelopes carry the key sealed to each member's device.
    Rekey(u32),
    /// The study's HQ key: the subject is an X25519 public key, to which the write path seals
    /// names, phones and the fields the study marks (`changes::sealed`). Only a coordinator's
    /// counts; the newest replaces the one before (`Roster::hq_key`).
    HqKey,
}

/// One roster entry, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub study: String,
    pub kind: EntryKind,
    pub subject: PublicKey,
    /// The subject's X25519 key, through which re-keyed study keys reach it (not yet used).
    pub box_key: Option<[u8; 32]>,
    /// Per scope ('' for shared records), the subject's seq this entry starts after; sorted.
    pub after: Vec<(String, i64)>,
    /// The ids of the roster heads its author held when signing; sorted.
    pub parents: Vec<EntryId>,
    pub author: PublicKey,
    /// Only in a re-key: the new study key sealed to each remaining member's device.
    pub envelopes: Vec<Envelope>,
}

/// An entry as it is stored and sent: the signed bytes and the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedEntry {
    pub body: Vec<u8>,
    pub signature: [u8; 64],
}

impl SignedEntry {
    /// The entry as it travels: its body, then its signature.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.body.len() + 64);
        out.extend_from_slice(&self.body);
        out.extend_from_slice(&self.signature);
        out
    }

    /// An entry as it travels (nothing is checked but its length: see `Entry::open`).
    pub fn from_bytes(bytes: &[u8]) -> Result<SignedEntry> {
        if bytes.len() <= 64 || bytes.len() > MAX_ENTRY_BYTES {
            return Err(bad("length"));
        }
        let (body, signature) = bytes.split_at(bytes.len() - 64);
        Ok(SignedEntry {
            body: body.to_vec(),
            signature: signature.try_into().map_err(|_| bad("length"))?,
        })
    }

    /// SHA-256 of body and signature: what parents name.
    pub fn id(&self) -> EntryId {
        let mut h = Sha256::new();
        h.update(&self.body);
        h.update(self.signature);
        h.finalize().into()
    }
}

impl Entry {
    /// The seq of the subject's changes in `scope` this entry starts after (0: all of them).
    pub fn after_in(&self, scope: &str) -> i64 {
        self.after
            .iter()
            .find(|(s, _)| s == scope)
            .map_or(0, |(_, seq)| *seq)
    }

    /// The bytes its author signs.
    pub fn body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(160);
        out.extend_from_slice(DOMAIN);
        push_short(&mut out, self.study.as_bytes());
        let (kind, role) = match self.kind {
            EntryKind::Found => (1u8, None),
            EntryKind::Grant(role) => (2, Some(role)),
            EntryKind::Revoke => (3, None),
            EntryKind::Invite(role) => (4, Some(role)),
            EntryKind::Rekey(_) => (5, None),
            EntryKind::HqKey => (6, None),
        };
        out.push(kind);
        out.extend_from_slice(&self.subject);
        if let Some(role) = role {
            out.push(role.code());
        }
        if let EntryKind::Rekey(version) = self.kind {
            out.extend_from_slice(&version.to_be_bytes());
            out.extend_from_slice(&(self.envelopes.len() as u16).to_be_bytes());
            for e in &self.envelopes {
                out.extend_from_slice(e);
            }
        }
        match &self.box_key {
            Some(k) => {
                out.push(1);
                out.extend_from_slice(k);
            }
            None => out.push(0),
        }
        out.extend_from_slice(&(self.after.len() as u16).to_be_bytes());
        for (scope, seq) in &self.after {
            push_short(&mut out, scope.as_bytes());
            out.extend_from_slice(&seq.to_be_bytes());
        }
        out.extend_from_slice(&(self.parents.len() as u16).to_be_bytes());
        for p in &self.parents {
            out.extend_from_slice(p);
        }
        out.extend_from_slice(&self.author);
        out
    }

    /// Signs the entry with its author's key (which must be `author`).
    pub fn sign(&self, key: &SigningKey) -> Result<SignedEntry> {
        if key.verifying_key().to_bytes() != self.author {
            return Err(Error::Internal(
                "a roster entry signed by another key".into(),
            ));
        }
        let body = self.body();
        let signature = key.sign(&body).to_bytes();
        Ok(SignedEntry { body, signature })
    }

    /// Reads and checks a received entry: its shape, then its author's signature.
    pub fn open(signed: &SignedEntry) -> Result<Entry> {
        let entry = decode(&signed.body).ok_or_else(|| bad("unreadable"))?;
        let key = VerifyingKey::from_bytes(&entry.author).map_err(|_| bad("author key"))?;
        key.verify_strict(&signed.body, &Signature::from_bytes(&signed.signature))
            .map_err(|_| bad("signature"))?;
        Ok(entry)
    }
}

pub(crate) fn bad(why: &str) -> Error {
    Error::Authorship(AuthorshipError::BadRosterEntry(why.to_string()))
}

fn push_short(out: &mut Vec<u8>, bytes: &[u8]) {
    // Study ids and scopes are UUIDs or '': far below 256 bytes (checked when decoding).
    out.push(bytes.len() as u8);
    out.extend_from_slice(bytes);
}

/// A reader over untrusted bytes: every read is bounds-checked.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
    fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn key(&mut self) -> Option<[u8; 32]> {
        self.take(32).and_then(|b| b.try_into().ok())
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u16(&mut self) -> Option<usize> {
        self.take(2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]) as usize)
    }
    fn i64(&mut self) -> Option<i64> {
        self.take(8)
            .and_then(|b| b.try_into().ok())
            .map(i64::from_be_bytes)
    }
    fn short_text(&mut self) -> Option<String> {
        let n = self.byte()? as usize;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
}

fn is_uuid(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok() && s.len() == 36
}

/// The entry these bytes encode, or None for anything Terrain would not write.
fn decode(body: &[u8]) -> Option<Entry> {
    let mut r = Reader(body);
    if r.take(DOMAIN.len())? != DOMAIN {
        return None;
    }
    let study = r.short_text()?;
    if !is_uuid(&study) {
        return None;
    }
    let tag = r.byte()?;
    let subject = r.key()?;
    let kind = match tag {
        1 => EntryKind::Found,
        2 => EntryKind::Grant(Role::from_code(r.byte()?)?),
        3 => EntryKind::Revoke,
        4 => EntryKind::Invite(Role::from_code(r.byte()?)?),
        5 => EntryKind::Rekey(r.u32()?),
        6 => EntryKind::HqKey,
        _ => return None,
    };
    let mut envelopes = Vec::new();
    if let EntryKind::Rekey(version) = kind {
        let n = r.u16()?;
        if version < 2 || n > MAX_ENVELOPES {
            return None;
        }
        for _ in 0..n {
            envelopes.push(r.take(ENVELOPE_LEN)?.try_into().ok()?);
        }
    }
    let box_key = match r.byte()? {
        0 => None,
        1 => Some(r.key()?),
        _ => return None,
    };
    let n = r.u16()?;
    if n > MAX_LIST {
        return None;
    }
    let mut after: Vec<(String, i64)> = Vec::with_capacity(n);
    for _ in 0..n {
        let scope = r.short_text()?;
        let seq = r.i64()?;
        let in_order = after.last().is_none_or(|(s, _)| *s < scope);
        if !(scope.is_empty() || is_uuid(&scope)) || seq < 0 || !in_order {
            return None;
        }
        after.push((scope, seq));
    }
    let n = r.u16()?;
    if n > MAX_LIST {
        return None;
    }
    let mut parents: Vec<EntryId> = Vec::with_capacity(n);
    for _ in 0..n {
        let p = r.key()?;
        if parents.last().is_some_and(|last| *last >= p) {
            return None;
        }
        parents.push(p);
    }
    let author = r.key()?;
    if !r.0.is_empty() {
        return None;
    }
    Some(Entry {
        study,
        kind,
        subject,
        box_key,
        after,
        parents,
        author,
        envelopes,
    })
}

/// The founder's public key pinned for a study here, if any.
pub fn anchor(conn: &Connection, study: &str) -> Result<Option<PublicKey>> {
    let blob: Option<Vec<u8>> = conn
        .prepare_cached("SELECT founder FROM study_anchors WHERE study = ?1")?
        .query_row([study], |r| r.get(0))
        .optional()?;
    Ok(blob.and_then(|b| b.try_into().ok()))
}

/// Every stored entry of a study, in id order.
pub fn stored_entries(conn: &Connection, study: &str) -> Result<Vec<SignedEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT body, signature FROM roster_entries WHERE study = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([study], |r| {
        Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (body, sig) = row?;
        let signature: [u8; 64] = sig
            .try_into()
            .map_err(|_| Error::Damaged("a roster entry's signature".into()))?;
        out.push(SignedEntry { body, signature });
    }
    Ok(out)
}

/// Stores an entry already checked (see `roster_rules::add_entries`); storing twice is a no-op.
pub(crate) fn store_entry(conn: &Connection, study: &str, signed: &SignedEntry) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO roster_entries(id, study, body, signature) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute((&signed.id()[..], study, &signed.body, &signed.signature[..]))?;
    Ok(())
}

/// Makes this laptop the founder of a study just created here: pins its key as the study's
/// anchor and stores the founding entry, in the caller's transaction. A study already
/// anchored (joined, or founded before) is left as it is.
pub(crate) fn found(conn: &Connection, study: &str, key: &SigningKey) -> Result<()> {
    if anchor(conn, study)?.is_some() {
        return Ok(());
    }
    let me = key.verifying_key().to_bytes();
    conn.prepare_cached("INSERT INTO study_anchors(study, founder) VALUES (?1, ?2)")?
        .execute((study, &me[..]))?;
    let entry = Entry {
        study: study.to_string(),
        kind: EntryKind::Found,
        subject: me,
        box_key: None,
        after: Vec::new(),
        parents: Vec::new(),
        author: me,
        envelopes: Vec::new(),
    };
    store_entry(conn, study, &entry.sign(key)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::OsRng;

    fn sample(key: &SigningKey) -> Entry {
        Entry {
            study: "0191d2c0-0000-7000-8000-000000000001".into(),
            kind: EntryKind::Grant(Role::Supervisor),
            subject: [7; 32],
            box_key: Some([9; 32]),
            after: vec![
                (String::new(), 3),
                ("0191d2c0-0000-7000-8000-000000000001".into(), 12),
            ],
            parents: vec![[1; 32], [2; 32]],
            author: key.verifying_key().to_bytes(),
            envelopes: Vec::new(),
        }
    }

    #[test]
    fn an_entry_reads_back_as_signed_and_any_flipped_byte_is_refused() {
        let key = SigningKey::generate(&mut OsRng);
        let entry = sample(&key);
        let signed = entry.sign(&key).unwrap();
        assert_eq!(Entry::open(&signed).unwrap(), entry);
        for i in 0..signed.body.len() {
            let mut bent = signed.clone();
            bent.body[i] ^= 0x01;
            let err = Entry::open(&bent).unwrap_err();
            assert_eq!(err.code(), "bad_roster_entry", "byte {i}");
        }
        let mut bent = signed.clone();
        bent.signature[10] ^= 0x80;
        assert_eq!(Entry::open(&bent).unwrap_err().code(), "bad_roster_entry");
        let mut longer = signed.clone();
        longer.body.push(0);
        assert_eq!(Entry::open(&longer).unwrap_err().code(), "bad_roster_entry");
    }

    #[test]
    fn truncated_or_unsorted_bodies_are_refused_not_a_panic() {
        let key = SigningKey::generate(&mut OsRng);
        let body = sample(&key).body();
        for n in 0..body.len() {
            assert!(decode(&body[..n]).is_none(), "cut at {n}");
        }
        let mut unsorted = sample(&key);
        unsorted.parents.reverse();
        assert!(decode(&unsorted.body()).is_none());
        let mut repeated = sample(&key);
        repeated.after[1].0 = String::new();
        assert!(decode(&repeated.body()).is_none());
        let mut other_key = sample(&key);
        other_key.author = [3; 32];
        assert!(other_key.sign(&key).is_err());
    }
}
