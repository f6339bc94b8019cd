//! The sessions a dashboard counts (its scope), loaded once with their regions and head
//! counts, and the filter that selects them. Counting is done by SQLite (GROUP BY over
//! covering indexes); the few thousand sessions and places are then walked in memory to find
//! regions, because a region is an ancestor in the gazetteer, not a column.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::read::filter::SessionFilter;
use crate::read::places::PlaceIndex;
use crate::read::totals::SexCount;
use crate::schema::{ACTOR_GROUPS, AGE_BANDS, DSF_GROUPS, SEXES, UNKNOWN};

/// Which sessions a dashboard counts, and how.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct StatsFilter {
    #[serde(flatten)]
    pub filter: SessionFilter,
    /// Split people by age band too.
    #[serde(default)]
    pub by_age: bool,
    /// The day open recommendations are aged at (default: today).
    #[serde(default)]
    pub as_of: Option<String>,
}

/// A region as dashboards show it: the gazetteer's name and P-code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, TS)]
#[ts(export)]
pub struct RegionRef {
    /// None for sessions with no place (or a place outside any region).
    pub id: Option<String>,
    pub name: String,
    pub pcode: Option<String>,
}

/// One session as the dashboards need it.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub id: String,
    pub title: Option<String>,
    pub session_type: Option<String>,
    pub date: Option<String>,
    pub place_id: Option<String>,
    pub place: Option<String>,
    pub region: RegionRef,
    pub languages: Vec<String>,
    pub facilitators: Vec<String>,
    pub woman_facilitator: Option<bool>,
    pub women_only: Option<bool>,
    pub interpreter: Option<bool>,
    pub consent_level: Option<String>,
    pub people: SexCount,
    pub(crate) idx: usize,
    pub(crate) region_idx: usize,
}

/// The sessions a filter selects, with their regions and head counts.
pub struct Scope {
    pub sessions: HashMap<String, SessionInfo>,
    /// The regions of those sessions; `SessionInfo::region_idx` points here.
    pub regions: Vec<RegionRef>,
    /// People by (region index, sex, actor group, age band), when loaded with detail.
    pub cells: HashMap<(usize, &'static str, &'static str, &'static str), i64>,
    /// DSF people by force, institution (as typed, trimmed) and sex, when loaded with detail.
    pub dsf: HashMap<&'static str, HashMap<String, SexCount>>,
}

/// The allowed value equal to `v` (a `'static` key needs no allocation), or "unknown".
fn intern(allowed: &'static [&'static str], v: Option<&str>) -> &'static str {
    v.and_then(|v| allowed.iter().find(|a| **a == v).copied())
        .unwrap_or(UNKNOWN)
}

fn list_of(text: Option<String>) -> Vec<String> {
    text.and_then(|t| serde_json::from_str::<Vec<String>>(&t).ok())
        .unwrap_or_default()
}

fn flag(v: Option<i64>) -> Option<bool> {
    v.map(|i| i != 0)
}

fn region_ref(places: &PlaceIndex, place_id: Option<&str>) -> RegionRef {
    match place_id.and_then(|p| places.region_of(p)) {
        Some(r) => RegionRef {
            id: Some(r.id.clone()),
            name: r.name.clone(),
            pcode: r.pcode.clone(),
        },
        None => RegionRef {
            id: None,
            name: String::new(),
            pcode: None,
        },
    }
}

impl Scope {
    /// The sessions `f` takes, with people counted in detail.
    pub(crate) fn load(conn: &Connection, f: &SessionFilter) -> Result<Scope> {
        Scope::load_with(conn, f, true)
    }

    /// `detail`: also count people by region, actor group, age band and DSF institution.
    pub(crate) fn load_with(conn: &Connection, f: &SessionFilter, detail: bool) -> Result<Scope> {
        f.check()?;
        let places = PlaceIndex::load(conn)?;
        let (cond, params) = f.sql();
        let sql = format!(
            "SELECT s.id, s.title, s.session_type, s.date, s.place_id, s.languages, s.facilitators,
                    s.woman_facilitator, s.women_only, s.interpreter, s.consent_level
               FROM session s WHERE {cond}"
        );
        let mut place_region: HashMap<String, usize> = HashMap::new();
        let mut regions: Vec<RegionRef> = Vec::new();
        let mut region_idx: HashMap<RegionRef, usize> = HashMap::new();
        let mut sessions = HashMap::new();
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
        while let Some(r) = rows.next()? {
            let place_id: Option<String> = r.get(4)?;
            let key = place_id.clone().unwrap_or_default();
            let ri = match place_region.get(&key) {
                Some(i) => *i,
                None => {
                    let region = region_ref(&places, place_id.as_deref());
                    let i = *region_idx.entry(region.clone()).or_insert_with(|| {
                        regions.push(region);
                        regions.len() - 1
                    });
                    place_region.insert(key, i);
                    i
                }
            };
            let region = &regions[ri];
            if !f.keeps_region(region.id.as_deref()) {
                continue;
            }
            let id: String = r.get(0)?;
            let idx = sessions.len();
            sessions.insert(
                id.clone(),
                SessionInfo {
                    id,
                    title: r.get(1)?,
                    session_type: r.get(2)?,
                    date: r.get(3)?,
                    place: place_id
                        .as_deref()
                        .and_then(|p| places.get(p))
                        .map(|p| p.name.clone()),
                    place_id,
                    region: region.clone(),
                    languages: list_of(r.get(5)?),
                    facilitators: list_of(r.get(6)?),
                    woman_facilitator: flag(r.get(7)?),
                    women_only: flag(r.get(8)?),
                    interpreter: flag(r.get(9)?),
                    consent_level: r.get(10)?,
                    people: SexCount::default(),
                    idx,
                    region_idx: ri,
                },
            );
        }
        let mut scope = Scope {
            sessions,
            regions,
            cells: HashMap::new(),
            dsf: HashMap::new(),
        };
        scope.count_people(conn, detail)?;
        Ok(scope)
    }

    /// One pass over every live participant (the covering index `participant_stats`, read in
    /// session order) and tally sheet, counting in memory: grouping by session in SQL would
    /// hand back nearly one row per person. People of sessions out of scope are skipped.
    fn count_people(&mut self, conn: &Connection, detail: bool) -> Result<()> {
        if self.sessions.is_empty() {
            return Ok(());
        }
        let mut totals = vec![SexCount::default(); self.sessions.len()];
        // Without detail SQLite sums per session and sex (two rows a session); with detail
        // every person is read, since nearly every (session, sex, group, age) is one person.
        let queries = if detail {
            [
                "SELECT session_id, sex, actor_group, age_band, institution, 1 FROM participant WHERE deleted = 0",
                "SELECT session_id, sex, actor_group, age_band, NULL, sum(count) FROM tally WHERE deleted = 0
                  GROUP BY session_id, sex, actor_group, age_band",
            ]
        } else {
            [
                "SELECT session_id, sex, NULL, NULL, NULL, count(*) FROM participant WHERE deleted = 0
                  GROUP BY session_id, sex",
                "SELECT session_id, sex, NULL, NULL, NULL, sum(count) FROM tally WHERE deleted = 0
                  GROUP BY session_id, sex",
            ]
        };
        for sql in queries {
            let mut stmt = conn.prepare_cached(sql)?;
            let mut rows = stmt.query([])?;
            let mut last_sid = String::new();
            let mut last: Option<(usize, usize)> = None;
            while let Some(r) = rows.next()? {
                let Some(sid) = r.get_ref(0)?.as_str_or_null().ok().flatten() else {
                    continue;
                };
                if sid != last_sid {
                    last_sid.clear();
                    last_sid.push_str(sid);
                    last = self.sessions.get(sid).map(|s| (s.idx, s.region_idx));
                }
                let Some((si, ri)) = last else {
                    continue;
                };
                let text = |i: usize| -> Result<Option<&str>> {
                    Ok(r.get_ref(i)?.as_str_or_null().ok().flatten())
                };
                let n = r.get::<_, Option<i64>>(5)?.unwrap_or(0);
                let sex = intern(SEXES, text(1)?);
                totals[si].add(sex, n);
                if !detail {
                    continue;
                }
                let actor = intern(ACTOR_GROUPS, text(2)?);
                let age = intern(AGE_BANDS, text(3)?);
                *self.cells.entry((ri, sex, actor, age)).or_insert(0) += n;
                if DSF_GROUPS.contains(&actor) {
                    let inst = text(4)?.map(str::trim).unwrap_or("");
                    let m = self.dsf.entry(actor).or_default();
                    match m.get_mut(inst) {
                        Some(c) => c.add(sex, n),
                        None => m.entry(inst.to_string()).or_default().add(sex, n),
                    }
                }
            }
        }
        for s in self.sessions.values_mut() {
            s.people = totals[s.idx].clone();
        }
        Ok(())
    }

    /// Whether a record drawn from `sources` (a JSON list of session ids) or validated at
    /// `validated_at` (a session id) comes from a session in scope.
    pub(crate) fn covers(&self, sources: Option<&str>, validated_at: Option<&str>) -> bool {
        let drawn_from: Vec<String> = sources
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default();
        drawn_from
            .iter()
            .map(String::as_str)
            .chain(validated_at)
            .any(|s| self.sessions.contains_key(s))
    }

    pub(crate) fn sessions_sorted(&self) -> Vec<&SessionInfo> {
        let mut v: Vec<&SessionInfo> = self.sessions.values().collect();
        v.sort_by(|a, b| (&a.date, &a.id).cmp(&(&b.date, &b.id)));
        v
    }
}
