//! The migrations in `migrations/`, embedded at build time and applied in order when a store
//! opens.

use include_dir::{include_dir, Dir};
use rusqlite::Connection;

use crate::error::{Error, Result};

static MIGRATION_DIR: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../migrations");

/// The migrations, `NNNN_what.sql` files in name order: (file name, SQL).
/// rusqlite_migration would do this, but no release of it builds against rusqlite 0.41.
pub fn migrations() -> Vec<(&'static str, &'static str)> {
    let mut files: Vec<(&'static str, &'static str)> = MIGRATION_DIR
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "sql"))
        .map(|f| {
            (
                f.path().to_str().unwrap_or_default(),
                f.contents_utf8().unwrap_or_default(),
            )
        })
        .collect();
    files.sort();
    files
}

/// The schema version this build writes: the number of migrations.
pub fn schema_version() -> i64 {
    migrations().len() as i64
}

/// Applies the migrations the file lacks, each in its own transaction with its version
/// number, so a crash mid-way leaves the file at the last complete version.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let all = migrations();
    let supported = all.len() as i64;
    if found > supported {
        return Err(Error::NewerSchema { found, supported });
    }
    for (i, (name, sql)) in all.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)
            .map_err(|e| Error::Migration(format!("{name}: {e}")))?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    // A migration that rewrote a large table (0005 and 0006 rewrite the change log) leaves the
    // old pages free inside the file: when they are a quarter of it or more, give them back to
    // the disk once (a store of 1,000,000 changes: a third free after 0006).
    if found > 0 && (found as usize) < all.len() {
        let pages: i64 = conn.pragma_query_value(None, "page_count", |r| r.get(0))?;
        let free: i64 = conn.pragma_query_value(None, "freelist_count", |r| r.get(0))?;
        if free * 4 > pages {
            conn.execute_batch("VACUUM")?;
        }
    }
    Ok(())
}
