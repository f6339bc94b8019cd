//! Values sealed to headquarters (docs/design/protection.md, slice 4). When a study has an HQ
//! key, the write path stores, logs and syncs its sensitive fields as
//! `sealed:1:` + base64(ephemeral X25519 public ‖ nonce ‖ XChaCha20-Poly1305(value)): field
//! laptops and relays keep only that text; a store holding the HQ private key opens it.
//!
//! The envelope is the one of `sync::key_envelopes` with its own label: X25519 between a fresh
//! ephemeral key and the HQ public key; the sealing key is SHA-256 of the label, the field
//! ("participant.name"), both public keys and the shared secret; the field is the associated
//! data too, so a sealed name cannot be passed off as another field. It is not bound to the
//! record: a member who may write the record may write any value there anyway.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use curve25519_dalek::montgomery::MontgomeryPoint;
use curve25519_dalek::EdwardsPoint;
use rand::rngs::OsRng;
use rand::RngCore;
use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::schema::{Entity, FieldDef, Kind};

/// What every sealed value starts with: the format, version 1.
pub const SEALED_PREFIX: &str = "sealed:1:";
/// What exports, and screens of a store without the HQ key, show instead of a sealed value:
/// never the ciphertext. The app shows its own word ("scellé" / "sealed", see `sealed_word`).
pub const SEALED_MARKER: &str = "[scellé · sealed]";
const LABEL: &[u8] = b"terrain sealed value v1\0";
const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// Ephemeral key, nonce and tag around the sealed bytes.
const OVERHEAD: usize = KEY_LEN + NONCE_LEN + TAG_LEN;

/// Sealed whenever the study has an HQ key.
pub const ALWAYS_SEALED: [(Entity, &str); 2] = [
    (Entity::Participant, "name"),
    (Entity::Participant, "phone"),
];
/// The fields a study may add to those it seals (its `sealed_fields`): free text that no
/// dashboard counts or groups by (a sealed institution would break the forces' dashboard, a
/// sealed role the duplicate check, a sealed finding the report's quotes). Sealed session notes
/// are not found by the sessions' text search.
pub const SEALABLE: [&str; 2] = ["session.note_taker", "session.notes"];

/// The word screens show for a sealed value this store cannot open.
pub fn sealed_word(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "scellé",
        Lang::En => "sealed",
    }
}

/// Whether a field of `entity` is sealed in a study that marks `marked` ("entity.field").
pub fn is_sealed_field(entity: Entity, field: &str, marked: &[String]) -> bool {
    ALWAYS_SEALED.contains(&(entity, field))
        || marked
            .iter()
            .any(|m| m.split_once('.') == Some((entity.as_str(), field)) && is_sealable(m))
}

/// Whether "entity.field" is one a study may mark sealed, or a form's question it marks
/// sensitive (`form.<form_id>.<question>`, see [`is_form_question_code`]).
pub fn is_sealable(code: &str) -> bool {
    SEALABLE.contains(&code) || is_form_question_code(code)
}

/// The longest `form.<form_id>.<question>` code a study's `sealed_fields` takes.
pub const FORM_CODE_MAX: usize = 250;

/// Whether `code` names a form's question, `form.<form_id>.<question>` (XLSForm names: letters,
/// digits, `_`, `-`, `.`). Such a question is sensitive: an anonymised export leaves its answers
/// out, as it does names (`export::forms`). The write path does not seal answers: only the
/// fields of [`SEALABLE`] and [`ALWAYS_SEALED`] are sealed to headquarters.
pub fn is_form_question_code(code: &str) -> bool {
    let Some(rest) = code.strip_prefix("form.") else {
        return false;
    };
    let name_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    code.len() <= FORM_CODE_MAX
        && rest
            .split_once('.')
            .is_some_and(|(f, q)| !f.is_empty() && !q.is_empty())
        && !rest.ends_with('.')
        && rest.chars().all(name_char)
}

/// Whether a field may ever hold a sealed value (what a receiver accepts sealed).
fn may_be_sealed(entity: Entity, field: &str) -> bool {
    ALWAYS_SEALED.contains(&(entity, field)) || is_sealable(&format!("{entity}.{field}"))
}

/// Whether a stored value is sealed (by its prefix: see [`check_envelope`] for its shape).
pub fn is_sealed(value: &SqlValue) -> bool {
    matches!(value, SqlValue::Text(t) if t.starts_with(SEALED_PREFIX))
}

fn associated_data(entity: Entity, field: &str) -> Vec<u8> {
    let mut out = LABEL.to_vec();
    out.extend_from_slice(entity.as_str().as_bytes());
    out.push(b'.');
    out.extend_from_slice(field.as_bytes());
    out
}

fn sealing_key(
    aad: &[u8],
    ephemeral: &MontgomeryPoint,
    hq: &MontgomeryPoint,
    shared: &MontgomeryPoint,
) -> Zeroizing<[u8; 32]> {
    let mut h = Sha256::new();
    h.update(aad);
    h.update(ephemeral.as_bytes());
    h.update(hq.as_bytes());
    h.update(shared.as_bytes());
    Zeroizing::new(h.finalize().into())
}

/// Whether an X25519 public key can receive sealed values (a key of small order makes every
/// shared secret zero: no honest key pair has one).
pub fn is_usable_public(public: &[u8; 32]) -> bool {
    let mut probe = [0u8; 32];
    OsRng.fill_bytes(&mut probe);
    MontgomeryPoint(*public).mul_clamped(probe).as_bytes() != &[0u8; 32]
}

/// `plain` sealed to the HQ public key, for `entity.field`.
pub fn seal(hq_public: &[u8; 32], entity: Entity, field: &str, plain: &str) -> Result<String> {
    Sealer::new(hq_public)?.seal(entity, field, plain)
}

/// Seals the values of one record: one ephemeral key for them all (an X25519 exchange is most
/// of a seal's cost), a fresh nonce and a key of its own for each field (the field is in the
/// key's derivation). The envelopes of one record then show the same ephemeral key: they are
/// known to belong together anyway.
pub struct Sealer {
    hq: MontgomeryPoint,
    ephemeral: MontgomeryPoint,
    shared: Zeroizing<[u8; 32]>,
}

impl Sealer {
    pub fn new(hq_public: &[u8; 32]) -> Result<Sealer> {
        let mut secret = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(&mut secret[..]);
        let hq = MontgomeryPoint(*hq_public);
        let shared = Zeroizing::new(hq.mul_clamped(*secret).to_bytes());
        if *shared == [0u8; 32] {
            return Err(Error::Internal(
                "the study's HQ key cannot receive sealed values".into(),
            ));
        }
        Ok(Sealer {
            hq,
            ephemeral: public_of(&secret),
            shared,
        })
    }

    /// `plain` sealed for `entity.field`.
    pub fn seal(&self, entity: Entity, field: &str, plain: &str) -> Result<String> {
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        let aad = associated_data(entity, field);
        let shared = MontgomeryPoint(*self.shared);
        let key = sealing_key(&aad, &self.ephemeral, &self.hq, &shared);
        let sealed = XChaCha20Poly1305::new((&*key).into())
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: &aad,
                },
            )
            .map_err(|_| Error::Internal("sealing a value failed".into()))?;
        let mut bytes = Vec::with_capacity(OVERHEAD + plain.len());
        bytes.extend_from_slice(self.ephemeral.as_bytes());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&sealed);
        Ok(format!("{SEALED_PREFIX}{}", B64.encode(bytes)))
    }
}

/// Checks a received sealed value's shape instead of the plain field's rules: a field that
/// may be sealed, canonical base64 after the prefix, and a size between an empty value's and
/// the field's longest (four bytes a character). Nothing else can be checked without the key.
pub fn check_envelope(entity: Entity, def: &FieldDef, text: &str) -> Result<(), String> {
    let bad = |why: &str| format!("{entity}.{}: a sealed value {why}", def.name);
    if !may_be_sealed(entity, def.name) {
        return Err(bad("in a field that is never sealed"));
    }
    let Kind::Text { max } = def.kind else {
        return Err(bad("in a field that is not text"));
    };
    let body = text
        .strip_prefix(SEALED_PREFIX)
        .ok_or_else(|| bad("of an unknown format"))?;
    let longest = OVERHEAD + max.saturating_mul(4);
    // Checked before decoding, so a huge value is not decoded to be refused.
    if body.len() > longest.div_ceil(3) * 4 {
        return Err(bad("longer than the field allows"));
    }
    let bytes = B64
        .decode(body.as_bytes())
        .map_err(|_| bad("that is not base64"))?;
    if bytes.len() <= OVERHEAD || bytes.len() > longest || B64.encode(&bytes) != body {
        return Err(bad("of a size no value seals to"));
    }
    Ok(())
}

/// The X25519 public key of a secret: X25519(secret, 9), through the Edwards basepoint's
/// precomputed table (several times quicker than the Montgomery ladder, the same point).
fn public_of(secret: &[u8; 32]) -> MontgomeryPoint {
    EdwardsPoint::mul_base_clamped(*secret).to_montgomery()
}

/// The HQ private keys this store holds, each with its public half: they open the values
/// sealed to those.
pub struct Opener {
    secrets: Vec<(Zeroizing<[u8; 32]>, MontgomeryPoint)>,
}

impl Opener {
    /// The HQ keys held here (none on a field laptop).
    pub fn load(conn: &Connection) -> Result<Opener> {
        let mut stmt =
            conn.prepare_cached("SELECT secret FROM hq_keys ORDER BY created_at DESC")?;
        let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))?;
        let mut secrets = Vec::new();
        for row in rows {
            let bytes = Zeroizing::new(row?);
            let secret: [u8; 32] = bytes
                .as_slice()
                .try_into()
                .map_err(|_| Error::Damaged("an HQ key".into()))?;
            let secret = Zeroizing::new(secret);
            let public = public_of(&secret);
            secrets.push((secret, public));
        }
        Ok(Opener { secrets })
    }

    /// An opener holding no key (tests, and reads that never show sealed fields).
    pub fn none() -> Opener {
        Opener {
            secrets: Vec::new(),
        }
    }

    /// The plain value of a sealed one, if one of the keys held opens it.
    pub fn open(&self, entity: Entity, field: &str, text: &str) -> Option<String> {
        if self.secrets.is_empty() {
            return None;
        }
        let bytes = B64.decode(text.strip_prefix(SEALED_PREFIX)?).ok()?;
        if bytes.len() <= OVERHEAD {
            return None;
        }
        let ephemeral = MontgomeryPoint(bytes[..KEY_LEN].try_into().ok()?);
        let nonce = XNonce::from_slice(&bytes[KEY_LEN..KEY_LEN + NONCE_LEN]);
        let aad = associated_data(entity, field);
        self.secrets.iter().find_map(|(secret, mine)| {
            let shared = ephemeral.mul_clamped(**secret);
            let key = sealing_key(&aad, &ephemeral, mine, &shared);
            let plain = XChaCha20Poly1305::new((&*key).into())
                .decrypt(
                    nonce,
                    Payload {
                        msg: &bytes[KEY_LEN + NONCE_LEN..],
                        aad: &aad,
                    },
                )
                .ok()?;
            String::from_utf8(plain).ok()
        })
    }

    /// A stored value as a person may see it: a sealed value opened when a key held here
    /// opens it, else the marker; any other value as it is.
    pub fn show(&self, entity: Entity, field: &str, value: &SqlValue) -> SqlValue {
        match value {
            SqlValue::Text(t) if t.starts_with(SEALED_PREFIX) => SqlValue::Text(
                self.open(entity, field, t)
                    .unwrap_or_else(|| SEALED_MARKER.to_string()),
            ),
            other => other.clone(),
        }
    }
}

/// A new HQ key pair: (public, secret).
pub fn new_key_pair() -> ([u8; 32], Zeroizing<[u8; 32]>) {
    let mut secret = Zeroizing::new([0u8; 32]);
    OsRng.fill_bytes(&mut secret[..]);
    let public = public_of(&secret).to_bytes();
    (public, secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opener_of(secret: &Zeroizing<[u8; 32]>) -> Opener {
        Opener {
            secrets: vec![(secret.clone(), public_of(secret))],
        }
    }

    #[test]
    fn the_values_of_one_record_share_an_ephemeral_key_but_not_a_field() {
        let (public, secret) = new_key_pair();
        let sealer = Sealer::new(&public).unwrap();
        let name = sealer.seal(Entity::Participant, "name", "Awa").unwrap();
        let phone = sealer.seal(Entity::Participant, "phone", "Awa").unwrap();
        assert_ne!(name, phone);
        let hq = opener_of(&secret);
        assert_eq!(
            hq.open(Entity::Participant, "name", &name).as_deref(),
            Some("Awa")
        );
        assert_eq!(
            hq.open(Entity::Participant, "phone", &phone).as_deref(),
            Some("Awa")
        );
        assert_eq!(hq.open(Entity::Participant, "phone", &name), None);
    }

    #[test]
    fn the_quick_public_key_is_the_x25519_one() {
        let (_, secret) = new_key_pair();
        assert_eq!(
            public_of(&secret),
            MontgomeryPoint::mul_base_clamped(*secret)
        );
    }

    #[test]
    fn a_sealed_value_opens_with_its_hq_key_only_and_for_its_field_only() {
        let (public, secret) = new_key_pair();
        let (_, other) = new_key_pair();
        let text = seal(&public, Entity::Participant, "name", "Aminata Traoré").unwrap();
        assert!(text.starts_with(SEALED_PREFIX));
        assert!(!text.contains("Aminata"));
        let hq = opener_of(&secret);
        assert_eq!(
            hq.open(Entity::Participant, "name", &text).as_deref(),
            Some("Aminata Traoré")
        );
        assert_eq!(hq.open(Entity::Participant, "phone", &text), None);
        assert_eq!(
            opener_of(&other).open(Entity::Participant, "name", &text),
            None
        );
        assert_eq!(
            Opener::none().open(Entity::Participant, "name", &text),
            None
        );
        let shown = Opener::none().show(Entity::Participant, "name", &SqlValue::Text(text));
        assert_eq!(shown, SqlValue::Text(SEALED_MARKER.into()));
    }

    #[test]
    fn an_envelope_of_the_wrong_shape_is_refused_and_a_good_one_passes() {
        let (public, _) = new_key_pair();
        let name = Entity::Participant.field("name").unwrap();
        let phone = Entity::Participant.field("phone").unwrap();
        let good = seal(&public, Entity::Participant, "phone", "+223 76 00 00 00").unwrap();
        assert_eq!(check_envelope(Entity::Participant, phone, &good), Ok(()));
        let sex = Entity::Participant.field("sex").unwrap();
        assert!(check_envelope(Entity::Participant, sex, &good).is_err());
        let code = Entity::Participant.field("code").unwrap();
        assert!(check_envelope(Entity::Participant, code, &good).is_err());
        for bad in [
            "sealed:1:".to_string(),
            "sealed:1:!!!!".to_string(),
            format!("sealed:2:{}", &good[SEALED_PREFIX.len()..]),
            format!("{SEALED_PREFIX}{}", B64.encode([7u8; OVERHEAD])),
            format!(
                "{SEALED_PREFIX}{}",
                B64.encode(vec![7u8; OVERHEAD + 4 * 41])
            ),
            format!("{good}="),
        ] {
            assert!(
                check_envelope(Entity::Participant, phone, &bad).is_err(),
                "{bad}"
            );
        }
        // A name may be longer than a phone.
        let long = seal(&public, Entity::Participant, "name", &"é".repeat(500)).unwrap();
        assert_eq!(check_envelope(Entity::Participant, name, &long), Ok(()));
    }

    #[test]
    fn a_study_may_mark_a_form_question_but_no_other_field() {
        for ok in ["session.notes", "form.menage_2025.revenu", "form.a-b.c.d"] {
            assert!(is_sealable(ok), "{ok}");
        }
        for no in [
            "participant.role",
            "form.menage",
            "form..q",
            "form.menage.",
            "form.menage.nom prénom",
            "form.m.q]",
        ] {
            assert!(!is_sealable(no), "{no}");
        }
        assert!(!is_sealable(&format!(
            "form.f.{}",
            "q".repeat(FORM_CODE_MAX)
        )));
    }
}
