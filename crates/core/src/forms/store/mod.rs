//! The questionnaire use cases on a `Store` (docs/design/forms.md, "The use cases"): what the
//! CLI, the shell and the exports call. Form versions (`forms`), filling a response
//! (`responses`), reading responses (`reads`); compiled forms are kept per form version
//! (`cache`), answers written here are checked against their form (`check`), and FILE.json
//! is read (`input`).

mod cache;
mod check;
mod forms;
mod input;
mod reads;
mod responses;
mod types;

pub(crate) use forms::resolve;
pub use forms::{delete_form, form, import_form, list_forms};
pub use input::{read_answers, read_answers_file};
pub use reads::{list_responses, open_response, response_answers, session_responses};
pub use responses::{
    add_instance, delete_response, finalise, form_for, new_response, remove_instance, reopen,
    set_answer, set_answers,
};
pub use types::{FormSummary, ImportedForm, ResponseSummary, ResponseView};
