//! Questionnaires: a team's XLSForm imported into a study as a form version, filled offline as
//! a response whose answers are records written through the one write path
//! (docs/design/forms.md).

pub mod expr;
pub(crate) mod model;

pub use expr::{parse, Env, Expr, ExprError, ExprErrorKind, Value};
pub use model::{Choice, FormDef, Labels, Node, NodeKind, QuestionType};
