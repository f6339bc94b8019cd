//! Study keys sealed to devices. When a device is revoked, a coordinator makes the study's next
//! key version (`members::rekey`) and hands it to each remaining member, sealed to that
//! member's device key, in a signed roster entry (kind "rekey", see `changes::roster`). The
//! entry travels with the roster (bundle headers, the hub's roster exchange, join files); a member
//! opens its envelope, checks the key against the entry's commitment and keeps it. From then on
//! bundles and hub payloads are sealed with the newest key, and an older key is refused for
//! anything new: the revoked laptop, which still holds the old key, reads nothing written since.
//!
//! An envelope (docs/sync-protocol.md, "Re-keys"): X25519 between a fresh ephemeral key and the
//! member's device key in Montgomery form (its ed25519 key converted, as libsodium's
//! `crypto_sign_ed25519_pk_to_curve25519`); the sealing key is SHA-256 of a label, the study,
//! the version, both public keys and the shared secret; XChaCha20-Poly1305 seals the 32-byte
//! study key with the study and version as associated data.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use curve25519_dalek::montgomery::MontgomeryPoint;
use ed25519_dalek::{SigningKey, VerifyingKey};
use rand::rngs::OsRng;
use rand::RngCore;
use rusqlite::Connection;
use sha2::{Digest, Sha256};

use crate::changes::roster::{EntryKind, Envelope, ENVELOPE_LEN};
use crate::changes::roster_rules::Roster;
use crate::error::{AuthorshipError, Error, Result};
use crate::sync::keys::{study_keys, StudyKey};

const NONCE_LEN: usize = 24;

/// What a re-key entry names its key by: binds the key to its study and version, so an
/// envelope cannot hand over any other key.
pub fn commitment(study: &str, version: u32, key: &StudyKey) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"terrain study key commitment\0");
    h.update(study.as_bytes());
    h.update([0]);
    h.update(version.to_be_bytes());
    h.update(key);
    h.finalize().into()
}

fn associated_data(study: &str, version: u32) -> Vec<u8> {
    let mut out = b"terrain rekey envelope\0".to_vec();
    out.extend_from_slice(study.as_bytes());
    out.push(0);
    out.extend_from_slice(&version.to_be_bytes());
    out
}

fn sealing_key(
    study: &str,
    version: u32,
    ephemeral: &MontgomeryPoint,
    member: &MontgomeryPoint,
    shared: &MontgomeryPoint,
) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(associated_data(study, version));
    h.update(ephemeral.as_bytes());
    h.update(member.as_bytes());
    h.update(shared.as_bytes());
    h.finalize().into()
}

/// The study key sealed to one member's device key (public for tests of forged re-keys).
pub fn seal_to(
    member: &VerifyingKey,
    study: &str,
    version: u32,
    key: &StudyKey,
) -> Result<Envelope> {
    let mut secret = [0u8; 32];
    OsRng.fill_bytes(&mut secret);
    let ephemeral = MontgomeryPoint::mul_base_clamped(secret);
    let their = member.to_montgomery();
    let shared = their.mul_clamped(secret);
    if shared.as_bytes() == &[0u8; 32] {
        // A key of small order: no honest device has one.
        return Err(Error::Authorship(AuthorshipError::BadRosterEntry(
            "a member key that cannot receive a study key".into(),
        )));
    }
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let cipher =
        XChaCha20Poly1305::new(&sealing_key(study, version, &ephemeral, &their, &shared).into());
    let aad = associated_data(study, version);
    let sealed = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: key,
                aad: &aad,
            },
        )
        .map_err(|_| Error::Internal("sealing a study key failed".into()))?;
    let mut out = [0u8; ENVELOPE_LEN];
    out[..32].copy_from_slice(ephemeral.as_bytes());
    out[32..32 + NONCE_LEN].copy_from_slice(&nonce);
    out[32 + NONCE_LEN..].copy_from_slice(&sealed);
    Ok(out)
}

/// The study key in an envelope, if it was sealed to this device.
fn open_envelope(
    device: &SigningKey,
    study: &str,
    version: u32,
    env: &Envelope,
) -> Option<StudyKey> {
    let ephemeral = MontgomeryPoint(env[..32].try_into().ok()?);
    let mine = device.verifying_key().to_montgomery();
    let shared = ephemeral.mul_clamped(device.to_scalar_bytes());
    let cipher =
        XChaCha20Poly1305::new(&sealing_key(study, version, &ephemeral, &mine, &shared).into());
    let aad = associated_data(study, version);
    let plain = cipher
        .decrypt(
            XNonce::from_slice(&env[32..32 + NONCE_LEN]),
            Payload {
                msg: &env[32 + NONCE_LEN..],
                aad: &aad,
            },
        )
        .ok()?;
    plain.try_into().ok()
}

/// Keeps the invitation key this laptop joined a study with: a re-key made before the
/// coordinator heard of the joining is sealed to it.
pub(crate) fn keep_invitation(
    conn: &Connection,
    study: &str,
    invitation: &SigningKey,
) -> Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO held_invitations(study, secret) VALUES (?1, ?2)")?
        .execute((study, &invitation.to_bytes()[..]))?;
    Ok(())
}

/// The keys envelopes may be sealed to for this laptop in a study: its device key, then the
/// invitation keys it joined with.
fn my_keys(conn: &Connection, study: &str, device: &SigningKey) -> Result<Vec<SigningKey>> {
    let mut stmt = conn.prepare_cached("SELECT secret FROM held_invitations WHERE study = ?1")?;
    let rows = stmt.query_map([study], |r| r.get::<_, Vec<u8>>(0))?;
    let mut out = vec![device.clone()];
    for row in rows {
        if let Ok(secret) = <[u8; 32]>::try_from(row?) {
            out.push(SigningKey::from_bytes(&secret));
        }
    }
    Ok(out)
}

/// The study keys the roster's re-keys hand to this device and that it does not hold yet:
/// (version, key), each checked against its entry's commitment.
pub(crate) fn keys_for_me(
    conn: &Connection,
    roster: &Roster,
    device: &SigningKey,
) -> Result<Vec<(u32, StudyKey)>> {
    let study = roster.study();
    let mine = my_keys(conn, study, device)?;
    let held: Vec<[u8; 32]> = study_keys(conn, study)?
        .iter()
        .map(|(version, key)| commitment(study, *version, key))
        .collect();
    let mut out = Vec::new();
    for entry in roster.rekeys() {
        let EntryKind::Rekey(version) = entry.kind else {
            continue;
        };
        if held.contains(&entry.subject) {
            continue;
        }
        let found = entry
            .envelopes
            .iter()
            .flat_map(|env| mine.iter().map(move |k| (k, env)))
            .filter_map(|(k, env)| open_envelope(k, study, version, env))
            .find(|key| commitment(study, version, key) == entry.subject);
        if let Some(key) = found {
            out.push((version, key));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_envelope_opens_for_its_member_only_and_for_its_study_and_version_only() {
        let alice = SigningKey::generate(&mut OsRng);
        let bob = SigningKey::generate(&mut OsRng);
        let study = "0191d2c0-0000-7000-8000-000000000001";
        let key = [42u8; 32];
        let env = seal_to(&alice.verifying_key(), study, 2, &key).unwrap();
        assert_eq!(open_envelope(&alice, study, 2, &env), Some(key));
        assert_eq!(open_envelope(&bob, study, 2, &env), None);
        assert_eq!(open_envelope(&alice, study, 3, &env), None);
        assert_eq!(
            open_envelope(&alice, "0191d2c0-0000-7000-8000-000000000002", 2, &env),
            None
        );
        for i in 0..ENVELOPE_LEN {
            let mut bent = env;
            bent[i] ^= 1;
            assert_eq!(open_envelope(&alice, study, 2, &bent), None, "byte {i}");
        }
    }
}
