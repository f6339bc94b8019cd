//! What is wrong with a value a person typed, field by field.

use crate::lang::Lang;
use crate::schema::Entity;

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
    /// A field set when the record is created and never changed (`Entity::fixed_fields`):
    /// the study or session a record belongs to (its changes travel with that study), what a
    /// form version is, what a response answers, where an answer stands.
    Fixed,
    /// The referenced record belongs to another study than this record's (a response to a
    /// form, in a session, of a participant of another study).
    OtherStudy,
    /// Text in the shape of a value sealed to headquarters that is not one (`changes::sealed`).
    BadSealed,
    /// The person was erased: their personal fields stay empty, the erasure stays.
    Erased,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub entity: Entity,
    pub field: String,
    pub problem: Problem,
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
            Problem::Fixed if fr => {
                format!("Le champ « {label} » est fixé à la création et ne peut plus être changé.")
            }
            Problem::Fixed => {
                format!("The field \"{label}\" is set when the record is created and cannot be changed.")
            }
            Problem::BadSealed if fr => {
                format!("Le champ « {label} » contient une valeur scellée invalide.")
            }
            Problem::BadSealed => format!("The field \"{label}\" holds an invalid sealed value."),
            Problem::Erased if fr => format!(
                "Cette personne a été effacée : le champ « {label} » reste vide, et l'effacement ne s'annule pas."
            ),
            Problem::Erased => format!(
                "This person was erased: the field \"{label}\" stays empty, and the erasure cannot be undone."
            ),
            Problem::OtherStudy if fr => {
                format!("Le champ « {label} » désigne un enregistrement d'une autre étude.")
            }
            Problem::OtherStudy => {
                format!("The field \"{label}\" points to a record of another study.")
            }
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
