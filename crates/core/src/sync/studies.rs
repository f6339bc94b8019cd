//! The studies sync deals with, by title: those whose records are here and those joined from a
//! join file whose records have not arrived yet.

use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::read::records::get;
use crate::read::studies::studies;
use crate::schema::Entity;
use crate::store::Store;
use crate::sync::keys::member_studies;
use crate::sync::settings::join_title;

/// A study as the Sync screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SyncStudy {
    pub id: String,
    pub title: String,
    /// This laptop holds the study key (created here, or joined from a join file).
    pub joined: bool,
    /// The study's records are here (a study joined but not yet synced has none).
    pub has_records: bool,
}

/// The studies sync offers: those with records here, then those joined and still waiting
/// for their records (with the title their join file gave). A study created here counts as
/// joined (see `keys::member_studies`).
pub fn offered_studies(store: &Store) -> Result<Vec<SyncStudy>> {
    let joined = member_studies(store)?;
    let mut out: Vec<SyncStudy> = studies(store.conn())?
        .into_iter()
        .map(|row| SyncStudy {
            joined: joined.contains(&row.study.id),
            title: row.study.text("title").unwrap_or_default().to_string(),
            id: row.study.id,
            has_records: true,
        })
        .collect();
    for id in joined {
        if !out.iter().any(|s| s.id == id) {
            // A deleted study (its deletion still syncs) keeps its own title; one whose
            // records have not arrived yet goes by its join file's.
            let held = record_title(store, &id);
            out.push(SyncStudy {
                title: match &held {
                    Some(title) => title.clone(),
                    None => join_title(store, &id)?.unwrap_or_default(),
                },
                has_records: held.is_some(),
                id,
                joined: true,
            });
        }
    }
    Ok(out)
}

/// The title of a study's record here, if it has one.
pub(crate) fn record_title(store: &Store, study: &str) -> Option<String> {
    get(store.conn(), Entity::Study, study)
        .ok()
        .and_then(|r| r.text("title").map(str::to_string))
}

/// A study's title for people: its record's, else the one its join file gave, else its id.
pub fn known_title(store: &Store, study: &str) -> String {
    record_title(store, study)
        .or_else(|| join_title(store, study).ok().flatten())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| study.to_string())
}
