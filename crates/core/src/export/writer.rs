//! The writer that streams an export's rows from SQLite into a format's sink, table by table.

use std::path::PathBuf;

use rusqlite::Connection;

use crate::changes::sealed::Opener;
use crate::error::Result;
use crate::export::columns::Cell;
use crate::export::form_rows::FormRows;
use crate::export::forms::FormExport;
use crate::export::options::{ExportOptions, Progress, TableCount};
use crate::export::review::matches;
use crate::export::sink::Sink;
use crate::export::suppression::{region_key, region_table, RegionTable, Suppression};
use crate::export::tables::{codebook, tables};
use crate::read::live::live;
use crate::read::places::PlaceIndex;
use crate::schema::Entity;
use crate::stats::scope::Scope;

/// Progress is reported every this many rows of a table.
const EVERY: u64 = 2_000;

/// What [`write_all`] wrote.
pub(crate) struct Written {
    pub files: Vec<PathBuf>,
    pub counts: Vec<TableCount>,
    /// Cells hidden as "x".
    pub suppressed: u64,
    /// The ids of the sessions exported, sorted.
    pub sessions: Vec<String>,
}

/// Session types where one person speaks: their words and category would name them.
const INDIVIDUAL: [&str; 2] = ["individual_interview", "key_informant_interview"];

/// A date as its month (YYYY-MM), for anonymised exports.
fn month(date: Option<String>) -> Cell {
    match date {
        Some(d) => Cell::Text(d.chars().take(7).collect()),
        None => Cell::Null,
    }
}

/// Writes every table into the sink: the study's, then the form's when one is exported.
pub(crate) fn write_all(
    conn: &Connection,
    mut sink: Box<dyn Sink>,
    (opts, form): (&ExportOptions, Option<&FormExport>),
    progress: &mut dyn FnMut(&Progress),
) -> Result<Written> {
    let scope = Scope::load(conn, &opts.filter)?;
    let places = PlaceIndex::load(conn)?;
    let regions = region_table(&scope);
    let supp = if opts.anonymised {
        Suppression::compute(opts.min_cell, &scope.sessions, &regions)
    } else {
        Suppression::default()
    };
    let mut w = TableWriter {
        conn,
        opts,
        scope: &scope,
        places: &places,
        supp: &supp,
        sink: sink.as_mut(),
        progress,
        counts: Vec::new(),
        opener: Opener::load(conn)?,
    };
    for (name, cols) in tables(opts.anonymised) {
        w.sink.table(name, &cols)?;
        let rows = match name {
            "study" => w.studies()?,
            "session" => w.sessions()?,
            "participant" => w.participants()?,
            "tally" => w.tallies()?,
            "finding" => w.findings()?,
            "recommendation" => w.recommendations()?,
            _ => w.people_by_region(&regions)?,
        };
        w.sink.end_table()?;
        (w.progress)(&Progress::of(name, rows, rows));
        w.counts.push(TableCount::of(name, rows));
    }
    let mut counts = std::mem::take(&mut w.counts);
    let mut book = codebook(opts.anonymised);
    if let Some(form) = form {
        let rows = FormRows {
            conn,
            opts,
            scope: &scope,
            places: &places,
        };
        counts.extend(rows.write(form, sink.as_mut(), progress)?);
        book.extend(form.codebook());
    }
    sink.codebook(&book)?;
    let files = sink.finish()?;
    let mut sessions: Vec<String> = scope.sessions.keys().cloned().collect();
    sessions.sort();
    Ok(Written {
        files,
        counts,
        suppressed: supp.cells(),
        sessions,
    })
}

struct TableWriter<'a> {
    conn: &'a Connection,
    opts: &'a ExportOptions,
    scope: &'a Scope,
    places: &'a PlaceIndex,
    supp: &'a Suppression,
    sink: &'a mut dyn Sink,
    progress: &'a mut dyn FnMut(&Progress),
    counts: Vec<TableCount>,
    /// The HQ keys held here: sealed values are exported opened, else as the fixed marker.
    opener: Opener,
}

impl TableWriter<'_> {
    fn tick(&mut self, table: &str, done: u64, total: u64) {
        if done.is_multiple_of(EVERY) {
            (self.progress)(&Progress::of(table, done, total));
        }
    }

    /// Rows of a child table (participant, tally, finding) in scope, counted per session.
    fn child_total(&self, table: &str) -> Result<u64> {
        let (cond, params) = self.opts.filter.sql();
        let sql = format!(
            "SELECT x.session_id, count(*) FROM {table} x JOIN session s ON s.id = x.session_id
              WHERE x.deleted = 0 AND {cond} GROUP BY x.session_id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
        let mut n = 0u64;
        while let Some(r) = rows.next()? {
            let sid: String = r.get(0)?;
            if self.scope.sessions.contains_key(&sid) {
                n += r.get::<_, i64>(1)? as u64;
            }
        }
        Ok(n)
    }

    /// A date cell: a month only in an anonymised export.
    fn date(&self, date: Option<String>) -> Cell {
        if self.opts.anonymised {
            month(date)
        } else {
            Cell::text(date)
        }
    }

    /// Free text of a record in an anonymised export: kept only as a supervisor reviewed it
    /// (`review.rs`); `texts` are the record's reviewed fields in order, `mark` its review.
    fn reviewed(&self, mark: Option<&str>, texts: Vec<Option<String>>) -> Vec<Cell> {
        let refs: Vec<Option<&str>> = texts.iter().map(Option::as_deref).collect();
        if self.opts.anonymised && !matches(mark, &refs) {
            return texts.iter().map(|_| Cell::Null).collect();
        }
        texts.into_iter().map(Cell::text).collect()
    }

    /// Whether a session is too small for anyone's words to be told apart: an individual
    /// interview, or fewer people than the minimum cell.
    fn too_small(&self, session: &str) -> bool {
        self.scope.sessions.get(session).is_none_or(|i| {
            i.session_type
                .as_deref()
                .is_some_and(|t| INDIVIDUAL.contains(&t))
                || i.people.women + i.people.men < self.opts.min_cell
        })
    }

    /// A text cell of a field that may be sealed to headquarters (`changes::sealed`).
    fn unsealed(&self, entity: Entity, field: &str, v: Option<String>) -> Cell {
        match v {
            Some(t) => match self.opener.show(entity, field, &t.into()) {
                rusqlite::types::Value::Text(t) => Cell::Text(t),
                _ => Cell::Null,
            },
            None => Cell::Null,
        }
    }

    fn place_pair(&self, place_id: Option<&str>, kind: &str) -> [Cell; 2] {
        match place_id.and_then(|p| self.places.ancestor_of_kind(p, kind)) {
            Some(p) => [Cell::Text(p.name.clone()), Cell::text(p.pcode.clone())],
            None => [Cell::Null, Cell::Null],
        }
    }

    /// `select` (ending in a WHERE clause) narrowed to the exported study through `column`
    /// when one is chosen, in id order, with its parameters.
    fn of_study(&self, select: &str, column: &str) -> (String, Vec<String>) {
        let mut sql = select.to_string();
        let mut params = Vec::new();
        if let Some(s) = self.opts.filter.study() {
            sql.push_str(&format!(" AND {column} = ?1"));
            params.push(s.to_string());
        }
        sql.push_str(" ORDER BY id");
        (sql, params)
    }

    fn studies(&mut self) -> Result<u64> {
        let (sql, params) = self.of_study(
            "SELECT id, title, organisation, donor, theme, description, start_date, end_date, status
               FROM study WHERE deleted = 0",
            "id",
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            let mut cells = vec![Cell::Text(r.get(0)?)];
            for i in 1..6 {
                cells.push(Cell::text(r.get(i)?));
            }
            cells.push(self.date(r.get(6)?));
            cells.push(self.date(r.get(7)?));
            cells.push(Cell::text(r.get(8)?));
            self.sink.row(&cells)?;
            n += 1;
        }
        Ok(n)
    }

    fn sessions(&mut self) -> Result<u64> {
        let anon = self.opts.anonymised;
        let (cond, params) = self.opts.filter.sql();
        let sql = format!(
            "SELECT s.id, s.study_id, st.organisation, s.session_type, s.title, s.date, s.duration_minutes,
                    s.place_id, s.languages, s.facilitators, s.note_taker, s.woman_facilitator,
                    s.women_only, s.interpreter, s.consent_level, s.consent_form, s.consent_recording,
                    s.consent_quotes, s.consent_photos, s.notes, s.reviewed
               FROM session s LEFT JOIN study st ON st.id = s.study_id
              WHERE {cond} ORDER BY s.date, s.id"
        );
        let total = self.scope.sessions.len() as u64;
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let Some(info) = self.scope.sessions.get(&id) else {
                continue;
            };
            let place_id: Option<String> = r.get(7)?;
            let mut c = vec![
                Cell::Text(id.clone()),
                Cell::text(r.get(1)?),
                Cell::text(r.get(2)?),
                Cell::text(r.get(3)?),
            ];
            if !anon {
                c.push(Cell::text(r.get(4)?));
            }
            c.push(self.date(r.get(5)?));
            c.push(Cell::int(r.get(6)?));
            for kind in ["region", "cercle"] {
                c.extend(self.place_pair(place_id.as_deref(), kind));
            }
            if !anon {
                c.extend(self.place_pair(place_id.as_deref(), "commune"));
                match place_id.as_deref().and_then(|p| self.places.get(p)) {
                    Some(p) => c.extend([Cell::Text(p.name.clone()), Cell::text(p.pcode.clone())]),
                    None => c.extend([Cell::Null, Cell::Null]),
                }
                c.push(Cell::text(place_id.clone()));
            }
            c.push(Cell::list(r.get(8)?));
            if !anon {
                c.push(Cell::list(r.get(9)?));
                c.push(self.unsealed(Entity::Session, "note_taker", r.get(10)?));
            }
            for i in [11, 12, 13] {
                c.push(Cell::flag(r.get(i)?));
            }
            c.push(Cell::text(r.get(14)?));
            c.push(Cell::text(r.get(15)?));
            for i in [16, 17, 18] {
                c.push(Cell::flag(r.get(i)?));
            }
            let mark: Option<String> = r.get(20)?;
            // A sealed note is judged as headquarters reads it (the marker elsewhere).
            let notes = match self.unsealed(Entity::Session, "notes", r.get(19)?) {
                Cell::Text(t) => Some(t),
                _ => None,
            };
            c.extend(self.reviewed(mark.as_deref(), vec![notes]));
            for (sex, v) in [("female", info.people.women), ("male", info.people.men)] {
                if self.supp.sessions.contains(&(id.clone(), sex)) {
                    c.push(Cell::Suppressed);
                } else {
                    c.push(Cell::Int(v));
                }
            }
            self.sink.row(&c)?;
            n += 1;
            self.tick("session", n, total);
        }
        Ok(n)
    }

    /// Writes the rows of a table whose records hang off sessions (participant, tally,
    /// finding) for the sessions in scope. `columns` follow `x.id, x.session_id` in the select
    /// (`x` the table, `s` its session); `cells` turns a row (id at 0, session at 1) into cells.
    fn child_rows(
        &mut self,
        table: &str,
        columns: &str,
        cells: &dyn Fn(&Self, &rusqlite::Row<'_>) -> Result<Vec<Cell>>,
    ) -> Result<u64> {
        let total = self.child_total(table)?;
        let (cond, params) = self.opts.filter.sql();
        let sql = format!(
            "SELECT x.id, x.session_id, {columns}
               FROM session s JOIN {table} x ON x.session_id = s.id
              WHERE x.deleted = 0 AND {cond}"
        );
        let conn = self.conn;
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            let sid: String = r.get(1)?;
            if !self.scope.sessions.contains_key(&sid) {
                continue;
            }
            let c = cells(self, r)?;
            self.sink.row(&c)?;
            n += 1;
            self.tick(table, n, total);
        }
        Ok(n)
    }

    fn participants(&mut self) -> Result<u64> {
        let columns = "x.code, x.sex, x.age, x.age_band, x.actor_group, x.institution, x.role,
                       x.home_commune_id, x.consent, x.name, x.phone";
        self.child_rows("participant", columns, &|w, r| {
            let home: Option<String> = r.get(9)?;
            let mut c = vec![
                Cell::Text(r.get(0)?),
                Cell::Text(r.get(1)?),
                Cell::text(r.get(2)?),
                Cell::text(r.get(3)?),
                Cell::int(r.get(4)?),
            ];
            for i in 5..9 {
                c.push(Cell::text(r.get(i)?));
            }
            c.extend(w.place_pair(home.as_deref(), "commune"));
            c.push(Cell::text(r.get(10)?));
            for (i, field) in [(11, "name"), (12, "phone")] {
                c.push(w.unsealed(Entity::Participant, field, r.get(i)?));
            }
            Ok(c)
        })
    }

    fn tallies(&mut self) -> Result<u64> {
        let columns = "x.sex, x.age_band, x.actor_group, x.count";
        self.child_rows("tally", columns, &|_, r| {
            Ok(vec![
                Cell::Text(r.get(0)?),
                Cell::Text(r.get(1)?),
                Cell::text(r.get(2)?),
                Cell::text(r.get(3)?),
                Cell::text(r.get(4)?),
                Cell::int(r.get(5)?),
            ])
        })
    }

    fn findings(&mut self) -> Result<u64> {
        let columns = "x.theme, x.text, x.speaker_category, s.consent_quotes, x.reviewed";
        self.child_rows("finding", columns, &|w, r| {
            let session: String = r.get(1)?;
            let mark: Option<String> = r.get(6)?;
            let mut c = vec![Cell::Text(r.get(0)?), Cell::Text(session.clone())];
            c.extend(w.reviewed(mark.as_deref(), vec![r.get(2)?, r.get(3)?]));
            c.push(Cell::text(r.get(4)?));
            if w.opts.anonymised {
                // Shared outside the team, words are quoted only where people agreed to quotes,
                // and neither words nor who said them where so few spoke that they would name
                // someone.
                let quotable = r.get::<_, Option<i64>>(5)? == Some(1);
                let small = w.too_small(&session);
                if !quotable || small {
                    c[3] = Cell::Null;
                }
                if small {
                    c[4] = Cell::Null;
                }
            }
            Ok(c)
        })
    }

    fn recommendations(&mut self) -> Result<u64> {
        let select = format!(
            "SELECT id, study_id, text, theme, target_institution, level, status, source_sessions,
                    validated_at, reviewed
               FROM recommendation WHERE {}",
            live(Entity::Recommendation, "recommendation")
        );
        let (sql, params) = self.of_study(&select, "study_id");
        let narrows = self.opts.filter.narrows_study();
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            let sources: Option<String> = r.get(7)?;
            let validated: Option<String> = r.get(8)?;
            // Filtered by place, type or period: the recommendations drawn from those sessions.
            if narrows && !self.scope.covers(sources.as_deref(), validated.as_deref()) {
                continue;
            }
            let mark: Option<String> = r.get(9)?;
            let texts = self.reviewed(mark.as_deref(), vec![r.get(2)?, r.get(3)?, r.get(4)?]);
            let mut c = vec![Cell::Text(r.get(0)?), Cell::text(r.get(1)?)];
            c.extend(texts);
            c.extend([
                Cell::text(r.get(5)?),
                Cell::text(r.get(6)?),
                Cell::list(sources),
                Cell::text(validated),
            ]);
            self.sink.row(&c)?;
            n += 1;
        }
        Ok(n)
    }

    fn people_by_region(&mut self, regions: &RegionTable) -> Result<u64> {
        let mut n = 0;
        for (r, groups) in regions {
            for (g, c) in groups {
                let key = region_key(r);
                let cell = |sex: &'static str, v: i64| {
                    if self
                        .supp
                        .region_cells
                        .contains(&(key.clone(), g.clone(), sex))
                    {
                        Cell::Suppressed
                    } else {
                        Cell::Int(v)
                    }
                };
                let row = [
                    Cell::text(Some(r.name.clone()).filter(|n| !n.is_empty())),
                    Cell::text(r.pcode.clone()),
                    Cell::Text(g.clone()),
                    cell("female", c.women),
                    cell("male", c.men),
                ];
                self.sink.row(&row)?;
                n += 1;
            }
        }
        Ok(n)
    }
}
