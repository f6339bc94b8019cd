//! The sessions list: filtered, searched, sorted, with each session's women and men.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::read::filter::SessionFilter;
use crate::read::places::{fold, PlaceIndex};
use crate::read::totals::SexCount;

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SessionSort {
    #[default]
    DateDesc,
    DateAsc,
    Place,
    Type,
    People,
}

/// What the sessions list shows: the sessions a filter takes, searched and sorted.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct SessionQuery {
    #[serde(flatten)]
    pub filter: SessionFilter,
    /// Words looked for in title, notes, place, facilitators.
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub sort: SessionSort,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SessionRow {
    pub id: String,
    pub study_id: Option<String>,
    pub study_title: Option<String>,
    pub session_type: Option<String>,
    pub title: Option<String>,
    pub date: Option<String>,
    pub place_id: Option<String>,
    pub place: Option<String>,
    pub region: Option<String>,
    pub women: i64,
    pub men: i64,
}

pub fn sessions(conn: &Connection, query: &SessionQuery) -> Result<Vec<SessionRow>> {
    query.filter.check()?;
    let places = PlaceIndex::load(conn)?;
    let mut counts: BTreeMap<String, SexCount> = BTreeMap::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT session_id, sex, count(*) FROM participant WHERE deleted = 0 GROUP BY 1, 2
             UNION ALL
             SELECT session_id, sex, sum(count) FROM tally WHERE deleted = 0 GROUP BY 1, 2",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let sid: Option<String> = r.get(0)?;
            let sex: Option<String> = r.get(1)?;
            if let Some(sid) = sid {
                counts.entry(sid).or_default().add(
                    sex.as_deref().unwrap_or(""),
                    r.get::<_, Option<i64>>(2)?.unwrap_or(0),
                );
            }
        }
    }
    let filter = &query.filter;
    let (cond, params) = filter.sql();
    // In the order sessions were stored, whichever index the filter lets SQLite use: the
    // sorts below keep that order among equals.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT s.id, s.study_id, st.title, s.session_type, s.title, s.date, s.place_id,
                coalesce(s.notes, '') || ' ' || coalesce(s.facilitators, '') || ' ' || coalesce(s.note_taker, '')
           FROM session s LEFT JOIN study st ON st.id = s.study_id
          WHERE {cond} ORDER BY s.rowid"
    ))?;
    let needle = query.text.as_deref().map(fold).unwrap_or_default();
    let mut out = Vec::new();
    let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let place_id: Option<String> = r.get(6)?;
        let region = place_id.as_deref().and_then(|p| places.region_of(p));
        if !filter.keeps_region(region.map(|p| p.id.as_str())) {
            continue;
        }
        let title: Option<String> = r.get(4)?;
        let place_path = place_id.as_deref().map(|p| places.path(p));
        if !needle.trim().is_empty() {
            let hay = fold(&format!(
                "{} {} {}",
                title.as_deref().unwrap_or(""),
                place_path.as_deref().unwrap_or(""),
                r.get::<_, String>(7)?
            ));
            if !needle.split_whitespace().all(|w| hay.contains(w)) {
                continue;
            }
        }
        let c = counts.get(&id).cloned().unwrap_or_default();
        out.push(SessionRow {
            id,
            study_id: r.get(1)?,
            study_title: r.get(2)?,
            session_type: r.get(3)?,
            title,
            date: r.get(5)?,
            place_id: place_id.clone(),
            place: place_id
                .as_deref()
                .and_then(|p| places.get(p))
                .map(|p| p.name.clone()),
            region: region.map(|p| p.name.clone()),
            women: c.women,
            men: c.men,
        });
    }
    match query.sort {
        SessionSort::DateDesc => out.sort_by(|a, b| (&b.date, &b.id).cmp(&(&a.date, &a.id))),
        SessionSort::DateAsc => out.sort_by(|a, b| (&a.date, &a.id).cmp(&(&b.date, &b.id))),
        SessionSort::Place => {
            out.sort_by(|a, b| (&a.region, &a.place, &a.date).cmp(&(&b.region, &b.place, &b.date)))
        }
        SessionSort::Type => {
            out.sort_by(|a, b| (&a.session_type, &a.date).cmp(&(&b.session_type, &b.date)))
        }
        SessionSort::People => out.sort_by_key(|s| std::cmp::Reverse(s.women + s.men)),
    }
    Ok(out)
}
