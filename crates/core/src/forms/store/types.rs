//! What the forms use cases answer: an imported form, a form version as listed, a response as
//! listed, and a response opened for filling.

use serde::Serialize;

use crate::error::FormIssue;
use crate::forms::engine::Evaluation;

/// What `import_form` made: the new form version's record and what the file said.
#[derive(Debug, Clone, Serialize)]
pub struct ImportedForm {
    /// The form record's id.
    pub id: String,
    pub form_id: String,
    pub version: String,
    pub title: String,
    /// How many questions (groups and repeats aside).
    pub questions: usize,
    /// What Terrain ignores in the file (an appearance, a column), by sheet, row and column.
    pub warnings: Vec<FormIssue>,
}

/// A form version as the lists show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormSummary {
    /// The form record's id.
    pub id: String,
    pub study_id: String,
    pub form_id: String,
    pub version: String,
    pub title: String,
    pub session_type: Option<String>,
    pub questions: usize,
    /// The label keys, as the form names its languages ("Français (fr)"; "" for unsuffixed).
    pub languages: Vec<String>,
    pub default_language: Option<String>,
    /// Its live responses.
    pub responses: usize,
}

/// A response as the lists show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseSummary {
    pub id: String,
    /// The form version's record id.
    pub form_ref: String,
    pub form_id: String,
    pub version: String,
    /// `draft` or `final`.
    pub status: String,
    pub session_id: Option<String>,
    pub participant_id: Option<String>,
    pub participant_code: Option<String>,
    /// How many questions hold an answer.
    pub answered: usize,
    /// The stamp of its last change, or of its answers' (0 when none is held).
    pub updated_hlc: i64,
}

/// A response opened for filling: the form evaluated over its answers.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseView {
    pub response: ResponseSummary,
    pub form: FormSummary,
    /// The form language the texts are in (None: the form's default).
    pub language: Option<String>,
    pub evaluation: Evaluation,
}
