//! Migrations from an empty file, agreement between schema.rs and the SQL tables, and the
//! refusal of a file written by a newer Terrain.

use std::collections::BTreeSet;

use serde_json::json;
use terrain_core::Fields;
use terrain_core::{store, Entity, Error, Lang, Store};

use crate::support::temp_store;

/// Every row `sql` gives, mapped by `map`.
fn rows<T>(
    conn: &rusqlite::Connection,
    sql: &str,
    map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Vec<T> {
    conn.prepare(sql)
        .unwrap()
        .query_map([], map)
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

/// A file as Terrain left it at schema `version`: the first `version` migrations applied.
fn file_at_schema(path: &std::path::Path, version: usize) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).unwrap();
    for (i, (_, sql)) in store::migrations().iter().take(version).enumerate() {
        conn.execute_batch(sql).unwrap();
        conn.pragma_update(None, "user_version", i as i64 + 1)
            .unwrap();
    }
    conn
}

fn columns(store: &Store, table: &str) -> BTreeSet<String> {
    store
        .conn()
        .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn an_empty_file_is_migrated_to_the_latest_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fresh.db");
    let store = Store::open(&path).unwrap();
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "sql")
        })
        .count() as i64;
    assert!(files >= 2);
    assert_eq!(store::schema_version(), files, "every SQL file is embedded");
    assert_eq!(store.schema_version().unwrap(), files);
    // Files apply in name order, and names are numbered without gaps.
    let names: Vec<_> = store::migrations()
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    for (i, name) in names.iter().enumerate() {
        assert!(
            name.starts_with(&format!("{:04}_", i + 1)),
            "{name} out of sequence"
        );
    }

    let tables: BTreeSet<String> = store
        .conn()
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    for t in [
        "meta",
        "nodes",
        "change_log",
        "scope_vector",
        "superseded",
        "conflicts",
    ] {
        assert!(tables.contains(t), "table {t} missing");
    }
    for e in Entity::ALL {
        assert!(tables.contains(e.as_str()), "table {e} missing");
    }

    // The pragmas that keep a saved interview safe.
    let pragma = |name: &str| -> String {
        store
            .conn()
            .pragma_query_value(None, name, |r| r.get::<_, rusqlite::types::Value>(0))
            .map(|v| match v {
                rusqlite::types::Value::Integer(i) => i.to_string(),
                rusqlite::types::Value::Text(t) => t,
                other => format!("{other:?}"),
            })
            .unwrap()
    };
    assert_eq!(pragma("journal_mode"), "wal");
    assert_eq!(pragma("synchronous"), "2", "FULL");
    assert_eq!(pragma("foreign_keys"), "1");
    assert_eq!(pragma("busy_timeout"), "10000");
    assert_eq!(pragma("integrity_check"), "ok");

    // The gazetteer ships with the schema: every 2016 region, the 2023 ones, P-codes as text.
    let count = |sql: &str| -> i64 { store.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
    assert!(
        count("SELECT count(*) FROM place WHERE kind = 'region' AND map_version = '2016'") >= 11
    );
    assert!(
        count("SELECT count(*) FROM place WHERE kind = 'region' AND map_version = '2023'") >= 9
    );
    assert_eq!(
        count("SELECT count(*) FROM place WHERE pcode IS NOT NULL AND typeof(pcode) <> 'text'"),
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM changes"),
        0,
        "reference data has no change log"
    );

    // Reopening an up-to-date file runs nothing again.
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), files);
}

#[test]
fn every_field_in_schema_rs_has_a_column_and_every_column_a_field() {
    let (_dir, store) = temp_store();
    for entity in Entity::ALL {
        let in_sql = columns(&store, entity.as_str());
        let mut in_rust: BTreeSet<String> =
            entity.fields().iter().map(|f| f.name.to_string()).collect();
        assert_eq!(
            in_rust.len(),
            entity.fields().len(),
            "{entity}: a field is listed twice in schema.rs"
        );
        in_rust.insert("id".into());
        in_rust.insert(terrain_core::schema::DELETED.into());
        assert_eq!(
            in_sql, in_rust,
            "{entity}: columns in SQL (left) and fields in schema.rs (right) differ"
        );
        // The tombstone is NOT NULL DEFAULT 0, so a row created field by field is live.
        let notnull: i64 = store
            .conn()
            .query_row(
                &format!(
                    "SELECT \"notnull\" FROM pragma_table_info('{entity}') WHERE name = 'deleted'"
                ),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(notnull, 1, "{entity}.deleted");
    }
}

#[test]
fn a_file_from_a_newer_terrain_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.db");
    let newer = store::schema_version() + 1;
    {
        let mut store = Store::open(&path).unwrap();
        let fields: Fields =
            serde_json::from_value(json!({"title": "Étude écrite plus tard"})).unwrap();
        store.create(Entity::Study, &fields).unwrap();
        store
            .conn()
            .pragma_update(None, "user_version", newer)
            .unwrap();
    }
    let err = match Store::open(&path) {
        Err(e) => e,
        Ok(_) => panic!("a newer schema must be refused"),
    };
    assert!(
        matches!(err, Error::NewerSchema { found, supported } if found == newer && supported == newer - 1),
        "{err:?}"
    );
    assert_eq!(err.code(), "newer_schema");
    let fr = err.message(Lang::Fr);
    assert!(
        fr.contains("version plus récente de Terrain") && fr.contains("Mettez Terrain à jour"),
        "{fr}"
    );
    let en = err.message(Lang::En);
    assert!(en.contains("newer version of Terrain"), "{en}");
    assert!(fr.contains(&newer.to_string()) && en.contains(&newer.to_string()));

    // The file keeps its version and its data: a newer Terrain can still open it.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, newer);
    let title: String = conn
        .query_row("SELECT title FROM study", [], |r| r.get(0))
        .unwrap();
    assert_eq!(title, "Étude écrite plus tard");
}

#[test]
fn a_file_half_way_through_the_migrations_is_brought_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("older.db");
    // A file an older Terrain left at schema 1.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let (_, first) = store::migrations()[0];
        conn.execute_batch(first).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), store::schema_version());
    let regions: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM place WHERE kind = 'region'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(regions > 0, "the gazetteer migration ran");
}

/// A schema-4 change row: node, seq, study, entity, row, field, value, hlc, prev hlc, prev node.
type OldChange<'a> = (
    i64,
    i64,
    Option<&'a str>,
    &'a str,
    &'a str,
    &'a str,
    rusqlite::types::Value,
    i64,
    Option<i64>,
    Option<i64>,
);

/// The change log of a schema-4 file (one row per field) is regrouped into runs with every
/// change intact: same identity, scope, record, field, value (and its type), stamp and prev.
#[test]
fn a_schema_4_change_log_is_regrouped_into_runs_without_loss() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schema4.db");
    let a = "0191d2c0-0000-7000-8000-00000000000a";
    let b = "0191d2c0-0000-7000-8000-00000000000b";
    let study = "0191d2c0-0000-7000-8000-0000000000f1";
    let r1 = "0191d2c0-0000-7000-8000-000000000001";
    let r2 = "0191d2c0-0000-7000-8000-000000000002";
    let read = |conn: &rusqlite::Connection| -> Vec<Vec<rusqlite::types::Value>> {
        rows(
            conn,
            "SELECT node, seq, study, entity, row_id, field, value, typeof(value), hlc,
                    prev_hlc, prev_node FROM changes ORDER BY node, seq",
            |r| (0..11).map(|i| r.get(i)).collect(),
        )
    };
    use rusqlite::types::Value::{Integer, Null, Text};
    let before = {
        let conn = file_at_schema(&path, 4);
        conn.execute(
            "INSERT INTO nodes(idx, node_id) VALUES (1, ?1), (2, ?2)",
            (a, b),
        )
        .unwrap();
        // Node 1 writes r1 (seqs 1-3), then r2 (4-5), then r1 again (6); node 2 edits r1 on
        // top of node 1's title, and writes a shared (study-less) place.
        let rows: [OldChange; 8] = [
            (
                1,
                1,
                Some(study),
                "session",
                r1,
                "title",
                Text("Réunion \"A\"\n".into()),
                100,
                None,
                None,
            ),
            (
                1,
                2,
                Some(study),
                "session",
                r1,
                "duration_minutes",
                Integer(90),
                101,
                None,
                None,
            ),
            (
                1,
                3,
                Some(study),
                "session",
                r1,
                "notes",
                Null,
                102,
                None,
                None,
            ),
            (
                1,
                4,
                Some(study),
                "participant",
                r2,
                "age",
                Integer(34),
                103,
                None,
                None,
            ),
            (
                1,
                5,
                Some(study),
                "participant",
                r2,
                "code",
                Text("42".into()),
                104,
                None,
                None,
            ),
            (
                1,
                6,
                Some(study),
                "session",
                r1,
                "deleted",
                Integer(1),
                105,
                None,
                None,
            ),
            (
                2,
                1,
                Some(study),
                "session",
                r1,
                "title",
                Text("Réunion B".into()),
                200,
                Some(100),
                Some(1),
            ),
            (
                2,
                2,
                None,
                "place",
                r2,
                "name",
                Text("Kati".into()),
                201,
                None,
                None,
            ),
        ];
        for (node, seq, st, entity, row, field, value, hlc, ph, pn) in rows {
            conn.execute(
                "INSERT INTO changes(node, seq, study, entity, row_id, field, value, hlc, prev_hlc, prev_node)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                (node, seq, st, entity, row, field, value, hlc, ph, pn),
            )
            .unwrap();
        }
        read(&conn)
    };
    let store = Store::open(&path).unwrap();
    assert_eq!(read(store.conn()), before);
    let runs: Vec<(i64, i64, i64)> = rows(
        store.conn(),
        "SELECT node, first_seq, last_seq FROM change_log ORDER BY node, first_seq",
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    );
    assert_eq!(
        runs,
        [(1, 1, 3), (1, 4, 5), (1, 6, 6), (2, 1, 1), (2, 2, 2)]
    );
    // Schema 6 names the scopes by handle: the shared one is 0.
    let scopes: Vec<(i64, String)> = rows(
        store.conn(),
        "SELECT idx, study FROM scopes ORDER BY idx",
        |r| Ok((r.get(0)?, r.get(1)?)),
    );
    assert_eq!(scopes, [(0, String::new()), (1, study.to_string())]);
}

/// The change log stores entities and fields by number: the numbers in Rust and in the
/// `entities` and `field_numbers` tables (which the `changes` view reads names from) agree.
#[test]
fn entity_and_field_numbers_agree_with_their_tables() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("codes.db")).unwrap();
    let table: Vec<(i64, String)> = rows(
        store.conn(),
        "SELECT code, name FROM entities ORDER BY code",
        |r| Ok((r.get(0)?, r.get(1)?)),
    );
    let mut rust: Vec<(i64, String)> = Entity::ALL
        .iter()
        .map(|e| (e.code(), e.as_str().to_string()))
        .collect();
    rust.sort();
    assert_eq!(table, rust);
    for e in Entity::ALL {
        assert_eq!(Entity::from_code(e.code()), Some(e));
    }
    // Field numbers likewise: the tombstone is 0, then each field at its place in schema.rs.
    let numbers: Vec<(i64, i64, String)> = rows(
        store.conn(),
        "SELECT entity, no, name FROM field_numbers ORDER BY entity, no",
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    );
    let mut rust: Vec<(i64, i64, String)> = Vec::new();
    for e in Entity::ALL {
        let names = std::iter::once("deleted").chain(e.fields().iter().map(|f| f.name));
        for name in names {
            let no = e.field_no(name).unwrap();
            assert_eq!(e.field_name(no), Some(name));
            rust.push((e.code(), no, name.to_string()));
        }
    }
    rust.sort();
    assert_eq!(numbers, rust, "field_numbers and schema.rs differ");
}

/// Schema 6 numbers the fields of the log: a stored change whose field has no number stops
/// the migration (nothing is dropped), and the file stays as it was.
#[test]
fn a_change_of_an_unknown_field_stops_the_schema_6_migration() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schema5.db");
    {
        let conn = file_at_schema(&path, 5);
        conn.execute(
            "INSERT INTO change_log(scope, node, first_seq, last_seq, entity, row_id, hlc, fields)
             VALUES ('', 1, 1, 2, 'place', 'p1', 100, '[[\"name\",\"Kati\",0],[\"bogus\",1,1]]')",
            [],
        )
        .unwrap();
    }
    let err = Store::open(&path).expect_err("migration refused");
    assert!(
        err.to_string()
            .contains("unknown_entity_or_field_in_change_log"),
        "{err}"
    );
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 5);
    let kept: String = conn
        .query_row("SELECT fields FROM change_log", [], |r| r.get(0))
        .unwrap();
    assert!(kept.contains("bogus"));
}
