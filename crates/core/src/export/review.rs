//! Free text a supervisor has reviewed: the only free text an anonymised export shows.
//!
//! The review mark (the `reviewed` field of a session, finding or recommendation) holds the
//! SHA-256 fingerprint of the record's free text as it was reviewed, not a yes/no: an edit made
//! after the review, here or on another laptop and merged later, no longer matches the mark,
//! so the new text stays out of anonymised exports until someone reviews it again. The mark is
//! written through the write path, so it syncs, has a history, and only supervisors and
//! coordinators may write it (`Action::ReviewText`), on this laptop and on every receiver.

use std::fmt::Write as _;

use rusqlite::{Connection, OptionalExtension};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use crate::changes::write::Fields;
use crate::error::{Error, Problem, Result};
use crate::read::records::get;
use crate::schema::{Entity, REVIEWED};
use crate::store::Store;

/// The free-text fields of `entity` that a review covers (and an anonymised export shows
/// only when reviewed); empty for an entity without a review mark.
pub fn reviewed_fields(entity: Entity) -> &'static [&'static str] {
    match entity {
        Entity::Session => &["notes"],
        Entity::Finding => &["theme", "text"],
        Entity::Recommendation => &["text", "theme", "target_institution"],
        _ => &[],
    }
}

/// The fingerprint of a record's free texts, in the order of [`reviewed_fields`]: each text
/// is length-prefixed so that moving words from one field to the next changes it.
pub fn fingerprint(texts: &[Option<&str>]) -> String {
    let mut h = Sha256::new();
    for t in texts {
        match t {
            Some(t) => {
                h.update([1u8]);
                h.update((t.len() as u64).to_le_bytes());
                h.update(t.as_bytes());
            }
            None => h.update([0u8]),
        }
    }
    h.finalize().iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Whether `mark` is the fingerprint of `texts`: the texts are as a supervisor reviewed them.
pub fn matches(mark: Option<&str>, texts: &[Option<&str>]) -> bool {
    mark.is_some_and(|m| m == fingerprint(texts))
}

fn texts_of(record: &serde_json::Map<String, Json>, entity: Entity) -> Vec<Option<String>> {
    reviewed_fields(entity)
        .iter()
        .map(|f| record.get(*f).and_then(Json::as_str).map(str::to_string))
        .collect()
}

fn refuse_unreviewed(entity: Entity) -> Result<()> {
    if entity.is_reviewed() {
        Ok(())
    } else {
        Err(Error::invalid(entity, REVIEWED, Problem::UnknownField))
    }
}

/// Marks the free text of a record as reviewed as it reads now (`reviewed`), or takes the
/// mark away. Refused (`Action::ReviewText`) unless this laptop is a supervisor or a
/// coordinator of the record's study.
pub fn set_reviewed(store: &mut Store, entity: Entity, id: &str, reviewed: bool) -> Result<()> {
    refuse_unreviewed(entity)?;
    let record = get(store.conn(), entity, id)?;
    let mark = if reviewed {
        let texts = texts_of(&record.fields, entity);
        let refs: Vec<Option<&str>> = texts.iter().map(Option::as_deref).collect();
        Json::String(fingerprint(&refs))
    } else {
        Json::Null
    };
    let fields = Fields::from([(REVIEWED.to_string(), mark)]);
    store.update(entity, id, &fields)?;
    Ok(())
}

/// Marks the free text of a record reviewed or not when `set` is given ([`set_reviewed`]);
/// answers whether it reads as reviewed ([`is_reviewed`]): the app's tick box in one call.
pub fn review(store: &mut Store, entity: Entity, id: &str, set: Option<bool>) -> Result<bool> {
    if let Some(reviewed) = set {
        set_reviewed(store, entity, id, reviewed)?;
    }
    is_reviewed(store.conn(), entity, id)
}

/// Whether the free text of a record reads as it was reviewed (false for a record without
/// a mark, or edited since).
pub fn is_reviewed(conn: &Connection, entity: Entity, id: &str) -> Result<bool> {
    refuse_unreviewed(entity)?;
    let fields = reviewed_fields(entity);
    let sql = format!(
        "SELECT {REVIEWED}, {} FROM {} WHERE id = ?1",
        fields.join(", "),
        entity.as_str()
    );
    let row = conn
        .query_row(&sql, [id], |r| {
            let mark: Option<String> = r.get(0)?;
            let texts = (1..=fields.len())
                .map(|i| r.get::<_, Option<String>>(i))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok((mark, texts))
        })
        .optional()?;
    let Some((mark, texts)) = row else {
        return Err(Error::NotFound {
            entity,
            id: id.to_string(),
        });
    };
    let refs: Vec<Option<&str>> = texts.iter().map(Option::as_deref).collect();
    Ok(matches(mark.as_deref(), &refs))
}
