//! Sync between laptops and hubs: version vectors and the one planner, change batches, bundle
//! files, study and device keys, join files, the devices heard from, the conflict log and the
//! canonical dump; and the use cases around them: sync by folder (a USB stick) and the removable drives plugged in, the studies
//! sync offers by title, the sync's local settings and the overview the Sync screen shows.
//!
//! What is held of a study is described per (scope, origin node) by the highest seq held, where
//! the scope is the study or '' for shared records (carried by every study's sync). Every
//! transport sends each origin's changes of a scope above what the peer holds, in seq order,
//! and the receiver applies them a batch per transaction: so what a replica holds of each
//! (scope, node) is always a prefix.

pub(crate) mod authorship;
pub(crate) mod batches;
pub mod bundle;
pub(crate) mod conflicts;
pub(crate) mod devices;
pub(crate) mod drives;
pub(crate) mod dump;
pub(crate) mod folder;
pub(crate) mod hq;
pub(crate) mod invite;
pub(crate) mod join_code;
pub(crate) mod join_seal;
pub(crate) mod key_envelopes;
pub(crate) mod keys;
pub(crate) mod members;
pub(crate) mod overview;
pub(crate) mod progress;
pub(crate) mod questionnaires;
pub(crate) mod repairs;
pub(crate) mod settings;
pub(crate) mod signing;
pub(crate) mod studies;
pub(crate) mod vector;

pub use authorship::{
    apply_signed, apply_signed_since, check_batch, grant, pin_anchor, receive_entries, revoke,
    roster, roster_from_wire, roster_wire,
};
pub use batches::{
    all_changes, apply_changes, check_received, validate_change_at, FutureStamps, MAX_SEQ,
};
pub use conflicts::{
    conflict_id, conflict_views, list_conflicts, open_conflicts, resolve_conflict, Conflict,
    ConflictList, ConflictSide, ConflictValue, ConflictView, SHOWN_CONFLICTS, SHOWN_PER_RECORD,
};
pub use devices::{list_devices, record_contact, ClockWarning, Device};
pub use drives::{removable_drives, Drive};
pub use dump::{dump, dump_string};
pub use folder::{
    bundle_name, default_folder, export_to_folder, files_in, import_file, invitation_name,
    invite_to_folder, stamp_now, SyncFile, SyncFileKind,
};
pub use hq::{
    hq_keygen, hq_keys_held, parse_public_key, public_key_input, public_key_text, set_hq_key,
    study_hq, StudyHq,
};
pub use invite::{
    invite, invite_to_file, join, join_from_file, join_invitation, preview_join, preview_join_file,
    study_fingerprint, Invitation, JoinFile, JoinedStudy,
};
pub use join_code::{KdfParams, CODE_WORDS, SEALING_KDF};
pub use join_seal::{seal_join, unseal_join, Sealed};
pub use key_envelopes::{commitment as rekey_commitment, seal_to as seal_study_key};
pub use keys::{
    current_study_key, device_key, ensure_study_key, joined_studies, key_check, member_studies,
    study_key, study_key_by_check, study_keys, StudyKey, KEY_LEN,
};
pub use members::{
    find_member, grant_member, key_fingerprint, members, rekey, revoke_member, study_access,
    MemberView, StudyAccess,
};
pub use overview::{overview, SyncOverview};
pub use progress::{Phase, Progress};
pub use repairs::{
    future_values, future_values_after, repair_all, repair_field, value_text, FutureValue,
};
pub use settings::{
    default_device_label, device_label, device_name, hub_url, last_folder, remember_hub_url,
    set_device_label,
};
pub use signing::{count_missing, next_batch, seal_own, ChangeBatch};
pub use studies::{known_title, offered_studies, SyncStudy};
pub use vector::{held_vector, learn_peer_vector, peer_vector, Range, Vector, VectorEntry};
