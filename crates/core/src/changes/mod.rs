//! Changes: the change log, the merge and the one write path. Every
//! edit, typed here or received from another laptop, becomes field changes that land in the log
//! and, when they win, in the record's row, in one transaction.

pub(crate) mod admit;
pub(crate) mod answer_id;
pub(crate) mod batch;
pub(crate) mod columns;
pub(crate) mod conflict_log;
pub(crate) mod cover;
pub(crate) mod erase_person;
pub(crate) mod erasure;
pub(crate) mod fixed;
pub(crate) mod log;
pub(crate) mod merge;
pub(crate) mod outcome;
pub(crate) mod participant_code;
pub(crate) mod repair;
pub(crate) mod roster;
pub(crate) mod roster_rules;
pub(crate) mod scope;
pub(crate) mod seal_plan;
pub(crate) mod sealed;
pub(crate) mod seqs;
pub(crate) mod signature;
pub(crate) mod value;
pub(crate) mod write;

pub use answer_id::answer_id;
pub use batch::WriteOp;
pub use cover::{Cover, ERASED_REASON, PERSONAL_FIELDS};
pub use merge::{Applied, Change, Stamp};
pub use outcome::{Outcome, SyncStart};
pub use participant_code::participant_code;
pub use roster::{anchor, stored_entries, Entry, EntryId, EntryKind, PublicKey, SignedEntry};
pub use roster_rules::{add_entries, Member, Roster};
pub use sealed::{
    is_sealable, is_sealed, seal as seal_value, sealed_word, Opener, ALWAYS_SEALED, SEALABLE,
    SEALED_MARKER, SEALED_PREFIX,
};
pub use signature::{
    segments_covering, segments_in, sign_segments, store_segment, verify_received, Segment,
    SEGMENT_MAX_BYTES, SEGMENT_MAX_CHANGES,
};
pub use value::{normalize, sql_to_json, to_json};
pub use write::{Fields, Writer};
