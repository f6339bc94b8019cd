//! The encoding of a batch of changes, shared by bundle files and the hub.
//!
//! A batch travels as one zstd stream (level 3, at most [`MAX_BATCH_PLAIN`] bytes once
//! decompressed, window at most 2^[`WINDOW_LOG_MAX`]) of this plaintext:
//!
//! ```text
//! varint  = LEB128, unsigned, at most 10 bytes; zz(v) = zigzag of a signed value
//! bytes   = varint length | the bytes (text is UTF-8)
//! nodes   : varint count | bytes × count          node ids (index 0.. in changes)
//! scopes  : varint count | bytes × count          index 0 is "" = shared; "\0" = Some("")
//! fields  : varint count | (bytes entity, bytes field) × count
//! changes : varint count (at most MAX_BATCH_CHANGES) | change × count
//! segments: varint count (at most MAX_BATCH_CHANGES) | segment × count
//! change  = flags u8                              bit 0 same row as the previous change,
//!                                                 bit 1 has a prev stamp, bit 2 row is a UUID,
//!                                                 bits 3-5 value tag: 0 null, 1 int, 2 real,
//!                                                 3 text, 4 blob; bit 6 salted, bit 7 erased
//!                                                 (format 4, `changes::cover`)
//!           varint node index | zz(seq - previous seq) | varint scope index | varint field index
//!           row: nothing (same row) | 16 bytes (UUID) | bytes (other text)
//!           zz(hlc - previous hlc)
//!           prev (bit 1): zz(hlc - prev hlc) | varint node index
//!           value: int zz(i) | real f64 LE (8 bytes) | text or blob as bytes | null nothing
//!           cover: salt (bit 6, 16 bytes) | commitment (bit 7, 32 bytes, value null) | nothing
//! segment = varint node index | varint scope index (never "\0") | varint first_seq
//!           | varint (last_seq - first_seq) | varint count | 64 bytes ed25519 signature
//! ```
//! "previous" starts at 0. The smallest change is 6 bytes (same row, null value), the
//! smallest segment 69, which bounds what a count can claim. What a segment's signature covers
//! is `changes::signature` (docs/sync-protocol.md). Decoding allocates nothing from a count it has not bounded by the
//! bytes left and by the fixed caps, and every sum on decoded numbers is checked.

use std::collections::HashMap;
use std::io::Read;

use rusqlite::types::Value as SqlValue;

use crate::changes::cover::Cover;
use crate::changes::merge::{Change, Stamp};
use crate::changes::signature::Segment;
use crate::error::{Error, Result, SyncError};
use crate::schema::Entity;
use crate::sync::signing::ChangeBatch;

/// Bound on a batch once decompressed: a batch is held whole in memory while it is checked.
/// Writers cut batches well below it (see export's byte budget and the hub's).
pub const MAX_BATCH_PLAIN: usize = 32 << 20;

/// Bound on the changes of one batch (a decoded change weighs some 300 bytes in memory).
/// Bundles carry 10,000 per batch, the hub at most 50,000.
pub const MAX_BATCH_CHANGES: usize = 100_000;

/// Largest zstd window a reader accepts (8 MiB): level 3 uses 2 MiB at most, and a frame
/// announcing a larger one would make the decoder allocate it.
pub const WINDOW_LOG_MAX: u32 = 23;

/// Each table holds at most what the changes can refer to (a change names two nodes).
const MAX_TABLE: usize = 2 * MAX_BATCH_CHANGES + 1;

/// The fewest bytes one change takes (flags, four indices and deltas, the hlc delta).
const MIN_CHANGE_BYTES: usize = 6;

/// The fewest bytes one segment takes (four one-byte varints, a count, the signature).
const MIN_SEGMENT_BYTES: usize = 69;

/// A batch encoded and compressed, as it travels inside a bundle or a hub message. Refuses a
/// batch that no reader would accept.
pub fn pack(batch: &ChangeBatch) -> Result<Vec<u8>> {
    let n = batch.changes.len().max(batch.segments.len());
    if n > MAX_BATCH_CHANGES {
        return Err(Error::Internal(format!(
            "a batch of {n} changes is over the limit of {MAX_BATCH_CHANGES}"
        )));
    }
    let plain = encode_batch(batch);
    if plain.len() > MAX_BATCH_PLAIN {
        return Err(Error::Internal(format!(
            "a batch of {} bytes is over the limit of {MAX_BATCH_PLAIN}",
            plain.len()
        )));
    }
    Ok(zstd::bulk::compress(&plain, 3)?)
}

/// Decompresses and decodes a batch.
pub fn unpack(packed: &[u8]) -> Result<ChangeBatch> {
    let plain = decompress(packed)?;
    decode_batch(&plain).map_err(|e| Error::Sync(SyncError::Malformed(e)))
}

/// [`unpack`], freeing the compressed bytes before decoding (one copy less held at once).
pub(crate) fn unpack_owned(packed: Vec<u8>) -> Result<ChangeBatch> {
    let plain = decompress(&packed)?;
    drop(packed);
    decode_batch(&plain).map_err(|e| Error::Sync(SyncError::Malformed(e)))
}

/// zstd with a stream decoder that stops one byte past the cap (the bulk decoder would
/// allocate the whole cap up front) and refuses large windows. The output starts at the size
/// the frame announces (never past the cap), then grows as it comes, never past the cap.
fn decompress(packed: &[u8]) -> Result<Vec<u8>> {
    let damaged = |_| Error::Sync(SyncError::Damaged);
    let mut decoder = zstd::stream::read::Decoder::with_buffer(packed).map_err(damaged)?;
    decoder.window_log_max(WINDOW_LOG_MAX).map_err(damaged)?;
    let limit = MAX_BATCH_PLAIN + 1;
    let mut limited = decoder.take(limit as u64);
    let announced = zstd::zstd_safe::get_frame_content_size(packed)
        .ok()
        .flatten()
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0);
    let mut plain: Vec<u8> = Vec::with_capacity(announced.min(limit));
    let mut chunk = vec![0u8; 64 << 10];
    loop {
        let n = limited.read(&mut chunk).map_err(damaged)?;
        if n == 0 {
            break;
        }
        let need = plain.len() + n;
        if need > plain.capacity() {
            let grown = (plain.capacity() * 2).clamp(need, limit.max(need));
            plain.reserve_exact(grown - plain.len());
        }
        plain.extend_from_slice(&chunk[..n]);
    }
    if plain.len() > MAX_BATCH_PLAIN {
        return Err(Error::Sync(SyncError::Malformed(format!(
            "a batch larger than {} MiB once decompressed",
            MAX_BATCH_PLAIN >> 20
        ))));
    }
    Ok(plain)
}

const F_SAME_ROW: u8 = 1;
const F_PREV: u8 = 2;
const F_UUID_ROW: u8 = 4;
/// A salt follows the value (bundle format 4).
const F_SALTED: u8 = 64;
/// Erased: a commitment follows, the value is null (bundle format 4).
const F_ERASED: u8 = 128;
const TAG_SHIFT: u8 = 3;
/// The value tag's bits, below the cover flags.
const TAG_MASK: u8 = 7;
const TAG_NULL: u8 = 0;
const TAG_INT: u8 = 1;
const TAG_REAL: u8 = 2;
const TAG_TEXT: u8 = 3;
const TAG_BLOB: u8 = 4;

struct FieldTable<'a> {
    items: Vec<(Entity, &'a str)>,
    index: HashMap<(Entity, &'a str), u64>,
}

impl<'a> FieldTable<'a> {
    fn get2(&mut self, entity: Entity, field: &'a str) -> u64 {
        if let Some(i) = self.index.get(&(entity, field)) {
            return *i;
        }
        let i = self.items.len() as u64;
        self.items.push((entity, field));
        self.index.insert((entity, field), i);
        i
    }
}

struct Table<'a, T: ?Sized + Eq + std::hash::Hash> {
    items: Vec<&'a T>,
    index: HashMap<&'a T, u64>,
}

impl<'a, T: ?Sized + Eq + std::hash::Hash> Table<'a, T> {
    fn new() -> Self {
        Table {
            items: Vec::new(),
            index: HashMap::new(),
        }
    }
    fn get(&mut self, item: &'a T) -> u64 {
        if let Some(i) = self.index.get(item) {
            return *i;
        }
        let i = self.items.len() as u64;
        self.items.push(item);
        self.index.insert(item, i);
        i
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// A canonical UUID (what every id here is) travels as 16 bytes.
fn uuid_bytes(id: &str) -> Option<[u8; 16]> {
    if id.len() != 36 {
        return None;
    }
    let u = uuid::Uuid::parse_str(id).ok()?;
    let canonical = u
        .hyphenated()
        .encode_lower(&mut uuid::Uuid::encode_buffer())
        .to_string();
    (canonical == id).then(|| *u.as_bytes())
}

pub fn encode_batch(batch: &ChangeBatch) -> Vec<u8> {
    let changes = &batch.changes;
    let mut nodes: Table<str> = Table::new();
    let mut scopes: Table<str> = Table::new();
    let mut fields = FieldTable {
        items: Vec::new(),
        index: HashMap::new(),
    };
    let mut body = Vec::with_capacity(changes.len() * 24);
    let mut last_seq = 0i64;
    let mut last_hlc = 0i64;
    let mut last_row: &str = "";
    // Index 0 of scopes means "shared" (no study).
    scopes.get("");
    for c in changes {
        let same_row = c.row_id == last_row;
        let row_uuid = if same_row {
            None
        } else {
            uuid_bytes(&c.row_id)
        };
        let tag = match &c.value {
            SqlValue::Null => TAG_NULL,
            SqlValue::Integer(_) => TAG_INT,
            SqlValue::Real(_) => TAG_REAL,
            SqlValue::Text(_) => TAG_TEXT,
            SqlValue::Blob(_) => TAG_BLOB,
        };
        let mut flags = tag << TAG_SHIFT;
        if same_row {
            flags |= F_SAME_ROW;
        }
        if c.prev.is_some() {
            flags |= F_PREV;
        }
        if row_uuid.is_some() {
            flags |= F_UUID_ROW;
        }
        match c.cover {
            Cover::Value => {}
            Cover::Salted(_) => flags |= F_SALTED,
            Cover::Erased(_) => flags |= F_ERASED,
        }
        body.push(flags);
        put_varint(&mut body, nodes.get(c.node.as_str()));
        put_varint(&mut body, zigzag(c.seq.wrapping_sub(last_seq)));
        put_varint(
            &mut body,
            scopes.get(
                c.study
                    .as_deref()
                    .map_or("", |s| if s.is_empty() { "\u{0}" } else { s }),
            ),
        );
        put_varint(&mut body, fields.get2(c.entity, c.field.as_str()));
        if !same_row {
            match row_uuid {
                Some(b) => body.extend_from_slice(&b),
                None => put_bytes(&mut body, c.row_id.as_bytes()),
            }
        }
        put_varint(&mut body, zigzag(c.hlc.wrapping_sub(last_hlc)));
        if let Some(p) = &c.prev {
            put_varint(&mut body, zigzag(c.hlc.wrapping_sub(p.hlc)));
            put_varint(&mut body, nodes.get(p.node.as_str()));
        }
        match &c.value {
            SqlValue::Null => {}
            SqlValue::Integer(i) => put_varint(&mut body, zigzag(*i)),
            SqlValue::Real(r) => body.extend_from_slice(&r.to_le_bytes()),
            SqlValue::Text(t) => put_bytes(&mut body, t.as_bytes()),
            SqlValue::Blob(b) => put_bytes(&mut body, b),
        }
        match &c.cover {
            Cover::Value => {}
            Cover::Salted(salt) => body.extend_from_slice(salt),
            Cover::Erased(commitment) => body.extend_from_slice(commitment),
        }
        last_seq = c.seq;
        last_hlc = c.hlc;
        last_row = &c.row_id;
    }
    let mut tail = Vec::with_capacity(batch.segments.len() * 80);
    put_varint(&mut tail, batch.segments.len() as u64);
    for s in &batch.segments {
        put_varint(&mut tail, nodes.get(s.node.as_str()));
        put_varint(&mut tail, scopes.get(s.scope.as_str()));
        put_varint(&mut tail, s.first_seq.max(0) as u64);
        put_varint(
            &mut tail,
            s.last_seq.saturating_sub(s.first_seq).max(0) as u64,
        );
        put_varint(&mut tail, u64::from(s.count));
        tail.extend_from_slice(&s.signature);
    }
    let mut out = Vec::with_capacity(body.len() + tail.len() + 256);
    put_varint(&mut out, nodes.items.len() as u64);
    for n in &nodes.items {
        put_bytes(&mut out, n.as_bytes());
    }
    put_varint(&mut out, scopes.items.len() as u64);
    for s in &scopes.items {
        put_bytes(&mut out, s.as_bytes());
    }
    put_varint(&mut out, fields.items.len() as u64);
    for (e, f) in &fields.items {
        put_bytes(&mut out, e.as_str().as_bytes());
        put_bytes(&mut out, f.as_bytes());
    }
    put_varint(&mut out, changes.len() as u64);
    out.extend_from_slice(&body);
    out.extend_from_slice(&tail);
    out
}

pub(crate) struct Reader<'a> {
    pub(crate) buf: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn take(&mut self, n: usize) -> std::result::Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.buf.len())
            .ok_or("unexpected end")?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    pub(crate) fn array<const N: usize>(&mut self) -> std::result::Result<[u8; N], String> {
        let s = self.take(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }
    fn byte(&mut self) -> std::result::Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn varint(&mut self) -> std::result::Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            // The tenth byte holds bit 63 only.
            if shift == 63 && b > 1 {
                return Err("varint too large".into());
            }
            v |= ((b & 0x7f) as u64) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err("varint too long".into())
    }
    fn bytes(&mut self) -> std::result::Result<&'a [u8], String> {
        let n = self.varint()?;
        self.take(usize::try_from(n).map_err(|_| "length too large")?)
    }
    fn text(&mut self) -> std::result::Result<String, String> {
        String::from_utf8(self.bytes()?.to_vec()).map_err(|_| "text is not UTF-8".to_string())
    }
}

fn pick<T: Clone>(table: &[T], i: u64) -> std::result::Result<T, String> {
    usize::try_from(i)
        .ok()
        .and_then(|i| table.get(i))
        .cloned()
        .ok_or_else(|| "table index out of range".to_string())
}

/// A count read from the batch, bounded by a fixed cap and by what the bytes left could hold
/// at `min_bytes` per item.
fn count(r: &mut Reader<'_>, cap: usize, min_bytes: usize) -> std::result::Result<usize, String> {
    let n = r.varint()?;
    let left = (r.buf.len() - r.pos) / min_bytes;
    usize::try_from(n)
        .ok()
        .filter(|n| *n <= cap && *n <= left)
        .ok_or_else(|| format!("a count of {n} is more than the batch can hold"))
}

fn scope_of(s: String) -> Option<String> {
    match s.as_str() {
        "" => None,
        "\u{0}" => Some(String::new()),
        _ => Some(s),
    }
}

pub fn decode_batch(buf: &[u8]) -> std::result::Result<ChangeBatch, String> {
    let mut r = Reader { buf, pos: 0 };
    // Tables grow as they are read; an entry takes one byte at least (its length).
    let mut nodes = Vec::new();
    for _ in 0..count(&mut r, MAX_TABLE, 1)? {
        nodes.push(r.text()?);
    }
    let mut scopes = Vec::new();
    for _ in 0..count(&mut r, MAX_TABLE, 1)? {
        scopes.push(scope_of(r.text()?));
    }
    let mut fields = Vec::new();
    for _ in 0..count(&mut r, MAX_TABLE, 2)? {
        let e = r.text()?;
        let entity = Entity::parse(&e).ok_or_else(|| format!("unknown record type {e:?}"))?;
        fields.push((entity, r.text()?));
    }
    // Bounded by MAX_BATCH_CHANGES and by the bytes left: safe to reserve.
    let n = count(&mut r, MAX_BATCH_CHANGES, MIN_CHANGE_BYTES)?;
    let mut out: Vec<Change> = Vec::with_capacity(n);
    let mut last_seq = 0i64;
    let mut last_hlc = 0i64;
    for _ in 0..n {
        let flags = r.byte()?;
        let node = pick(&nodes, r.varint()?)?;
        let seq = last_seq
            .checked_add(unzigzag(r.varint()?))
            .ok_or("sequence number out of range")?;
        let study = pick(&scopes, r.varint()?)?;
        let (entity, field) = pick(&fields, r.varint()?)?;
        let row_id = if flags & F_SAME_ROW != 0 {
            out.last()
                .map(|c| c.row_id.clone())
                .ok_or("first change has no row")?
        } else if flags & F_UUID_ROW != 0 {
            uuid::Uuid::from_bytes(r.array()?).to_string()
        } else {
            r.text()?
        };
        let hlc = last_hlc
            .checked_add(unzigzag(r.varint()?))
            .ok_or("clock out of range")?;
        let prev = if flags & F_PREV != 0 {
            let back = unzigzag(r.varint()?);
            Some(Stamp {
                hlc: hlc.checked_sub(back).ok_or("previous clock out of range")?,
                node: pick(&nodes, r.varint()?)?,
            })
        } else {
            None
        };
        let value = match (flags >> TAG_SHIFT) & TAG_MASK {
            TAG_NULL => SqlValue::Null,
            TAG_INT => SqlValue::Integer(unzigzag(r.varint()?)),
            TAG_REAL => SqlValue::Real(f64::from_le_bytes(r.array()?)),
            TAG_TEXT => SqlValue::Text(r.text()?),
            TAG_BLOB => SqlValue::Blob(r.bytes()?.to_vec()),
            t => return Err(format!("unknown value tag {t}")),
        };
        // Exactly SALT_BYTES or COMMITMENT_BYTES: `array` reads that many or fails.
        let cover = match (flags & F_SALTED != 0, flags & F_ERASED != 0) {
            (false, false) => Cover::Value,
            (true, false) => Cover::Salted(r.array()?),
            (false, true) if value == SqlValue::Null => Cover::Erased(r.array()?),
            (false, true) => return Err("an erased change with a value".into()),
            (true, true) => return Err("a change both salted and erased".into()),
        };
        out.push(Change {
            node,
            seq,
            study,
            entity,
            row_id,
            field,
            value,
            hlc,
            prev,
            cover,
        });
        last_seq = seq;
        last_hlc = hlc;
    }
    let n = count(&mut r, MAX_BATCH_CHANGES, MIN_SEGMENT_BYTES)?;
    let mut segments = Vec::with_capacity(n);
    for _ in 0..n {
        let node = pick(&nodes, r.varint()?)?;
        let scope = match pick(&scopes, r.varint()?)? {
            None => String::new(),
            Some(s) if !s.is_empty() => s,
            Some(_) => return Err("a segment's scope is not a study".into()),
        };
        let first_seq = i64::try_from(r.varint()?).map_err(|_| "segment out of range")?;
        let last_seq = i64::try_from(r.varint()?)
            .ok()
            .and_then(|len| first_seq.checked_add(len))
            .ok_or("segment out of range")?;
        let count = u32::try_from(r.varint()?).map_err(|_| "segment count out of range")?;
        let signature = r.array()?;
        segments.push(Segment {
            scope,
            node,
            first_seq,
            last_seq,
            count,
            signature,
        });
    }
    if r.pos != buf.len() {
        return Err("trailing bytes after the segments".into());
    }
    Ok(ChangeBatch {
        changes: out,
        segments,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn of(changes: Vec<Change>) -> ChangeBatch {
        ChangeBatch {
            changes,
            segments: Vec::new(),
        }
    }

    fn change(i: i64, row: &str, prev: Option<Stamp>, value: SqlValue) -> Change {
        Change {
            node: "0190a0b0-0000-7000-8000-000000000001".into(),
            seq: i,
            study: if i % 3 == 0 { None } else { Some("s".into()) },
            entity: Entity::Session,
            row_id: row.into(),
            field: if i % 2 == 0 {
                "title".into()
            } else {
                "notes".into()
            },
            value,
            hlc: 1_000_000 + i * 7,
            prev,
            cover: crate::changes::cover::Cover::Value,
        }
    }

    #[test]
    fn batches_round_trip() {
        let row = uuid::Uuid::now_v7().to_string();
        let changes = vec![
            change(1, &row, None, SqlValue::Text("é".into())),
            change(2, &row, None, SqlValue::Integer(-5)),
            change(
                3,
                "not-a-uuid",
                Some(Stamp {
                    hlc: 10,
                    node: "x".into(),
                }),
                SqlValue::Null,
            ),
            change(4, "not-a-uuid", None, SqlValue::Real(1.5)),
            change(9, &row.to_uppercase(), None, SqlValue::Blob(vec![1, 2])),
        ];
        let mut with_empty_study = change(10, &row, None, SqlValue::Integer(1));
        with_empty_study.study = Some(String::new());
        let mut all = changes.clone();
        all.push(with_empty_study);
        let segment = |scope: &str, first: i64, last: i64, count: u32| Segment {
            scope: scope.into(),
            node: "0190a0b0-0000-7000-8000-000000000001".into(),
            first_seq: first,
            last_seq: last,
            count,
            signature: [first as u8; 64],
        };
        let batch = ChangeBatch {
            changes: all,
            segments: vec![segment("", 3, 9, 2), segment("s", 1, 10, 4)],
        };
        assert_eq!(decode_batch(&encode_batch(&batch)).unwrap(), batch);
    }

    #[test]
    fn garbage_is_refused_not_a_panic() {
        let row = uuid::Uuid::now_v7().to_string();
        let good = encode_batch(&of(vec![change(
            1,
            &row,
            None,
            SqlValue::Text("abc".into()),
        )]));
        for cut in 0..good.len() {
            assert!(decode_batch(&good[..cut]).is_err());
        }
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0xff;
            let _ = decode_batch(&bad);
        }
    }

    #[test]
    fn counts_are_bounded_by_the_bytes_left_and_the_caps() {
        // Empty tables, then 2 changes in 11 bytes: a change takes 6 at least.
        assert!(decode_batch(&[0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]).is_err());
        // No changes, then 2 segments in 100 bytes: a segment takes 69 at least.
        let mut p = vec![0, 0, 0, 0, 2];
        p.resize(100, 0);
        assert!(decode_batch(&p).is_err());
        let mut p = vec![0, 0, 0];
        put_varint(&mut p, MAX_BATCH_CHANGES as u64 + 1);
        p.resize(p.len() + 6 * (MAX_BATCH_CHANGES + 1), 0);
        let err = decode_batch(&p).unwrap_err();
        assert!(err.contains("more than the batch can hold"), "{err}");
        // Ten varint bytes carrying more than 64 bits.
        let mut p = vec![0xff; 9];
        p.push(0x02);
        assert_eq!(decode_batch(&p).unwrap_err(), "varint too large");
    }

    #[test]
    fn a_batch_no_reader_accepts_is_not_packed() {
        let row = uuid::Uuid::now_v7().to_string();
        let text = "x".repeat(1 << 20);
        let heavy: Vec<Change> = (0..33)
            .map(|i| change(i + 1, &row, None, SqlValue::Text(text.clone())))
            .collect();
        assert!(pack(&of(heavy.clone())).is_err());
        assert!(pack(&of(heavy[..30].to_vec())).is_ok());
        let many = vec![change(1, &row, None, SqlValue::Null); MAX_BATCH_CHANGES + 1];
        assert!(pack(&of(many)).is_err());
    }

    #[test]
    fn a_bomb_stops_at_the_cap() {
        let bomb = zstd::bulk::compress(&vec![0u8; MAX_BATCH_PLAIN + 1], 3).unwrap();
        assert!(matches!(
            unpack(&bomb),
            Err(Error::Sync(SyncError::Malformed(_)))
        ));
        // A frame asking for a window larger than a writer uses.
        let mut big_window = zstd::stream::Encoder::new(Vec::new(), 3).unwrap();
        big_window.window_log(WINDOW_LOG_MAX + 2).unwrap();
        big_window.long_distance_matching(true).unwrap();
        std::io::Write::write_all(&mut big_window, &vec![7u8; 1 << 20]).unwrap();
        let packed = big_window.finish().unwrap();
        assert!(matches!(
            unpack(&packed),
            Err(Error::Sync(SyncError::Damaged))
        ));
    }
}
