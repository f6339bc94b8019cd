//! Questionnaires (docs/design/forms.md).

mod expr_cases;
mod records;
mod store;
