//! How sessions were run: women only, led by a woman, with an interpreter, in which languages.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::read::totals::SexCount;
use crate::stats::scope::{Scope, StatsFilter};

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
    Ok(methods_in(&Scope::load_with(conn, &f.filter, false)?))
}

pub(crate) fn methods_in(scope: &Scope) -> MethodStats {
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
