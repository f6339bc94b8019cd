//! Questionnaires (docs/design/forms.md).

mod answers;
mod builder;
mod expr_cases;
mod records;
mod store;
mod xlsform;
