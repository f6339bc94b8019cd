//! Headquarters' key (docs/design/protection.md, slice 4): `terrain hq keygen` makes an X25519
//! key pair on the HQ store, keeps the private half there (the store is encrypted at rest) and
//! writes the public half to a small text file; a coordinator sets it as a study's HQ key (a
//! signed roster entry), and from then on the write path seals the study's names, phones and
//! marked fields to it (`changes::sealed`).
//!
//! The public key file holds one line: `terrain-hq-key:1:` + base64(key ‖ 4 check bytes), the
//! check being the start of SHA-256 of a label and the key, so a key mistyped or cut short is
//! refused instead of sealing names to nobody.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use rusqlite::OptionalExtension;
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::changes::roster::{EntryKind, PublicKey};
use crate::changes::roster_rules::Roster;
use crate::changes::seal_plan::marked_fields;
use crate::changes::sealed::{is_usable_public, new_key_pair, SEALABLE};
use crate::error::{Error, Refusal, Result};
use crate::store::Store;
use crate::sync::authorship::sign_entry_with;
use crate::sync::members::key_fingerprint;

const FILE_PREFIX: &str = "terrain-hq-key:1:";
const CHECK_LEN: usize = 4;

/// A study's HQ key as the study page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StudyHq {
    /// The HQ key's fingerprint (to compare aloud with headquarters); None: no HQ key, names
    /// and phones are not sealed.
    pub fingerprint: Option<String>,
    /// The key as its file holds it (to hand on).
    pub public_key: Option<String>,
    /// This store holds its private half: it reads the study's sealed values.
    pub held_here: bool,
    /// The fields the study seals besides participant names and phones ("entity.field").
    pub sealed_fields: Vec<String>,
    /// The fields a study may mark sealed (`changes::sealed::SEALABLE`).
    pub sealable: Vec<String>,
}

/// The HQ keys this store holds, newest first, by fingerprint (`terrain hq show`).
pub fn hq_keys_held(store: &Store) -> Result<Vec<String>> {
    let mut stmt = store
        .conn()
        .prepare("SELECT public FROM hq_keys ORDER BY created_at DESC, public")?;
    let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))?;
    let mut out = Vec::new();
    for row in rows {
        let key: PublicKey = row?
            .try_into()
            .map_err(|_| Error::Damaged("an HQ key".into()))?;
        out.push(key_fingerprint(&key));
    }
    Ok(out)
}

/// Makes a new HQ key pair, keeps it here, and returns the public key file's text (a line).
/// Older pairs are kept: they open what was sealed to them.
pub fn hq_keygen(store: &Store) -> Result<String> {
    let (public, secret) = new_key_pair();
    store.conn().execute(
        "INSERT INTO hq_keys(public, secret, created_at) VALUES (?1, ?2, ?3)",
        (
            &public[..],
            &secret[..],
            chrono::Utc::now().timestamp_millis(),
        ),
    )?;
    Ok(public_key_text(&public))
}

fn check_of(key: &PublicKey) -> [u8; CHECK_LEN] {
    let mut h = Sha256::new();
    h.update(b"terrain hq key check\0");
    h.update(key);
    let digest = h.finalize();
    let mut out = [0u8; CHECK_LEN];
    out.copy_from_slice(&digest[..CHECK_LEN]);
    out
}

/// The public key file's line for a key.
pub fn public_key_text(key: &PublicKey) -> String {
    let mut bytes = key.to_vec();
    bytes.extend_from_slice(&check_of(key));
    format!("{FILE_PREFIX}{}", B64.encode(bytes))
}

/// Reads a public key file's text (spaces and line ends around it ignored): refused
/// `bad_hq_key` unless it has the prefix, the length and the check, and can receive values.
pub fn parse_public_key(text: &str) -> Result<PublicKey> {
    let bad = || Error::Refused(Refusal::BadHqKey);
    let body = text.trim().strip_prefix(FILE_PREFIX).ok_or_else(bad)?;
    let bytes = B64.decode(body.as_bytes()).map_err(|_| bad())?;
    if bytes.len() != 32 + CHECK_LEN {
        return Err(bad());
    }
    let (key, check) = bytes.split_at(32);
    let key: PublicKey = key.try_into().map_err(|_| bad())?;
    if check != check_of(&key) || !is_usable_public(&key) {
        return Err(bad());
    }
    Ok(key)
}

/// The text of an HQ public key given either as itself (pasted) or as the path of its file.
pub fn public_key_input(input: &str) -> Result<String> {
    let input = input.trim();
    if input.starts_with(FILE_PREFIX) {
        return Ok(input.to_string());
    }
    let path = std::path::Path::new(input);
    if !path.is_file() {
        return Err(Error::Refused(Refusal::NoFile {
            path: input.to_string(),
        }));
    }
    // A key file is one short line: anything much longer is not one.
    let bytes = std::fs::read(path)?;
    if bytes.len() > 1024 {
        return Err(Error::Refused(Refusal::BadHqKey));
    }
    String::from_utf8(bytes).map_err(|_| Error::Refused(Refusal::BadHqKey))
}

/// Sets a study's HQ key from its file's text: a roster entry signed here (coordinators only,
/// `role_refused` otherwise). Replacing the key is allowed: the newest entry wins, and what
/// was sealed under the old key stays sealed to it (headquarters keeps old private keys).
pub fn set_hq_key(store: &Store, study: &str, public_key: &str) -> Result<StudyHq> {
    let key = parse_public_key(public_key)?;
    sign_entry_with(store, study, EntryKind::HqKey, key, Vec::new(), Vec::new())?;
    study_hq(store, study)
}

/// A study's HQ key and sealed fields as the study page shows them.
pub fn study_hq(store: &Store, study: &str) -> Result<StudyHq> {
    let conn = store.conn();
    let key = Roster::load(conn, study)?.and_then(|r| r.hq_key());
    let held_here = match key {
        Some(k) => conn
            .query_row("SELECT 1 FROM hq_keys WHERE public = ?1", [&k[..]], |_| {
                Ok(())
            })
            .optional()?
            .is_some(),
        None => false,
    };
    Ok(StudyHq {
        fingerprint: key.as_ref().map(key_fingerprint),
        public_key: key.as_ref().map(public_key_text),
        held_here,
        sealed_fields: marked_fields(conn, study)?,
        sealable: SEALABLE.iter().map(|s| s.to_string()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_key_file_reads_back_and_a_bent_one_is_refused() {
        let (public, _) = new_key_pair();
        let text = public_key_text(&public);
        assert_eq!(parse_public_key(&format!("  {text}\n")).unwrap(), public);
        let mut bent = text.clone().into_bytes();
        let at = FILE_PREFIX.len() + 5;
        bent[at] = if bent[at] == b'A' { b'B' } else { b'A' };
        let bent = String::from_utf8(bent).unwrap();
        for bad in [
            bent.as_str(),
            &text[..text.len() - 4],
            &text[FILE_PREFIX.len()..],
            "",
        ] {
            let e = parse_public_key(bad).unwrap_err();
            assert_eq!(e.code(), "bad_hq_key", "{bad}");
        }
        // A key of small order (here zero) would seal to nobody.
        assert_eq!(
            parse_public_key(&public_key_text(&[0; 32]))
                .unwrap_err()
                .code(),
            "bad_hq_key"
        );
    }
}
