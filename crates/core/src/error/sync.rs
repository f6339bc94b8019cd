//! Why a sync operation was refused, in French and English.

use crate::lang::Lang;

/// Why a sync operation was refused. Every refusal changes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncError {
    NotABundle,
    UnknownFormat {
        found: i64,
        supported: i64,
    },
    NewerSchema {
        found: i64,
        supported: i64,
    },
    Truncated,
    Damaged,
    NotJoined {
        study: String,
    },
    WrongKey {
        study: String,
    },
    Malformed(String),
    /// The bundle assumes changes this laptop does not hold (made for another laptop).
    Gap,
    AlreadyImported,
    KeyChanged {
        node: String,
    },
    UnknownStudy {
        study: String,
    },
    BadJoinFile,
    /// A join file of an old format, whose content was in clear (before one-time codes).
    OldJoinFile,
    /// The one-time code does not open this join file (or the file was altered: the two fail
    /// alike).
    WrongCode,
    /// A word typed in a one-time code is not one of the list's.
    UnknownCodeWord {
        word: String,
    },
    /// A one-time code of the wrong number of words.
    CodeLength {
        found: usize,
        expected: usize,
    },
    OtherKey {
        study: String,
    },
    /// Sealed with a study key older than the newest this laptop holds (replaced by a re-key).
    KeyReplaced {
        found: u32,
        held: u32,
    },
    /// Sealed with a study key version this laptop was not handed (revoked, or joined after).
    KeyWithheld {
        version: u32,
    },
    /// A re-key cannot reach more devices than this in one roster entry.
    TooManyMembers {
        limit: usize,
    },
    UnknownConflict {
        id: String,
    },
    NotAConflictValue {
        id: String,
    },
    /// A received change stamped too far ahead of this laptop's clock (or above the ceiling).
    FutureStamp {
        node: String,
        ahead_ms: i64,
    },
    /// A field's value is stamped so far ahead that an edit on top of it would be refused by
    /// every other laptop.
    FutureValue {
        node: String,
        ahead_ms: i64,
    },
    /// Asked to repair a field whose value is not stamped beyond a day ahead: nothing to repair.
    NotFutureValue {
        field: String,
    },
    /// A bundle file over the size a laptop reads (in MiB).
    TooLarge {
        limit_mb: u64,
    },
    /// A bundle written by this very laptop (or claiming to be).
    OwnBundle,
    /// Received changes of one device in one study skip numbers: after `last` (held here, or
    /// the previous one received) comes `found`, not `last + 1`.
    SeqGap {
        node: String,
        last: i64,
        found: i64,
    },
}

impl SyncError {
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::NotABundle => "not_a_bundle",
            SyncError::UnknownFormat { .. } => "unknown_format",
            SyncError::NewerSchema { .. } => "bundle_newer_schema",
            SyncError::Truncated => "truncated",
            SyncError::Damaged => "damaged",
            SyncError::NotJoined { .. } => "not_joined",
            SyncError::WrongKey { .. } => "wrong_key",
            SyncError::Malformed(_) => "malformed",
            SyncError::Gap => "gap",
            SyncError::AlreadyImported => "already_imported",
            SyncError::KeyChanged { .. } => "device_key_changed",
            SyncError::UnknownStudy { .. } => "unknown_study",
            SyncError::BadJoinFile => "bad_join_file",
            SyncError::OldJoinFile => "old_join_file",
            SyncError::WrongCode => "wrong_code",
            SyncError::UnknownCodeWord { .. } => "unknown_code_word",
            SyncError::CodeLength { .. } => "code_length",
            SyncError::OtherKey { .. } => "other_key",
            SyncError::KeyReplaced { .. } => "study_key_replaced",
            SyncError::KeyWithheld { .. } => "study_key_withheld",
            SyncError::TooManyMembers { .. } => "too_many_members",
            SyncError::UnknownConflict { .. } => "unknown_conflict",
            SyncError::NotAConflictValue { .. } => "not_a_conflict_value",
            SyncError::FutureStamp { .. } => "future_stamp",
            SyncError::FutureValue { .. } => "future_value",
            SyncError::NotFutureValue { .. } => "not_future_value",
            SyncError::TooLarge { .. } => "bundle_too_large",
            SyncError::OwnBundle => "own_bundle",
            SyncError::SeqGap { .. } => "seq_gap",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match self {
            SyncError::NotABundle if fr => "Ce fichier n'est pas un paquet Terrain.".into(),
            SyncError::NotABundle => "This file is not a Terrain bundle.".into(),
            SyncError::UnknownFormat { found, supported } if fr => format!(
                "Ce paquet a un format inconnu (version {found}, cette version de Terrain lit la version {supported}) : mettez Terrain à jour."
            ),
            SyncError::UnknownFormat { found, supported } => format!(
                "This bundle has an unknown format (version {found}, this version of Terrain reads version {supported}): update Terrain."
            ),
            SyncError::NewerSchema { found, supported } if fr => format!(
                "Ce paquet vient d'une version plus récente de Terrain (schéma {found}, cette version connaît {supported}) : mettez Terrain à jour."
            ),
            SyncError::NewerSchema { found, supported } => format!(
                "This bundle comes from a newer version of Terrain (schema {found}, this version knows {supported}): update Terrain."
            ),
            SyncError::Truncated if fr => "Ce paquet est incomplet (fichier tronqué) : copiez-le à nouveau.".into(),
            SyncError::Truncated => "This bundle is incomplete (truncated file): copy it again.".into(),
            SyncError::Damaged if fr => "Ce paquet est endommagé ou a été modifié : il est refusé.".into(),
            SyncError::Damaged => "This bundle is damaged or was altered: it is refused.".into(),
            SyncError::NotJoined { study } if fr => format!(
                "Cet ordinateur n'a pas rejoint l'étude {study} : importez d'abord son fichier d'invitation (terrain study join)."
            ),
            SyncError::NotJoined { study } => format!(
                "This laptop has not joined study {study}: import its join file first (terrain study join)."
            ),
            SyncError::WrongKey { study } if fr => format!(
                "Ce paquet est chiffré avec une autre clé que celle de l'étude {study} sur cet ordinateur."
            ),
            SyncError::WrongKey { study } => format!(
                "This bundle is encrypted with another key than this laptop's key for study {study}."
            ),
            SyncError::Malformed(why) if fr => format!("Ce paquet contient une modification invalide ({why})."),
            SyncError::Malformed(why) => format!("This bundle contains an invalid change ({why})."),
            SyncError::Gap if fr => "Ce paquet suppose des données que cet ordinateur n'a pas : demandez un paquet complet (--full).".into(),
            SyncError::Gap => "This bundle assumes data this laptop does not hold: ask for a full bundle (--full).".into(),
            SyncError::AlreadyImported if fr => "Ce paquet a déjà été importé.".into(),
            SyncError::AlreadyImported => "This bundle was already imported.".into(),
            SyncError::KeyChanged { node } if fr => format!(
                "L'appareil {node} signe avec une autre clé que celle connue : paquet refusé."
            ),
            SyncError::KeyChanged { node } => format!(
                "Device {node} signs with another key than the one known here: bundle refused."
            ),
            SyncError::UnknownStudy { study } if fr => format!("Aucune étude {study} sur cet ordinateur."),
            SyncError::UnknownStudy { study } => format!("There is no study {study} on this laptop."),
            SyncError::BadJoinFile if fr => "Ce fichier n'est pas un fichier d'invitation Terrain valide.".into(),
            SyncError::BadJoinFile => "This file is not a valid Terrain join file.".into(),
            SyncError::OldJoinFile if fr => "Ce fichier d'invitation est d'un ancien format, non protégé par un code : il est refusé. Demandez une nouvelle invitation à un coordinateur, et effacez celui-ci de la clé USB.".into(),
            SyncError::OldJoinFile => "This join file is of an old format, not protected by a code: it is refused. Ask a coordinator for a new invitation, and delete this one from the USB stick.".into(),
            SyncError::WrongCode if fr => "Code incorrect : ce code n'ouvre pas ce fichier d'invitation. Vérifiez les huit mots avec la personne qui vous a invité ; si le code est juste, demandez une nouvelle invitation.".into(),
            SyncError::WrongCode => "Wrong code: this code does not open this join file. Check the eight words with the person who invited you; if the code is right, ask for a new invitation.".into(),
            SyncError::UnknownCodeWord { word } if fr => format!(
                "« {word} » n'est pas un mot du code : vérifiez son orthographe sur l'écran de la personne qui vous invite."
            ),
            SyncError::UnknownCodeWord { word } => format!(
                "\"{word}\" is not one of the code's words: check its spelling on the inviting person's screen."
            ),
            SyncError::CodeLength { found, expected } if fr => format!(
                "Le code a {expected} mots ; {found} ont été lus."
            ),
            SyncError::CodeLength { found, expected } => format!(
                "The code has {expected} words; {found} were read."
            ),
            SyncError::OtherKey { study } if fr => format!(
                "Cet ordinateur a déjà une autre clé pour l'étude {study}."
            ),
            SyncError::OtherKey { study } => format!("This laptop already holds another key for study {study}."),
            SyncError::KeyReplaced { found, held } if fr => format!(
                "Ceci a été chiffré avec l'ancienne clé de l'étude (version {found}), remplacée par la version {held} lors du retrait d'un appareil : refusé, rien n'a été importé. L'ordinateur qui l'a écrit doit d'abord recevoir la nouvelle clé (en important un paquet de l'équipe ou en synchronisant avec le hub), puis exporter à nouveau."
            ),
            SyncError::KeyReplaced { found, held } => format!(
                "This was encrypted with the study's former key (version {found}), replaced by version {held} when a device was revoked: refused, nothing was imported. The laptop that wrote it must first receive the new key (by importing a bundle from the team or syncing with the hub), then export again."
            ),
            SyncError::KeyWithheld { version } if fr => format!(
                "Ceci est chiffré avec la version {version} de la clé de l'étude, qui n'a pas été remise à cet ordinateur : il a été retiré de l'étude, ou l'a rejointe avec une invitation antérieure. Demandez une nouvelle invitation à un coordinateur."
            ),
            SyncError::KeyWithheld { version } => format!(
                "This is encrypted with version {version} of the study's key, which was not handed to this laptop: it was revoked from the study, or joined it with an earlier invitation. Ask a coordinator for a new invitation."
            ),
            SyncError::TooManyMembers { limit } if fr => format!(
                "L'étude compte plus de {limit} appareils membres : sa clé ne peut pas être renouvelée. Retirez d'abord les appareils qui ne servent plus."
            ),
            SyncError::TooManyMembers { limit } => format!(
                "The study has more than {limit} member devices: its key cannot be renewed. Revoke the devices no longer in use first."
            ),
            SyncError::UnknownConflict { id } if fr => format!("Aucun conflit avec l'identifiant {id}."),
            SyncError::UnknownConflict { id } => format!("There is no conflict with id {id}."),
            SyncError::NotAConflictValue { id } if fr => {
                format!("La valeur {id} n'est pas l'une des valeurs de ce conflit.")
            }
            SyncError::NotAConflictValue { id } => format!("Value {id} is not one of this conflict's values."),
            SyncError::FutureStamp { node, ahead_ms } if fr => format!(
                "L'appareil {node} a daté une modification {} dans le futur par rapport à l'horloge de cet ordinateur : refusée, rien n'a été importé. Corrigez la date de cet appareil (ou de celui-ci s'il retarde).",
                days(*ahead_ms, fr)
            ),
            SyncError::FutureStamp { node, ahead_ms } => format!(
                "Device {node} stamped a change {} in the future of this laptop's clock: refused, nothing was imported. Set that device's date right (or this one's, if it runs behind).",
                days(*ahead_ms, fr)
            ),
            SyncError::FutureValue { node, ahead_ms } if fr => format!(
                "La valeur de ce champ a été datée {} dans le futur par l'appareil {node} : une modification par-dessus serait refusée par les autres ordinateurs. Un·e superviseur·e ou coordinateur·rice de l'étude peut la réparer : écran Synchronisation, « Valeurs datées dans le futur » (ou terrain study repair). Signalez-lui ce champ et le nom de cet appareil.",
                days(*ahead_ms, fr)
            ),
            SyncError::FutureValue { node, ahead_ms } => format!(
                "This field's value was stamped {} in the future by device {node}: an edit on top of it would be refused by every other laptop. A supervisor or coordinator of the study can repair it: Sync screen, \"Values stamped in the future\" (or terrain study repair). Tell them this field and that device's name.",
                days(*ahead_ms, fr)
            ),
            SyncError::NotFutureValue { field } if fr => format!(
                "La valeur du champ {field} n'est pas datée de plus d'un jour dans le futur : il n'y a rien à réparer, modifiez-la normalement."
            ),
            SyncError::NotFutureValue { field } => format!(
                "The value of field {field} is not stamped more than a day in the future: there is nothing to repair, edit it normally."
            ),
            SyncError::TooLarge { limit_mb } if fr => format!(
                "Ce paquet dépasse la taille maximale ({limit_mb} Mo) : il est refusé sans être lu."
            ),
            SyncError::TooLarge { limit_mb } => format!(
                "This bundle is over the largest size accepted ({limit_mb} MB): it is refused unread."
            ),
            SyncError::OwnBundle if fr => "Ce paquet a été écrit par cet ordinateur (ou prétend l'être) : rien à importer.".into(),
            SyncError::OwnBundle => "This bundle was written by this laptop (or claims to be): nothing to import.".into(),
            SyncError::SeqGap { node, last, found } if fr => format!(
                "Les modifications de l'appareil {node} sautent du numéro {last} au numéro {found} : celles d'entre les deux manquent, rien n'a été importé. Demandez à cet appareil un paquet complet (--full)."
            ),
            SyncError::SeqGap { node, last, found } => format!(
                "Device {node}'s changes jump from number {last} to number {found}: the ones between are missing, nothing was imported. Ask that device for a full bundle (--full)."
            ),
        }
    }
}

/// A span ahead, in days (hours when under two days), for people.
fn days(ms: i64, fr: bool) -> String {
    let hours = ms / 3_600_000;
    match (hours < 48, fr) {
        (true, true) => format!("de {hours} heures"),
        (true, false) => format!("{hours} hours"),
        (false, true) => format!("de {} jours", hours / 24),
        (false, false) => format!("{} days", hours / 24),
    }
}
