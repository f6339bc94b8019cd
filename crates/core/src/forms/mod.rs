//! Questionnaires: a team's XLSForm imported into a study as a form version, filled offline as
//! a response whose answers are records written through the one write path
//! (docs/design/forms.md).

pub mod answers;
pub mod check;
pub mod engine;
pub mod expr;
pub(crate) mod model;
pub mod paths;
pub mod store;
pub mod values;
pub(crate) mod versions;
pub mod xlsform;

pub use answers::{AnswerError, Answers};
pub use expr::{parse, Env, Expr, ExprError, ExprErrorKind, Value};
pub use model::{Choice, FormDef, Labels, Node, NodeKind, QuestionType};
pub use paths::{check_path, is_instance_key, INSTANCE_KEY_LEN, MAX_PATH};
pub use values::{check_value, ValueProblem};
pub use versions::{FormVersion, FormVersions};
