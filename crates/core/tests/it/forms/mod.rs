//! Questionnaires (docs/design/forms.md).

mod records;
mod store;
