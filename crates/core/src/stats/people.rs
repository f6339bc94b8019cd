//! People consulted, per region and actor group (and age band when asked).

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::read::totals::{KeyCount, SexCount};
use crate::schema::AGE_BAND;
use crate::stats::scope::{RegionRef, Scope, StatsFilter};

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
    let scope = Scope::load(conn, &f.filter)?;
    people_in(f, &scope)
}

pub(crate) fn people_in(f: &StatsFilter, scope: &Scope) -> Result<PeopleStats> {
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
            by_actor_group: KeyCount::list(a.actor),
            by_age_band: KeyCount::in_order(a.age, &AGE_BAND),
        })
        .collect();
    by_region.sort_by(|a, b| {
        (a.region.id.is_none(), &a.region.name).cmp(&(b.region.id.is_none(), &b.region.name))
    });
    Ok(PeopleStats {
        women: total.all.women,
        men: total.all.men,
        by_region,
        by_actor_group: KeyCount::list(total.actor),
        by_age_band: KeyCount::in_order(total.age, &AGE_BAND),
    })
}
