//! People of the defence and security forces, per force and institution.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::read::totals::{KeyCount, SexCount};
use crate::schema::DSF_GROUPS;
use crate::stats::scope::{Scope, StatsFilter};

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
    let scope = Scope::load(conn, &f.filter)?;
    dsf_in(&scope)
}

pub(crate) fn dsf_in(scope: &Scope) -> Result<DsfStats> {
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
