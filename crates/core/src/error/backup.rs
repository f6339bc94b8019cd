//! Why a backup could not be made or restored: each with a stable code and a message in French
//! and English. A backup file comes from another laptop or a USB stick, so each way it can be
//! wrong has its own code, and every message says that the current store was not touched.

use crate::lang::Lang;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupError {
    /// The file does not start like a Terrain backup.
    NotABackup,
    /// A backup of a format this version does not know (a newer Terrain's).
    UnknownVersion { found: u16 },
    /// The file is shorter than its header says: cut while copying.
    Truncated,
    /// The header cannot be read, the file is longer than it says, or its bytes do not match
    /// their check (changed after it was made).
    Damaged { detail: String },
    /// A backup of a plain store needs a passphrase of its own.
    PassphraseNeeded,
    /// A store exists where the backup would go, and replacing it was not confirmed.
    WouldReplace { path: String },
    /// The backup would be written over the store itself.
    OverStore,
    /// The backup would be written over a file that is not a backup.
    OverOtherFile { path: String },
}

impl BackupError {
    pub fn code(&self) -> &'static str {
        match self {
            BackupError::NotABackup => "backup_not_a_backup",
            BackupError::UnknownVersion { .. } => "backup_unknown_version",
            BackupError::Truncated => "backup_truncated",
            BackupError::Damaged { .. } => "backup_damaged",
            BackupError::PassphraseNeeded => "backup_passphrase_needed",
            BackupError::WouldReplace { .. } => "restore_would_replace",
            BackupError::OverStore => "backup_over_store",
            BackupError::OverOtherFile { .. } => "backup_over_other_file",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match self {
            BackupError::NotABackup if fr => "Ce fichier n'est pas une sauvegarde de Terrain. Rien n'a été modifié.".into(),
            BackupError::NotABackup => "This file is not a Terrain backup. Nothing was changed.".into(),
            BackupError::UnknownVersion { found } if fr => format!("Cette sauvegarde a été faite par une version plus récente de Terrain (format {found}) : mettez Terrain à jour. Rien n'a été modifié."),
            BackupError::UnknownVersion { found } => format!("This backup was made by a newer version of Terrain (format {found}): update Terrain. Nothing was changed."),
            BackupError::Truncated if fr => "Cette sauvegarde est incomplète (coupée pendant la copie ?). Rien n'a été modifié : recopiez-la depuis son original.".into(),
            BackupError::Truncated => "This backup is incomplete (cut while being copied?). Nothing was changed: copy it again from its original.".into(),
            BackupError::Damaged { detail } if fr => format!("Cette sauvegarde est endommagée ou a été modifiée ({detail}). Rien n'a été modifié : utilisez une autre copie."),
            BackupError::Damaged { detail } => format!("This backup is damaged or was changed ({detail}). Nothing was changed: use another copy."),
            BackupError::PassphraseNeeded if fr => "Cette base n'est pas chiffrée : donnez une phrase de passe pour chiffrer la sauvegarde (au moins 10 caractères).".into(),
            BackupError::PassphraseNeeded => "This database is not encrypted: give a passphrase to encrypt the backup (at least 10 characters).".into(),
            BackupError::WouldReplace { path } if fr => format!("Une base de données existe déjà ici ({path}) : la restauration la remplacerait. Confirmez le remplacement (terrain restore --replace)."),
            BackupError::WouldReplace { path } => format!("A database already exists here ({path}): restoring would replace it. Confirm the replacement (terrain restore --replace)."),
            BackupError::OverStore if fr => "La sauvegarde ne peut pas être écrite par-dessus la base de données elle-même : choisissez un autre fichier.".into(),
            BackupError::OverStore => "The backup cannot be written over the database itself: choose another file.".into(),
            BackupError::OverOtherFile { path } if fr => format!("Un fichier qui n'est pas une sauvegarde existe déjà ici ({path}) : choisissez un autre nom, il ne sera pas écrasé."),
            BackupError::OverOtherFile { path } => format!("A file that is not a backup is already there ({path}): choose another name, it will not be overwritten."),
        }
    }
}
