//! One-time codes: the eight words that open a sealed join file. They are drawn from the BIP39
//! French list (2,048 words, 11 bits each: 88 bits), shown by the inviting screen or printed by
//! `terrain study invite`, read out or passed on paper, typed on the joining laptop, and
//! stretched by Argon2id into the key that seals the file (see `join_seal`).
//!
//! Typing is forgiving: case, accents, extra spaces, hyphens or commas between the words do
//! not matter (the French list stays unique without its accents: a test checks it).

use argon2::{Algorithm, Argon2, Params, Version};
use rand::rngs::OsRng;
use rand::Rng;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Error, Result, SyncError};
use crate::store::words;

/// How many words a code has.
pub const CODE_WORDS: usize = 8;
/// A typed word longer than this is named cut short in the refusal.
const SHOWN_WORD_CHARS: usize = 24;

/// The Argon2id parameters a join file was sealed with (written in the file, so that they can
/// change later; bounded when read, so that a hostile file cannot ask for gigabytes or for
/// hours of work).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

/// What Terrain seals with: about 19 MiB and two passes (OWASP's minimum for Argon2id), a
/// fraction of a second on a field laptop. The code's 88 bits do the rest.
pub const SEALING_KDF: KdfParams = KdfParams {
    m_kib: 19 * 1024,
    t: 2,
    p: 1,
};

/// The most a join file may ask for: 256 MiB, 10 passes, 4 lanes.
const MAX_M_KIB: u32 = 256 * 1024;
const MAX_T: u32 = 10;
const MAX_P: u32 = 4;

impl KdfParams {
    /// Parameters a laptop agrees to run (checked before any work).
    pub fn is_sane(&self) -> bool {
        (1..=MAX_P).contains(&self.p)
            && (1..=MAX_T).contains(&self.t)
            && self.m_kib >= 8 * self.p
            && self.m_kib <= MAX_M_KIB
    }
}

/// A new code: eight words of the French list, as shown (with their accents), one space apart.
pub fn draw_code() -> Zeroizing<String> {
    let list = words::word_list();
    let drawn: Vec<String> = (0..CODE_WORDS)
        .map(|_| words::composed(list[OsRng.gen_range(0..list.len())]))
        .collect();
    Zeroizing::new(drawn.join(" "))
}

/// The code as typed, checked word by word; returns the form the key is derived from (the
/// eight words folded, one space apart). A word not in the list is named; a wrong number of
/// words says how many were read.
pub fn parse_code(typed: &str) -> Result<Zeroizing<String>> {
    let typed = Zeroizing::new(words::fold(typed));
    let mut found: Vec<String> = Vec::with_capacity(CODE_WORDS);
    for word in typed
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        if found.len() < CODE_WORDS && words::index_of(word).is_none() {
            return Err(Error::Sync(SyncError::UnknownCodeWord {
                word: word.chars().take(SHOWN_WORD_CHARS).collect(),
            }));
        }
        found.push(word.to_string());
    }
    if found.len() != CODE_WORDS {
        return Err(Error::Sync(SyncError::CodeLength {
            found: found.len(),
            expected: CODE_WORDS,
        }));
    }
    Ok(Zeroizing::new(found.join(" ")))
}

/// The 32-byte key a code opens, by Argon2id over the parsed code and the file's salt.
/// `kdf` must be sane (checked by the caller, before reading the code).
pub fn derive_key(code: &str, salt: &[u8], kdf: &KdfParams) -> Result<Zeroizing<[u8; 32]>> {
    if !kdf.is_sane() {
        return Err(Error::Sync(SyncError::BadJoinFile));
    }
    let params = Params::new(kdf.m_kib, kdf.t, kdf.p, Some(32))
        .map_err(|_| Error::Sync(SyncError::BadJoinFile))?;
    let mut key = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(code.as_bytes(), salt, key.as_mut())
        .map_err(|_| Error::Sync(SyncError::BadJoinFile))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drawn_code_reads_back_however_it_is_typed() {
        let code = draw_code();
        let canonical = parse_code(&code).expect("as shown");
        assert_eq!(canonical.split(' ').count(), CODE_WORDS);
        let shouted = code.to_uppercase().replace(' ', " ,  - ");
        assert_eq!(*parse_code(&shouted).expect("shouted"), *canonical);
        let plain = words::fold(&code);
        assert_eq!(
            *parse_code(&format!("  {plain}\n")).expect("plain"),
            *canonical
        );
    }

    #[test]
    fn accents_composed_or_combining_are_the_same_word() {
        let base = "académie élève abaisser abandon abdiquer abeille abolir aborder";
        let combining =
            "acade\u{301}mie e\u{301}le\u{300}ve abaisser-abandon,abdiquer abeille abolir aborder";
        let bare = "ACADEMIE eleve abaisser abandon abdiquer abeille abolir aborder";
        let a = parse_code(base).expect("composed");
        assert_eq!(*a, *parse_code(combining).expect("combining"));
        assert_eq!(*a, *parse_code(bare).expect("bare"));
    }

    #[test]
    fn a_word_not_in_the_list_is_named_and_a_short_code_counted() {
        let e = parse_code("abaisser abandon chameau abeille abolir aborder aboutir aboyer")
            .expect_err("chameau");
        assert!(
            matches!(&e, Error::Sync(SyncError::UnknownCodeWord { word }) if word == "chameau"),
            "{e:?}"
        );
        let e = parse_code("abaisser abandon").expect_err("two words");
        assert_eq!(e.code(), "code_length");
        assert_eq!(parse_code("").expect_err("empty").code(), "code_length");
    }

    #[test]
    fn hostile_parameters_are_not_sane() {
        assert!(SEALING_KDF.is_sane());
        for kdf in [
            KdfParams {
                m_kib: 4 * 1024 * 1024,
                t: 2,
                p: 1,
            },
            KdfParams {
                m_kib: 19456,
                t: 1_000_000_000,
                p: 1,
            },
            KdfParams {
                m_kib: 19456,
                t: 0,
                p: 1,
            },
            KdfParams {
                m_kib: 19456,
                t: 2,
                p: 0,
            },
            KdfParams {
                m_kib: 19456,
                t: 2,
                p: 64,
            },
            KdfParams {
                m_kib: 4,
                t: 2,
                p: 1,
            },
        ] {
            assert!(!kdf.is_sane(), "{kdf:?}");
        }
    }
}
