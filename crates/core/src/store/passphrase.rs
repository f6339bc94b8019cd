//! What a passphrase must be, and how strong it looks: a hint shown while it is typed. No
//! dictionary ships with Terrain, so the hint counts length and kinds of characters only.

use std::io::Read;
use std::path::Path;

use serde::Serialize;
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::error::{Error, LockError, Result};

/// Shorter than this, a passphrase is refused: Argon2id slows each guess to about a second,
/// which still leaves eight lower-case letters within a patient thief's reach.
pub const MIN_PASSPHRASE_CHARS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Strength {
    /// Refused: shorter than [`MIN_PASSPHRASE_CHARS`].
    TooShort,
    Weak,
    Fair,
    Strong,
}

/// How strong a passphrase looks, from its length and the kinds of characters in it.
pub fn strength(passphrase: &str) -> Strength {
    let len = passphrase.chars().count();
    if len < MIN_PASSPHRASE_CHARS {
        return Strength::TooShort;
    }
    let kinds = [
        passphrase.chars().any(|c| c.is_lowercase()),
        passphrase.chars().any(|c| c.is_uppercase()),
        passphrase.chars().any(|c| c.is_numeric()),
        passphrase.chars().any(|c| !c.is_alphanumeric()),
    ]
    .iter()
    .filter(|k| **k)
    .count();
    let words = passphrase.split_whitespace().count();
    match (len, kinds, words) {
        (20.., _, _) | (_, _, 4..) => Strength::Strong,
        (14.., 3.., _) => Strength::Strong,
        (14.., _, _) | (_, 3.., _) => Strength::Fair,
        _ => Strength::Weak,
    }
}

/// Refuses a new passphrase that is too short.
pub fn check_new(passphrase: &str) -> Result<()> {
    if strength(passphrase) == Strength::TooShort {
        return Err(Error::Lock(LockError::PassphraseTooShort {
            min: MIN_PASSPHRASE_CHARS,
        }));
    }
    Ok(())
}

/// A secret kept in a file (a passphrase, recovery words, a one-time code): its text without
/// the line end an editor adds. Secrets are short: past 4 KiB a file is not read.
pub fn read_secret_file(path: &Path) -> Result<Zeroizing<String>> {
    let named = |e: std::io::Error| {
        Error::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", path.display()),
        ))
    };
    let mut text = Zeroizing::new(String::new());
    std::fs::File::open(path)
        .map_err(named)?
        .take(4096)
        .read_to_string(&mut text)
        .map_err(named)?;
    Ok(Zeroizing::new(
        text.trim_end_matches(['\n', '\r']).to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_and_kinds_make_the_hint() {
        assert_eq!(strength("court"), Strength::TooShort);
        assert_eq!(strength("abcdefghij"), Strength::Weak);
        assert_eq!(strength("Abcdefgh1!"), Strength::Fair);
        assert_eq!(strength("Bamako-2026-Ségou!"), Strength::Strong);
        assert_eq!(strength("le fleuve coule vers gao"), Strength::Strong);
        assert!(check_new("court").is_err());
        assert!(check_new("abcdefghij").is_ok());
    }
}
