//! What is wrong with an answer written to a response: where it goes, or what it holds.

use crate::lang::Lang;

/// Why an answer cannot be written (`Refusal::AnswerInvalid` says at which path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerProblem {
    /// The form has no question (or repeat) of that name.
    UnknownName,
    /// Not a path of the form: names and instance keys (`hh[a1b2c3d4]/age`) in the wrong shape
    /// or order.
    BadPath,
    /// A note, a group or a calculation: nothing a person answers.
    NotAnswerable,
    /// A repeat instance that does not exist (never added, or removed).
    NoInstance,
    /// Not a repeat (adding or removing an instance).
    NotARepeat,
    /// What the forms layer said (FILE.json's shape, a value that does not fit its question),
    /// in both languages: the words are the forms layer's, this layer carries them.
    Said { fr: String, en: String },
}

impl AnswerProblem {
    pub fn message(&self, path: &str, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match self {
            AnswerProblem::UnknownName if fr => {
                format!("Le questionnaire n'a pas de question « {path} ».")
            }
            AnswerProblem::UnknownName => format!("The form has no question \"{path}\"."),
            AnswerProblem::BadPath if fr => format!(
                "« {path} » n'est pas un chemin de ce questionnaire (nom, ou répétition[clé]/nom)."
            ),
            AnswerProblem::BadPath => {
                format!("\"{path}\" is not a path of this form (a name, or repeat[key]/name).")
            }
            AnswerProblem::NotAnswerable if fr => {
                format!("« {path} » ne se répond pas (une note, un groupe ou un calcul).")
            }
            AnswerProblem::NotAnswerable => {
                format!("\"{path}\" is not answered (a note, a group or a calculation).")
            }
            AnswerProblem::NoInstance if fr => {
                format!("La répétition de « {path} » n'existe pas (jamais ajoutée, ou retirée).")
            }
            AnswerProblem::NoInstance => format!(
                "The repeat instance of \"{path}\" does not exist (never added, or removed)."
            ),
            AnswerProblem::NotARepeat if fr => {
                format!("« {path} » n'est pas une répétition du questionnaire.")
            }
            AnswerProblem::NotARepeat => format!("\"{path}\" is not a repeat of the form."),
            AnswerProblem::Said { fr: text, .. } if fr => text.clone(),
            AnswerProblem::Said { en, .. } => en.clone(),
        }
    }
}
