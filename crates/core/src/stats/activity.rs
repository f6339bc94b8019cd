//! Sessions per facilitator and per device.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::read::totals::SexCount;
use crate::schema::Entity;
use crate::stats::origins::origins;
use crate::stats::scope::{Scope, StatsFilter};

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
    let scope = Scope::load_with(conn, &f.filter, false)?;
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

pub(crate) fn activity_in(conn: &Connection, scope: &Scope) -> Result<ActivityStats> {
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
