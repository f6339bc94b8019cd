//! The rows of a form's tables (`forms.rs` plans them), streamed: responses are read in id
//! order and each one's answers on their own, so memory holds one response at a time whatever
//! the number of responses. Each table is one pass over the responses; the passes meet the
//! responses and their repeat instances in the same order, so a repeat row's `_parent_index`
//! is its parent row's `_index` (the responses' table numbers its rows the same way).

use std::collections::HashMap;

use rusqlite::Connection;

use crate::error::Result;
use crate::export::columns::Cell;
use crate::export::forms::{AnswerCol, FormExport, FormTable, Shape};
use crate::export::options::{ExportOptions, Progress, TableCount};
use crate::export::sink::Sink;
use crate::read::live::live;
use crate::read::places::PlaceIndex;
use crate::schema::Entity;
use crate::stats::scope::Scope;

/// Progress is reported every this many responses.
const EVERY: u64 = 2_000;

/// What the rows are read with.
pub(crate) struct FormRows<'a> {
    pub conn: &'a Connection,
    pub opts: &'a ExportOptions,
    pub scope: &'a Scope,
    pub places: &'a PlaceIndex,
}

/// One response, as the responses' table shows who gave it, where and when.
struct Response {
    id: String,
    version: Option<String>,
    status: Option<String>,
    session_id: Option<String>,
    /// The linked participant's code, sex, age band and actor group.
    respondent: [Option<String>; 4],
}

/// A response's answers: values by path, and each repeat's instances by the path of the
/// instance holding them ("" at the top) and the repeat's name, in order.
#[derive(Default)]
struct Answers {
    values: HashMap<String, String>,
    instances: HashMap<(String, String), Vec<(f64, String)>>,
}

impl Answers {
    fn read(conn: &Connection, response: &str) -> Result<Answers> {
        let mut stmt = conn.prepare_cached(
            "SELECT path, value FROM answer
              WHERE response_id = ?1 AND deleted = 0 AND value IS NOT NULL",
        )?;
        let mut rows = stmt.query([response])?;
        let mut out = Answers::default();
        while let Some(r) = rows.next()? {
            let path: String = r.get(0)?;
            let value: String = r.get(1)?;
            if let Some(instance) = path.strip_suffix(']') {
                // `parent/…/repeat[key]`: an instance, its value its order key.
                let (parent, last) = match instance.rsplit_once('/') {
                    Some((p, l)) => (format!("{p}/"), l),
                    None => (String::new(), instance),
                };
                if let Some((repeat, key)) = last.split_once('[') {
                    let order = value.trim().parse::<f64>().unwrap_or(f64::MAX);
                    out.instances
                        .entry((parent, repeat.to_string()))
                        .or_default()
                        .push((order, key.to_string()));
                }
            } else {
                out.values.insert(path, value);
            }
        }
        for list in out.instances.values_mut() {
            list.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        }
        Ok(out)
    }

    /// The paths (ending in `/`) of the instances of `repeat` inside `parent`, in order.
    fn instances(&self, parent: &str, repeat: &str) -> Vec<String> {
        self.instances
            .get(&(parent.to_string(), repeat.to_string()))
            .map(|list| {
                list.iter()
                    .map(|(_, key)| format!("{parent}{repeat}[{key}]/"))
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl FormRows<'_> {
    /// Writes every table of the form into the sink and returns their row counts.
    pub fn write(
        &self,
        form: &FormExport,
        sink: &mut dyn Sink,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<Vec<TableCount>> {
        let total = self.count(form)?;
        let mut counts = Vec::new();
        for table in &form.tables {
            sink.table(&table.name, &table.cols)?;
            let mut rows = 0u64;
            // The last `_index` given at each level: the responses' table, then each repeat.
            let mut index = vec![0u64; table.chain.len() + 1];
            let mut done = 0u64;
            self.each_response(form, &mut |response, answers| {
                index[0] += 1;
                done += 1;
                if done.is_multiple_of(EVERY) {
                    progress(&Progress::of(&table.name, done, total));
                }
                if table.chain.is_empty() {
                    sink.row(&self.response_cells(table, response, answers))?;
                    rows += 1;
                    return Ok(());
                }
                let mut out = Vec::new();
                instance_rows(answers, &table.chain, "", 0, &mut index, &mut out);
                for (prefix, parent, own) in out {
                    let mut cells = vec![
                        Cell::Int(parent as i64),
                        Cell::Text(response.id.clone()),
                        Cell::Int(own as i64),
                    ];
                    cells.extend(answer_cells(table, answers, &prefix));
                    sink.row(&cells)?;
                    rows += 1;
                }
                Ok(())
            })?;
            sink.end_table()?;
            progress(&Progress::of(&table.name, rows, rows));
            counts.push(TableCount::of(&table.name, rows));
        }
        Ok(counts)
    }

    /// The live responses of the form's versions (`read::live`), with their participant when
    /// it is live; [`FormRows::kept`] then narrows them to the export's sessions.
    fn select(&self, what: &str) -> String {
        format!(
            "SELECT {what} FROM response r
               JOIN form f ON f.id = r.form_ref
               LEFT JOIN participant p ON p.id = r.participant_id AND {}
              WHERE f.study_id = ?1 AND f.form_id = ?2 AND {}",
            live(Entity::Participant, "p"),
            live(Entity::Response, "r"),
        )
    }

    /// Whether a response is exported: all of them, unless the sessions are narrowed (by
    /// place, type or period): then those of the sessions kept.
    fn kept(&self, session: Option<&str>) -> bool {
        match session {
            Some(s) => !self.opts.filter.narrows_study() || self.scope.sessions.contains_key(s),
            None => !self.opts.filter.narrows_study(),
        }
    }

    fn count(&self, form: &FormExport) -> Result<u64> {
        let sql = self.select("r.session_id");
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([&form.study_id, &form.form_id])?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            if self.kept(r.get::<_, Option<String>>(0)?.as_deref()) {
                n += 1;
            }
        }
        Ok(n)
    }

    /// Calls `each` with every exported response and its answers, in response id order.
    fn each_response(
        &self,
        form: &FormExport,
        each: &mut dyn FnMut(&Response, &Answers) -> Result<()>,
    ) -> Result<()> {
        let sql = format!(
            "{} ORDER BY r.id",
            self.select(
                "r.id, f.version, r.status, r.session_id, p.code, p.sex, p.age_band, p.actor_group"
            )
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([&form.study_id, &form.form_id])?;
        while let Some(r) = rows.next()? {
            let response = Response {
                id: r.get(0)?,
                version: r.get(1)?,
                status: r.get(2)?,
                session_id: r.get(3)?,
                respondent: [r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?],
            };
            if !self.kept(response.session_id.as_deref()) {
                continue;
            }
            let answers = Answers::read(self.conn, &response.id)?;
            each(&response, &answers)?;
        }
        Ok(())
    }

    /// A row of the responses' table.
    fn response_cells(&self, table: &FormTable, r: &Response, answers: &Answers) -> Vec<Cell> {
        let anonymised = self.opts.anonymised;
        let session = r
            .session_id
            .as_deref()
            .and_then(|s| self.scope.sessions.get(s));
        let date = session.and_then(|s| s.date.clone());
        let place_id = session.and_then(|s| s.place_id.as_deref());
        let place = if anonymised {
            place_id.and_then(|p| self.places.ancestor_of_kind(p, "cercle"))
        } else {
            place_id.and_then(|p| self.places.get(p))
        };
        let mut c = vec![
            Cell::Text(r.id.clone()),
            Cell::text(r.version.clone()),
            Cell::text(r.status.clone()),
            Cell::text(r.session_id.clone()),
            if anonymised {
                Cell::text(date.map(|d| d.chars().take(7).collect()))
            } else {
                Cell::text(date)
            },
            Cell::text(place.map(|p| p.name.clone())),
            Cell::text(place.and_then(|p| p.pcode.clone())),
        ];
        let from = if anonymised { 1 } else { 0 };
        c.extend(r.respondent[from..].iter().cloned().map(Cell::text));
        c.extend(answer_cells(table, answers, ""));
        c
    }
}

/// Walks the instances of `chain` from `level` inside `parent` (a path ending in `/`, or ""),
/// numbering each level's instances in `index` (`index[0]` is the response's row), and pushes
/// the innermost ones: their path, their parent row's `_index` and their own.
fn instance_rows(
    answers: &Answers,
    chain: &[String],
    parent: &str,
    level: usize,
    index: &mut [u64],
    out: &mut Vec<(String, u64, u64)>,
) {
    for path in answers.instances(parent, &chain[level]) {
        index[level + 1] += 1;
        if level + 1 == chain.len() {
            out.push((path, index[level], index[level + 1]));
        } else {
            instance_rows(answers, chain, &path, level + 1, index, out);
        }
    }
}

/// The answer columns of a row whose questions' paths start with `prefix`.
fn answer_cells(table: &FormTable, answers: &Answers, prefix: &str) -> Vec<Cell> {
    table
        .answers
        .iter()
        .map(|col| match col {
            AnswerCol::Value(name, shape) => {
                value_cell(answers.values.get(&format!("{prefix}{name}")), *shape)
            }
            AnswerCol::Chosen(name, choice) => {
                match answers.values.get(&format!("{prefix}{name}")) {
                    Some(v) => Cell::Int(v.split_whitespace().any(|c| c == choice) as i64),
                    None => Cell::Null,
                }
            }
        })
        .collect()
}

/// A stored answer as a cell: a number when its question takes one and it reads as one (a
/// value received from another laptop is not checked: anything else stays as text).
fn value_cell(value: Option<&String>, shape: Shape) -> Cell {
    let Some(v) = value else {
        return Cell::Null;
    };
    match shape {
        Shape::Integer => match v.trim().parse::<i64>() {
            Ok(i) => Cell::Int(i),
            Err(_) => Cell::Text(v.clone()),
        },
        Shape::Number => match v.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Cell::Num(n),
            _ => Cell::Text(v.clone()),
        },
        Shape::Text => Cell::Text(v.clone()),
    }
}
