//! Recommendations: by theme, target and status, and how long the open ones have been open.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::clock;
use crate::error::Result;
use crate::read::live::live;
use crate::schema::{Entity, OPEN_FOR, UNKNOWN};
use crate::stats::origins::origins;
use crate::stats::scope::{Scope, StatsFilter};

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

const CLOSED_STATUS: [&str; 2] = ["implemented", "dropped"];

/// The bucket of `schema::OPEN_FOR` a recommendation open for `days` falls in.
fn age_bucket(days: i64) -> &'static str {
    match days {
        i64::MIN..=30 => "0_30",
        31..=90 => "31_90",
        91..=180 => "91_180",
        181..=365 => "181_365",
        _ => "over_365",
    }
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
    let scope = if f.filter.narrows_study() {
        Some(Scope::load_with(conn, &f.filter, false)?)
    } else {
        None
    };
    recommendations_in(conn, f, scope.as_ref())
}

fn today(f: &StatsFilter) -> chrono::NaiveDate {
    f.as_of
        .as_deref()
        .map(str::trim)
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::Utc::now().date_naive())
}

/// `scope`: when the filter narrows sessions, only recommendations drawn from (or validated at)
/// a session in it count.
pub(crate) fn recommendations_in(
    conn: &Connection,
    f: &StatsFilter,
    scope: Option<&Scope>,
) -> Result<RecommendationStats> {
    let created = origins(conn, Entity::Recommendation)?;
    let as_of = today(f);
    let mut sql = format!(
        "SELECT id, text, theme, target_institution, status, source_sessions, validated_at
           FROM recommendation WHERE {}",
        live(Entity::Recommendation, "recommendation")
    );
    let mut params = Vec::new();
    if let Some(study) = f.filter.study() {
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
    let mut ages: BTreeMap<&str, i64> = OPEN_FOR.values().map(|b| (b, 0)).collect();
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        if let Some(scope) = scope {
            let sources: Option<String> = r.get(5)?;
            let validated_at: Option<String> = r.get(6)?;
            if !scope.covers(sources.as_deref(), validated_at.as_deref()) {
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
    stats.open_by_age = OPEN_FOR
        .values()
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

fn unknown(k: &Option<String>) -> String {
    k.clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| UNKNOWN.into())
}
