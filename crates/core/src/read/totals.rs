//! Head counts of a session or a study, always by sex: attendance lines plus tally sheets.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::read::live::live;
use crate::schema::{Entity, UNKNOWN};

/// Head counts, always by sex.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SexCount {
    pub women: i64,
    pub men: i64,
}

impl SexCount {
    pub fn add(&mut self, sex: &str, n: i64) {
        match sex {
            "female" => self.women += n,
            "male" => self.men += n,
            _ => {}
        }
    }
    pub fn total(&self) -> i64 {
        self.women + self.men
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct KeyCount {
    pub key: String,
    pub women: i64,
    pub men: i64,
}

impl KeyCount {
    /// Counts by key, in key order.
    pub(crate) fn list(counts: BTreeMap<String, SexCount>) -> Vec<KeyCount> {
        counts
            .into_iter()
            .map(|(key, c)| KeyCount {
                key,
                women: c.women,
                men: c.men,
            })
            .collect()
    }

    /// In the order of a choice list (age bands youngest first), values it lacks last.
    pub(crate) fn in_order(
        counts: BTreeMap<String, SexCount>,
        list: &crate::schema::ChoiceList,
    ) -> Vec<KeyCount> {
        let mut out = KeyCount::list(counts);
        out.sort_by_key(|k| list.values().position(|v| v == k.key).unwrap_or(usize::MAX));
        out
    }
}

/// The totals of a session or a study: participants' lines plus tally sheets.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct Totals {
    pub women: i64,
    pub men: i64,
    pub total: i64,
    pub by_actor_group: Vec<KeyCount>,
    pub by_age_band: Vec<KeyCount>,
}

/// Adds (sex, age band, actor group, count) rows into totals.
#[derive(Default)]
struct TotalsBuilder {
    all: SexCount,
    actor: BTreeMap<String, SexCount>,
    age: BTreeMap<String, SexCount>,
}

impl TotalsBuilder {
    fn add(&mut self, sex: &str, age_band: Option<String>, actor: Option<String>, n: i64) {
        self.all.add(sex, n);
        self.actor
            .entry(actor.unwrap_or_else(|| UNKNOWN.into()))
            .or_default()
            .add(sex, n);
        self.age
            .entry(age_band.unwrap_or_else(|| UNKNOWN.into()))
            .or_default()
            .add(sex, n);
    }

    fn finish(self) -> Totals {
        Totals {
            women: self.all.women,
            men: self.all.men,
            total: self.all.total(),
            by_actor_group: KeyCount::list(self.actor),
            by_age_band: KeyCount::list(self.age),
        }
    }
}

/// Live people of live sessions (see `read::live`) selected by `session_where` (SQL on
/// alias `s`).
fn totals_where(conn: &Connection, session_where: &str, param: &str) -> Result<Totals> {
    let mut b = TotalsBuilder::default();
    let live_session = live(Entity::Session, "s");
    let sql = format!(
        "SELECT p.sex, p.age_band, p.actor_group, count(*) FROM participant p
           JOIN session s ON s.id = p.session_id AND {live_session}
          WHERE p.deleted = 0 AND {session_where}
          GROUP BY 1, 2, 3
         UNION ALL
         SELECT t.sex, t.age_band, t.actor_group, sum(t.count) FROM tally t
           JOIN session s ON s.id = t.session_id AND {live_session}
          WHERE t.deleted = 0 AND {session_where}
          GROUP BY 1, 2, 3"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([param])?;
    while let Some(r) = rows.next()? {
        let sex: Option<String> = r.get(0)?;
        b.add(
            sex.as_deref().unwrap_or(""),
            r.get(1)?,
            r.get(2)?,
            r.get::<_, Option<i64>>(3)?.unwrap_or(0),
        );
    }
    Ok(b.finish())
}

pub fn session_totals(conn: &Connection, session_id: &str) -> Result<Totals> {
    totals_where(conn, "s.id = ?1", session_id)
}

pub fn study_totals(conn: &Connection, study_id: &str) -> Result<Totals> {
    totals_where(conn, "s.study_id = ?1", study_id)
}
