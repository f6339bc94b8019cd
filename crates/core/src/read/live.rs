//! Whether a record is live. Deleting a study or a session is a soft delete of that one record
//! (a `deleted` field that syncs; restoring it brings everything back), so what it holds is
//! hidden here, when reading, rather than deleted record by record: a session is live when
//! neither it nor its study is deleted; a participant, tally sheet or finding when neither it
//! nor its session is; a recommendation or a form when neither it nor its study is; a
//! questionnaire's response when neither it, its form nor its study is; an answer when
//! neither it nor its response is (nor what hides its response). A session received
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

/// SQL: the form whose id is `form_ref` (a column of the outer query) is not deleted, nor is
/// its study.
pub(crate) fn form_live(form_ref: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM form dfo WHERE dfo.id = {form_ref}
                       AND (dfo.deleted = 1 OR NOT {}))",
        study_live("dfo.study_id")
    )
}

/// SQL: the response whose id is `response_id` (a column of the outer query) is not deleted,
/// nor are its form and its study.
pub(crate) fn response_live(response_id: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM response dre WHERE dre.id = {response_id}
                       AND (dre.deleted = 1 OR NOT {} OR NOT {}))",
        study_live("dre.study_id"),
        form_live("dre.form_ref")
    )
}

/// SQL: the record of `entity` under the table alias `alias` is live.
pub(crate) fn live(entity: Entity, alias: &str) -> String {
    match entity {
        Entity::Session | Entity::Recommendation | Entity::Form => format!(
            "{alias}.deleted = 0 AND {}",
            study_live(&format!("{alias}.study_id"))
        ),
        Entity::Participant | Entity::Tally | Entity::Finding => format!(
            "{alias}.deleted = 0 AND {}",
            session_live(&format!("{alias}.session_id"))
        ),
        Entity::Response => format!(
            "{alias}.deleted = 0 AND {} AND {}",
            study_live(&format!("{alias}.study_id")),
            form_live(&format!("{alias}.form_ref"))
        ),
        Entity::Answer => format!(
            "{alias}.deleted = 0 AND {}",
            response_live(&format!("{alias}.response_id"))
        ),
        // The record of an export stays: it says who took data out, whatever became of it.
        Entity::Study | Entity::Place | Entity::Resolution | Entity::Export => {
            format!("{alias}.deleted = 0")
        }
    }
}
