//! How the change log is stored: in runs (see migrations/0005_change_runs.sql; 0006 names
//! scopes and entities by small integers). A run is the
//! consecutive changes (by seq) of one origin node to one record in one scope, one row for
//! all of them. Every change keeps its own field, value, stamp and seq; this module turns
//! runs into changes and back, and nothing else reads `change_log` for changes.

use std::fmt::Write as _;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Statement};

use super::cover::Cover;
use crate::error::{Error, Result};
use crate::schema::Entity;

/// One change inside a run (its node, scope, record and seq are the run's).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub field: String,
    pub value: SqlValue,
    pub hlc: i64,
    pub prev_hlc: Option<i64>,
    /// Local handle of the prev stamp's node.
    pub prev_node: Option<i64>,
    pub cover: Cover,
}

/// A run as stored, with its scope ('' for shared records) and its origin's id.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub scope: String,
    pub node: i64,
    pub node_id: String,
    pub first_seq: i64,
    pub last_seq: i64,
    pub entries: Vec<Entry>,
}

impl Run {
    /// Whether this run holds change `seq` of `node` in `scope` (seqs count per scope).
    pub fn holds(&self, scope: &str, node: i64, seq: i64) -> bool {
        self.node == node && self.scope == scope && self.first_seq <= seq && seq <= self.last_seq
    }
}

/// The JSON stored in `change_log.fields`: [[field number, value, hlc - base, prev_hlc,
/// prev_node, cover], ...], where `base` is the run's smallest stamp (stored in `change_log.hlc`),
/// so stamps take a digit or two; the prev pair is left out when the change replaced nothing
/// (null when a cover follows), the cover when it is the value (see `Cover::to_log`).
/// Field numbers are `Entity::field_no`.
pub(crate) fn encode<'a>(
    entity: Entity,
    base: i64,
    entries: impl IntoIterator<Item = EntryRef<'a>>,
) -> Result<String> {
    let mut out = String::with_capacity(256);
    out.push('[');
    for (i, e) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        let no = entity
            .field_no(e.field)
            .ok_or_else(|| Error::Internal(format!("{entity} has no field {} to log", e.field)))?;
        push_int(&mut out, no);
        out.push(',');
        match e.value {
            SqlValue::Null => out.push_str("null"),
            SqlValue::Integer(n) => push_int(&mut out, *n),
            SqlValue::Text(t) => push_json_str(&mut out, t),
            // Fields hold text, integers and booleans only (the schema and sync check it).
            SqlValue::Real(_) | SqlValue::Blob(_) => {
                return Err(Error::Internal(format!(
                    "field {} holds a value the change log cannot store",
                    e.field
                )))
            }
        }
        out.push(',');
        push_int(&mut out, e.hlc - base);
        let cover = e.cover.to_log();
        if let (Some(h), Some(n)) = (e.prev_hlc, e.prev_node) {
            out.push(',');
            push_int(&mut out, h);
            out.push(',');
            push_int(&mut out, n);
        } else if cover.is_some() {
            out.push_str(",null,null");
        }
        if let Some(cover) = cover {
            out.push(',');
            push_json_str(&mut out, &cover);
        }
        out.push(']');
    }
    out.push(']');
    Ok(out)
}

/// A change to encode, borrowed from wherever it is held.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EntryRef<'a> {
    pub field: &'a str,
    pub value: &'a SqlValue,
    pub hlc: i64,
    pub prev_hlc: Option<i64>,
    pub prev_node: Option<i64>,
    pub cover: Cover,
}

/// A JSON string literal (RFC 8259 escapes), as serde_json and SQLite's JSON functions read it.
fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    let needs_escape = |b: u8| b == b'"' || b == b'\\' || b < 0x20;
    if !s.bytes().any(needs_escape) {
        out.push_str(s);
    } else {
        for ch in s.chars() {
            match ch {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 => {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                }
                c => out.push(c),
            }
        }
    }
    out.push('"');
}

fn push_int(out: &mut String, n: i64) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// One entry as stored: 3 elements, 5 with the prev stamp, 6 with a cover.
struct RawEntry(
    i64,
    serde_json::Value,
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

impl<'de> serde::Deserialize<'de> for RawEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("[field, value, hlc, prev_hlc?, prev_node?, cover?]")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<RawEntry, A::Error> {
                use serde::de::Error as _;
                let field = seq
                    .next_element()?
                    .ok_or_else(|| A::Error::invalid_length(0, &self))?;
                let value = seq
                    .next_element()?
                    .ok_or_else(|| A::Error::invalid_length(1, &self))?;
                let hlc = seq
                    .next_element()?
                    .ok_or_else(|| A::Error::invalid_length(2, &self))?;
                let prev_hlc = seq.next_element::<Option<i64>>()?.flatten();
                let prev_node = seq.next_element::<Option<i64>>()?.flatten();
                let cover = seq.next_element::<Option<String>>()?.flatten();
                Ok(RawEntry(field, value, hlc, prev_hlc, prev_node, cover))
            }
        }
        d.deserialize_seq(V)
    }
}

/// The entries of a run of `entity` whose smallest stamp is `base`.
pub(crate) fn decode(entity: Entity, base: i64, text: &str) -> Result<Vec<Entry>> {
    let raw: Vec<RawEntry> =
        serde_json::from_str(text).map_err(|e| Error::Damaged(format!("change log run: {e}")))?;
    raw.into_iter()
        .map(|RawEntry(no, value, hlc, prev_hlc, prev_node, cover)| {
            let field = entity
                .field_name(no)
                .ok_or_else(|| Error::Damaged(format!("change log: {entity} field {no}")))?
                .to_string();
            let value = match value {
                serde_json::Value::Null => SqlValue::Null,
                serde_json::Value::String(s) => SqlValue::Text(s),
                serde_json::Value::Number(n) => match n.as_i64() {
                    Some(i) => SqlValue::Integer(i),
                    None => return Err(Error::Damaged(format!("change log value {n}"))),
                },
                other => return Err(Error::Damaged(format!("change log value {other}"))),
            };
            let cover = match cover {
                None => Cover::Value,
                Some(text) => Cover::from_log(&text)
                    .ok_or_else(|| Error::Damaged(format!("change log cover {text:?}")))?,
            };
            Ok(Entry {
                field,
                value,
                hlc: base + hlc,
                prev_hlc,
                prev_node,
                cover,
            })
        })
        .collect()
}

/// Where a run goes: its origin, scope, record and first seq.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RunAt<'a> {
    pub node: i64,
    /// The study whose sync carries it; None for shared records.
    pub study: Option<&'a str>,
    pub entity: Entity,
    pub row_id: &'a str,
    pub first_seq: i64,
}

/// The local handle of the scope the runs of `study` are stored under, made on first use
/// (shared records' scope is 0).
pub(crate) fn scope_handle(conn: &Connection, study: &str) -> Result<i64> {
    conn.prepare_cached("INSERT INTO scopes(study) VALUES (?1) ON CONFLICT(study) DO NOTHING")?
        .execute([study])?;
    Ok(conn
        .prepare_cached("SELECT idx FROM scopes WHERE study = ?1")?
        .query_row([study], |r| r.get(0))?)
}

/// The statement `insert_run` takes, kept prepared by the caller.
pub(crate) const INSERT_RUN: &str =
    "INSERT INTO change_log(node, scope, entity, row_id, first_seq, last_seq, hlc, fields)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// Appends one run: consecutive seqs from `at.first_seq`, in order, in the scope whose
/// handle is `scope` (see [`scope_handle`]).
pub(crate) fn insert_run(
    insert: &mut Statement<'_>,
    scope: i64,
    at: RunAt<'_>,
    entries: &[EntryRef<'_>],
) -> Result<()> {
    let Some(min_hlc) = entries.iter().map(|e| e.hlc).min() else {
        return Ok(());
    };
    let fields = encode(at.entity, min_hlc, entries.iter().copied())?;
    // Seqs are at most MAX_SEQ (2^53) and a run a few thousand changes: checked all the same.
    let last_seq = i64::try_from(entries.len() - 1)
        .ok()
        .and_then(|n| at.first_seq.checked_add(n))
        .ok_or_else(|| Error::Internal(format!("a run past seq {}", at.first_seq)))?;
    insert.execute((
        at.node,
        scope,
        at.entity.code(),
        at.row_id,
        at.first_seq,
        last_seq,
        min_hlc,
        fields,
    ))?;
    Ok(())
}

/// Every run of one record.
pub(crate) fn record_runs(conn: &Connection, entity: Entity, row_id: &str) -> Result<Vec<Run>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.node, n.node_id, l.first_seq, l.last_seq, l.fields, l.hlc, s.study
           FROM change_log l JOIN nodes n ON n.idx = l.node JOIN scopes s ON s.idx = l.scope
          WHERE l.entity = ?1 AND l.row_id = ?2",
    )?;
    let mut rows = stmt.query((entity.code(), row_id))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let text: String = r.get(4)?;
        out.push(Run {
            scope: r.get(6)?,
            node: r.get(0)?,
            node_id: r.get(1)?,
            first_seq: r.get(2)?,
            last_seq: r.get(3)?,
            entries: decode(entity, r.get(5)?, &text)?,
        });
    }
    Ok(out)
}

/// Whether some run of `node` in `scope` (a study id, '' for shared records) holds `seq`.
pub(crate) fn holds(conn: &Connection, scope: &str, node: i64, seq: i64) -> Result<bool> {
    let last: Option<i64> = conn
        .prepare_cached(
            "SELECT last_seq FROM change_log WHERE scope = (SELECT idx FROM scopes WHERE study = ?1) AND node = ?2 AND first_seq <= ?3
              ORDER BY first_seq DESC LIMIT 1",
        )?
        .query_row((scope, node, seq), |r| r.get(0))
        .optional()?;
    Ok(last.is_some_and(|l| l >= seq))
}

/// The stamp of the change `seq` of `node` in `scope`, if held.
pub(crate) fn hlc_at(conn: &Connection, scope: &str, node: i64, seq: i64) -> Result<Option<i64>> {
    // The stamp is the run's plus the offset stored at the change's place in the run.
    let hlc: Option<Option<i64>> = conn
        .prepare_cached(
            "SELECT CASE WHEN last_seq >= ?3
                         THEN hlc + (fields ->> ('$[' || (?3 - first_seq) || '][2]')) END
               FROM change_log
              WHERE scope = (SELECT idx FROM scopes WHERE study = ?1) AND node = ?2
                AND first_seq <= ?3
              ORDER BY first_seq DESC LIMIT 1",
        )?
        .query_row((scope, node, seq), |r| r.get(0))
        .optional()?;
    Ok(hlc.flatten())
}

/// The first seq of the run that may hold `seq`'s successor: runs of one node and scope do
/// not overlap, so the runs holding seqs above `from` start at this seq or later.
fn range_start(conn: &Connection, scope: &str, node: i64, from: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(max(first_seq), ?3 + 1) FROM change_log
              WHERE scope = (SELECT idx FROM scopes WHERE study = ?1) AND node = ?2 AND first_seq <= ?3 + 1",
        )?
        .query_row((scope, node, from), |r| r.get(0))?)
}

/// One change read from a range: where it sits and what it is.
pub(crate) struct RangeItem<'a> {
    pub seq: i64,
    pub study: &'a Option<String>,
    pub entity: Entity,
    pub row_id: &'a str,
    pub entry: Entry,
}

/// The changes of `node` in `scope` with from < seq <= to, in seq order, at most `limit`.
pub(crate) fn read_range(
    conn: &Connection,
    scope: &str,
    node: i64,
    from: i64,
    to: i64,
    limit: usize,
    each: &mut dyn FnMut(RangeItem<'_>) -> Result<bool>,
) -> Result<()> {
    // An empty range; also keeps `from + 1` below (in SQL) from overflowing on any `from`.
    if from >= to {
        return Ok(());
    }
    let start = range_start(conn, scope, node, from)?;
    let mut stmt = conn.prepare_cached(
        "SELECT first_seq, entity, row_id, fields, hlc FROM change_log
          WHERE scope = (SELECT idx FROM scopes WHERE study = ?1) AND node = ?2 AND first_seq >= ?3 AND first_seq <= ?4
          ORDER BY first_seq",
    )?;
    let mut rows = stmt.query((scope, node, start, to))?;
    let study = (!scope.is_empty()).then(|| scope.to_string());
    let mut given = 0usize;
    while let Some(r) = rows.next()? {
        let first: i64 = r.get(0)?;
        let code: i64 = r.get(1)?;
        let entity =
            Entity::from_code(code).ok_or_else(|| Error::UnknownEntity(code.to_string()))?;
        let row_id: String = r.get(2)?;
        let text: String = r.get(3)?;
        for (i, entry) in decode(entity, r.get(4)?, &text)?.into_iter().enumerate() {
            let seq = first + i as i64;
            if seq <= from || seq > to {
                continue;
            }
            if given == limit {
                return Ok(());
            }
            given += 1;
            let more = each(RangeItem {
                seq,
                study: &study,
                entity,
                row_id: &row_id,
                entry,
            })?;
            if !more {
                return Ok(());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ranges may start and end inside runs: counts and reads agree, in seq order.
    #[test]
    fn ranges_cut_runs_where_asked() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = crate::store::Store::open_in_dir(dir.path()).unwrap();
        let fields = |v: serde_json::Value| serde_json::from_value(v).unwrap();
        // Run 1: the study's title and status (seqs 1-2); run 2: a session (3-5).
        let study = store
            .create(
                Entity::Study,
                &fields(serde_json::json!({"title": "Kayes"})),
            )
            .unwrap();
        store
            .create(
                Entity::Session,
                &fields(serde_json::json!({"study_id": study, "session_type": "workshop", "date": "2026-01-02"})),
            )
            .unwrap();
        let conn = store.conn();
        let node = store.node_idx();
        let scope = study.as_str();
        let read = |from, to, limit| {
            let mut seqs = Vec::new();
            read_range(conn, scope, node, from, to, limit, &mut |item| {
                seqs.push(item.seq);
                Ok(true)
            })
            .unwrap();
            seqs
        };
        assert_eq!(read(0, 5, usize::MAX), [1, 2, 3, 4, 5]);
        assert_eq!(read(1, 4, usize::MAX), [2, 3, 4]);
        assert_eq!(read(1, 5, 2), [2, 3]);
        assert_eq!(read(5, 5, usize::MAX), Vec::<i64>::new());
        assert!(holds(conn, scope, node, 4).unwrap());
        assert!(!holds(conn, scope, node, 6).unwrap());
        assert!(!holds(conn, "", node, 1).unwrap());
        assert!(hlc_at(conn, scope, node, 5).unwrap() > hlc_at(conn, scope, node, 1).unwrap());
        assert_eq!(hlc_at(conn, scope, node, 6).unwrap(), None);
    }

    /// What Rust writes, SQLite's JSON functions (the `changes` view) and Rust read back alike.
    #[test]
    fn runs_round_trip_through_rust_and_sqlite() {
        let tricky = "Réunion \"A\"\\ \n\t\r\u{1}\u{1f} — تمبكتو 🌍";
        let values = [
            SqlValue::Text(tricky.into()),
            SqlValue::Integer(i64::MIN),
            SqlValue::Null,
            SqlValue::Text("42".into()),
        ];
        let base = 7_000_000_000_000_000_000;
        let entries: Vec<EntryRef<'_>> = values
            .iter()
            .enumerate()
            .map(|(i, v)| EntryRef {
                field: "notes",
                value: v,
                hlc: base + i as i64,
                prev_hlc: (i == 1).then_some(base - 5),
                prev_node: (i == 1).then_some(3),
                cover: match i {
                    0 => Cover::Salted([7; 16]),
                    2 => Cover::Erased([9; 32]),
                    _ => Cover::Value,
                },
            })
            .collect();
        let text = encode(Entity::Session, base, entries.iter().copied()).unwrap();
        let back = decode(Entity::Session, base, &text).unwrap();
        for (e, b) in entries.iter().zip(&back) {
            assert_eq!(
                (e.field, e.value, e.hlc),
                (b.field.as_str(), &b.value, b.hlc)
            );
            assert_eq!((e.prev_hlc, e.prev_node), (b.prev_hlc, b.prev_node));
            assert_eq!(e.cover, b.cover);
        }
        let conn = Connection::open_in_memory().unwrap();
        for (i, v) in values.iter().enumerate() {
            let got: SqlValue = conn
                .query_row(&format!("SELECT ?1 ->> '$[{i}][1]'"), [&text], |r| r.get(0))
                .unwrap();
            assert_eq!(&got, v);
        }
        let one = |field, value| EntryRef {
            field,
            value,
            hlc: 0,
            prev_hlc: None,
            prev_node: None,
            cover: Cover::Value,
        };
        assert!(encode(Entity::Session, 0, [one("notes", &SqlValue::Real(1.5))]).is_err());
        assert!(encode(Entity::Session, 0, [one("x", &SqlValue::Null)]).is_err());
        // Numbers name fields per entity: 0 is the tombstone everywhere.
        let text = encode(
            Entity::Participant,
            0,
            [one("deleted", &SqlValue::Integer(1))],
        )
        .unwrap();
        assert_eq!(text, "[[0,1,0]]");
        assert_eq!(decode(Entity::Study, 0, &text).unwrap()[0].field, "deleted");
        assert!(decode(Entity::Resolution, 0, "[[9,1,0]]").is_err());
    }
}
