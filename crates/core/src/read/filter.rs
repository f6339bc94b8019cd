//! Which sessions a list, a dashboard or an export covers: one study, a period, a region, a
//! type. The sessions list, the dashboards and the exports each flatten this filter into their
//! own options, so what it means is written here once: a value that is empty once trimmed does
//! not filter, and a region keeps the sessions whose place lies inside it.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use crate::error::{Error, Problem, Result};
use crate::read::live::live;
use crate::schema::Entity;

/// Which sessions to take. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct SessionFilter {
    #[serde(default)]
    pub study_id: Option<String>,
    /// First day taken (YYYY-MM-DD), inclusive.
    #[serde(default)]
    pub date_from: Option<String>,
    /// Last day taken (YYYY-MM-DD), inclusive.
    #[serde(default)]
    pub date_to: Option<String>,
    /// A region's place id: sessions whose place lies inside it.
    #[serde(default)]
    pub region_id: Option<String>,
    #[serde(default)]
    pub session_type: Option<String>,
}

/// A value that filters: trimmed, and None when nothing is left.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl SessionFilter {
    pub fn study(&self) -> Option<&str> {
        given(&self.study_id)
    }

    pub fn date_from(&self) -> Option<&str> {
        given(&self.date_from)
    }

    pub fn date_to(&self) -> Option<&str> {
        given(&self.date_to)
    }

    pub fn region(&self) -> Option<&str> {
        given(&self.region_id)
    }

    pub fn session_type(&self) -> Option<&str> {
        given(&self.session_type)
    }

    /// The same sessions whatever their type (follow-up questions look past the type filter).
    pub fn any_type(&self) -> SessionFilter {
        SessionFilter {
            session_type: None,
            ..self.clone()
        }
    }

    /// Whether it takes only part of a study's sessions: by region, type or period. Records
    /// that belong to a study rather than to a session (recommendations) are then narrowed to
    /// the sessions taken.
    pub fn narrows_study(&self) -> bool {
        self.region().is_some()
            || self.session_type().is_some()
            || self.date_from().is_some()
            || self.date_to().is_some()
    }

    /// The condition on live sessions (table alias `s`; see `read::live`: a session of a
    /// deleted study is not live) as SQL, with its parameters `?1`, `?2`... The region is not
    /// in it: it is an ancestor in the gazetteer, not a column (see
    /// [`SessionFilter::keeps_region`]).
    pub fn sql(&self) -> (String, Vec<String>) {
        let mut sql = live(Entity::Session, "s");
        let mut params = Vec::new();
        for (cond, value) in [
            ("s.study_id =", self.study()),
            ("s.session_type =", self.session_type()),
            ("s.date >=", self.date_from()),
            ("s.date <=", self.date_to()),
        ] {
            if let Some(v) = value {
                params.push(v.to_string());
                sql.push_str(&format!(" AND {cond} ?{}", params.len()));
            }
        }
        (sql, params)
    }

    /// Refuses a period that is not in ISO days (AAAA-MM-JJ): « 01/03/2025 » would compare
    /// as text and silently take every session. The app turns what people type into ISO days;
    /// the CLI takes them as they are. Every reader of a filter checks it first.
    pub fn check(&self) -> Result<()> {
        for day in [self.date_from(), self.date_to()].into_iter().flatten() {
            let iso = day.len() == 10 && chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok();
            if !iso {
                return Err(Error::invalid(Entity::Session, "date", Problem::NotADate));
            }
        }
        Ok(())
    }

    /// Whether a session is kept whose place lies in `region` (a region's place id; None for a
    /// session with no place, or a place outside any region).
    pub fn keeps_region(&self, region: Option<&str>) -> bool {
        match self.region() {
            Some(want) => region == Some(want),
            None => true,
        }
    }

    /// The values that filter, by name, as an export records them.
    pub fn to_json(&self) -> Json {
        let mut m = serde_json::Map::new();
        for (k, v) in [
            ("study_id", self.study()),
            ("date_from", self.date_from()),
            ("date_to", self.date_to()),
            ("region_id", self.region()),
            ("session_type", self.session_type()),
        ] {
            if let Some(v) = v {
                m.insert(k.to_string(), Json::String(v.to_string()));
            }
        }
        Json::Object(m)
    }
}
