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
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::codec::{self, Reader};
use crate::changes::merge::Change;
use crate::error::{Error, Result, SyncError};
use crate::store::files::{put_in_place, temp_path};
use crate::sync::keys::StudyKey;
use crate::sync::vector::VectorEntry;

pub const MAGIC: &[u8; 8] = b"TRNBNDL\0";
pub const FORMAT_VERSION: u16 = 1;
const NONCE_LEN: usize = 24;
const SIG_LEN: usize = 64;
/// Bound that keeps a hostile file from making us allocate without limit.
const MAX_HEADER: usize = 16 << 20;

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
    let json = serde_json::to_vec(header).map_err(|e| Error::Internal(e.to_string()))?;
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
            .ok_or_else(|| Error::Internal("bundle already finished".into()))
    }

    pub fn write_batch(&mut self, changes: &[Change]) -> Result<()> {
        let packed = codec::pack(changes)?;
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
            .map_err(|_| Error::Internal("encryption failed".into()))?;
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
