//! Compiled forms, kept per form record id: a form version never changes (the write path
//! refuses an edit of its definition), so it is parsed and compiled once per process, not once
//! per answer typed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, Result};
use crate::forms::engine::Compiled;
use crate::forms::model::FormDef;
use crate::lang::Lang;
use crate::schema::Entity;

/// How many compiled forms are kept; past it the cache starts again (a laptop fills a handful).
const KEEP: usize = 32;

type Cache = Mutex<HashMap<String, Arc<Compiled>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Cache::default)
}

/// Keeps a form just compiled (at its import) under its record id.
pub(crate) fn keep(form_ref: &str, compiled: Arc<Compiled>) {
    let mut held = cache().lock().unwrap_or_else(PoisonError::into_inner);
    if held.len() >= KEEP {
        held.clear();
    }
    held.insert(form_ref.to_string(), compiled);
}

/// The compiled form of the form record `form_ref`, deleted or not (callers decide what a
/// deleted form shows).
pub(crate) fn compiled(conn: &Connection, form_ref: &str) -> Result<Arc<Compiled>> {
    if let Some(c) = cache()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(form_ref)
    {
        return Ok(c.clone());
    }
    let definition: Option<String> = conn
        .prepare_cached("SELECT definition FROM form WHERE id = ?1")?
        .query_row([form_ref], |r| r.get(0))
        .optional()?
        .flatten();
    // A form whose definition has not arrived yet (sync brings a record's fields in any
    // order) cannot be shown: as if it were not here.
    let definition = definition.ok_or_else(|| Error::NotFound {
        entity: Entity::Form,
        id: form_ref.to_string(),
    })?;
    let damaged = |why: String| Error::Damaged(format!("form {form_ref}: {why}"));
    let def: FormDef = serde_json::from_str(&definition).map_err(|e| damaged(e.to_string()))?;
    let compiled = Compiled::new(def).map_err(|issues| {
        let said: Vec<String> = issues.iter().map(|i| i.message(Lang::En)).collect();
        damaged(said.join("; "))
    })?;
    let compiled = Arc::new(compiled);
    keep(form_ref, compiled.clone());
    Ok(compiled)
}
