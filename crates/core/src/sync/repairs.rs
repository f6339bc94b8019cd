//! Values stamped in the future, as supervisors see and repair them. A laptop whose clock ran
//! years ahead stamped a field's value in, say, 2036: that value wins over every edit made
//! until then, and the write path refuses to edit on top of it (`future_value`). A supervisor
//! or coordinator lists such fields and repairs them: a repair (`changes::repair`) takes the
//! far stamps out of the field's competition and keeps the value (or sets a new one), so the
//! field is edited normally again, on every laptop the repair reaches.

use serde::Serialize;
use serde_json::Value as Json;
use ts_rs::TS;

use crate::changes::admit::held_scope;
use crate::changes::merge::{self, Stamp};
use crate::changes::repair::{ahead_in, Ahead};
use crate::changes::value::to_json;
use crate::clock;
use crate::error::{Error, Problem, Result, SyncError};
use crate::schema::Entity;
use crate::store::Store;
use crate::sync::devices::list_devices;

/// A field of a study whose value in force is stamped more than a day ahead of this laptop's
/// clock.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FutureValue {
    pub entity: Entity,
    pub row_id: String,
    pub field: String,
    /// The field's name for people, in the store's language.
    pub field_label: String,
    /// The value in force (kept by a repair).
    #[ts(type = "unknown")]
    pub value: Json,
    /// The device (node id) that stamped it, and its name when this laptop knows it.
    pub device: String,
    pub device_label: Option<String>,
    /// When its stamp says it was written (RFC 3339).
    pub stamped_at: String,
    /// How many days ahead of this laptop's clock.
    pub days_ahead: u32,
}

/// The fields of `study` whose value in force is stamped too far ahead (`clock::MAX_AHEAD_MS`)
/// of this laptop's clock, by record and field.
pub fn future_values(store: &Store, study: &str) -> Result<Vec<FutureValue>> {
    let wall = store.wall_millis();
    let labels = list_devices(store)?;
    let lang = store.lang();
    let mut out = Vec::new();
    for (entity, row_id, field) in candidates(store, study, wall)? {
        let Some(def) = entity.field(&field) else {
            continue;
        };
        let Some((stamp, value)) = merge::winner(store.conn(), entity, &row_id, &field)? else {
            continue;
        };
        let Some(ahead_ms) = clock::too_far_ahead(stamp.hlc, wall) else {
            continue;
        };
        out.push(FutureValue {
            entity,
            field_label: def.label(lang).to_string(),
            value: to_json(def, &value),
            device_label: labels
                .iter()
                .find(|d| d.node_id == stamp.node)
                .and_then(|d| d.label.clone()),
            device: stamp.node,
            stamped_at: clock::to_rfc3339(stamp.hlc),
            days_ahead: u32::try_from(ahead_ms / 86_400_000).unwrap_or(u32::MAX),
            row_id,
            field,
        });
    }
    Ok(out)
}

/// Repairs one field of a record of `study` whose value is stamped too far ahead, keeping its
/// value (to change it, edit the field normally afterwards). Refused `role_refused`
/// unless this laptop is a supervisor or coordinator there, `not_future_value` when the
/// field's value is not stamped too far ahead. Returns how many far stamps it took out.
pub fn repair_field(
    store: &mut Store,
    study: &str,
    (entity, row_id, field): (Entity, &str, &str),
) -> Result<usize> {
    entity
        .field(field)
        .ok_or_else(|| Error::invalid(entity, field, Problem::UnknownField))?;
    let not_future = || {
        Error::Sync(SyncError::NotFutureValue {
            field: field.to_string(),
        })
    };
    if held_scope(store.conn(), entity, row_id)?.as_deref() != Some(study) {
        return Err(Error::NotFound {
            entity,
            id: row_id.to_string(),
        });
    }
    let wall = store.wall_millis();
    store.write(|w| {
        let Ahead {
            stamps,
            highest_other,
        } = ahead_in(w.conn(), entity, row_id, field, wall)?;
        let Some((_, value)) = merge::winner(w.conn(), entity, row_id, field)? else {
            return Err(not_future());
        };
        let mut repaired = 0;
        let mut above = highest_other;
        // One repair per far stamp, each naming it: none of them competes afterwards. Each is
        // stamped above the one before, so the last wins (the others are no conflicts).
        for (hlc, node) in stamps {
            let stamp = Stamp { hlc, node };
            if let Some(hlc) = w.put_repair((entity, row_id, field), value.clone(), stamp, above)? {
                above = hlc;
                repaired += 1;
            }
        }
        if repaired == 0 {
            return Err(not_future());
        }
        Ok(repaired)
    })
}

/// Repairs every field of `study` whose value is stamped too far ahead, keeping its value;
/// returns those fields. Stops at the first refusal (a laptop that may not repair is refused
/// at the first field, before any is repaired).
pub fn repair_all(store: &mut Store, study: &str) -> Result<Vec<FutureValue>> {
    let fields = future_values(store, study)?;
    for f in &fields {
        repair_field(store, study, (f.entity, &f.row_id, &f.field))?;
    }
    Ok(fields)
}

/// What the Sync screen shows after a click: repairs `repair` (entity, record, field) first
/// when given, then lists what is left of `study`'s future values.
pub fn future_values_after(
    store: &mut Store,
    study: &str,
    repair: Option<(Entity, String, String)>,
) -> Result<Vec<FutureValue>> {
    if let Some((entity, row_id, field)) = &repair {
        repair_field(store, study, (*entity, row_id, field))?;
    }
    future_values(store, study)
}

/// (entity, record, field) of `study` whose winning stamp is too far ahead of `wall_ms`. Read
/// from the log's runs without opening them: a stamp far ahead was first written in a
/// transaction whose every stamp was (its laptop's clock ran ahead), so that run's smallest
/// stamp, kept beside it, is far ahead too; an edit written above it since is in the same
/// record. Only those records are read further.
fn candidates(store: &Store, study: &str, wall_ms: i64) -> Result<Vec<(Entity, String, String)>> {
    let above = clock::from_millis(wall_ms.saturating_add(clock::MAX_AHEAD_MS));
    let mut stmt = store.conn().prepare_cached(
        "SELECT DISTINCT e.name, l.row_id FROM change_log l
           JOIN scopes s ON s.idx = l.scope JOIN entities e ON e.code = l.entity
          WHERE s.study = ?1 AND l.hlc > ?2 ORDER BY e.name, l.row_id",
    )?;
    let rows = stmt.query_map((study, above), |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (entity, row_id): (String, String) = row?;
        let entity = Entity::parse(&entity).ok_or(Error::UnknownEntity(entity))?;
        let mut fields: Vec<(String, Stamp)> = merge::field_stamps(store.conn(), entity, &row_id)?
            .into_iter()
            .filter(|(_, stamp)| stamp.hlc > above)
            .collect();
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        out.extend(fields.into_iter().map(|(f, _)| (entity, row_id.clone(), f)));
    }
    Ok(out)
}

/// The value a repair keeps, as people read it (CLI).
pub fn value_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}
