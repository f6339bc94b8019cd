//! Changes: the change log, the merge and the one write path. Every
//! edit, typed here or received from another laptop, becomes field changes that land in the log
//! and, when they win, in the record's row, in one transaction.

pub(crate) mod admit;
pub(crate) mod batch;
pub(crate) mod log;
pub(crate) mod merge;
pub(crate) mod value;
pub(crate) mod write;

pub use batch::WriteOp;
pub use merge::{Applied, Change, Outcome, Stamp};
pub use value::{normalize, sql_to_json, to_json};
pub use write::{participant_code, Fields, Writer};
