//! Writing winning values into an entity's table: one upsert per record, its statement built
//! once per set of columns.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, Statement};

use crate::error::{Error, Result};
use crate::schema::Entity;

/// Row upserts by (entity, new row, columns set), prepared on one transaction's connection.
/// Held here rather than in the connection's statement cache, whose look-up hashes the
/// statement's text: typing an attendance list writes one row and one run per person.
pub(crate) type Upserts<'c> = HashMap<(Entity, bool, u64), Statement<'c>>;

/// Writes winning values into the entity's table, creating the row on first sight, in one
/// statement. Fields were checked against the schema, so they are real columns. `new_row`:
/// the row cannot exist yet (an id just made here), so a plain insert does.
pub(crate) fn set_columns<'c>(
    conn: &'c Connection,
    upserts: &mut Upserts<'c>,
    entity: Entity,
    row_id: &str,
    columns: &[(&str, &SqlValue)],
    new_row: bool,
) -> Result<()> {
    // The statement's text depends only on which columns are set (one bit per field number,
    // `Entity::field_no`), so it is built once per set; parameter ?N is field number N - 2,
    // so values bind in any order.
    let mut set: u64 = 0;
    let mut params: [Option<&SqlValue>; 64] = [None; 64];
    for (name, value) in columns.iter() {
        let no = entity
            .field_no(name)
            .and_then(|no| usize::try_from(no).ok())
            .filter(|no| *no < 64)
            .ok_or_else(|| Error::Internal(format!("{entity} has no field {name} to store")))?;
        set |= 1 << no;
        params[no] = Some(*value);
    }
    let key = (entity, new_row, set);
    let stmt = match upserts.entry(key) {
        Entry::Occupied(e) => e.into_mut(),
        Entry::Vacant(e) => {
            let set_names = || {
                (0..64)
                    .filter(|no| set & (1 << no) != 0)
                    .filter_map(|no| entity.field_name(no).map(|name| (no, name)))
            };
            let names: Vec<String> = set_names().map(|(_, n)| format!("\"{n}\"")).collect();
            let marks: Vec<String> = set_names().map(|(no, _)| format!("?{}", no + 2)).collect();
            let mut sql = format!(
                "INSERT INTO {}(id, {}) VALUES (?1, {})",
                entity.as_str(),
                names.join(", "),
                marks.join(", "),
            );
            if !new_row {
                let sets: Vec<String> = names
                    .iter()
                    .map(|n| format!("{n} = excluded.{n}"))
                    .collect();
                sql.push_str(&format!(
                    " ON CONFLICT(id) DO UPDATE SET {}",
                    sets.join(", ")
                ));
            }
            e.insert(conn.prepare(&sql)?)
        }
    };
    stmt.raw_bind_parameter(1, row_id)?;
    for (no, value) in params.iter().enumerate() {
        if let Some(value) = value {
            stmt.raw_bind_parameter(no + 2, *value)?;
        }
    }
    stmt.raw_execute()?;
    Ok(())
}
