//! Errors of the core, each with a stable code for the UI and a message in French or English.

use crate::schema::Entity;
use crate::Lang;

/// What is wrong with one field of a record a person is saving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Required,
    UnknownField,
    TooLong {
        max: usize,
    },
    NotANumber,
    OutOfRange {
        min: i64,
        max: i64,
    },
    NotADate,
    NotABoolean,
    NotAChoice {
        allowed: Vec<String>,
    },
    NotAnId,
    BadList,
    /// The referenced record does not exist or is deleted.
    MissingReference,
    /// This date is before the field named here.
    BeforeStart {
        start_field: &'static str,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub entity: Entity,
    pub field: String,
    pub problem: Problem,
}

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
    #[error("{0}")]
    Refused(String),
    #[error("{}", .0.message(Lang::En))]
    Sync(crate::sync::SyncError),
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
            Error::Refused(_) => "refused",
            Error::Sync(e) => e.code(),
        }
    }

    /// A message a person can read, in their language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Error::Invalid(v), _) => v.message(lang),
            (Error::Sync(e), _) => e.message(lang),
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

impl ValidationError {
    pub fn message(&self, lang: Lang) -> String {
        let label = self
            .entity
            .field(&self.field)
            .map(|f| f.label(lang).to_string())
            .unwrap_or_else(|| self.field.clone());
        let fr = lang == Lang::Fr;
        match &self.problem {
            Problem::Required if fr => format!("Le champ « {label} » est obligatoire."),
            Problem::Required => format!("The field \"{label}\" is required."),
            Problem::UnknownField if fr => format!(
                "Le champ « {label} » n'existe pas pour un(e) {}.",
                self.entity.label(lang)
            ),
            Problem::UnknownField => format!(
                "There is no field \"{label}\" on a {}.",
                self.entity.label(lang)
            ),
            Problem::TooLong { max } if fr => {
                format!("Le champ « {label} » est trop long ({max} caractères au plus).")
            }
            Problem::TooLong { max } => {
                format!("The field \"{label}\" is too long (at most {max} characters).")
            }
            Problem::NotANumber if fr => {
                format!("Le champ « {label} » doit être un nombre entier.")
            }
            Problem::NotANumber => format!("The field \"{label}\" must be a whole number."),
            Problem::OutOfRange { min, max } if fr => {
                format!("Le champ « {label} » doit être compris entre {min} et {max}.")
            }
            Problem::OutOfRange { min, max } => {
                format!("The field \"{label}\" must be between {min} and {max}.")
            }
            Problem::NotADate if fr => {
                format!("Le champ « {label} » doit être une date valide (AAAA-MM-JJ).")
            }
            Problem::NotADate => {
                format!("The field \"{label}\" must be a valid date (YYYY-MM-DD).")
            }
            Problem::NotABoolean if fr => format!("Le champ « {label} » doit valoir oui ou non."),
            Problem::NotABoolean => format!("The field \"{label}\" must be yes or no."),
            Problem::NotAChoice { allowed } if fr => format!(
                "Valeur non reconnue pour « {label} » (valeurs possibles : {}).",
                allowed.join(", ")
            ),
            Problem::NotAChoice { allowed } => format!(
                "Unknown value for \"{label}\" (allowed: {}).",
                allowed.join(", ")
            ),
            Problem::NotAnId if fr => {
                format!("Le champ « {label} » doit être un identifiant valide.")
            }
            Problem::NotAnId => format!("The field \"{label}\" must be a valid id."),
            Problem::BadList if fr => {
                format!("Le champ « {label} » doit être une liste de valeurs.")
            }
            Problem::BadList => format!("The field \"{label}\" must be a list of values."),
            Problem::MissingReference if fr => {
                format!("Le champ « {label} » désigne un enregistrement introuvable ou supprimé.")
            }
            Problem::MissingReference => {
                format!(
                    "The field \"{label}\" points to a record that does not exist or was deleted."
                )
            }
            Problem::BeforeStart { start_field } => {
                let start = self
                    .entity
                    .field(start_field)
                    .map(|f| f.label(lang))
                    .unwrap_or(start_field);
                if fr {
                    format!("Le champ « {label} » ne peut pas précéder « {start} ».")
                } else {
                    format!("The field \"{label}\" cannot be before \"{start}\".")
                }
            }
        }
    }
}
