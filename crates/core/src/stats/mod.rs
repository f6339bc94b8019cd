//! The dashboards: who was consulted, where, how, what came out of it, and what needs review.
//! Every head count is split by sex. Counting is done by SQLite (GROUP BY over covering
//! indexes); the few thousand sessions and places are then walked in memory to find regions,
//! because a region is an ancestor in the gazetteer, not a column.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock;
use crate::error::Result;
use crate::read::{KeyCount, PlaceIndex, SexCount};
use crate::schema::{Entity, ACTOR_GROUPS, AGE_BANDS, DSF_GROUPS, SEXES};

/// Which sessions a dashboard counts. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct StatsFilter {
    #[serde(default)]
    pub study_id: Option<String>,
    /// First day counted (YYYY-MM-DD), inclusive.
    #[serde(default)]
    pub date_from: Option<String>,
    /// Last day counted (YYYY-MM-DD), inclusive.
    #[serde(default)]
    pub date_to: Option<String>,
    /// A region's place id: sessions whose place lies inside it.
    #[serde(default)]
    pub region_id: Option<String>,
    #[serde(default)]
    pub session_type: Option<String>,
    /// Split people by age band too.
    #[serde(default)]
    pub by_age: bool,
    /// The day open recommendations are aged at (default: today).
    #[serde(default)]
    pub as_of: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl StatsFilter {
    /// A filter on sessions only (study, type, dates), as SQL on alias `s` with its parameters.
    pub(crate) fn session_sql(&self, ignore_type: bool) -> (String, Vec<String>) {
        let mut sql = String::from("s.deleted = 0");
        let mut params = Vec::new();
        let mut add = |cond: &str, v: Option<&str>| {
            if let Some(v) = v {
                params.push(v.to_string());
                sql.push_str(&format!(" AND {cond} ?{}", params.len()));
            }
        };
        add("s.study_id =", given(&self.study_id));
        if !ignore_type {
            add("s.session_type =", given(&self.session_type));
        }
        add("s.date >=", given(&self.date_from));
        add("s.date <=", given(&self.date_to));
        (sql, params)
    }

    fn narrows_sessions(&self) -> bool {
        given(&self.region_id).is_some()
            || given(&self.session_type).is_some()
            || given(&self.date_from).is_some()
            || given(&self.date_to).is_some()
    }
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
        .unwrap_or("unknown")
}

fn list_of(text: Option<String>) -> Vec<String> {
    text.and_then(|t| serde_json::from_str::<Vec<String>>(&t).ok())
        .unwrap_or_default()
}

fn flag(v: Option<i64>) -> Option<bool> {
    v.map(|i| i != 0)
}

pub(crate) fn region_ref(places: &PlaceIndex, place_id: Option<&str>) -> RegionRef {
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
    pub(crate) fn load(conn: &Connection, f: &StatsFilter) -> Result<Scope> {
        Scope::load_with(conn, f, false, true)
    }

    /// `ignore_type`: every type of session (follow-up questions look past the type filter).
    /// `detail`: also count people by region, actor group, age band and DSF institution.
    pub(crate) fn load_with(
        conn: &Connection,
        f: &StatsFilter,
        ignore_type: bool,
        detail: bool,
    ) -> Result<Scope> {
        let places = PlaceIndex::load(conn)?;
        let (cond, params) = f.session_sql(ignore_type);
        let sql = format!(
            "SELECT s.id, s.title, s.session_type, s.date, s.place_id, s.languages, s.facilitators,
                    s.woman_facilitator, s.women_only, s.interpreter, s.consent_level
               FROM session s WHERE {cond}"
        );
        let want_region = given(&f.region_id);
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
            if want_region.is_some() && region.id.as_deref() != want_region {
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

    fn sessions_sorted(&self) -> Vec<&SessionInfo> {
        let mut v: Vec<&SessionInfo> = self.sessions.values().collect();
        v.sort_by(|a, b| (&a.date, &a.id).cmp(&(&b.date, &b.id)));
        v
    }
}

fn key_counts(m: BTreeMap<String, SexCount>) -> Vec<KeyCount> {
    m.into_iter()
        .map(|(key, c)| KeyCount {
            key,
            women: c.women,
            men: c.men,
        })
        .collect()
}

fn unknown(k: &Option<String>) -> String {
    k.clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "unknown".into())
}

// ---------------------------------------------------------------------------------------------
// 1. People consulted per region and actor group.

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RegionPeople {
    pub region: RegionRef,
    pub women: i64,
    pub men: i64,
    pub by_actor_group: Vec<KeyCount>,
    /// Filled when the filter asks for age bands.
    pub by_age_band: Vec<KeyCount>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PeopleStats {
    pub women: i64,
    pub men: i64,
    pub by_region: Vec<RegionPeople>,
    pub by_actor_group: Vec<KeyCount>,
    /// Filled when the filter asks for age bands.
    pub by_age_band: Vec<KeyCount>,
}

pub fn people(conn: &Connection, f: &StatsFilter) -> Result<PeopleStats> {
    let scope = Scope::load(conn, f)?;
    people_in(f, &scope)
}

fn people_in(f: &StatsFilter, scope: &Scope) -> Result<PeopleStats> {
    #[derive(Default)]
    struct Acc {
        all: SexCount,
        actor: BTreeMap<String, SexCount>,
        age: BTreeMap<String, SexCount>,
    }
    let mut total = Acc::default();
    let mut regions: BTreeMap<RegionRef, Acc> = BTreeMap::new();
    for ((ri, sex, actor, age), n) in &scope.cells {
        for acc in [
            &mut total,
            regions.entry(scope.regions[*ri].clone()).or_default(),
        ] {
            acc.all.add(sex, *n);
            acc.actor.entry(actor.to_string()).or_default().add(sex, *n);
            if f.by_age {
                acc.age.entry(age.to_string()).or_default().add(sex, *n);
            }
        }
    }
    let mut by_region: Vec<RegionPeople> = regions
        .into_iter()
        .map(|(region, a)| RegionPeople {
            region,
            women: a.all.women,
            men: a.all.men,
            by_actor_group: key_counts(a.actor),
            by_age_band: key_counts(a.age),
        })
        .collect();
    by_region.sort_by(|a, b| {
        (a.region.id.is_none(), &a.region.name).cmp(&(b.region.id.is_none(), &b.region.name))
    });
    Ok(PeopleStats {
        women: total.all.women,
        men: total.all.men,
        by_region,
        by_actor_group: key_counts(total.actor),
        by_age_band: key_counts(total.age),
    })
}

// ---------------------------------------------------------------------------------------------
// 2. Sessions per region and type; regions awaiting validation or restitution.

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TypeCount {
    pub session_type: String,
    pub sessions: i64,
    pub women: i64,
    pub men: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RegionSessions {
    pub region: RegionRef,
    pub sessions: i64,
    pub women: i64,
    pub men: i64,
    pub by_type: Vec<TypeCount>,
}

/// A region where people were consulted, and whether results were validated and restituted.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct FollowUp {
    pub region: RegionRef,
    /// Consultation sessions (every type but validation workshops and restitutions).
    pub consultations: i64,
    pub women: i64,
    pub men: i64,
    pub validations: i64,
    pub restitutions: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SessionStats {
    pub sessions: i64,
    pub women: i64,
    pub men: i64,
    pub by_type: Vec<TypeCount>,
    pub by_region: Vec<RegionSessions>,
    /// Regions with consultations but no validation workshop or no restitution yet (the
    /// session-type filter is not applied here: it would hide the follow-up sessions).
    pub awaiting_follow_up: Vec<FollowUp>,
}

const FOLLOW_UP_TYPES: [&str; 2] = ["validation_workshop", "restitution"];

fn type_counts(m: BTreeMap<String, (i64, SexCount)>) -> Vec<TypeCount> {
    m.into_iter()
        .map(|(session_type, (sessions, c))| TypeCount {
            session_type,
            sessions,
            women: c.women,
            men: c.men,
        })
        .collect()
}

pub fn sessions(conn: &Connection, f: &StatsFilter) -> Result<SessionStats> {
    let scope = Scope::load_with(conn, f, false, false)?;
    let all_types = if given(&f.session_type).is_some() {
        Some(Scope::load_with(conn, f, true, false)?)
    } else {
        None
    };
    sessions_in(&scope, all_types.as_ref().unwrap_or(&scope))
}

/// Sessions and people per session type.
type ByType = BTreeMap<String, (i64, SexCount)>;

fn sessions_in(scope: &Scope, all_types: &Scope) -> Result<SessionStats> {
    let mut all = SexCount::default();
    let mut by_type: ByType = BTreeMap::new();
    let mut regions: BTreeMap<RegionRef, (i64, SexCount, ByType)> = BTreeMap::new();
    for s in scope.sessions.values() {
        let t = s.session_type.clone().unwrap_or_else(|| "unknown".into());
        all.women += s.people.women;
        all.men += s.people.men;
        let e = by_type.entry(t.clone()).or_default();
        e.0 += 1;
        e.1.women += s.people.women;
        e.1.men += s.people.men;
        let r = regions.entry(s.region.clone()).or_default();
        r.0 += 1;
        r.1.women += s.people.women;
        r.1.men += s.people.men;
        let rt = r.2.entry(t).or_default();
        rt.0 += 1;
        rt.1.women += s.people.women;
        rt.1.men += s.people.men;
    }
    let mut follow: BTreeMap<RegionRef, FollowUp> = BTreeMap::new();
    for s in all_types.sessions.values() {
        if s.region.id.is_none() {
            continue;
        }
        let e = follow.entry(s.region.clone()).or_insert_with(|| FollowUp {
            region: s.region.clone(),
            consultations: 0,
            women: 0,
            men: 0,
            validations: 0,
            restitutions: 0,
        });
        match s.session_type.as_deref() {
            Some("validation_workshop") => e.validations += 1,
            Some("restitution") => e.restitutions += 1,
            _ => {
                e.consultations += 1;
                e.women += s.people.women;
                e.men += s.people.men;
            }
        }
    }
    debug_assert!(FOLLOW_UP_TYPES
        .iter()
        .all(|t| crate::schema::SESSION_TYPES.contains(t)));
    let mut by_region: Vec<RegionSessions> = regions
        .into_iter()
        .map(|(region, (sessions, c, types))| RegionSessions {
            region,
            sessions,
            women: c.women,
            men: c.men,
            by_type: type_counts(types),
        })
        .collect();
    by_region.sort_by(|a, b| {
        (a.region.id.is_none(), &a.region.name).cmp(&(b.region.id.is_none(), &b.region.name))
    });
    let mut awaiting: Vec<FollowUp> = follow
        .into_values()
        .filter(|f| f.consultations > 0 && (f.validations == 0 || f.restitutions == 0))
        .collect();
    awaiting.sort_by(|a, b| a.region.name.cmp(&b.region.name));
    Ok(SessionStats {
        sessions: scope.sessions.len() as i64,
        women: all.women,
        men: all.men,
        by_type: type_counts(by_type),
        by_region,
        awaiting_follow_up: awaiting,
    })
}

// ---------------------------------------------------------------------------------------------
// 3. Defence and security forces.

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct InstitutionCount {
    pub actor_group: String,
    /// As typed on the participant's line ("" when not given, or counted on a tally sheet).
    pub institution: String,
    pub women: i64,
    pub men: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DsfStats {
    pub women: i64,
    pub men: i64,
    /// Police, gendarmerie, national guard, armed forces, civil protection (all five listed).
    pub by_group: Vec<KeyCount>,
    pub by_institution: Vec<InstitutionCount>,
}

pub fn dsf(conn: &Connection, f: &StatsFilter) -> Result<DsfStats> {
    let scope = Scope::load(conn, f)?;
    dsf_in(&scope)
}

fn dsf_in(scope: &Scope) -> Result<DsfStats> {
    let mut all = SexCount::default();
    let mut groups: BTreeMap<&str, SexCount> = DSF_GROUPS
        .iter()
        .map(|g| (*g, SexCount::default()))
        .collect();
    let mut inst: BTreeMap<(String, String), SexCount> = BTreeMap::new();
    for (group, by_inst) in &scope.dsf {
        for (name, c) in by_inst {
            all.women += c.women;
            all.men += c.men;
            let g = groups.entry(group).or_default();
            g.women += c.women;
            g.men += c.men;
            inst.insert((group.to_string(), name.clone()), c.clone());
        }
    }
    // Keep the schema's order of groups, not the alphabet's.
    let by_group = DSF_GROUPS
        .iter()
        .map(|g| {
            let c = groups.get(g).cloned().unwrap_or_default();
            KeyCount {
                key: g.to_string(),
                women: c.women,
                men: c.men,
            }
        })
        .collect();
    Ok(DsfStats {
        women: all.women,
        men: all.men,
        by_group,
        by_institution: inst
            .into_iter()
            .map(|((actor_group, institution), c)| InstitutionCount {
                actor_group,
                institution,
                women: c.women,
                men: c.men,
            })
            .collect(),
    })
}

// ---------------------------------------------------------------------------------------------
// 4. How sessions were run.

/// How many sessions had a property (yes / no / not recorded), and the people in the "yes" ones.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct Share {
    pub yes: i64,
    pub no: i64,
    pub unknown: i64,
    pub women: i64,
    pub men: i64,
}

impl Share {
    fn add(&mut self, v: Option<bool>, people: &SexCount) {
        match v {
            Some(true) => {
                self.yes += 1;
                self.women += people.women;
                self.men += people.men;
            }
            Some(false) => self.no += 1,
            None => self.unknown += 1,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct LanguageCount {
    pub language: String,
    pub sessions: i64,
    pub women: i64,
    pub men: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct MethodStats {
    pub sessions: i64,
    pub women_only: Share,
    pub woman_facilitator: Share,
    pub interpreter: Share,
    /// Sessions per language used (a session in two languages counts in both).
    pub languages: Vec<LanguageCount>,
}

pub fn methods(conn: &Connection, f: &StatsFilter) -> Result<MethodStats> {
    Ok(methods_in(&Scope::load_with(conn, f, false, false)?))
}

fn methods_in(scope: &Scope) -> MethodStats {
    let mut m = MethodStats {
        sessions: scope.sessions.len() as i64,
        women_only: Share::default(),
        woman_facilitator: Share::default(),
        interpreter: Share::default(),
        languages: Vec::new(),
    };
    let mut langs: BTreeMap<String, (i64, SexCount)> = BTreeMap::new();
    for s in scope.sessions.values() {
        m.women_only.add(s.women_only, &s.people);
        m.woman_facilitator.add(s.woman_facilitator, &s.people);
        m.interpreter.add(s.interpreter, &s.people);
        let codes: BTreeSet<&String> = s.languages.iter().collect();
        for l in codes {
            let e = langs.entry(l.clone()).or_default();
            e.0 += 1;
            e.1.women += s.people.women;
            e.1.men += s.people.men;
        }
    }
    m.languages = langs
        .into_iter()
        .map(|(language, (sessions, c))| LanguageCount {
            language,
            sessions,
            women: c.women,
            men: c.men,
        })
        .collect();
    m.languages.sort_by(|a, b| {
        b.sessions
            .cmp(&a.sessions)
            .then(a.language.cmp(&b.language))
    });
    m
}

// ---------------------------------------------------------------------------------------------
// 5. Recommendations.

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Count {
    pub key: String,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct OpenRecommendation {
    pub id: String,
    pub text: String,
    pub theme: Option<String>,
    pub target_institution: Option<String>,
    pub status: Option<String>,
    /// When it was first written down (YYYY-MM-DD).
    pub created: String,
    pub days_open: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RecommendationStats {
    pub total: i64,
    pub by_theme: Vec<Count>,
    pub by_target: Vec<Count>,
    pub by_status: Vec<Count>,
    /// Open ones (not implemented nor dropped) by age: "0_30", "31_90", "91_180", "181_365", "over_365" days.
    pub open_by_age: Vec<Count>,
    /// Open ones, longest open first.
    pub open: Vec<OpenRecommendation>,
}

pub const OPEN_AGE_BUCKETS: [&str; 5] = ["0_30", "31_90", "91_180", "181_365", "over_365"];
const CLOSED_STATUS: [&str; 2] = ["implemented", "dropped"];

fn age_bucket(days: i64) -> &'static str {
    match days {
        i64::MIN..=30 => "0_30",
        31..=90 => "31_90",
        91..=180 => "91_180",
        181..=365 => "181_365",
        _ => "over_365",
    }
}

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

fn sorted_counts(m: BTreeMap<String, i64>) -> Vec<Count> {
    let mut v: Vec<Count> = m
        .into_iter()
        .map(|(key, count)| Count { key, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
    v
}

pub fn recommendations(conn: &Connection, f: &StatsFilter) -> Result<RecommendationStats> {
    let scope = if f.narrows_sessions() {
        Some(Scope::load_with(conn, f, false, false)?)
    } else {
        None
    };
    recommendations_in(conn, f, scope.as_ref())
}

fn today(f: &StatsFilter) -> chrono::NaiveDate {
    given(&f.as_of)
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::Utc::now().date_naive())
}

/// `scope`: when the filter narrows sessions, only recommendations drawn from (or validated at)
/// a session in it count.
fn recommendations_in(
    conn: &Connection,
    f: &StatsFilter,
    scope: Option<&Scope>,
) -> Result<RecommendationStats> {
    let created = origins(conn, Entity::Recommendation)?;
    let as_of = today(f);
    let mut sql = String::from(
        "SELECT id, text, theme, target_institution, status, source_sessions, validated_at
           FROM recommendation WHERE deleted = 0",
    );
    let mut params = Vec::new();
    if let Some(study) = given(&f.study_id) {
        sql.push_str(" AND study_id = ?1");
        params.push(study.to_string());
    }
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
    let mut stats = RecommendationStats {
        total: 0,
        by_theme: Vec::new(),
        by_target: Vec::new(),
        by_status: Vec::new(),
        open_by_age: Vec::new(),
        open: Vec::new(),
    };
    let (mut theme, mut target, mut status) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let mut ages: BTreeMap<&str, i64> = OPEN_AGE_BUCKETS.iter().map(|b| (*b, 0)).collect();
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        if let Some(scope) = scope {
            let mut linked = list_of(r.get(5)?);
            linked.extend(r.get::<_, Option<String>>(6)?);
            if !linked.iter().any(|s| scope.sessions.contains_key(s)) {
                continue;
            }
        }
        let created_on = created
            .get(&id)
            .and_then(|(_, h)| chrono::DateTime::from_timestamp_millis(clock::millis(*h)))
            .map(|t| t.date_naive());
        let th: Option<String> = r.get(2)?;
        let tg: Option<String> = r.get(3)?;
        let st: Option<String> = r.get(4)?;
        stats.total += 1;
        *theme.entry(unknown(&th)).or_insert(0) += 1;
        *target.entry(unknown(&tg)).or_insert(0) += 1;
        *status.entry(unknown(&st)).or_insert(0) += 1;
        if !CLOSED_STATUS.contains(&st.as_deref().unwrap_or("")) {
            let day = created_on.unwrap_or(as_of);
            let days = (as_of - day).num_days().max(0);
            *ages.entry(age_bucket(days)).or_insert(0) += 1;
            let text: String = r.get::<_, Option<String>>(1)?.unwrap_or_default();
            stats.open.push(OpenRecommendation {
                id,
                text: text.chars().take(300).collect(),
                theme: th,
                target_institution: tg,
                status: st,
                created: day.to_string(),
                days_open: days,
            });
        }
    }
    stats.by_theme = sorted_counts(theme);
    stats.by_target = sorted_counts(target);
    stats.by_status = sorted_counts(status);
    stats.open_by_age = OPEN_AGE_BUCKETS
        .iter()
        .map(|b| Count {
            key: b.to_string(),
            count: ages.get(b).copied().unwrap_or(0),
        })
        .collect();
    stats
        .open
        .sort_by(|a, b| b.days_open.cmp(&a.days_open).then(a.id.cmp(&b.id)));
    Ok(stats)
}

// ---------------------------------------------------------------------------------------------
// 6. Data quality.

/// A session listed for review.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SessionBrief {
    pub id: String,
    pub title: Option<String>,
    pub session_type: Option<String>,
    pub date: Option<String>,
    pub place: Option<String>,
    pub region: Option<String>,
    /// Node id of the laptop that created it.
    pub device: Option<String>,
    pub women: i64,
    pub men: i64,
}

/// Sessions with the same place, date and type created on different laptops.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DuplicateSessions {
    pub place_id: String,
    pub date: String,
    pub session_type: String,
    pub sessions: Vec<SessionBrief>,
}

/// Participants who may be the same person entered twice.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DuplicateParticipants {
    /// "code" (same pseudonymous code) or "profile" (same sex, age, institution and role in
    /// the same session).
    pub reason: String,
    /// The shared code, or "sex · age · institution · role".
    pub key: String,
    pub participant_ids: Vec<String>,
    pub session_ids: Vec<String>,
    pub women: i64,
    pub men: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct QualityStats {
    /// Sessions with no consent level recorded.
    pub without_consent: Vec<SessionBrief>,
    pub without_consent_women: i64,
    pub without_consent_men: i64,
    pub duplicate_sessions: Vec<DuplicateSessions>,
    pub duplicate_participants: Vec<DuplicateParticipants>,
    /// Lists are cut at this many entries; the counts below are complete.
    pub list_limit: i64,
    pub without_consent_count: i64,
    pub duplicate_session_groups: i64,
    pub duplicate_participant_groups: i64,
}

pub const LIST_LIMIT: usize = 500;

fn brief(s: &SessionInfo, device: Option<&String>) -> SessionBrief {
    SessionBrief {
        id: s.id.clone(),
        title: s.title.clone(),
        session_type: s.session_type.clone(),
        date: s.date.clone(),
        place: s.place.clone(),
        region: Some(s.region.name.clone()).filter(|n| !n.is_empty()),
        device: device.cloned(),
        women: s.people.women,
        men: s.people.men,
    }
}

pub fn quality(conn: &Connection, f: &StatsFilter) -> Result<QualityStats> {
    let scope = Scope::load_with(conn, f, false, false)?;
    quality_in(conn, &scope)
}

fn quality_in(conn: &Connection, scope: &Scope) -> Result<QualityStats> {
    let origin = origins(conn, Entity::Session)?;
    let device = |id: &str| origin.get(id).map(|(n, _)| n);
    let mut without = Vec::new();
    let mut wc = SexCount::default();
    for s in scope.sessions_sorted() {
        if s.consent_level.is_none() {
            wc.women += s.people.women;
            wc.men += s.people.men;
            without.push(brief(s, device(&s.id)));
        }
    }
    let without_count = without.len() as i64;
    without.truncate(LIST_LIMIT);

    let mut same: BTreeMap<(String, String, String), Vec<&SessionInfo>> = BTreeMap::new();
    for s in scope.sessions_sorted() {
        if let (Some(p), Some(d), Some(t)) = (&s.place_id, &s.date, &s.session_type) {
            same.entry((p.clone(), d.clone(), t.clone()))
                .or_default()
                .push(s);
        }
    }
    let mut dup_sessions = Vec::new();
    for ((place_id, date, session_type), group) in same {
        let devices: BTreeSet<Option<&String>> = group.iter().map(|s| device(&s.id)).collect();
        if group.len() > 1 && devices.len() > 1 {
            dup_sessions.push(DuplicateSessions {
                place_id,
                date,
                session_type,
                sessions: group.iter().map(|s| brief(s, device(&s.id))).collect(),
            });
        }
    }
    let dup_session_count = dup_sessions.len() as i64;
    dup_sessions.truncate(LIST_LIMIT);

    let mut dup_people = Vec::new();
    // Same code twice. A code typed by a person names one person, wherever it appears. A code
    // Terrain made ("P001-3F9A": running number in the session and four hex digits of the
    // record id) says nothing across sessions — in a large study the same one comes up by
    // chance — and within a session two laptops never make the same one, so those are left
    // to the profile check below.
    {
        let mut stmt = conn.prepare_cached(
            "SELECT code, id, session_id, sex FROM participant
              WHERE deleted = 0 AND code IN
                    (SELECT code FROM participant
                      WHERE deleted = 0 AND code IS NOT NULL
                        AND code NOT GLOB 'P[0-9][0-9][0-9]*-[0-9A-F][0-9A-F][0-9A-F][0-9A-F]'
                      GROUP BY code HAVING count(*) > 1)
              ORDER BY code, id",
        )?;
        let mut rows = stmt.query([])?;
        let mut groups: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
        while let Some(r) = rows.next()? {
            let sid: Option<String> = r.get(2)?;
            let Some(sid) = sid.filter(|s| scope.sessions.contains_key(s)) else {
                continue;
            };
            groups.entry(r.get(0)?).or_default().push((
                r.get(1)?,
                sid,
                r.get::<_, Option<String>>(3)?.unwrap_or_default(),
            ));
        }
        for (code, members) in groups {
            if members.len() > 1 {
                dup_people.push(dup_group("code", code, members));
            }
        }
    }
    // Same profile in the same session: only when the profile says something (an age and an
    // institution or role), or two women of a focus group with nothing recorded would match.
    {
        let mut stmt = conn.prepare_cached(
            "SELECT session_id, sex, age, coalesce(institution, ''), coalesce(role, ''),
                    group_concat(id, ' ')
               FROM participant
              WHERE deleted = 0 AND age IS NOT NULL AND (institution IS NOT NULL OR role IS NOT NULL)
              GROUP BY session_id, sex, age, institution, role
             HAVING count(*) > 1",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let sid: Option<String> = r.get(0)?;
            let Some(sid) = sid.filter(|s| scope.sessions.contains_key(s)) else {
                continue;
            };
            let sex: String = r.get::<_, Option<String>>(1)?.unwrap_or_default();
            let key = format!(
                "{sex} · {} · {} · {}",
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?
            );
            let ids: String = r.get(5)?;
            let members = ids
                .split(' ')
                .map(|id| (id.to_string(), sid.clone(), sex.clone()))
                .collect();
            dup_people.push(dup_group("profile", key, members));
        }
    }
    let dup_people_count = dup_people.len() as i64;
    dup_people.truncate(LIST_LIMIT);
    Ok(QualityStats {
        without_consent: without,
        without_consent_women: wc.women,
        without_consent_men: wc.men,
        duplicate_sessions: dup_sessions,
        duplicate_participants: dup_people,
        list_limit: LIST_LIMIT as i64,
        without_consent_count: without_count,
        duplicate_session_groups: dup_session_count,
        duplicate_participant_groups: dup_people_count,
    })
}

fn dup_group(
    reason: &str,
    key: String,
    members: Vec<(String, String, String)>,
) -> DuplicateParticipants {
    let mut c = SexCount::default();
    let mut sessions = BTreeSet::new();
    let mut ids = Vec::new();
    for (id, sid, sex) in members {
        c.add(&sex, 1);
        sessions.insert(sid);
        ids.push(id);
    }
    ids.sort();
    DuplicateParticipants {
        reason: reason.to_string(),
        key,
        participant_ids: ids,
        session_ids: sessions.into_iter().collect(),
        women: c.women,
        men: c.men,
    }
}

// ---------------------------------------------------------------------------------------------
// 7. Sessions per facilitator and per device.

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct WhoCount {
    pub key: String,
    pub sessions: i64,
    pub women: i64,
    pub men: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ActivityStats {
    /// A session with two facilitators counts for both ("" = none recorded).
    pub by_facilitator: Vec<WhoCount>,
    /// By the node id of the laptop that created the session.
    pub by_device: Vec<WhoCount>,
}

pub fn activity(conn: &Connection, f: &StatsFilter) -> Result<ActivityStats> {
    let scope = Scope::load_with(conn, f, false, false)?;
    activity_in(conn, &scope)
}

fn who_counts(m: BTreeMap<String, (i64, SexCount)>) -> Vec<WhoCount> {
    let mut v: Vec<WhoCount> = m
        .into_iter()
        .map(|(key, (sessions, c))| WhoCount {
            key,
            sessions,
            women: c.women,
            men: c.men,
        })
        .collect();
    v.sort_by(|a, b| b.sessions.cmp(&a.sessions).then(a.key.cmp(&b.key)));
    v
}

fn activity_in(conn: &Connection, scope: &Scope) -> Result<ActivityStats> {
    let origin = origins(conn, Entity::Session)?;
    let mut fac: BTreeMap<String, (i64, SexCount)> = BTreeMap::new();
    let mut dev: BTreeMap<String, (i64, SexCount)> = BTreeMap::new();
    for s in scope.sessions.values() {
        let names: BTreeSet<String> = s
            .facilitators
            .iter()
            .map(|n| n.trim().to_string())
            .collect();
        let names = if names.is_empty() {
            BTreeSet::from([String::new()])
        } else {
            names
        };
        for n in names {
            let e = fac.entry(n).or_default();
            e.0 += 1;
            e.1.women += s.people.women;
            e.1.men += s.people.men;
        }
        let d = origin
            .get(&s.id)
            .map(|(n, _)| n.clone())
            .unwrap_or_default();
        let e = dev.entry(d).or_default();
        e.0 += 1;
        e.1.women += s.people.women;
        e.1.men += s.people.men;
    }
    Ok(ActivityStats {
        by_facilitator: who_counts(fac),
        by_device: who_counts(dev),
    })
}

// ---------------------------------------------------------------------------------------------
// All of it.

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Dashboard {
    pub filter: StatsFilter,
    pub people: PeopleStats,
    pub sessions: SessionStats,
    pub dsf: DsfStats,
    pub methods: MethodStats,
    pub recommendations: RecommendationStats,
    pub quality: QualityStats,
    pub activity: ActivityStats,
}

/// Every dashboard figure for one filter, sharing one read of the sessions.
pub fn dashboard(conn: &Connection, f: &StatsFilter) -> Result<Dashboard> {
    let scope = Scope::load(conn, f)?;
    let all_types = if given(&f.session_type).is_some() {
        Some(Scope::load_with(conn, f, true, false)?)
    } else {
        None
    };
    Ok(Dashboard {
        filter: f.clone(),
        people: people_in(f, &scope)?,
        sessions: sessions_in(&scope, all_types.as_ref().unwrap_or(&scope))?,
        dsf: dsf_in(&scope)?,
        methods: methods_in(&scope),
        recommendations: recommendations_in(conn, f, f.narrows_sessions().then_some(&scope))?,
        quality: quality_in(conn, &scope)?,
        activity: activity_in(conn, &scope)?,
    })
}
