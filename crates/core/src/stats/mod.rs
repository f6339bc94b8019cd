//! The dashboards: who was consulted, where, how, what came out of it, and what needs review.
//! Every head count is split by sex. Each part has its own file and reads the sessions of its
//! [`Scope`]; the dashboard reads them once for all the parts.

pub(crate) mod activity;
pub(crate) mod dsf;
pub(crate) mod forms;
pub(crate) mod methods;
pub(crate) mod origins;
pub(crate) mod people;
pub(crate) mod quality;
pub(crate) mod recommendations;
pub(crate) mod scope;
pub(crate) mod sessions;

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use activity::activity_in;
use dsf::dsf_in;
use methods::methods_in;
use people::people_in;
use quality::quality_in;
use recommendations::recommendations_in;
use sessions::sessions_in;

pub use activity::{activity, ActivityStats, WhoCount};
pub use dsf::{dsf, DsfStats, InstitutionCount};
pub use forms::{form_stats, ChoiceCount, FormStats, SelectStats, NOT_LINKED};
pub use methods::{methods, LanguageCount, MethodStats, Share};
pub use people::{people, PeopleStats, RegionPeople};
pub use quality::{
    quality, DuplicateParticipants, DuplicateSessions, QualityStats, SessionBrief, LIST_LIMIT,
};
pub use recommendations::{recommendations, Count, OpenRecommendation, RecommendationStats};
pub use scope::{RegionRef, Scope, SessionInfo, StatsFilter};
pub use sessions::{sessions, FollowUp, RegionSessions, SessionStats, TypeCount};

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Dashboard {
    pub filter: StatsFilter,
    pub people: PeopleStats,
    pub sessions: SessionStats,
    pub dsf: DsfStats,
    pub methods: MethodStats,
    pub recommendations: RecommendationStats,
    pub quality: QualityStats,
    pub activity: ActivityStats,
}

/// Every dashboard figure for one filter, sharing one read of the sessions.
pub fn dashboard(conn: &Connection, f: &StatsFilter) -> Result<Dashboard> {
    let scope = Scope::load(conn, &f.filter)?;
    let all_types = if f.filter.session_type().is_some() {
        Some(Scope::load_with(conn, &f.filter.any_type(), false)?)
    } else {
        None
    };
    Ok(Dashboard {
        filter: f.clone(),
        people: people_in(f, &scope)?,
        sessions: sessions_in(&scope, all_types.as_ref().unwrap_or(&scope))?,
        dsf: dsf_in(&scope)?,
        methods: methods_in(&scope),
        recommendations: recommendations_in(conn, f, f.filter.narrows_study().then_some(&scope))?,
        quality: quality_in(conn, &scope)?,
        activity: activity_in(conn, &scope)?,
    })
}
