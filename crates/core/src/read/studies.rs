//! The list of studies and a study at a glance.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::read::filter::SessionFilter;
use crate::read::records::{get, list, ListOptions, Record};
use crate::read::sessions::{sessions, SessionQuery};
use crate::read::totals::{study_totals, Totals};
use crate::schema::Entity;
use crate::store::demo_mark::demo_study_ids;

/// A study in the list of studies.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct StudyRow {
    pub study: Record,
    pub sessions: i64,
    pub women: i64,
    pub men: i64,
    /// Written by the demo on this laptop (`store::demo_mark`).
    pub demo: bool,
}

pub fn studies(conn: &Connection) -> Result<Vec<StudyRow>> {
    let all = list(conn, Entity::Study, &ListOptions::default())?;
    let demo = demo_study_ids(conn)?;
    let mut out = Vec::with_capacity(all.len());
    for study in all {
        let sessions: i64 = conn.query_row(
            "SELECT count(*) FROM session WHERE study_id = ?1 AND deleted = 0",
            [&study.id],
            |r| r.get(0),
        )?;
        let t = study_totals(conn, &study.id)?;
        out.push(StudyRow {
            demo: demo.contains(&study.id),
            study,
            sessions,
            women: t.women,
            men: t.men,
        });
    }
    out.sort_by(|a, b| b.study.id.cmp(&a.study.id));
    Ok(out)
}

/// A study at a glance.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Overview {
    pub study: Record,
    pub sessions: i64,
    pub sessions_by_type: Vec<(String, i64)>,
    pub sessions_by_region: Vec<(String, i64)>,
    pub people: Totals,
    pub recommendations_by_status: Vec<(String, i64)>,
}

pub fn study_overview(conn: &Connection, study_id: &str) -> Result<Overview> {
    let study = get(conn, Entity::Study, study_id)?;
    let rows = sessions(
        conn,
        &SessionQuery {
            filter: SessionFilter {
                study_id: Some(study_id.to_string()),
                ..Default::default()
            },
            ..Default::default()
        },
    )?;
    let mut by_type: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_region: BTreeMap<String, i64> = BTreeMap::new();
    for s in &rows {
        *by_type
            .entry(s.session_type.clone().unwrap_or_default())
            .or_default() += 1;
        *by_region
            .entry(s.region.clone().unwrap_or_else(|| "—".into()))
            .or_default() += 1;
    }
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(status, ''), count(*) FROM recommendation
          WHERE study_id = ?1 AND deleted = 0 GROUP BY 1 ORDER BY 1",
    )?;
    let recs = stmt
        .query_map([study_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Overview {
        study,
        sessions: rows.len() as i64,
        sessions_by_type: by_type.into_iter().collect(),
        sessions_by_region: by_region.into_iter().collect(),
        people: study_totals(conn, study_id)?,
        recommendations_by_status: recs,
    })
}
