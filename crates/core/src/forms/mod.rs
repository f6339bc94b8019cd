//! Questionnaires: a team's XLSForm imported into a study as a form version, filled offline as
//! a response whose answers are records written through the one write path
//! (docs/design/forms.md).

pub(crate) mod model;
pub(crate) mod paths;
pub mod store;

pub use model::{Choice, FormDef, Labels, Node, NodeKind, QuestionType};
pub use paths::{check_path, is_instance_key, is_name, INSTANCE_KEY_LEN, MAX_PATH};
