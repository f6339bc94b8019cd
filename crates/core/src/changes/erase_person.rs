//! "Erase this person": a supervisor's erasure of a participant, with its reason. What an
//! erasure does to the data held is `erasure`.

use rusqlite::types::Value as SqlValue;

use super::cover::ERASED_REASON;
use super::erasure::checkpoint;
use super::write::Writer;
use crate::error::{Error, Problem, Result};
use crate::schema::Entity;
use crate::store::rows::read_row;
use crate::store::Store;

impl Store {
    /// Erases a participant (supervisors and coordinators): see the module's comment. Then
    /// checkpoints the WAL, so that the erased values' old pages leave it too.
    pub fn erase_participant(&mut self, id: &str, reason: &str) -> Result<()> {
        self.write(|w| w.erase_participant(id, reason))?;
        checkpoint(self.conn())
    }
}

impl Writer<'_> {
    /// Sets the participant's `erased_reason` (the erasure itself happens as it merges).
    pub fn erase_participant(&mut self, id: &str, reason: &str) -> Result<()> {
        let entity = Entity::Participant;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid(entity, ERASED_REASON, Problem::Required));
        }
        let def = entity
            .field(ERASED_REASON)
            .ok_or_else(|| Error::Internal("participant has no erased_reason".into()))?;
        let value = super::value::normalize(entity, def, &serde_json::json!(reason))?;
        let row = read_row(self.conn(), entity, id)?.ok_or_else(|| Error::NotFound {
            entity,
            id: id.to_string(),
        })?;
        if row.get(ERASED_REASON).is_some_and(|v| *v != SqlValue::Null) {
            return Err(Error::invalid(entity, ERASED_REASON, Problem::Erased));
        }
        let study = self.study_of(entity, id, "", &SqlValue::Null)?;
        self.put(entity, id, ERASED_REASON, value, study)
    }
}
