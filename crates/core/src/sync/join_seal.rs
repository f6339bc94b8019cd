//! A join file sealed under a one-time code (docs/sync-protocol.md, "Join files"). The file
//! keeps a format marker, the KDF's parameters, a salt, a nonce and the ciphertext: nothing
//! else. Its content (the study, its key, its roster, the invitation) is the JSON `invite`
//! writes, sealed with XChaCha20-Poly1305 under Argon2id(code, salt); the associated data binds
//! the format, its version and the KDF, so a file edited anywhere fails to open.
//!
//! A file found on a USB stick without its code reveals that it is a Terrain join file, and
//! nothing more.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Error, Result, SyncError};
use crate::sync::join_code::{derive_key, draw_code, parse_code, KdfParams, SEALING_KDF};

/// What every join file says it is (also how a folder's listing recognises one).
pub(crate) const JOIN_FORMAT: &str = "terrain-join";
/// Version 3 is sealed under a one-time code. Version 2 (the content in clear) and version 1
/// (a key alone) are refused, with a message asking for a new invitation.
pub(crate) const JOIN_VERSION: u32 = 3;
const KDF_NAME: &str = "argon2id";
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// A join file's outside, as it sits on a stick.
#[derive(Serialize, Deserialize)]
struct SealedFile {
    format: String,
    version: u32,
    kdf: String,
    kdf_params: KdfParams,
    salt: String,
    nonce: String,
    sealed: String,
}

/// Only what tells an old file from a sealed one.
#[derive(Deserialize)]
struct Head {
    format: Option<String>,
    version: Option<u32>,
}

/// A sealed join file and the code that opens it.
pub struct Sealed {
    pub file: String,
    pub code: Zeroizing<String>,
}

fn associated_data(version: u32, kdf: &str, params: &KdfParams) -> Vec<u8> {
    let mut out = format!("{JOIN_FORMAT}\0{kdf}\0").into_bytes();
    for n in [version, params.m_kib, params.t, params.p] {
        out.extend_from_slice(&n.to_be_bytes());
    }
    out
}

/// Seals a join file's content under a new one-time code.
pub fn seal_join(content: &str) -> Result<Sealed> {
    let code = draw_code();
    let mut salt = [0u8; SALT_LEN];
    OsRng.fill_bytes(&mut salt);
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let key = derive_key(&parse_code(&code)?, &salt, &SEALING_KDF)?;
    let sealed = XChaCha20Poly1305::new(key.as_ref().into())
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: content.as_bytes(),
                aad: &associated_data(JOIN_VERSION, KDF_NAME, &SEALING_KDF),
            },
        )
        .map_err(|_| Error::Internal("sealing a join file".into()))?;
    let file = SealedFile {
        format: JOIN_FORMAT.into(),
        version: JOIN_VERSION,
        kdf: KDF_NAME.into(),
        kdf_params: SEALING_KDF,
        salt: B64.encode(salt),
        nonce: B64.encode(nonce),
        sealed: B64.encode(sealed),
    };
    let file = serde_json::to_string_pretty(&file).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(Sealed { file, code })
}

/// Opens a join file with the code typed: its content. An old clear file, a file that is not a
/// join file, hostile KDF parameters (refused before any work), a code that is not eight words
/// of the list, and a code that does not open the file are each refused with their own code.
pub fn unseal_join(text: &str, typed_code: &str) -> Result<Zeroizing<String>> {
    let bad = || Error::Sync(SyncError::BadJoinFile);
    let head: Head = serde_json::from_str(text).map_err(|_| bad())?;
    if head.format.as_deref() != Some(JOIN_FORMAT) {
        return Err(bad());
    }
    match head.version {
        Some(v) if v < JOIN_VERSION => return Err(Error::Sync(SyncError::OldJoinFile)),
        Some(JOIN_VERSION) => {}
        _ => return Err(bad()),
    }
    let file: SealedFile = serde_json::from_str(text).map_err(|_| bad())?;
    if file.kdf != KDF_NAME || !file.kdf_params.is_sane() {
        return Err(bad());
    }
    let salt = B64.decode(file.salt.as_bytes()).map_err(|_| bad())?;
    let nonce = B64.decode(file.nonce.as_bytes()).map_err(|_| bad())?;
    let sealed = B64.decode(file.sealed.as_bytes()).map_err(|_| bad())?;
    if salt.len() != SALT_LEN || nonce.len() != NONCE_LEN || sealed.len() < TAG_LEN {
        return Err(bad());
    }
    let code = parse_code(typed_code)?;
    let key = derive_key(&code, &salt, &file.kdf_params)?;
    // A wrong code and an altered file fail the same tag: said as a wrong code, since that is
    // what a person can act on (the message says to ask for a new invitation if it persists).
    let content = XChaCha20Poly1305::new(key.as_ref().into())
        .decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &sealed,
                aad: &associated_data(file.version, &file.kdf, &file.kdf_params),
            },
        )
        .map_err(|_| Error::Sync(SyncError::WrongCode))?;
    let content = Zeroizing::new(content);
    String::from_utf8(content.to_vec())
        .map(Zeroizing::new)
        .map_err(|_| bad())
}
