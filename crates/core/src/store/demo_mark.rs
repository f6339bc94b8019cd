//! Which studies are demo data: the ids of the studies the demo wrote on this laptop, kept in
//! the local `meta` table and never synced. Local on purpose: the mark decides what « Retirer
//! les données de démonstration » deletes, and a mark that travelled with the data would let
//! another device (a hostile one included) mark a real study as demo, to be deleted by a
//! click here. A demo study synced to another laptop arrives there as an ordinary study.

use std::collections::BTreeSet;

use rusqlite::Connection;

use crate::error::Result;
use crate::store::meta::{get_meta, set_meta};

/// The `meta` key: outside `setting.*`, so no settings screen or command can write it.
const KEY: &str = "demo_studies";

/// The ids of every study the demo wrote here (live, deleted or removed alike).
pub(crate) fn demo_study_ids(conn: &Connection) -> Result<BTreeSet<String>> {
    // A value this laptop did not write (damaged, edited by hand) marks nothing.
    Ok(get_meta(conn, KEY)?
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

/// Marks `ids` as demo studies, besides those marked already. In the caller's transaction.
pub(crate) fn mark_demo_studies(conn: &Connection, ids: &[String]) -> Result<()> {
    let mut all = demo_study_ids(conn)?;
    all.extend(ids.iter().cloned());
    let json =
        serde_json::to_string(&all).map_err(|e| crate::error::Error::Internal(e.to_string()))?;
    set_meta(conn, KEY, &json)
}
