//! Small-cell suppression of an anonymised export's head counts.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::read::totals::SexCount;
use crate::stats::scope::{RegionRef, Scope, SessionInfo};

/// Small-cell suppression of the two published head-count tables.
#[derive(Debug, Default)]
pub(crate) struct Suppression {
    /// (session id, sex) cells hidden in the session table.
    pub sessions: HashSet<(String, &'static str)>,
    /// (region key, actor group, sex) cells hidden in `people_by_region`.
    pub region_cells: HashSet<(String, String, &'static str)>,
}

pub(crate) type RegionTable = BTreeMap<RegionRef, BTreeMap<String, SexCount>>;

pub(crate) fn region_key(r: &RegionRef) -> String {
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
        sessions: &HashMap<String, SessionInfo>,
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
        let mut by_region: HashMap<String, Vec<&SessionInfo>> = HashMap::new();
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
pub(crate) fn region_table(scope: &Scope) -> RegionTable {
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
