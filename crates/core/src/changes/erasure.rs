//! Erasure after consent is withdrawn (docs/design/protection.md, section 5). A supervisor
//! erases a participant by setting its `erased_reason`: a change like any other, signed,
//! role-checked on write and on receipt (`Action::ErasePeople`), synced and merged. Whenever a
//! participant is erased here (by this laptop or by a change received), every held change of
//! its personal fields keeps only its commitment (`Cover::Erased`), the row's personal values
//! are emptied and so are the conflict log's copies; a change of those fields that arrives
//! later is stored erased in the same transaction. An erased change that arrives before the
//! erasure (or without one: a relay stripped it) is dormant until the erasure is held
//! (`changes::merge`). Who erased and when is the change's origin and stamp; why is the
//! reason. The use case itself is `erase_person`.

use std::collections::BTreeSet;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension};

use super::cover::{is_personal, Cover, ERASED_REASON, PERSONAL_FIELDS};
use super::log::{self, EntryRef};
use super::merge::Change;
use crate::error::{Error, Problem, Result};
use crate::schema::Entity;

/// After changes were merged: erases what they reached of erased participants (an erasure
/// just merged, or a personal value arriving after one).
pub(crate) fn after_merge(conn: &Connection, changes: &[Change]) -> Result<()> {
    let touched: BTreeSet<&str> = changes
        .iter()
        .filter(|c| is_personal(c.entity, &c.field) || c.field == ERASED_REASON)
        .filter(|c| c.entity == Entity::Participant)
        .map(|c| c.row_id.as_str())
        .collect();
    if touched.is_empty() || !any_erased(conn)? {
        return Ok(());
    }
    for id in touched {
        if is_erased(conn, id)? {
            erase_held(conn, id)?;
        }
    }
    Ok(())
}

/// Whether any participant is erased here (an index holds just those).
fn any_erased(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM participant WHERE erased_reason IS NOT NULL)",
        )?
        .query_row([], |r| r.get(0))?)
}

/// Whether the participant `id` is erased here.
pub(crate) fn is_erased(conn: &Connection, id: &str) -> Result<bool> {
    let reason: Option<Option<String>> = conn
        .prepare_cached("SELECT erased_reason FROM participant WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    Ok(reason.flatten().is_some())
}

/// Refuses a person's edit that would give an erased participant a personal value again
/// (leaving one empty is no edit).
pub(crate) fn refuse_personal(
    conn: &Connection,
    entity: Entity,
    id: &str,
    values: &[(&str, SqlValue)],
) -> Result<()> {
    if entity != Entity::Participant || !is_erased(conn, id)? {
        return Ok(());
    }
    let typed = values
        .iter()
        .find(|(f, v)| is_personal(entity, f) && *v != SqlValue::Null);
    match typed {
        Some((field, _)) => Err(Error::invalid(entity, field, Problem::Erased)),
        None => Ok(()),
    }
}

/// Erases the personal values of participant `id` from its changes, its row and the
/// conflict log. A change covered by its value (written before salts, bundle format 3)
/// cannot lose it without breaking its origin's signature: it is left as it is.
fn erase_held(conn: &Connection, id: &str) -> Result<()> {
    let entity = Entity::Participant;
    for run in log::record_runs(conn, entity, id)? {
        let mut changed = false;
        let mut entries = run.entries;
        for e in entries.iter_mut().filter(|e| is_personal(entity, &e.field)) {
            if let (Cover::Salted(_), Some(erased)) = (e.cover, e.cover.erased(&e.value)) {
                e.cover = erased;
                e.value = SqlValue::Null;
                changed = true;
            }
        }
        let Some(base) = entries.iter().map(|e| e.hlc).min().filter(|_| changed) else {
            continue;
        };
        let refs = entries.iter().map(|e| EntryRef {
            field: &e.field,
            value: &e.value,
            hlc: e.hlc,
            prev_hlc: e.prev_hlc,
            prev_node: e.prev_node,
            cover: e.cover,
        });
        let fields = log::encode(entity, base, refs)?;
        conn.prepare_cached(
            "UPDATE change_log SET fields = ?1
              WHERE entity = ?2 AND row_id = ?3 AND node = ?4 AND first_seq = ?5
                AND scope = (SELECT idx FROM scopes WHERE study = ?6)",
        )?
        .execute((
            fields,
            entity.code(),
            id,
            run.node,
            run.first_seq,
            &run.scope,
        ))?;
    }
    let set: Vec<String> = PERSONAL_FIELDS
        .iter()
        .map(|f| format!("{f} = NULL"))
        .collect();
    conn.prepare_cached(&format!(
        "UPDATE participant SET {} WHERE id = ?1",
        set.join(", ")
    ))?
    .execute([id])?;
    // Values the log compared are gone: it is worked out again, then emptied of them.
    super::merge::relog_fields(conn, entity, id, &PERSONAL_FIELDS)?;
    let listed: Vec<String> = PERSONAL_FIELDS.iter().map(|f| format!("'{f}'")).collect();
    conn.prepare_cached(&format!(
        "UPDATE conflicts SET loser_value = NULL
          WHERE entity = 'participant' AND row_id = ?1 AND field IN ({})",
        listed.join(", ")
    ))?
    .execute([id])?;
    Ok(())
}

/// `checkpoint` after applying received changes that erase someone.
pub(crate) fn checkpoint_if_erasing(conn: &Connection, changes: &[Change]) -> Result<()> {
    let erasing = changes
        .iter()
        .any(|c| c.field == ERASED_REASON || matches!(c.cover, Cover::Erased(_)));
    if erasing {
        checkpoint(conn)?;
    }
    Ok(())
}

/// Folds the WAL back into the database file and empties it: the pages it held from before
/// an erasure held the erased values (with `secure_delete`, the database file's own freed
/// space is zeroed as it is freed). Readers still open may keep it from finishing: it is
/// done again after the next import.
pub fn checkpoint(conn: &Connection) -> Result<()> {
    // A reader still open would make it wait the store's whole busy timeout (10 s) while the
    // person waits on the screen: a short wait, then it is left for the next time.
    conn.busy_timeout(std::time::Duration::from_millis(200))?;
    let done = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    done?;
    Ok(())
}
