//! A bundle's header: what it says, the tag that proves it was written with the study key,
//! and the checks a receiver makes before believing any of it.
//!
//! The header is JSON in clear (a laptop must read `study` to know which key to use). Its tag
//! is an XChaCha20-Poly1305 seal of nothing, under the study key, with a fresh 24-byte nonce
//! and as associated data `"terrain bundle header v2\0"` followed by the SHA-256 of the file's
//! prelude (magic, version, header length, header). So a bundle with no batch at all still
//! needs the study key, and nothing of the header (sender, label, key, vectors) is learned
//! from a laptop that does not hold it.

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{Tag, XChaCha20Poly1305, XNonce};
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::changes::roster_rules::MAX_ENTRIES;
use crate::error::{Error, Result, SyncError};
use crate::sync::keys::StudyKey;
use crate::sync::settings::LABEL_CHARS;
use crate::sync::vector::VectorEntry;

/// The longest header a reader accepts: with at most [`MAX_VECTOR`] entries per vector a
/// header takes some 800 KB at most.
pub const MAX_HEADER: usize = 1 << 20;

/// The most entries a header's vector may hold: (scope, node) pairs, two scopes per device.
pub const MAX_VECTOR: usize = 4096;

/// The most batches a bundle may hold (10,000 changes each: a billion changes).
pub const MAX_BATCHES: u32 = 100_000;

const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// Nonce then Poly1305 tag.
pub const HEADER_TAG_LEN: usize = NONCE_LEN + TAG_LEN;

const TAG_CONTEXT: &[u8] = b"terrain bundle header v2\0";

/// The clear-text header of a bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub schema_version: i64,
    pub study: String,
    /// Fingerprint of the study key the batches are encrypted with (see keys::key_check).
    pub key_check: String,
    /// That key's version (1, then one more per re-key): a receiver holding a newer one
    /// refuses the bundle, one that lacks it says so.
    pub key_version: u32,
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
    /// The study's roster as the sender holds it: its signed entries, base64 (entry body then
    /// signature). Each is checked on its own; grants and revocations travel even in a
    /// bundle with no change.
    pub roster: Vec<String>,
}

fn aad(prelude_hash: &[u8; 32]) -> Vec<u8> {
    [TAG_CONTEXT, &prelude_hash[..]].concat()
}

/// The header's tag: proof that the writer holds the study key.
pub(crate) fn make_tag(key: &StudyKey, prelude_hash: &[u8; 32]) -> Result<[u8; HEADER_TAG_LEN]> {
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let tag = XChaCha20Poly1305::new(key.into())
        .encrypt_in_place_detached(XNonce::from_slice(&nonce), &aad(prelude_hash), &mut [])
        .map_err(|_| Error::Internal("sealing the bundle header failed".into()))?;
    let mut out = [0u8; HEADER_TAG_LEN];
    out[..NONCE_LEN].copy_from_slice(&nonce);
    out[NONCE_LEN..].copy_from_slice(&tag);
    Ok(out)
}

/// Checks the header's tag with the study key; a forged or altered header is damaged.
pub(crate) fn check_tag(
    key: &StudyKey,
    prelude_hash: &[u8; 32],
    tag: &[u8; HEADER_TAG_LEN],
) -> Result<()> {
    XChaCha20Poly1305::new(key.into())
        .decrypt_in_place_detached(
            XNonce::from_slice(&tag[..NONCE_LEN]),
            &aad(prelude_hash),
            &mut [],
            Tag::from_slice(&tag[NONCE_LEN..]),
        )
        .map_err(|_| Error::Sync(SyncError::Damaged))
}

/// A node or study id as Terrain writes them: a UUID in its one lowercase hyphenated form (so
/// no other spelling of an id, such as this laptop's in capitals, passes for another).
fn is_canonical_uuid(id: &str) -> bool {
    uuid::Uuid::parse_str(id).is_ok_and(|u| u.hyphenated().to_string() == id)
}

fn malformed(why: String) -> Error {
    Error::Sync(SyncError::Malformed(why))
}

fn check_vector(name: &str, entries: &[VectorEntry], study: &str) -> Result<()> {
    if entries.len() > MAX_VECTOR {
        return Err(malformed(format!(
            "the header's {name} vector has {} entries, at most {MAX_VECTOR} are accepted",
            entries.len()
        )));
    }
    for e in entries {
        if !is_canonical_uuid(&e.node) {
            return Err(malformed(format!(
                "bad node id in the header's {name} vector"
            )));
        }
        if !(e.scope.is_empty() || e.scope == study) {
            return Err(malformed(format!(
                "another study in the header's {name} vector"
            )));
        }
        if e.max_seq < 0 {
            return Err(malformed(format!(
                "a negative count in the header's {name} vector"
            )));
        }
    }
    Ok(())
}

/// A header's roster is read before the header is authenticated (a re-key in it may hand over
/// the key it is sealed with): its length is checked first.
pub(crate) fn check_roster_len(h: &Header) -> Result<()> {
    if h.roster.len() > MAX_ENTRIES {
        return Err(malformed(format!(
            "the header carries {} roster entries, at most {MAX_ENTRIES} are accepted",
            h.roster.len()
        )));
    }
    Ok(())
}

/// Checks an authenticated header's content: ids, vectors, label; and that another laptop
/// wrote it (`own_node`: this laptop's node id).
pub(crate) fn check_header(h: &Header, own_node: &str) -> Result<()> {
    if !is_canonical_uuid(&h.study) {
        return Err(malformed("bad study id in the header".into()));
    }
    if !is_canonical_uuid(&h.sender) {
        return Err(malformed("bad sender id in the header".into()));
    }
    if h.sender == own_node {
        return Err(Error::Sync(SyncError::OwnBundle));
    }
    if h.sender_label
        .as_deref()
        .is_some_and(|l| l.chars().count() > LABEL_CHARS)
    {
        return Err(malformed("the sender's name is too long".into()));
    }
    check_roster_len(h)?;
    check_vector("held", &h.held, &h.study)?;
    check_vector("base", &h.base, &h.study)
}
