//! Exports of a study (or all studies) to CSV, XLSX or JSON, optionally with an HXL hashtag
//! row and anonymised for sharing outside the team. Rows are streamed from SQLite to the file:
//! only sessions (a few per thousand participants) and small aggregates are held in memory.
//! Every export is recorded as a synced `export` record.
//!
//! Anonymised exports:
//! - drop names, contact details and identifying free text: session title, notes,
//!   facilitators and note-taker; the participant and tally tables (person-level lines and
//!   sheets whose counts would give away every hidden cell) are left out; a finding's text is
//!   kept only when the session consented to quotes;
//! - publish head counts in two places only — the women/men columns of each session and the
//!   `people_by_region` table (region × actor group × sex) — and hide any of those cells below
//!   `min_cell` as "x". Both tables add up to the same region totals per sex, so a hidden cell
//!   could be recovered by subtraction when it is the only non-zero hidden cell of its region
//!   and sex: one more cell is then hidden (see [`Suppression`]). No totals are written.

mod columns;
mod csv_out;
mod json_out;
mod xlsx_out;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use crate::error::{Error, Refusal, Result};
use crate::read::{PlaceIndex, SexCount};
use crate::schema::Entity;
use crate::stats::{RegionRef, Scope, StatsFilter};
use crate::store::Store;
use columns::{count_col, derived, field, id_col, place_cols, Cell, Col};
pub use columns::{is_hxl_tag, CodebookEntry};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export, rename = "ExportFormat")]
pub enum Format {
    Csv,
    Xlsx,
    Json,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
        }
    }
}

/// What separates the values of a CSV line. Excel set to French (as in Bamako's offices)
/// reads `;` as the separator and shows a comma-separated file in one column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CsvSeparator {
    #[default]
    Comma,
    Semicolon,
}

impl CsvSeparator {
    pub fn byte(self) -> u8 {
        match self {
            CsvSeparator::Comma => b',',
            CsvSeparator::Semicolon => b';',
        }
    }
}

pub const DEFAULT_MIN_CELL: i64 = 5;

fn default_min_cell() -> i64 {
    DEFAULT_MIN_CELL
}

/// What to export and how.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct ExportOptions {
    #[serde(default)]
    pub study_id: Option<String>,
    #[serde(default)]
    pub date_from: Option<String>,
    #[serde(default)]
    pub date_to: Option<String>,
    /// A region's place id: sessions whose place lies inside it.
    #[serde(default)]
    pub region_id: Option<String>,
    #[serde(default)]
    pub session_type: Option<String>,
    /// Add an HXL hashtag row under the headers.
    #[serde(default)]
    pub hxl: bool,
    /// For sharing outside the team: no names, contacts or identifying text; small counts hidden.
    #[serde(default)]
    pub anonymised: bool,
    /// Counts below this are hidden in an anonymised export.
    #[serde(default = "default_min_cell")]
    pub min_cell: i64,
    /// Who exported, as recorded with the export (the device's node id is always recorded).
    #[serde(default)]
    pub user_name: Option<String>,
    /// CSV only: the separator of values.
    #[serde(default)]
    pub csv_separator: CsvSeparator,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            study_id: None,
            date_from: None,
            date_to: None,
            region_id: None,
            session_type: None,
            hxl: false,
            anonymised: false,
            min_cell: DEFAULT_MIN_CELL,
            user_name: None,
            csv_separator: CsvSeparator::Comma,
        }
    }
}

impl ExportOptions {
    pub fn filter(&self) -> StatsFilter {
        StatsFilter {
            study_id: self.study_id.clone(),
            date_from: self.date_from.clone(),
            date_to: self.date_to.clone(),
            region_id: self.region_id.clone(),
            session_type: self.session_type.clone(),
            by_age: false,
            as_of: None,
        }
    }

    fn filters_json(&self) -> Json {
        let mut m = serde_json::Map::new();
        for (k, v) in [
            ("study_id", &self.study_id),
            ("date_from", &self.date_from),
            ("date_to", &self.date_to),
            ("region_id", &self.region_id),
            ("session_type", &self.session_type),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
                m.insert(k.to_string(), Json::String(v.to_string()));
            }
        }
        Json::Object(m)
    }
}

/// How far an export has got, for a progress bar.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export, rename = "ExportProgress")]
pub struct Progress {
    pub table: String,
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct TableCount {
    pub table: String,
    pub rows: u64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExportSummary {
    /// The id of the synced `export` record.
    pub export_id: String,
    pub format: Format,
    pub files: Vec<String>,
    pub tables: Vec<TableCount>,
    /// Cells hidden as "x" (anonymised exports).
    pub suppressed_cells: u64,
}

/// Where a format's output goes: a folder of files (CSV) or one file.
pub(crate) trait Sink {
    fn table(&mut self, name: &str, cols: &[Col]) -> Result<()>;
    fn row(&mut self, cells: &[Cell]) -> Result<()>;
    fn end_table(&mut self) -> Result<()>;
    fn codebook(&mut self, entries: &[CodebookEntry]) -> Result<()>;
    fn finish(self: Box<Self>) -> Result<Vec<PathBuf>>;
}

const EVERY: u64 = 2_000;

/// The tables of an export, in order, with their columns.
pub fn tables(anonymised: bool) -> Vec<(&'static str, Vec<Col>)> {
    let mut out = vec![
        ("study", study_cols()),
        ("session", session_cols(anonymised)),
    ];
    if !anonymised {
        out.push(("participant", participant_cols()));
        out.push(("tally", tally_cols()));
    }
    out.push(("finding", finding_cols()));
    out.push(("recommendation", recommendation_cols()));
    out.push(("people_by_region", region_cols()));
    out
}

/// Every column of every table of an export, for the codebook.
pub fn codebook(anonymised: bool) -> Vec<CodebookEntry> {
    tables(anonymised)
        .into_iter()
        .flat_map(|(table, cols)| {
            cols.into_iter().map(move |c| CodebookEntry {
                table: table.to_string(),
                column: c.name.to_string(),
                hxl: c.hxl,
                meaning_fr: c.label_fr,
                meaning_en: c.label_en,
                allowed_values: c.allowed,
            })
        })
        .collect()
}

fn study_cols() -> Vec<Col> {
    let e = Entity::Study;
    vec![
        id_col(e, "#x_study+id"),
        field(e, "title", Some("#x_study+name")),
        field(e, "organisation", Some("#org")),
        field(e, "donor", Some("#org+funder")),
        field(e, "theme", Some("#x_study+theme")),
        field(e, "description", None),
        field(e, "start_date", Some("#date+start")),
        field(e, "end_date", Some("#date+end")),
        field(e, "status", Some("#status")),
    ]
}

fn session_cols(anonymised: bool) -> Vec<Col> {
    let e = Entity::Session;
    let mut c = vec![
        id_col(e, "#activity+id"),
        field(e, "study_id", Some("#x_study+id")),
        derived(
            "organisation",
            "#org",
            "organisation de l'étude",
            "organisation of the study",
            "texte libre / free text",
        ),
        field(e, "session_type", Some("#activity+type")),
    ];
    if !anonymised {
        c.push(field(e, "title", Some("#activity+name")));
    }
    c.push(field(e, "date", Some("#date")));
    c.push(field(e, "duration_minutes", None));
    c.extend(place_cols(
        "region_name",
        "region_pcode",
        "#adm1",
        "région",
        "region",
    ));
    c.extend(place_cols(
        "cercle_name",
        "cercle_pcode",
        "#adm2",
        "cercle",
        "cercle",
    ));
    c.extend(place_cols(
        "commune_name",
        "commune_pcode",
        "#adm3",
        "commune",
        "commune",
    ));
    c.extend(place_cols(
        "place_name",
        "place_pcode",
        "#loc",
        "lieu de la séance",
        "session place",
    ));
    c.push(field(e, "place_id", Some("#loc+id")));
    c.push(field(e, "languages", Some("#language")));
    if !anonymised {
        c.push(field(e, "facilitators", None));
        c.push(field(e, "note_taker", None));
    }
    for f in [
        "woman_facilitator",
        "women_only",
        "interpreter",
        "consent_level",
        "consent_form",
        "consent_recording",
        "consent_quotes",
        "consent_photos",
    ] {
        c.push(field(e, f, None));
    }
    if !anonymised {
        c.push(field(e, "notes", Some("#description")));
    }
    c.extend(reached_cols());
    c
}

/// The women and men consulted, as sessions and tallies count them.
fn reached_cols() -> [Col; 2] {
    [
        count_col(
            "women",
            "#reached+f",
            "femmes consultées",
            "women consulted",
        ),
        count_col("men", "#reached+m", "hommes consultés", "men consulted"),
    ]
}

fn participant_cols() -> Vec<Col> {
    let e = Entity::Participant;
    let mut c = vec![
        id_col(e, "#x_participant+id"),
        field(e, "session_id", Some("#activity+id")),
    ];
    for f in [
        "code",
        "sex",
        "age",
        "age_band",
        "actor_group",
        "institution",
        "role",
    ] {
        c.push(field(
            e,
            f,
            if f == "institution" {
                Some("#x_institution")
            } else {
                None
            },
        ));
    }
    c.extend(place_cols(
        "home_commune_name",
        "home_commune_pcode",
        "#x_home_commune",
        "commune de résidence",
        "home commune",
    ));
    for f in ["consent", "name", "phone"] {
        c.push(field(
            e,
            f,
            if f == "phone" {
                Some("#contact+phone")
            } else if f == "name" {
                Some("#contact+name")
            } else {
                None
            },
        ));
    }
    c
}

fn tally_cols() -> Vec<Col> {
    let e = Entity::Tally;
    vec![
        id_col(e, "#x_tally+id"),
        field(e, "session_id", Some("#activity+id")),
        field(e, "sex", None),
        field(e, "age_band", None),
        field(e, "actor_group", None),
        field(e, "count", Some("#reached")),
    ]
}

fn finding_cols() -> Vec<Col> {
    let e = Entity::Finding;
    vec![
        id_col(e, "#x_finding+id"),
        field(e, "session_id", Some("#activity+id")),
        field(e, "theme", Some("#x_theme")),
        field(e, "text", Some("#description")),
        field(e, "speaker_category", None),
    ]
}

fn recommendation_cols() -> Vec<Col> {
    let e = Entity::Recommendation;
    vec![
        id_col(e, "#x_recommendation+id"),
        field(e, "study_id", Some("#x_study+id")),
        field(e, "text", Some("#description")),
        field(e, "theme", Some("#x_theme")),
        field(e, "target_institution", Some("#org+target")),
        field(e, "level", None),
        field(e, "status", Some("#status")),
        field(e, "source_sessions", None),
        field(e, "validated_at", None),
    ]
}

fn region_cols() -> Vec<Col> {
    let mut c: Vec<Col> =
        place_cols("region_name", "region_pcode", "#adm1", "région", "region").into();
    // A participant's actor group, a missing one counted under "unknown".
    let mut group = field(Entity::Participant, "actor_group", None);
    group.allowed = format!("{}, {}", group.allowed, crate::schema::UNKNOWN);
    c.push(group);
    c.extend(reached_cols());
    c
}

/// Small-cell suppression of the two published head-count tables.
#[derive(Debug, Default)]
pub(crate) struct Suppression {
    /// (session id, sex) cells hidden in the session table.
    pub sessions: HashSet<(String, &'static str)>,
    /// (region key, actor group, sex) cells hidden in `people_by_region`.
    pub region_cells: HashSet<(String, String, &'static str)>,
}

type RegionTable = BTreeMap<RegionRef, BTreeMap<String, SexCount>>;

fn region_key(r: &RegionRef) -> String {
    r.id.clone().unwrap_or_default()
}

fn sex_count(c: &SexCount, sex: &str) -> i64 {
    if sex == "female" {
        c.women
    } else {
        c.men
    }
}

impl Suppression {
    /// Hides cells below `min`, then, per region and sex, makes sure no hidden non-zero cell
    /// is alone: session cells and actor-group cells of a region add up to the same total, so
    /// a single hidden one would be that total minus the published ones. Zeros are not counted
    /// as protection, since a reader may know them (a women-only session has no men).
    pub(crate) fn compute(
        min: i64,
        sessions: &HashMap<String, crate::stats::SessionInfo>,
        regions: &RegionTable,
    ) -> Suppression {
        let mut s = Suppression::default();
        for (id, info) in sessions {
            for sex in ["female", "male"] {
                if sex_count(&info.people, sex) < min {
                    s.sessions.insert((id.clone(), sex));
                }
            }
        }
        for (r, groups) in regions {
            for (g, c) in groups {
                for sex in ["female", "male"] {
                    if sex_count(c, sex) < min {
                        s.region_cells.insert((region_key(r), g.clone(), sex));
                    }
                }
            }
        }
        let mut by_region: HashMap<String, Vec<&crate::stats::SessionInfo>> = HashMap::new();
        for info in sessions.values() {
            by_region
                .entry(region_key(&info.region))
                .or_default()
                .push(info);
        }
        loop {
            let mut changed = false;
            for (r, groups) in regions {
                let key = region_key(r);
                let region_sessions = by_region.get(&key).map(Vec::as_slice).unwrap_or(&[]);
                for sex in ["female", "male"] {
                    let hidden_sessions = region_sessions
                        .iter()
                        .filter(|i| {
                            s.sessions.contains(&(i.id.clone(), sex))
                                && sex_count(&i.people, sex) > 0
                        })
                        .count();
                    let hidden_groups = groups
                        .iter()
                        .filter(|(g, c)| {
                            s.region_cells.contains(&(key.clone(), (*g).clone(), sex))
                                && sex_count(c, sex) > 0
                        })
                        .count();
                    if hidden_sessions + hidden_groups != 1 {
                        continue;
                    }
                    let group = groups
                        .iter()
                        .filter(|(g, c)| {
                            sex_count(c, sex) > 0
                                && !s.region_cells.contains(&(key.clone(), (*g).clone(), sex))
                        })
                        .min_by_key(|(g, c)| (sex_count(c, sex), (*g).clone()));
                    if let Some((g, _)) = group {
                        s.region_cells.insert((key.clone(), g.clone(), sex));
                        changed = true;
                        continue;
                    }
                    let session = region_sessions
                        .iter()
                        .filter(|i| {
                            sex_count(&i.people, sex) > 0
                                && !s.sessions.contains(&(i.id.clone(), sex))
                        })
                        .min_by_key(|i| (sex_count(&i.people, sex), i.id.clone()));
                    if let Some(i) = session {
                        s.sessions.insert((i.id.clone(), sex));
                        changed = true;
                    }
                }
            }
            if !changed {
                return s;
            }
        }
    }

    pub(crate) fn cells(&self) -> u64 {
        self.sessions.len() as u64 + self.region_cells.len() as u64
    }
}

/// People per region and actor group of the sessions in scope.
fn region_table(scope: &Scope) -> RegionTable {
    let mut t: RegionTable = BTreeMap::new();
    for ((ri, sex, actor, _age), n) in &scope.cells {
        t.entry(scope.regions[*ri].clone())
            .or_default()
            .entry(actor.to_string())
            .or_default()
            .add(sex, *n);
    }
    t
}

/// Exports to `out` (a folder for CSV, a file otherwise) and records the export.
pub fn run(
    store: &mut Store,
    format: Format,
    out: &Path,
    opts: &ExportOptions,
    progress: &mut dyn FnMut(&Progress),
) -> Result<ExportSummary> {
    if opts.anonymised && opts.min_cell < 1 {
        return Err(Error::Refused(Refusal::MinCellTooSmall));
    }
    if let Some(study) = opts.study_id.as_deref().filter(|s| !s.trim().is_empty()) {
        crate::read::get(store.conn(), Entity::Study, study)?;
    }
    let sink: Box<dyn Sink> = match format {
        Format::Csv => Box::new(csv_out::CsvSink::create(out, opts.hxl, opts.csv_separator)?),
        Format::Xlsx => Box::new(xlsx_out::XlsxSink::create(out, opts.hxl)?),
        Format::Json => Box::new(json_out::JsonSink::create(
            out,
            opts.hxl,
            &header_json(store, format, opts),
        )?),
    };
    let (files, counts, suppressed) = write_all(store.conn(), sink, opts, progress)?;
    let mut fields = BTreeMap::new();
    if let Some(study) = opts.study_id.as_deref().filter(|s| !s.trim().is_empty()) {
        fields.insert("study_id".to_string(), Json::String(study.to_string()));
    }
    fields.insert("format".into(), Json::String(format.as_str().into()));
    fields.insert("exported_at".into(), Json::String(now_rfc3339()));
    fields.insert("node_id".into(), Json::String(store.node_id().to_string()));
    if let Some(u) = opts.user_name.as_deref().filter(|u| !u.trim().is_empty()) {
        fields.insert("user_name".into(), Json::String(u.trim().to_string()));
    }
    fields.insert(
        "filters".into(),
        Json::String(opts.filters_json().to_string()),
    );
    fields.insert("hxl".into(), Json::Bool(opts.hxl));
    fields.insert("anonymised".into(), Json::Bool(opts.anonymised));
    if opts.anonymised {
        fields.insert("min_cell".into(), Json::from(opts.min_cell));
    }
    let rows: serde_json::Map<String, Json> = counts
        .iter()
        .map(|c| (c.table.clone(), Json::from(c.rows)))
        .collect();
    fields.insert(
        "row_counts".into(),
        Json::String(Json::Object(rows).to_string()),
    );
    let export_id = store.create(Entity::Export, &fields)?;
    Ok(ExportSummary {
        export_id,
        format,
        files: files.iter().map(|p| p.display().to_string()).collect(),
        tables: counts,
        suppressed_cells: suppressed,
    })
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn header_json(store: &Store, format: Format, opts: &ExportOptions) -> Json {
    serde_json::json!({
        "format": format.as_str(),
        "exported_at": now_rfc3339(),
        "node_id": store.node_id(),
        "user_name": opts.user_name,
        "filters": opts.filters_json(),
        "hxl": opts.hxl,
        "anonymised": opts.anonymised,
        "min_cell": if opts.anonymised { Some(opts.min_cell) } else { None },
    })
}

/// Writes every table into the sink; returns the files, rows per table and hidden cells.
pub(crate) fn write_all(
    conn: &Connection,
    mut sink: Box<dyn Sink>,
    opts: &ExportOptions,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(Vec<PathBuf>, Vec<TableCount>, u64)> {
    let f = opts.filter();
    let scope = Scope::load_with(conn, &f, false, true)?;
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
        filter: &f,
        scope: &scope,
        places: &places,
        supp: &supp,
        sink: sink.as_mut(),
        progress,
        counts: Vec::new(),
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
        (w.progress)(&Progress {
            table: name.to_string(),
            done: rows,
            total: rows,
        });
        w.counts.push(TableCount {
            table: name.to_string(),
            rows,
        });
    }
    let counts = std::mem::take(&mut w.counts);
    sink.codebook(&codebook(opts.anonymised))?;
    let files = sink.finish()?;
    Ok((files, counts, supp.cells()))
}

struct TableWriter<'a> {
    conn: &'a Connection,
    opts: &'a ExportOptions,
    filter: &'a StatsFilter,
    scope: &'a Scope,
    places: &'a PlaceIndex,
    supp: &'a Suppression,
    sink: &'a mut dyn Sink,
    progress: &'a mut dyn FnMut(&Progress),
    counts: Vec<TableCount>,
}

impl TableWriter<'_> {
    fn tick(&mut self, table: &str, done: u64, total: u64) {
        if done.is_multiple_of(EVERY) {
            (self.progress)(&Progress {
                table: table.to_string(),
                done,
                total,
            });
        }
    }

    /// Rows of a child table (participant, tally, finding) in scope, counted per session.
    fn child_total(&self, table: &str) -> Result<u64> {
        let (cond, params) = self.filter.session_sql(false);
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
        if let Some(s) = self
            .opts
            .study_id
            .as_deref()
            .filter(|s| !s.trim().is_empty())
        {
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
            for i in 1..9 {
                cells.push(Cell::text(r.get(i)?));
            }
            self.sink.row(&cells)?;
            n += 1;
        }
        Ok(n)
    }

    fn sessions(&mut self) -> Result<u64> {
        let anon = self.opts.anonymised;
        let (cond, params) = self.filter.session_sql(false);
        let sql = format!(
            "SELECT s.id, s.study_id, st.organisation, s.session_type, s.title, s.date, s.duration_minutes,
                    s.place_id, s.languages, s.facilitators, s.note_taker, s.woman_facilitator,
                    s.women_only, s.interpreter, s.consent_level, s.consent_form, s.consent_recording,
                    s.consent_quotes, s.consent_photos, s.notes
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
            c.push(Cell::text(r.get(5)?));
            c.push(Cell::int(r.get(6)?));
            for kind in ["region", "cercle", "commune"] {
                c.extend(self.place_pair(place_id.as_deref(), kind));
            }
            match place_id.as_deref().and_then(|p| self.places.get(p)) {
                Some(p) => c.extend([Cell::Text(p.name.clone()), Cell::text(p.pcode.clone())]),
                None => c.extend([Cell::Null, Cell::Null]),
            }
            c.push(Cell::text(place_id.clone()));
            c.push(Cell::list(r.get(8)?));
            if !anon {
                c.push(Cell::list(r.get(9)?));
                c.push(Cell::text(r.get(10)?));
            }
            for i in [11, 12, 13] {
                c.push(Cell::flag(r.get(i)?));
            }
            c.push(Cell::text(r.get(14)?));
            c.push(Cell::text(r.get(15)?));
            for i in [16, 17, 18] {
                c.push(Cell::flag(r.get(i)?));
            }
            if !anon {
                c.push(Cell::text(r.get(19)?));
            }
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
        let (cond, params) = self.filter.session_sql(false);
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
            for i in 10..13 {
                c.push(Cell::text(r.get(i)?));
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
        let columns = "x.theme, x.text, x.speaker_category, s.consent_quotes";
        self.child_rows("finding", columns, &|w, r| {
            // Shared outside the team, words are only quoted where people agreed to quotes.
            let quotable = r.get::<_, Option<i64>>(5)? == Some(1);
            let text = if w.opts.anonymised && !quotable {
                Cell::Null
            } else {
                Cell::text(r.get(3)?)
            };
            Ok(vec![
                Cell::Text(r.get(0)?),
                Cell::Text(r.get(1)?),
                Cell::text(r.get(2)?),
                text,
                Cell::text(r.get(4)?),
            ])
        })
    }

    fn recommendations(&mut self) -> Result<u64> {
        let (sql, params) = self.of_study(
            "SELECT id, study_id, text, theme, target_institution, level, status, source_sessions, validated_at
               FROM recommendation WHERE deleted = 0",
            "study_id",
        );
        let narrows = self.filter.region_id.is_some()
            || self.filter.session_type.is_some()
            || self.filter.date_from.is_some()
            || self.filter.date_to.is_some();
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            let sources: Option<String> = r.get(7)?;
            let validated: Option<String> = r.get(8)?;
            if narrows {
                // Filtered by place, type or period: the recommendations drawn from those sessions.
                let mut linked: Vec<String> = sources
                    .as_deref()
                    .and_then(|t| serde_json::from_str(t).ok())
                    .unwrap_or_default();
                linked.extend(validated.clone());
                if !linked.iter().any(|s| self.scope.sessions.contains_key(s)) {
                    continue;
                }
            }
            let c = [
                Cell::Text(r.get(0)?),
                Cell::text(r.get(1)?),
                Cell::text(r.get(2)?),
                Cell::text(r.get(3)?),
                Cell::text(r.get(4)?),
                Cell::text(r.get(5)?),
                Cell::text(r.get(6)?),
                Cell::list(sources),
                Cell::text(validated),
            ];
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
