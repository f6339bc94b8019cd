//! Who created each record, and when: read from the change log.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::error::Result;
use crate::schema::Entity;

/// Origin node and time (hlc) of each record's creating change, for one entity: the first
/// run of a record is the one that created it (every field written at creation is in it).
pub(crate) fn origins(conn: &Connection, entity: Entity) -> Result<HashMap<String, (String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT x.row_id, n.node_id, x.h FROM
           (SELECT row_id, node, min(hlc) AS h FROM change_log
             WHERE entity = ?1 GROUP BY row_id) x
           JOIN nodes n ON n.idx = x.node",
    )?;
    let rows = stmt.query_map([entity.code()], |r| {
        Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?)))
    })?;
    Ok(rows.collect::<rusqlite::Result<HashMap<_, _>>>()?)
}
