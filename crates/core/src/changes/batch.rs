//! Several writes saved in one transaction (an attendance list, a tally sheet): all land or
//! none, since a half-saved list would silently miscount a session.

use serde::Deserialize;
use ts_rs::TS;

use crate::changes::write::Fields;
use crate::error::Result;
use crate::schema::Entity;
use crate::store::Store;

/// One write of a batch.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "op", rename_all = "snake_case")]
#[ts(export)]
pub enum WriteOp {
    Create {
        entity: Entity,
        fields: Fields,
    },
    Update {
        entity: Entity,
        id: String,
        fields: Fields,
    },
    Delete {
        entity: Entity,
        id: String,
    },
}

impl Store {
    /// Applies every op in one transaction; returns, for each op, the id it wrote (the new id
    /// for a create).
    pub fn write_batch(&mut self, ops: &[WriteOp]) -> Result<Vec<String>> {
        self.write(|w| {
            ops.iter()
                .map(|op| match op {
                    WriteOp::Create { entity, fields } => w.create(*entity, fields),
                    WriteOp::Update { entity, id, fields } => {
                        w.update(*entity, id, fields).map(|_| id.clone())
                    }
                    WriteOp::Delete { entity, id } => w.delete(*entity, id).map(|_| id.clone()),
                })
                .collect()
        })
    }
}
