//! Finding a person: the participants of a study (or of every study) whose code or name holds
//! every word typed, without case or accents. A name sealed to headquarters that this store
//! cannot open is not searched (it is not here to search): the answer counts them, so that a
//! screen can say to look those people up by their code.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::changes::sealed::{Opener, SEALED_PREFIX};
use crate::error::Result;
use crate::read::live::live;
use crate::read::places::{fold, PlaceIndex};
use crate::schema::Entity;

/// Rows returned when the query gives no limit, and the most it may ask for.
const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 500;

/// Who to look for.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct PeopleQuery {
    /// Only this study's participants (None or empty: every study).
    #[serde(default)]
    pub study_id: Option<String>,
    /// Words of the code or the name; nothing typed finds nobody.
    #[serde(default)]
    pub text: String,
    /// At most this many people (50 unless given, 500 at most).
    #[serde(default)]
    pub limit: Option<usize>,
}

/// A person found, with the session they attended.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PersonHit {
    pub id: String,
    pub code: Option<String>,
    /// The name as this store may show it; None when none was given or it is sealed here.
    pub name: Option<String>,
    /// The name is sealed to headquarters and this store cannot open it.
    pub name_sealed: bool,
    pub sex: Option<String>,
    pub age_band: Option<String>,
    pub actor_group: Option<String>,
    pub session_id: String,
    pub session_type: Option<String>,
    pub session_date: Option<String>,
    pub place: Option<String>,
    pub study_id: Option<String>,
    pub study_title: Option<String>,
}

/// The people found, the first `limit` of `total`, and how many names could not be searched.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PeopleFound {
    pub hits: Vec<PersonHit>,
    pub total: usize,
    /// Participants in scope whose name is sealed to headquarters and cannot be opened here:
    /// found by their code only.
    pub sealed_names: usize,
}

/// The participants of live sessions (of live studies) matching every typed word, the most
/// recent sessions first.
pub fn find_people(conn: &Connection, query: &PeopleQuery) -> Result<PeopleFound> {
    let study = query
        .study_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let words: Vec<String> = fold(&query.text)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let opener = Opener::load(conn)?;
    let places = PlaceIndex::load(conn)?;
    // A person is shown with the session they attended: one whose session is not held yet
    // has nothing to lead to.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.id, p.code, p.name, p.sex, p.age_band, p.actor_group, s.id, s.session_type,
                s.date, s.place_id, s.study_id, st.title
           FROM participant p
           JOIN session s ON s.id = p.session_id
           LEFT JOIN study st ON st.id = s.study_id
          WHERE {}
            AND (?1 IS NULL OR s.study_id = ?1)
          ORDER BY s.date DESC, s.id, p.code, p.id",
        live(Entity::Participant, "p")
    ))?;
    let mut rows = stmt.query([study])?;
    let mut hits = Vec::new();
    let mut total = 0;
    let mut sealed_names = 0;
    while let Some(r) = rows.next()? {
        let code: Option<String> = r.get(1)?;
        let stored: Option<String> = r.get(2)?;
        let (name, name_sealed) = shown_name(&opener, stored);
        if name_sealed {
            sealed_names += 1;
        }
        if words.is_empty() {
            continue;
        }
        let hay = fold(&format!(
            "{} {}",
            code.as_deref().unwrap_or(""),
            name.as_deref().unwrap_or("")
        ));
        if !words.iter().all(|w| hay.contains(w.as_str())) {
            continue;
        }
        total += 1;
        if hits.len() >= limit {
            continue;
        }
        let place_id: Option<String> = r.get(9)?;
        hits.push(PersonHit {
            id: r.get(0)?,
            code,
            name,
            name_sealed,
            sex: r.get(3)?,
            age_band: r.get(4)?,
            actor_group: r.get(5)?,
            session_id: r.get(6)?,
            session_type: r.get(7)?,
            session_date: r.get(8)?,
            place: place_id
                .as_deref()
                .and_then(|p| places.get(p))
                .map(|p| p.name.clone()),
            study_id: r.get(10)?,
            study_title: r.get(11)?,
        });
    }
    Ok(PeopleFound {
        hits,
        total,
        sealed_names,
    })
}

/// A stored name as this store may show it, and whether it is sealed and cannot be opened.
fn shown_name(opener: &Opener, stored: Option<String>) -> (Option<String>, bool) {
    match stored {
        Some(text) if text.starts_with(SEALED_PREFIX) => {
            match opener.open(Entity::Participant, "name", &text) {
                Some(plain) => (Some(plain), false),
                None => (None, true),
            }
        }
        other => (other, false),
    }
}
