//! What the write path seals (`changes::sealed`): per study, its HQ key (the roster's newest
//! `hq_key` entry) and the fields it marks sealed, read once per transaction. Applied to the
//! values a local write appends, before they reach the log or the row; received changes are
//! stored as they were signed.

use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension};

use super::roster::PublicKey;
use super::roster_rules::WriteCheck;
use super::sealed::{is_sealed_field, Opener, Sealer, ALWAYS_SEALED, SEALABLE};
use super::sealed::{SEALED_MARKER, SEALED_PREFIX};
use crate::error::Result;
use crate::schema::Entity;

/// A study's sealing: its HQ key and the fields it marks ("entity.field").
struct Sealing {
    hq: PublicKey,
    marked: Vec<String>,
}

#[derive(Default)]
pub(crate) struct SealPlan {
    studies: HashMap<String, Option<Sealing>>,
    /// The HQ keys held here, read the first time a sealed value is compared.
    opener: Option<Opener>,
}

/// Whether any field of `entity` may be sealed (most writes need no look-up at all).
fn entity_may_seal(entity: Entity) -> bool {
    ALWAYS_SEALED.iter().any(|(e, _)| *e == entity)
        || SEALABLE.iter().any(|code| {
            code.split_once('.')
                .is_some_and(|(e, _)| e == entity.as_str())
        })
}

impl SealPlan {
    /// Seals, in place, the values of `entity` that `study` seals. A value already sealed (a
    /// conflict's pick or a repair putting a held value back) is kept as it is.
    pub fn seal(
        &mut self,
        conn: &Connection,
        roles: &mut WriteCheck,
        (entity, study): (Entity, Option<&str>),
        values: &mut [(&str, SqlValue)],
    ) -> Result<()> {
        let Some(study) = study.filter(|_| entity_may_seal(entity)) else {
            return Ok(());
        };
        if !self.studies.contains_key(study) {
            let sealing = match roles.roster(conn, study)?.and_then(|r| r.hq_key()) {
                Some(hq) => Some(Sealing {
                    hq,
                    marked: marked_fields(conn, study)?,
                }),
                None => None,
            };
            self.studies.insert(study.to_string(), sealing);
        }
        let Some(Some(sealing)) = self.studies.get(study) else {
            return Ok(());
        };
        let mut sealer: Option<Sealer> = None;
        for (field, value) in values.iter_mut() {
            if let SqlValue::Text(plain) = value {
                if !plain.starts_with(SEALED_PREFIX)
                    && is_sealed_field(entity, field, &sealing.marked)
                {
                    if sealer.is_none() {
                        sealer = Some(Sealer::new(&sealing.hq)?);
                    }
                    if let Some(s) = &sealer {
                        *value = SqlValue::Text(s.seal(entity, field, plain)?);
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether writing `new` over the stored `current` changes nothing a person sees: the
    /// marker of a sealed value sent back as shown (a form saved whole on a field laptop), or
    /// the very value a sealed one opens to here (the same form at headquarters).
    pub fn unchanged(
        &mut self,
        conn: &Connection,
        (entity, field): (Entity, &str),
        current: Option<&SqlValue>,
        new: &SqlValue,
    ) -> Result<bool> {
        let (Some(SqlValue::Text(stored)), SqlValue::Text(typed)) = (current, new) else {
            return Ok(false);
        };
        if !stored.starts_with(SEALED_PREFIX) {
            return Ok(false);
        }
        if typed == SEALED_MARKER {
            return Ok(true);
        }
        if self.opener.is_none() {
            self.opener = Some(Opener::load(conn)?);
        }
        Ok(self
            .opener
            .as_ref()
            .and_then(|o| o.open(entity, field, stored))
            .is_some_and(|plain| plain == *typed))
    }

    /// Forgets what was read (after the study record or its roster is written).
    pub fn forget(&mut self) {
        self.studies.clear();
    }
}

/// The fields a study marks sealed (its `sealed_fields`, a JSON list of "entity.field").
pub fn marked_fields(conn: &Connection, study: &str) -> Result<Vec<String>> {
    let text: Option<String> = conn
        .prepare_cached("SELECT sealed_fields FROM study WHERE id = ?1")?
        .query_row([study], |r| r.get(0))
        .optional()?
        .flatten();
    // Stored by the write path as a JSON list; anything else seals nothing more.
    Ok(text
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default())
}
