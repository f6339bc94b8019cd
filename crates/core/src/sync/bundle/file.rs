//! The bundle file: how a study's changes travel on a USB stick. Format version 2:
//!
//! ```text
//! offset  size  what
//! 0       8     magic "TRNBNDL\0"
//! 8       2     format version, u16 LE (2)
//! 10      4     header length L, u32 LE (at most 1 MiB)
//! 14      L     header, JSON (see header.rs); bytes 0..14+L are the "prelude"
//! 14+L    40    header tag: nonce (24) | Poly1305 tag (16), XChaCha20-Poly1305 under the study
//!               key of an empty message, associated data "terrain bundle header v2\0" |
//!               SHA-256(prelude)
//! then, header.batches times (at most 100,000):
//!         24    nonce
//!         4     sealed length S, u32 LE (at most 33 MiB)
//!         S     XChaCha20-Poly1305 under the study key of zstd(batch) (see codec.rs), tag
//!               included, associated data SHA-256(prelude) | batch index u32 LE
//! last    64    signature: ed25519 by header.sender_public_key over
//!               "terrain bundle v2\0" | SHA-256(every byte before the signature)
//! ```
//! A whole file is at most 1 GiB. The header tag proves the writer holds the study key, even
//! with no batch; the batches' associated data binds each to this header and to its place;
//! the signature binds the whole file to the sender's device key (pinned on first contact).
//!
//! A reader never holds the file whole: [`read_signed`] checks the size from the file's
//! metadata, then the layout and the signature in one pass, keeping only the header and a
//! hash per batch; [`SignedBundle::batches`] then reads, checks against that hash and
//! decrypts one batch at a time.

use std::fs::File;
use std::io::{BufReader, BufWriter, ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::codec::{self, MAX_BATCH_PLAIN};
use super::header::{check_tag, make_tag, Header, HEADER_TAG_LEN, MAX_BATCHES, MAX_HEADER};
use crate::error::{Error, Result, SyncError};
use crate::store::files::{put_in_place, temp_path};
use crate::sync::keys::StudyKey;
use crate::sync::signing::ChangeBatch;

pub const MAGIC: &[u8; 8] = b"TRNBNDL\0";
/// 4: changes of personal fields carry a salt or, erased, a commitment (`changes::cover`).
pub const FORMAT_VERSION: u16 = 4;
/// The largest bundle file a laptop writes or reads.
pub const MAX_BUNDLE_BYTES: u64 = 1 << 30;
const PRELUDE_FIXED: usize = 14;
const NONCE_LEN: usize = 24;
const FRAME_LEN: usize = NONCE_LEN + 4;
/// A sealed batch: compressed (zstd may grow what does not compress, by a little), plus its tag.
const MAX_SEALED: usize = MAX_BATCH_PLAIN + (1 << 20);
const SIG_LEN: usize = 64;
const SIG_CONTEXT: &[u8] = b"terrain bundle v2\0";
/// Reads go through a buffer of this size, whatever the file.
const READ_BUF: usize = 64 << 10;

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

fn refuse(p: SyncError) -> Error {
    Error::Sync(p)
}

fn too_large() -> Error {
    refuse(SyncError::TooLarge {
        limit_mb: MAX_BUNDLE_BYTES >> 20,
    })
}

fn prelude(header: &Header) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(header).map_err(|e| Error::Internal(e.to_string()))?;
    if json.len() > MAX_HEADER || header.batches > MAX_BATCHES {
        return Err(Error::Internal(
            "the bundle header is over the limits of a reader".into(),
        ));
    }
    let mut out = Vec::with_capacity(json.len() + PRELUDE_FIXED);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&json);
    Ok(out)
}

fn batch_aad(prelude_hash: &[u8; 32], index: u32) -> [u8; 36] {
    let mut a = [0u8; 36];
    a[..32].copy_from_slice(prelude_hash);
    a[32..].copy_from_slice(&index.to_le_bytes());
    a
}

fn signed_message(digest: &[u8]) -> Vec<u8> {
    [SIG_CONTEXT, digest].concat()
}

/// Streams a bundle to disk: header and its tag, then batches, then the signature. Dropped
/// unfinished, it removes its temporary file.
pub struct BundleWriter<'k> {
    out: Option<Hashing<BufWriter<File>>>,
    tmp: PathBuf,
    path: PathBuf,
    key: &'k StudyKey,
    prelude_hash: [u8; 32],
    expected: u32,
    written: u32,
}

impl<'k> BundleWriter<'k> {
    pub fn create(path: &Path, header: &Header, key: &'k StudyKey) -> Result<BundleWriter<'k>> {
        let tmp = temp_path(path);
        let pre = prelude(header)?;
        let prelude_hash: [u8; 32] = Sha256::digest(&pre).into();
        let mut w = BundleWriter {
            out: Some(Hashing {
                inner: BufWriter::new(File::create(&tmp)?),
                hash: Sha256::new(),
                len: 0,
            }),
            tmp,
            path: path.to_path_buf(),
            key,
            prelude_hash,
            expected: header.batches,
            written: 0,
        };
        let tag = make_tag(key, &prelude_hash)?;
        let out = w.sink()?;
        out.write_all(&pre)?;
        out.write_all(&tag)?;
        Ok(w)
    }

    fn sink(&mut self) -> Result<&mut Hashing<BufWriter<File>>> {
        self.out
            .as_mut()
            .ok_or_else(|| Error::Internal("bundle already finished".into()))
    }

    /// Encodes, compresses, seals and writes a batch; refuses one no reader would accept.
    pub fn write_batch(&mut self, batch: &ChangeBatch) -> Result<()> {
        self.write_packed(codec::pack(batch)?)
    }

    /// Seals and writes a batch already packed (see [`codec::pack`]): its content is not
    /// checked here.
    pub fn write_packed(&mut self, mut packed: Vec<u8>) -> Result<()> {
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        XChaCha20Poly1305::new(self.key.into())
            .encrypt_in_place(
                XNonce::from_slice(&nonce),
                &batch_aad(&self.prelude_hash, self.written),
                &mut packed,
            )
            .map_err(|_| Error::Internal("encryption failed".into()))?;
        let sealed = packed;
        let out = self.sink()?;
        let end = out.len + (FRAME_LEN + sealed.len() + SIG_LEN) as u64;
        if sealed.len() > MAX_SEALED || end > MAX_BUNDLE_BYTES {
            return Err(too_large());
        }
        out.write_all(&nonce)?;
        out.write_all(&(sealed.len() as u32).to_le_bytes())?;
        out.write_all(&sealed)?;
        self.written += 1;
        Ok(())
    }

    /// Signs, flushes to disk and puts the file in place. Returns its size in bytes.
    pub fn finish(mut self, signer: &SigningKey) -> Result<u64> {
        if self.written != self.expected {
            return Err(Error::Internal(format!(
                "bundle announced {} batches, wrote {}",
                self.expected, self.written
            )));
        }
        let mut out = self
            .out
            .take()
            .ok_or_else(|| Error::Internal("bundle already finished".into()))?;
        let digest = out.hash.clone().finalize();
        let sig = signer.sign(&signed_message(&digest));
        out.inner.write_all(&sig.to_bytes())?;
        let size = out.len + SIG_LEN as u64;
        let file = out
            .inner
            .into_inner()
            .map_err(|e| Error::Io(e.into_error()))?;
        put_in_place(file, &self.tmp, &self.path)?;
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

/// A bundle whose size, layout and signature were checked. Its header is NOT yet believed
/// (see [`SignedBundle::authenticate`]) and its batches are still sealed, in the file.
pub struct SignedBundle {
    /// As written in the file: only `study` and `key_check` may be read before the header is
    /// authenticated, to find the key.
    pub header: Header,
    prelude_hash: [u8; 32],
    header_tag: [u8; HEADER_TAG_LEN],
    path: PathBuf,
    /// Where the first batch starts.
    batches_at: u64,
    /// SHA-256 of each batch's bytes (nonce, length, sealed) as the signature pass read them.
    batch_hashes: Vec<[u8; 32]>,
    /// Identifies this exact file (hash of its signature).
    pub digest: [u8; 32],
    pub size: u64,
}

/// Reads exactly `buf.len()` bytes; the end of the file comes too early in a truncated one.
fn fill(r: &mut impl Read, buf: &mut [u8]) -> Result<()> {
    r.read_exact(buf).map_err(|e| match e.kind() {
        ErrorKind::UnexpectedEof => refuse(SyncError::Truncated),
        _ => Error::Io(e),
    })
}

fn array<const N: usize>(r: &mut impl Read) -> Result<[u8; N]> {
    let mut a = [0u8; N];
    fill(r, &mut a)?;
    Ok(a)
}

/// Checks a bundle file's size, layout and signature in one pass. Nothing is decrypted yet.
pub fn read_signed(path: &Path) -> Result<SignedBundle> {
    let file = File::open(path)?;
    let size = file.metadata()?.len();
    if size > MAX_BUNDLE_BYTES {
        return Err(too_large());
    }
    let mut r = BufReader::with_capacity(READ_BUF, file);
    let mut magic = Vec::with_capacity(MAGIC.len());
    (&mut r).take(MAGIC.len() as u64).read_to_end(&mut magic)?;
    if magic != MAGIC {
        let cut_short = !magic.is_empty() && MAGIC.starts_with(&magic);
        return Err(refuse(if cut_short {
            SyncError::Truncated
        } else {
            SyncError::NotABundle
        }));
    }
    let version = u16::from_le_bytes(array(&mut r)?);
    if version != FORMAT_VERSION {
        return Err(refuse(SyncError::UnknownFormat {
            found: version as i64,
            supported: FORMAT_VERSION as i64,
        }));
    }
    let len_bytes: [u8; 4] = array(&mut r)?;
    let header_len = u32::from_le_bytes(len_bytes) as usize;
    if header_len > MAX_HEADER {
        return Err(refuse(SyncError::Damaged));
    }
    // At most MAX_HEADER bytes, whatever the file says.
    let mut json = vec![0u8; header_len];
    fill(&mut r, &mut json)?;
    let mut file_hash = Sha256::new();
    file_hash.update(MAGIC);
    file_hash.update(version.to_le_bytes());
    file_hash.update(len_bytes);
    file_hash.update(&json);
    let prelude_hash: [u8; 32] = file_hash.clone().finalize().into();
    let header: Header = serde_json::from_slice(&json).map_err(|_| refuse(SyncError::Damaged))?;
    drop(json);
    if header.batches > MAX_BATCHES {
        return Err(refuse(SyncError::Damaged));
    }
    let header_tag: [u8; HEADER_TAG_LEN] = array(&mut r)?;
    file_hash.update(header_tag);
    let batches_at = (PRELUDE_FIXED + header_len + HEADER_TAG_LEN) as u64;
    let mut pos = batches_at;
    let mut batch_hashes = Vec::new();
    let mut chunk = vec![0u8; READ_BUF];
    for _ in 0..header.batches {
        let frame: [u8; FRAME_LEN] = array(&mut r)?;
        let len = sealed_len(&frame)?;
        pos += FRAME_LEN as u64;
        if pos + len as u64 + SIG_LEN as u64 > size {
            return Err(refuse(SyncError::Truncated));
        }
        let mut batch_hash = Sha256::new();
        batch_hash.update(frame);
        file_hash.update(frame);
        let mut left = len;
        while left > 0 {
            let n = left.min(chunk.len());
            fill(&mut r, &mut chunk[..n])?;
            batch_hash.update(&chunk[..n]);
            file_hash.update(&chunk[..n]);
            left -= n;
        }
        pos += len as u64;
        batch_hashes.push(batch_hash.finalize().into());
    }
    let sig: [u8; SIG_LEN] = array(&mut r)?;
    if r.read(&mut chunk[..1])? != 0 {
        return Err(refuse(SyncError::Damaged));
    }
    let public: [u8; 32] = base64_decode(&header.sender_public_key)
        .and_then(|b| b.try_into().ok())
        .ok_or(refuse(SyncError::Damaged))?;
    let public = VerifyingKey::from_bytes(&public).map_err(|_| refuse(SyncError::Damaged))?;
    public
        .verify(
            &signed_message(&file_hash.finalize()),
            &Signature::from_bytes(&sig),
        )
        .map_err(|_| refuse(SyncError::Damaged))?;
    Ok(SignedBundle {
        header,
        prelude_hash,
        header_tag,
        path: path.to_path_buf(),
        batches_at,
        batch_hashes,
        digest: Sha256::digest(sig).into(),
        size,
    })
}

/// The sealed length of a batch frame (nonce, length), refused past the cap.
fn sealed_len(frame: &[u8; FRAME_LEN]) -> Result<usize> {
    let mut len = [0u8; 4];
    len.copy_from_slice(&frame[NONCE_LEN..]);
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_SEALED {
        return Err(refuse(SyncError::Damaged));
    }
    Ok(len)
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text.as_bytes())
        .ok()
}

impl SignedBundle {
    pub fn batch_count(&self) -> usize {
        self.batch_hashes.len()
    }

    /// Checks the header's tag with the study key: until then nothing of the header but its
    /// study and key fingerprint may be used.
    pub fn authenticate(&self, key: &StudyKey) -> Result<()> {
        check_tag(key, &self.prelude_hash, &self.header_tag)
    }

    /// The batches in order, read from the file one at a time and decrypted (still
    /// compressed). A wrong key, an altered byte or a file changed since [`read_signed`]
    /// fails there.
    pub fn batches<'a>(&'a self, key: &'a StudyKey) -> Result<Batches<'a>> {
        let mut file = File::open(&self.path)?;
        file.seek(SeekFrom::Start(self.batches_at))?;
        Ok(Batches {
            bundle: self,
            cipher: XChaCha20Poly1305::new(key.into()),
            reader: BufReader::with_capacity(READ_BUF, file),
            next: 0,
        })
    }
}

/// Reads a bundle's batches one by one: see [`SignedBundle::batches`].
pub struct Batches<'a> {
    bundle: &'a SignedBundle,
    cipher: XChaCha20Poly1305,
    reader: BufReader<File>,
    next: usize,
}

impl Batches<'_> {
    fn read(&mut self, index: usize) -> Result<Vec<u8>> {
        let changed = || refuse(SyncError::Damaged);
        let frame: [u8; FRAME_LEN] = array(&mut self.reader)?;
        let len = sealed_len(&frame)?;
        // The signature pass saw this many bytes here: the allocation is bounded and backed.
        let mut sealed = vec![0u8; len];
        fill(&mut self.reader, &mut sealed)?;
        let mut hash = Sha256::new();
        hash.update(frame);
        hash.update(&sealed);
        let hash: [u8; 32] = hash.finalize().into();
        if self.bundle.batch_hashes.get(index) != Some(&hash) {
            return Err(changed());
        }
        let index = u32::try_from(index).map_err(|_| changed())?;
        self.cipher
            .decrypt_in_place(
                XNonce::from_slice(&frame[..NONCE_LEN]),
                &batch_aad(&self.bundle.prelude_hash, index),
                &mut sealed,
            )
            .map_err(|_| changed())?;
        Ok(sealed)
    }
}

impl Iterator for Batches<'_> {
    type Item = Result<Vec<u8>>;

    fn next(&mut self) -> Option<Result<Vec<u8>>> {
        if self.next >= self.bundle.batch_count() {
            return None;
        }
        let index = self.next;
        self.next += 1;
        Some(self.read(index))
    }
}
