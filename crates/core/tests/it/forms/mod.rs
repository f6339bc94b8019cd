//! Questionnaires (docs/design/forms.md).

mod answers;
mod builder;
mod engine;
mod expr_cases;
mod records;
mod store;
mod xlsform;
