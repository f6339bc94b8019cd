//! The bundle file: how a study's changes travel on a USB stick (and, later, over HTTP).
//!
//! ```text
//! magic "TRNBNDL\0" | format version u16 LE | header length u32 LE | header (JSON)
//! batch × n: nonce (24 bytes) | length u32 LE | XChaCha20-Poly1305(zstd(changes))
//! signature (64 bytes): ed25519 over SHA-256 of everything before it
//! ```
//! Each batch is encrypted under the study key with the header's hash and the batch's index as
//! associated data, so batches cannot be swapped, dropped or moved to another bundle. The
//! header is in clear (a laptop must know which study key to use) and covered by the signature.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rand::rngs::OsRng;
use rand::RngCore;
use rusqlite::types::Value as SqlValue;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::keys::StudyKey;
use crate::merge::{Change, Stamp};
use crate::schema::Entity;
use crate::sync::SyncError;

pub const MAGIC: &[u8; 8] = b"TRNBNDL\0";
pub const FORMAT_VERSION: u16 = 1;
const NONCE_LEN: usize = 24;
const SIG_LEN: usize = 64;
/// Bounds that keep a hostile file from making us allocate without limit.
const MAX_HEADER: usize = 16 << 20;
const MAX_BATCH_PLAIN: usize = 256 << 20;

/// One entry of a version vector: in `scope` ('' = shared records), the highest seq of `node`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct VectorEntry {
    pub scope: String,
    pub node: String,
    pub max_seq: i64,
}

/// The clear-text header of a bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub schema_version: i64,
    pub study: String,
    /// Fingerprint of the study key the batches are encrypted with (see keys::key_check).
    pub key_check: String,
    pub sender: String,
    pub sender_label: Option<String>,
    /// The sender's ed25519 public key, base64.
    pub sender_public_key: String,
    /// The sender's wall clock when it wrote the bundle (ms since the epoch).
    pub sender_wall_ms: i64,
    /// What the sender holds of this study (and of shared records).
    pub held: Vec<VectorEntry>,
    /// What the bundle assumes the receiver already holds (empty for a full bundle).
    pub base: Vec<VectorEntry>,
    pub batches: u32,
    pub changes: u64,
}

/// Writes `path` through a temporary file in the same folder, flushed to disk, then renamed,
/// so that a reader never sees half a file even if the laptop dies mid-way.
pub fn write_atomically(
    path: &Path,
    f: impl FnOnce(&mut BufWriter<File>) -> Result<()>,
) -> Result<()> {
    let tmp = temp_path(path);
    let result = (|| {
        let mut w = BufWriter::new(File::create(&tmp)?);
        f(&mut w)?;
        let file = w.into_inner().map_err(|e| Error::Io(e.into_error()))?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)?;
        // Make the rename itself durable where the OS lets us open a folder.
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Hashes what passes through it (the signature covers the whole file).
struct Hashing<W: Write> {
    inner: W,
    hash: Sha256,
    len: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn prelude(header: &Header) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(header).map_err(|e| Error::Refused(e.to_string()))?;
    let mut out = Vec::with_capacity(json.len() + 14);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&json);
    Ok(out)
}

fn aad(header_hash: &[u8; 32], index: u32) -> [u8; 36] {
    let mut a = [0u8; 36];
    a[..32].copy_from_slice(header_hash);
    a[32..].copy_from_slice(&index.to_le_bytes());
    a
}

fn signed_message(digest: &[u8]) -> Vec<u8> {
    let mut m = b"terrain bundle v1\0".to_vec();
    m.extend_from_slice(digest);
    m
}

/// Streams a bundle to disk: header, then batches, then the signature. Dropped unfinished,
/// it removes its temporary file.
pub struct BundleWriter<'k> {
    out: Option<Hashing<BufWriter<File>>>,
    tmp: PathBuf,
    path: PathBuf,
    key: &'k StudyKey,
    header_hash: [u8; 32],
    expected: u32,
    written: u32,
}

impl<'k> BundleWriter<'k> {
    pub fn create(path: &Path, header: &Header, key: &'k StudyKey) -> Result<BundleWriter<'k>> {
        let tmp = temp_path(path);
        let pre = prelude(header)?;
        let header_hash: [u8; 32] = Sha256::digest(&pre).into();
        let mut w = BundleWriter {
            out: Some(Hashing {
                inner: BufWriter::new(File::create(&tmp)?),
                hash: Sha256::new(),
                len: 0,
            }),
            tmp,
            path: path.to_path_buf(),
            key,
            header_hash,
            expected: header.batches,
            written: 0,
        };
        w.sink()?.write_all(&pre)?;
        Ok(w)
    }

    fn sink(&mut self) -> Result<&mut Hashing<BufWriter<File>>> {
        self.out
            .as_mut()
            .ok_or_else(|| Error::Refused("bundle already finished".into()))
    }

    pub fn write_batch(&mut self, changes: &[Change]) -> Result<()> {
        let plain = encode_batch(changes);
        let packed = zstd::bulk::compress(&plain, 3)?;
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        let cipher = XChaCha20Poly1305::new(self.key.into());
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &packed,
                    aad: &aad(&self.header_hash, self.written),
                },
            )
            .map_err(|_| Error::Refused("encryption failed".into()))?;
        let out = self.sink()?;
        out.write_all(&nonce)?;
        out.write_all(&(sealed.len() as u32).to_le_bytes())?;
        out.write_all(&sealed)?;
        self.written += 1;
        Ok(())
    }

    /// Signs, flushes to disk and puts the file in place. Returns its size in bytes.
    pub fn finish(mut self, signer: &SigningKey) -> Result<u64> {
        if self.written != self.expected {
            return Err(Error::Refused(format!(
                "bundle announced {} batches, wrote {}",
                self.expected, self.written
            )));
        }
        let mut out = self
            .out
            .take()
            .ok_or_else(|| Error::Refused("bundle already finished".into()))?;
        let digest = out.hash.clone().finalize();
        let sig = signer.sign(&signed_message(&digest));
        out.inner.write_all(&sig.to_bytes())?;
        let size = out.len + SIG_LEN as u64;
        let file = out
            .inner
            .into_inner()
            .map_err(|e| Error::Io(e.into_error()))?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&self.tmp, &self.path)?;
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(size)
    }
}

impl Drop for BundleWriter<'_> {
    fn drop(&mut self) {
        if self.out.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// A bundle whose layout and signature were checked; its batches are still sealed.
pub struct SignedBundle {
    pub header: Header,
    header_hash: [u8; 32],
    batches: Vec<(Vec<u8>, Vec<u8>)>,
    /// Identifies this exact file (hash of its signature).
    pub digest: [u8; 32],
    pub size: u64,
}

fn refuse(p: SyncError) -> Error {
    Error::Sync(p)
}

/// Reads a bundle file and checks its layout and signature. Nothing is decrypted yet.
pub fn read_signed(path: &Path) -> Result<SignedBundle> {
    let bytes = std::fs::read(path)?;
    parse_signed(&bytes)
}

pub fn parse_signed(bytes: &[u8]) -> Result<SignedBundle> {
    let mut r = Reader { buf: bytes, pos: 0 };
    let truncated = |_| refuse(SyncError::Truncated);
    let magic = r.take(MAGIC.len()).map_err(|_| {
        if MAGIC.starts_with(bytes) && !bytes.is_empty() {
            refuse(SyncError::Truncated)
        } else {
            refuse(SyncError::NotABundle)
        }
    })?;
    if magic != MAGIC {
        return Err(refuse(SyncError::NotABundle));
    }
    let version = u16::from_le_bytes(r.array().map_err(truncated)?);
    if version != FORMAT_VERSION {
        return Err(refuse(SyncError::UnknownFormat {
            found: version as i64,
            supported: FORMAT_VERSION as i64,
        }));
    }
    let header_len = u32::from_le_bytes(r.array().map_err(truncated)?) as usize;
    if header_len > MAX_HEADER {
        return Err(refuse(SyncError::Damaged));
    }
    let header_bytes = r.take(header_len).map_err(truncated)?;
    let header_hash: [u8; 32] = Sha256::digest(&bytes[..r.pos]).into();
    let header: Header =
        serde_json::from_slice(header_bytes).map_err(|_| refuse(SyncError::Damaged))?;
    let mut batches = Vec::with_capacity(header.batches.min(1 << 16) as usize);
    for _ in 0..header.batches {
        let nonce = r.take(NONCE_LEN).map_err(truncated)?.to_vec();
        let len = u32::from_le_bytes(r.array().map_err(truncated)?) as usize;
        let sealed = r.take(len).map_err(truncated)?.to_vec();
        batches.push((nonce, sealed));
    }
    let signed_len = r.pos;
    let sig: [u8; SIG_LEN] = r.array().map_err(truncated)?;
    if r.pos != bytes.len() {
        return Err(refuse(SyncError::Damaged));
    }
    let public: [u8; 32] = base64_decode(&header.sender_public_key)
        .and_then(|b| b.try_into().ok())
        .ok_or(refuse(SyncError::Damaged))?;
    let public = VerifyingKey::from_bytes(&public).map_err(|_| refuse(SyncError::Damaged))?;
    let digest = Sha256::digest(&bytes[..signed_len]);
    public
        .verify(&signed_message(&digest), &Signature::from_bytes(&sig))
        .map_err(|_| refuse(SyncError::Damaged))?;
    Ok(SignedBundle {
        header,
        header_hash,
        batches,
        digest: Sha256::digest(sig).into(),
        size: bytes.len() as u64,
    })
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text.as_bytes())
        .ok()
}

impl SignedBundle {
    pub fn batch_count(&self) -> usize {
        self.batches.len()
    }

    /// Decrypts batch `i` (still compressed). A wrong key or any altered byte fails here.
    pub fn open_batch(&self, key: &StudyKey, i: usize) -> Result<Vec<u8>> {
        let (nonce, sealed) = &self.batches[i];
        let cipher = XChaCha20Poly1305::new(key.into());
        cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: &aad(&self.header_hash, i as u32),
                },
            )
            .map_err(|_| refuse(SyncError::Damaged))
    }
}

/// Decompresses and decodes a decrypted batch.
pub fn unpack_batch(packed: &[u8]) -> Result<Vec<Change>> {
    let plain =
        zstd::bulk::decompress(packed, MAX_BATCH_PLAIN).map_err(|_| refuse(SyncError::Damaged))?;
    decode_batch(&plain).map_err(|e| refuse(SyncError::Malformed(e)))
}

// ---- Change encoding -------------------------------------------------------------------
//
// A batch is: nodes, scopes and (entity, field) pairs as small tables, then the changes, each
// a flag byte and varints: table indices, seq and hlc as deltas from the previous change, the
// row id as 16 bytes when it is a UUID (or left out when it is the previous change's row), the
// prev stamp as a distance below the change's own hlc. zstd then squeezes what repeats.

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
    index: std::collections::HashMap<(Entity, &'a str), u64>,
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
    index: std::collections::HashMap<&'a T, u64>,
}

impl<'a, T: ?Sized + Eq + std::hash::Hash> Table<'a, T> {
    fn new() -> Self {
        Table {
            items: Vec::new(),
            index: std::collections::HashMap::new(),
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
        index: std::collections::HashMap::new(),
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

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> std::result::Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.buf.len())
            .ok_or("unexpected end")?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn array<const N: usize>(&mut self) -> std::result::Result<[u8; N], String> {
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
