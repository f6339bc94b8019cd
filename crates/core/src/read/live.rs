//! Whether a record is live. Deleting a study or a session is a soft delete of that one record
//! (a `deleted` field that syncs; restoring it brings everything back), so what it holds is
//! hidden here, when reading, rather than deleted record by record: a session is live when
//! neither it nor its study is deleted; a participant, tally sheet or finding when neither it
//! nor its session is; a recommendation when neither it nor its study is. A session received
//! by sync for a deleted study is hidden the same way. A parent not held here (sync may bring
//! a session before its study) hides nothing.
//!
//! Every read that lists or counts records takes its condition from here.

use crate::schema::Entity;

/// SQL: the study whose id is `study_id` (a column of the outer query) is not deleted here.
pub(crate) fn study_live(study_id: &str) -> String {
    format!("NOT EXISTS (SELECT 1 FROM study dst WHERE dst.id = {study_id} AND dst.deleted = 1)")
}

/// SQL: the session whose id is `session_id` (a column of the outer query) is not deleted,
/// nor is its study.
pub(crate) fn session_live(session_id: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM session dse WHERE dse.id = {session_id}
                       AND (dse.deleted = 1 OR NOT {}))",
        study_live("dse.study_id")
    )
}

/// SQL: the record of `entity` under the table alias `alias` is live.
pub(crate) fn live(entity: Entity, alias: &str) -> String {
    match entity {
        Entity::Session | Entity::Recommendation => format!(
            "{alias}.deleted = 0 AND {}",
            study_live(&format!("{alias}.study_id"))
        ),
        Entity::Participant | Entity::Tally | Entity::Finding => format!(
            "{alias}.deleted = 0 AND {}",
            session_live(&format!("{alias}.session_id"))
        ),
        // The record of an export stays: it says who took data out, whatever became of it.
        Entity::Study | Entity::Place | Entity::Resolution | Entity::Export => {
            format!("{alias}.deleted = 0")
        }
    }
}
