//! Sessions per region and type, and the regions awaiting validation or restitution.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::read::totals::SexCount;
use crate::schema::{SESSION_TYPES, UNKNOWN};
use crate::stats::scope::{RegionRef, Scope, StatsFilter};

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
    let scope = Scope::load_with(conn, &f.filter, false)?;
    let all_types = if f.filter.session_type().is_some() {
        Some(Scope::load_with(conn, &f.filter.any_type(), false)?)
    } else {
        None
    };
    sessions_in(&scope, all_types.as_ref().unwrap_or(&scope))
}

/// Sessions and people per session type.
type ByType = BTreeMap<String, (i64, SexCount)>;

pub(crate) fn sessions_in(scope: &Scope, all_types: &Scope) -> Result<SessionStats> {
    let mut all = SexCount::default();
    let mut by_type: ByType = BTreeMap::new();
    let mut regions: BTreeMap<RegionRef, (i64, SexCount, ByType)> = BTreeMap::new();
    for s in scope.sessions.values() {
        let t = s.session_type.clone().unwrap_or_else(|| UNKNOWN.into());
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
    debug_assert!(FOLLOW_UP_TYPES.iter().all(|t| SESSION_TYPES.contains(t)));
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
