//! Why an encrypted store could not be opened, created, converted or re-keyed: each with a
//! stable code and a message in French and English. None of them ever means "damaged" when the
//! passphrase is only wrong: a person who mistypes must not believe their data is lost.

use crate::lang::Lang;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockError {
    /// The store is encrypted and no passphrase (or recovery words) was given.
    PassphraseNeeded,
    /// The passphrase does not open this store's key file.
    WrongPassphrase,
    /// The recovery words do not open this store's key file.
    WrongRecovery,
    /// Recovery words that are not twelve words of the list, or whose check fails.
    BadRecoveryWords { detail: String },
    /// An encrypted database with no key file beside it (copied without it).
    KeyFileMissing { path: String },
    /// A key file that cannot be read back (edited, truncated, or from a newer Terrain).
    KeyFileDamaged { detail: String },
    /// A key file that opens, but whose key does not open the database beside it.
    KeyFileMismatch,
    /// A new passphrase too short to resist guessing.
    PassphraseTooShort { min: usize },
    /// `init` or `encrypt` on a store that is already encrypted.
    AlreadyEncrypted,
    /// A passphrase change on a store that is not encrypted.
    NotEncrypted,
    /// `init` where a store already exists.
    StoreExists { path: String },
    /// A passphrase given for a store that does not exist: a plain one is not made in its
    /// place, since whoever gave a passphrase expects an encrypted store.
    NoStore { path: String },
}

impl LockError {
    pub fn code(&self) -> &'static str {
        match self {
            LockError::PassphraseNeeded => "passphrase_needed",
            LockError::WrongPassphrase => "wrong_passphrase",
            LockError::WrongRecovery => "wrong_recovery_words",
            LockError::BadRecoveryWords { .. } => "bad_recovery_words",
            LockError::KeyFileMissing { .. } => "key_file_missing",
            LockError::KeyFileDamaged { .. } => "key_file_damaged",
            LockError::KeyFileMismatch => "key_file_mismatch",
            LockError::PassphraseTooShort { .. } => "passphrase_too_short",
            LockError::AlreadyEncrypted => "already_encrypted",
            LockError::NotEncrypted => "not_encrypted",
            LockError::StoreExists { .. } => "store_exists",
            LockError::NoStore { .. } => "no_store",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match self {
            LockError::PassphraseNeeded if fr => "Cette base de données est chiffrée : donnez sa phrase de passe (--passphrase-file FICHIER ou la variable TERRAIN_PASSPHRASE).".into(),
            LockError::PassphraseNeeded => "This database is encrypted: give its passphrase (--passphrase-file FILE or the TERRAIN_PASSPHRASE variable).".into(),
            LockError::WrongPassphrase if fr => "Phrase de passe incorrecte. Rien n'a été ouvert ni modifié : vos données sont intactes. Réessayez, ou utilisez les mots de secours.".into(),
            LockError::WrongPassphrase => "Wrong passphrase. Nothing was opened or changed: your data is intact. Try again, or use the recovery words.".into(),
            LockError::WrongRecovery if fr => "Ces mots de secours n'ouvrent pas cette base de données. Rien n'a été modifié.".into(),
            LockError::WrongRecovery => "These recovery words do not open this database. Nothing was changed.".into(),
            LockError::BadRecoveryWords { detail } if fr => format!("Mots de secours illisibles : {detail}. Il faut les douze mots, dans l'ordre."),
            LockError::BadRecoveryWords { detail } => format!("Recovery words not understood: {detail}. All twelve words are needed, in order."),
            LockError::KeyFileMissing { path } if fr => format!("Cette base de données est chiffrée mais son fichier de clé « {path} » est absent : copiez-le à côté d'elle (une base copiée sans lui ne peut pas être ouverte)."),
            LockError::KeyFileMissing { path } => format!("This database is encrypted but its key file \"{path}\" is missing: copy it next to it (a database copied without it cannot be opened)."),
            LockError::KeyFileDamaged { detail } if fr => format!("Le fichier de clé de cette base est illisible ({detail}). La base elle-même n'a pas été touchée."),
            LockError::KeyFileDamaged { detail } => format!("This database's key file cannot be read ({detail}). The database itself was not touched."),
            LockError::KeyFileMismatch if fr => "Ce fichier de clé appartient à une autre base de données : remettez à côté de la base le fichier de clé copié avec elle.".into(),
            LockError::KeyFileMismatch => "This key file belongs to another database: put back beside it the key file that was copied with it.".into(),
            LockError::PassphraseTooShort { min } if fr => format!("Phrase de passe trop courte : au moins {min} caractères (plusieurs mots sont plus faciles à retenir)."),
            LockError::PassphraseTooShort { min } => format!("Passphrase too short: at least {min} characters (several words are easier to remember)."),
            LockError::AlreadyEncrypted if fr => "Cette base de données est déjà chiffrée.".into(),
            LockError::AlreadyEncrypted => "This database is already encrypted.".into(),
            LockError::NotEncrypted if fr => "Cette base de données n'est pas chiffrée : chiffrez-la d'abord (terrain encrypt).".into(),
            LockError::NotEncrypted => "This database is not encrypted: encrypt it first (terrain encrypt).".into(),
            LockError::StoreExists { path } if fr => format!("Une base de données existe déjà ici ({path}) : pour la chiffrer, utilisez terrain encrypt."),
            LockError::StoreExists { path } => format!("A database already exists here ({path}): to encrypt it, use terrain encrypt."),
            LockError::NoStore { path } if fr => format!("Aucune base de données ici ({path}) : créez-la chiffrée avec terrain init (une phrase de passe a été donnée, une base non chiffrée n'est donc pas créée)."),
            LockError::NoStore { path } => format!("No database here ({path}): create an encrypted one with terrain init (a passphrase was given, so a plain one is not created)."),
        }
    }
}
