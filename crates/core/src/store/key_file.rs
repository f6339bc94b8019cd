//! The key file beside an encrypted store (`terrain.db.key`): the store's random database key,
//! wrapped twice with XChaCha20-Poly1305 — under a key stretched from the passphrase by
//! Argon2id, and under the recovery words shown once at creation. Changing the passphrase
//! rewrites this small file only (whole or not at all), never the database.

use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use bip39::{Language, Mnemonic};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::files::write_atomically;
use super::words;
use crate::error::{Error, LockError, Result};

const FORMAT: &str = "terrain-key/1";
/// A key file is a few hundred bytes; anything much larger is not one.
const MAX_KEY_FILE_BYTES: u64 = 8 * 1024;

/// Argon2id's cost: 64 MiB and 3 passes take about a second on a field laptop, so each guess
/// of a stolen key file costs a thief as much.
const MEMORY_KIB: u32 = 64 * 1024;
const PASSES: u32 = 3;
const LANES: u32 = 1;

/// The 32-byte key SQLCipher encrypts the database with, wiped from memory when dropped.
#[derive(Clone)]
pub struct DbKey(Zeroizing<[u8; 32]>);

impl DbKey {
    fn random() -> DbKey {
        let mut key = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(key.as_mut());
        DbKey(key)
    }

    /// SQLCipher's raw-key literal (`x'…'`): given it, SQLCipher runs no key derivation of its
    /// own (the passphrase was already stretched once, to unwrap this key).
    pub(crate) fn literal(&self) -> Zeroizing<String> {
        let hex: String = self.0.iter().map(|b| format!("{b:02x}")).collect();
        Zeroizing::new(format!("x'{hex}'"))
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub(crate) fn pragma(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("PRAGMA key = \"{}\";", self.literal().as_str()))
    }
}

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(…)")
    }
}

/// The twelve recovery words shown once when a store is encrypted: with them, and without the
/// passphrase, the store opens (and a new passphrase can be set).
pub struct RecoveryWords(Zeroizing<String>);

impl std::fmt::Debug for RecoveryWords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryWords(…)")
    }
}

impl RecoveryWords {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How the passphrase is stretched; kept in the file so the cost can change later.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Kdf {
    algorithm: String,
    memory_kib: u32,
    passes: u32,
    lanes: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Wrap {
    nonce: String,
    wrapped: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct KeyFile {
    format: String,
    /// A random id of this key file, bound into each wrap so wraps cannot be swapped between
    /// stores.
    store: String,
    kdf: Kdf,
    salt: String,
    passphrase: Wrap,
    recovery: Wrap,
}

/// Where the key file of the database at `db` lives: beside it, named after it.
pub fn key_file_path(db: &Path) -> PathBuf {
    let name = db
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    db.with_file_name(format!("{name}.key"))
}

fn damaged(detail: &str) -> Error {
    Error::Lock(LockError::KeyFileDamaged {
        detail: detail.to_string(),
    })
}

fn decode<const N: usize>(text: &str, what: &str) -> Result<[u8; N]> {
    B64.decode(text.as_bytes())
        .ok()
        .and_then(|b| <[u8; N]>::try_from(b).ok())
        .ok_or_else(|| damaged(what))
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

impl Kdf {
    fn standard() -> Kdf {
        Kdf {
            algorithm: "argon2id".into(),
            memory_kib: MEMORY_KIB,
            passes: PASSES,
            lanes: LANES,
        }
    }

    /// Stretches a passphrase. The parameters come from a file, so they are bounded first: a
    /// planted key file must not ask for gigabytes of memory or hours of work.
    fn stretch(&self, passphrase: &str, salt: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        if self.algorithm != "argon2id"
            || !(8 * 1024..=1024 * 1024).contains(&self.memory_kib)
            || !(1..=16).contains(&self.passes)
            || !(1..=8).contains(&self.lanes)
        {
            return Err(damaged("key derivation parameters out of range"));
        }
        let params = Params::new(self.memory_kib, self.passes, self.lanes, Some(32))
            .map_err(|e| damaged(&e.to_string()))?;
        let mut out = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
            .map_err(|e| Error::Internal(format!("argon2: {e}")))?;
        Ok(out)
    }
}

/// The key the recovery words stand for: they carry 128 random bits, so a hash is enough.
fn recovery_key(entropy: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut h = Sha256::new();
    h.update(b"terrain recovery key\0");
    h.update(entropy);
    Zeroizing::new(h.finalize().into())
}

fn recovery_entropy(typed: &str) -> Result<Zeroizing<Vec<u8>>> {
    let bad = |detail: String| Error::Lock(LockError::BadRecoveryWords { detail });
    let list = words::canonical(typed).map_err(|w| bad(format!("« {w} »")))?;
    if list.len() != 12 {
        return Err(bad(format!("{} / 12", list.len())));
    }
    let mnemonic = Mnemonic::parse_in_normalized(Language::French, &list.join(" "))
        .map_err(|e| bad(e.to_string()))?;
    Ok(Zeroizing::new(mnemonic.to_entropy()))
}

impl KeyFile {
    fn aad(&self, which: &str) -> Vec<u8> {
        format!("{FORMAT}\0{}\0{which}", self.store).into_bytes()
    }

    fn seal(&self, which: &str, wrapping: &[u8; 32], key: &DbKey) -> Result<Wrap> {
        let nonce: [u8; 24] = random();
        let wrapped = XChaCha20Poly1305::new(wrapping.into())
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: key.0.as_ref(),
                    aad: &self.aad(which),
                },
            )
            .map_err(|_| Error::Internal("key wrap".into()))?;
        Ok(Wrap {
            nonce: B64.encode(nonce),
            wrapped: B64.encode(wrapped),
        })
    }

    /// The database key from one wrap, or `None` when the wrapping key is not the right one.
    fn open(&self, which: &str, wrap: &Wrap, wrapping: &[u8; 32]) -> Result<Option<DbKey>> {
        let nonce: [u8; 24] = decode(&wrap.nonce, "nonce")?;
        let wrapped: [u8; 48] = decode(&wrap.wrapped, "wrapped key")?;
        let opened = XChaCha20Poly1305::new(wrapping.into()).decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &wrapped,
                aad: &self.aad(which),
            },
        );
        Ok(opened.ok().and_then(|bytes| {
            let bytes = Zeroizing::new(bytes);
            let key: [u8; 32] = bytes.as_slice().try_into().ok()?;
            Some(DbKey(Zeroizing::new(key)))
        }))
    }

    /// A new key file for a new database key: its passphrase wrap and its recovery words.
    pub(crate) fn create(passphrase: &str) -> Result<(KeyFile, DbKey, RecoveryWords)> {
        let key = DbKey::random();
        let entropy = Zeroizing::new(random::<16>());
        let mnemonic = Mnemonic::from_entropy_in(Language::French, entropy.as_ref())
            .map_err(|e| Error::Internal(e.to_string()))?;
        let words = RecoveryWords(Zeroizing::new(words::composed(&mnemonic.to_string())));
        let empty = Wrap {
            nonce: String::new(),
            wrapped: String::new(),
        };
        let mut file = KeyFile {
            format: FORMAT.into(),
            store: uuid::Uuid::new_v4().to_string(),
            kdf: Kdf::standard(),
            salt: String::new(),
            passphrase: empty.clone(),
            recovery: empty,
        };
        file.recovery = file.seal("recovery", &recovery_key(entropy.as_ref()), &key)?;
        file = file.with_passphrase(&key, passphrase)?;
        Ok((file, key, words))
    }

    /// This key file with the same database key wrapped under a new passphrase (a new salt);
    /// the recovery words stay valid.
    pub(crate) fn with_passphrase(&self, key: &DbKey, passphrase: &str) -> Result<KeyFile> {
        super::passphrase::check_new(passphrase)?;
        let mut file = self.clone();
        file.kdf = Kdf::standard();
        let salt: [u8; 16] = random();
        file.salt = B64.encode(salt);
        let stretched = file.kdf.stretch(passphrase, &salt)?;
        file.passphrase = file.seal("passphrase", &stretched, key)?;
        Ok(file)
    }

    pub(crate) fn unlock_with_passphrase(&self, passphrase: &str) -> Result<DbKey> {
        let salt: [u8; 16] = decode(&self.salt, "salt")?;
        let stretched = self.kdf.stretch(passphrase, &salt)?;
        self.open("passphrase", &self.passphrase, &stretched)?
            .ok_or(Error::Lock(LockError::WrongPassphrase))
    }

    pub(crate) fn unlock_with_recovery(&self, typed: &str) -> Result<DbKey> {
        let entropy = recovery_entropy(typed)?;
        self.open("recovery", &self.recovery, &recovery_key(&entropy))?
            .ok_or(Error::Lock(LockError::WrongRecovery))
    }

    /// Reads the key file of `db`, if there is one.
    pub(crate) fn read(db: &Path) -> Result<Option<KeyFile>> {
        let path = key_file_path(db);
        let size = match std::fs::metadata(&path) {
            Ok(m) => m.len(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        if size > MAX_KEY_FILE_BYTES {
            return Err(damaged("too large"));
        }
        KeyFile::parse(&std::fs::read(&path)?).map(Some)
    }

    /// A key file from its bytes (a file beside a store, or the copy a backup carries).
    pub(crate) fn parse(bytes: &[u8]) -> Result<KeyFile> {
        if bytes.len() as u64 > MAX_KEY_FILE_BYTES {
            return Err(damaged("too large"));
        }
        let file: KeyFile = serde_json::from_slice(bytes).map_err(|e| damaged(&e.to_string()))?;
        file.checked()
    }

    /// This key file, if it is of the format this version reads.
    pub(crate) fn checked(self) -> Result<KeyFile> {
        if self.format != FORMAT {
            return Err(damaged(&format!("format {:?}", self.format)));
        }
        Ok(self)
    }

    /// This key file's bytes, as written beside a store.
    pub(crate) fn to_bytes(&self) -> Result<Vec<u8>> {
        serde_json::to_vec_pretty(self).map_err(|e| Error::Internal(e.to_string()))
    }

    /// Writes the key file of `db` whole or not at all: a crash leaves the old file or the new.
    pub(crate) fn write(&self, db: &Path) -> Result<()> {
        let path = key_file_path(db);
        let text = self.to_bytes()?;
        write_atomically(&path, |w| {
            std::io::Write::write_all(w, &text)?;
            Ok(())
        })?;
        super::permissions::owner_only_file(&path);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_passphrase_and_the_recovery_words_open_the_same_key() {
        let (file, key, words) = KeyFile::create("une phrase de passe").unwrap();
        let by_pass = file.unlock_with_passphrase("une phrase de passe").unwrap();
        let by_words = file.unlock_with_recovery(words.as_str()).unwrap();
        assert_eq!(*by_pass.0, *key.0);
        assert_eq!(*by_words.0, *key.0);
        assert!(matches!(
            file.unlock_with_passphrase("une autre phrase"),
            Err(Error::Lock(LockError::WrongPassphrase))
        ));
        let changed = file.with_passphrase(&key, "la nouvelle phrase").unwrap();
        assert!(changed
            .unlock_with_passphrase("une phrase de passe")
            .is_err());
        assert_eq!(
            *changed
                .unlock_with_passphrase("la nouvelle phrase")
                .unwrap()
                .0,
            *key.0
        );
        assert_eq!(
            *changed.unlock_with_recovery(words.as_str()).unwrap().0,
            *key.0
        );
    }

    #[test]
    fn hostile_parameters_are_refused_before_any_work() {
        let (mut file, _, _) = KeyFile::create("une phrase de passe").unwrap();
        file.kdf.memory_kib = 4 * 1024 * 1024;
        assert!(matches!(
            file.unlock_with_passphrase("une phrase de passe"),
            Err(Error::Lock(LockError::KeyFileDamaged { .. }))
        ));
    }
}
