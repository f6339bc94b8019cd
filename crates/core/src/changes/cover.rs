//! How a signed segment covers a change of a personal field, so that the value can be erased
//! later without breaking the origin's signature (docs/design/protection.md, section 5).
//!
//! A change of a personal field carries a random 16-byte salt; the segment's digest takes the
//! commitment C = SHA-256(domain ‖ salt ‖ value) in place of the value. Erasing the change
//! drops the value and the salt and keeps C alone: every replica, relays included, still
//! verifies the segment from C, and C reveals nothing (without the salt, trying every phone
//! number does not find it). Other fields are covered by their value, as before.

use rand::RngCore as _;
use rusqlite::types::Value as SqlValue;
use sha2::{Digest, Sha256};

use crate::schema::Entity;

const DOMAIN: &[u8] = b"terrain/commitment/v1\0";

/// A salt's length in bytes.
pub const SALT_BYTES: usize = 16;
/// A commitment's length in bytes.
pub const COMMITMENT_BYTES: usize = 32;

/// The participant's fields that an erasure removes: they name, reach or single out the
/// person. What stays (the session link, the pseudonymous code, sex, age band, actor group,
/// consent, and the erasure's reason) keeps the anonymous counts right and carries no name.
pub const PERSONAL_FIELDS: [&str; 6] = [
    "name",
    "phone",
    "age",
    "institution",
    "role",
    "home_commune_id",
];

/// The participant's field whose value (a reason, never empty) says the person was erased.
pub const ERASED_REASON: &str = "erased_reason";

/// Whether changes of this field are salted, so that an erasure can reach them.
pub fn is_personal(entity: Entity, field: &str) -> bool {
    entity == Entity::Participant && PERSONAL_FIELDS.contains(&field)
}

/// Whether a change so covered is dormant in its record (`changes::merge`): erased, while the
/// record holds no erasure (`erasure`: whether it does). Anyone relaying a salted change can
/// strip its value and salt and the signature still holds, so a commitment alone proves the
/// change was made, never that its value is gone: only the erasure, role-checked, says that.
pub(crate) fn dormant(cover: Cover, erasure: bool) -> bool {
    matches!(cover, Cover::Erased(_)) && !erasure
}

/// How a change is covered by its segment's signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cover {
    /// By its value (fields that are not personal; personal ones written before salts).
    Value,
    /// By the commitment of its value under this salt.
    Salted([u8; SALT_BYTES]),
    /// Erased: the value is gone (null), the commitment stays.
    Erased([u8; COMMITMENT_BYTES]),
}

impl Cover {
    /// The cover of a change written here: a fresh salt for a personal field.
    pub fn fresh(entity: Entity, field: &str) -> Cover {
        if !is_personal(entity, field) {
            return Cover::Value;
        }
        // The thread's CSPRNG (ChaCha, seeded and reseeded from the OS): one system call per
        // salt would slow the write path of an attendance list for nothing.
        let mut salt = [0u8; SALT_BYTES];
        rand::thread_rng().fill_bytes(&mut salt);
        Cover::Salted(salt)
    }

    /// The commitment the segment's digest takes, None when the value itself is covered.
    pub fn commitment(&self, value: &SqlValue) -> Option<[u8; COMMITMENT_BYTES]> {
        match self {
            Cover::Value => None,
            Cover::Salted(salt) => Some(commit(salt, value)),
            Cover::Erased(c) => Some(*c),
        }
    }

    /// The erased form of this cover for `value`: the commitment alone. A change covered by
    /// its value (written before salts) cannot be erased without breaking its signature.
    pub fn erased(&self, value: &SqlValue) -> Option<Cover> {
        self.commitment(value).map(Cover::Erased)
    }

    /// As stored in the change log: "s" or "c" and the bytes in hex; None for `Value`.
    pub fn to_log(&self) -> Option<String> {
        match self {
            Cover::Value => None,
            Cover::Salted(s) => Some("s".to_string() + &to_hex(s)),
            Cover::Erased(c) => Some("c".to_string() + &to_hex(c)),
        }
    }

    /// Reads `to_log`'s text back; None when it is not one.
    pub fn from_log(text: &str) -> Option<Cover> {
        let (kind, hex_text) = text.split_at_checked(1)?;
        let bytes = from_hex(hex_text)?;
        match kind {
            "s" => Some(Cover::Salted(bytes.try_into().ok()?)),
            "c" => Some(Cover::Erased(bytes.try_into().ok()?)),
            _ => None,
        }
    }
}

fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(1 + bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// Feeds a value's typed bytes as segment digests and commitments take them, and returns its
/// weight; `None`, with nothing fed, for a real or a blob, which no field holds.
pub(crate) fn feed_typed(h: &mut Sha256, value: &SqlValue) -> Option<usize> {
    match value {
        SqlValue::Null => {
            h.update([0]);
            Some(0)
        }
        SqlValue::Integer(n) => {
            h.update([1]);
            h.update(n.to_be_bytes());
            Some(8)
        }
        SqlValue::Text(t) => {
            h.update([2]);
            h.update((t.len() as u32).to_be_bytes());
            h.update(t.as_bytes());
            Some(t.len())
        }
        SqlValue::Real(_) | SqlValue::Blob(_) => None,
    }
}

/// C = SHA-256(domain ‖ salt ‖ the value's typed bytes, as the segment digest feeds them).
fn commit(salt: &[u8; SALT_BYTES], value: &SqlValue) -> [u8; COMMITMENT_BYTES] {
    let mut h = Sha256::new();
    h.update(DOMAIN);
    h.update(salt);
    if feed_typed(&mut h, value).is_none() {
        // Never a field's value (the schema and sync refuse them); still committed distinctly.
        match value {
            SqlValue::Real(r) => {
                h.update([3]);
                h.update(r.to_be_bytes());
            }
            SqlValue::Blob(b) => {
                h.update([4]);
                h.update((b.len() as u32).to_be_bytes());
                h.update(b);
            }
            _ => {}
        }
    }
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_salted_change_and_its_erased_form_commit_alike_and_round_trip_the_log() {
        let value = SqlValue::Text("Aminata Traoré".into());
        let salted = Cover::fresh(Entity::Participant, "name");
        let erased = salted.erased(&value).unwrap();
        assert_eq!(
            salted.commitment(&value),
            erased.commitment(&SqlValue::Null)
        );
        assert_ne!(
            salted.commitment(&value),
            salted.commitment(&SqlValue::Text("Aminata Traore".into()))
        );
        for c in [salted, erased] {
            assert_eq!(Cover::from_log(&c.to_log().unwrap()), Some(c));
        }
        assert_eq!(Cover::fresh(Entity::Participant, "sex"), Cover::Value);
        assert_eq!(Cover::from_log("s00"), None);
        assert_eq!(Cover::from_log("x"), None);
        assert_eq!(Cover::from_log(""), None);
    }
}
