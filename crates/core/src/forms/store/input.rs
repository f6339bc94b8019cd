//! Answers as a person gives them outside the app: FILE.json (`{"name": value, "repeat":
//! [{...}]}`), read against the form version they are for.

use std::path::Path;

use serde_json::Value as Json;

use super::check::{invalid, refused_json};
use crate::error::{AnswerProblem, Error, Refusal, Result};
use crate::forms::answers::Answers;
use crate::forms::model::FormDef;

/// FILE.json's answers read against a form; refused with `answer_invalid` naming the question.
pub fn read_answers(form: &FormDef, json: &Json) -> Result<Answers> {
    Answers::from_json(form, json).map_err(|e| refused_json(&e))
}

/// The answers in the file `path` (FILE.json) read against a form.
pub fn read_answers_file(form: &FormDef, path: &Path) -> Result<Answers> {
    let shown = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::Refused(Refusal::NoFile { path: shown }));
        }
        Err(e) => return Err(e.into()),
    };
    let json: Json = serde_json::from_str(&text).map_err(|e| {
        let (line, column) = (e.line(), e.column());
        invalid(
            &shown,
            AnswerProblem::Said {
                fr: format!(
                    "Le fichier « {shown} » n'est pas du JSON valide (ligne {line}, colonne {column}) : {e}."
                ),
                en: format!(
                    "The file \"{shown}\" is not valid JSON (line {line}, column {column}): {e}."
                ),
            },
        )
    })?;
    read_answers(form, &json)
}
