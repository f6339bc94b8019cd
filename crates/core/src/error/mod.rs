//! Errors of the core, each with a stable code for the UI and a message in French or English.

mod answer;
mod authorship;
mod backup;
mod form;
mod invalid;
mod lock;
mod refusal;
mod sync;

pub use answer::AnswerProblem;
pub use authorship::AuthorshipError;
pub use backup::BackupError;
pub use form::{issues_message, FormIssue, IssueKind, Severity};
pub use invalid::{Problem, ValidationError};
pub use lock::LockError;
pub use refusal::Refusal;
pub use sync::SyncError;

use crate::lang::Lang;
use crate::schema::Entity;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("migration error: {0}")]
    Migration(String),
    #[error("this database was written by a newer version of Terrain (schema {found}, this version knows {supported})")]
    NewerSchema { found: i64, supported: i64 },
    #[error("{}", .0.message(Lang::En))]
    Invalid(ValidationError),
    #[error("no {entity} with id {id}")]
    NotFound { entity: Entity, id: String },
    #[error("unknown record type {0:?}")]
    UnknownEntity(String),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    /// A request refused as a whole (not one field of a record): see [`Refusal`].
    #[error("{}", .0.message(Lang::En))]
    Refused(Refusal),
    #[error("{}", .0.message(Lang::En))]
    Sync(SyncError),
    /// A write or a received change refused for who wrote it: see [`AuthorshipError`].
    #[error("{}", .0.message(Lang::En))]
    Authorship(AuthorshipError),
    /// An encrypted store that could not be unlocked, created, converted or re-keyed.
    #[error("{}", .0.message(Lang::En))]
    Lock(LockError),
    /// A backup that could not be made, read or restored.
    #[error("{}", .0.message(Lang::En))]
    Backup(BackupError),
    /// What this laptop stored cannot be read back (a damaged file, or one edited by hand).
    #[error("the data stored on this laptop is damaged: {0}")]
    Damaged(String),
    /// A fault of Terrain itself, never of what a person typed or another laptop sent.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(entity: Entity, field: &str, problem: Problem) -> Error {
        Error::Invalid(ValidationError {
            entity,
            field: field.to_string(),
            problem,
        })
    }

    /// A stable code the UI and scripts can branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Sql(_) => "database",
            Error::Migration(_) => "migration",
            Error::NewerSchema { .. } => "newer_schema",
            Error::Invalid(_) => "invalid",
            Error::NotFound { .. } => "not_found",
            Error::UnknownEntity(_) => "unknown_entity",
            Error::Io(_) => "io",
            Error::Refused(r) => r.code(),
            Error::Sync(e) => e.code(),
            Error::Authorship(e) => e.code(),
            Error::Lock(e) => e.code(),
            Error::Backup(e) => e.code(),
            Error::Damaged(_) => "damaged_store",
            Error::Internal(_) => "internal",
        }
    }

    /// A message a person can read, in their language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Error::Invalid(v), _) => v.message(lang),
            (Error::Sync(e), _) => e.message(lang),
            (Error::Authorship(e), _) => e.message(lang),
            (Error::Lock(e), _) => e.message(lang),
            (Error::Backup(e), _) => e.message(lang),
            (Error::Refused(r), _) => r.message(lang),
            (Error::Damaged(what), Lang::Fr) => format!(
                "Les données enregistrées sur cet ordinateur sont endommagées ({what}). Faites une copie du fichier de données et demandez de l'aide."
            ),
            (Error::Damaged(what), Lang::En) => format!(
                "The data stored on this laptop is damaged ({what}). Keep a copy of the data file and ask for help."
            ),
            (Error::Internal(what), Lang::Fr) => format!("Erreur interne de Terrain : {what}"),
            (Error::NewerSchema { found, supported }, Lang::Fr) => format!(
                "Cette base de données a été écrite par une version plus récente de Terrain (schéma {found}, cette version connaît {supported}). Mettez Terrain à jour."
            ),
            (Error::NotFound { entity, id }, Lang::Fr) => {
                format!("Aucun(e) {} avec l'identifiant {id}.", entity.label(Lang::Fr))
            }
            (Error::UnknownEntity(name), Lang::Fr) => format!("Type d'enregistrement inconnu : {name}."),
            (Error::Sql(e), Lang::Fr) => format!("Erreur de la base de données : {e}"),
            (Error::Io(e), Lang::Fr) => format!("Erreur de fichier : {e}"),
            (Error::Migration(e), Lang::Fr) => format!("Erreur de migration : {e}"),
            _ => self.to_string(),
        }
    }
}
