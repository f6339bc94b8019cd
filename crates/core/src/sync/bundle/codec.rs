//! The encoding of a batch of changes, shared by bundle files and the hub.
//!
//! A batch is: nodes, scopes and (entity, field) pairs as small tables, then the changes, each
//! a flag byte and varints: table indices, seq and hlc as deltas from the previous change, the
//! row id as 16 bytes when it is a UUID (or left out when it is the previous change's row), the
//! prev stamp as a distance below the change's own hlc. zstd then squeezes what repeats.

use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;

use crate::changes::merge::{Change, Stamp};
use crate::error::{Error, Result, SyncError};
use crate::schema::Entity;

/// Bound on a batch once decompressed, so a hostile one cannot make us allocate without limit.
const MAX_BATCH_PLAIN: usize = 256 << 20;

/// A batch encoded and compressed, as it travels inside a bundle or a hub message.
pub fn pack(changes: &[Change]) -> Result<Vec<u8>> {
    Ok(zstd::bulk::compress(&encode_batch(changes), 3)?)
}

/// Decompresses and decodes a batch.
pub fn unpack(packed: &[u8]) -> Result<Vec<Change>> {
    let plain = zstd::bulk::decompress(packed, MAX_BATCH_PLAIN)
        .map_err(|_| Error::Sync(SyncError::Damaged))?;
    decode_batch(&plain).map_err(|e| Error::Sync(SyncError::Malformed(e)))
}

const F_SAME_ROW: u8 = 1;
const F_PREV: u8 = 2;
const F_UUID_ROW: u8 = 4;
const TAG_SHIFT: u8 = 3;
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

pub fn encode_batch(changes: &[Change]) -> Vec<u8> {
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
        last_seq = c.seq;
        last_hlc = c.hlc;
        last_row = &c.row_id;
    }
    let mut out = Vec::with_capacity(body.len() + 256);
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

pub fn decode_batch(buf: &[u8]) -> std::result::Result<Vec<Change>, String> {
    let mut r = Reader { buf, pos: 0 };
    let bound = |n: u64| -> std::result::Result<usize, String> {
        usize::try_from(n)
            .ok()
            .filter(|n| *n <= buf.len())
            .ok_or_else(|| "count too large".to_string())
    };
    let n = bound(r.varint()?)?;
    let nodes = (0..n)
        .map(|_| r.text())
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let n = bound(r.varint()?)?;
    let scopes: Vec<Option<String>> = (0..n)
        .map(|_| {
            r.text().map(|s| match s.as_str() {
                "" => None,
                "\u{0}" => Some(String::new()),
                _ => Some(s),
            })
        })
        .collect::<std::result::Result<_, _>>()?;
    let n = bound(r.varint()?)?;
    let mut fields = Vec::with_capacity(n);
    for _ in 0..n {
        let e = r.text()?;
        let entity = Entity::parse(&e).ok_or_else(|| format!("unknown record type {e:?}"))?;
        fields.push((entity, r.text()?));
    }
    let n = bound(r.varint()?)?;
    let mut out: Vec<Change> = Vec::with_capacity(n);
    let mut last_seq = 0i64;
    let mut last_hlc = 0i64;
    for _ in 0..n {
        let flags = r.byte()?;
        let node = pick(&nodes, r.varint()?)?;
        let seq = last_seq.wrapping_add(unzigzag(r.varint()?));
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
        let hlc = last_hlc.wrapping_add(unzigzag(r.varint()?));
        let prev = if flags & F_PREV != 0 {
            let back = unzigzag(r.varint()?);
            Some(Stamp {
                hlc: hlc.wrapping_sub(back),
                node: pick(&nodes, r.varint()?)?,
            })
        } else {
            None
        };
        let value = match flags >> TAG_SHIFT {
            TAG_NULL => SqlValue::Null,
            TAG_INT => SqlValue::Integer(unzigzag(r.varint()?)),
            TAG_REAL => SqlValue::Real(f64::from_le_bytes(r.array()?)),
            TAG_TEXT => SqlValue::Text(r.text()?),
            TAG_BLOB => SqlValue::Blob(r.bytes()?.to_vec()),
            t => return Err(format!("unknown value tag {t}")),
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
        });
        last_seq = seq;
        last_hlc = hlc;
    }
    if r.pos != buf.len() {
        return Err("trailing bytes after the changes".into());
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

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
        assert_eq!(decode_batch(&encode_batch(&all)).unwrap(), all);
    }

    #[test]
    fn garbage_is_refused_not_a_panic() {
        let row = uuid::Uuid::now_v7().to_string();
        let good = encode_batch(&[change(1, &row, None, SqlValue::Text("abc".into()))]);
        for cut in 0..good.len() {
            assert!(decode_batch(&good[..cut]).is_err());
        }
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0xff;
            let _ = decode_batch(&bad);
        }
    }
}
