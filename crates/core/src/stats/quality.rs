//! Data quality: sessions without consent, and sessions or participants entered twice.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::read::totals::SexCount;
use crate::schema::Entity;
use crate::stats::origins::origins;
use crate::stats::scope::{Scope, SessionInfo, StatsFilter};

/// A session listed for review.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SessionBrief {
    pub id: String,
    pub title: Option<String>,
    pub session_type: Option<String>,
    pub date: Option<String>,
    pub place: Option<String>,
    pub region: Option<String>,
    /// Node id of the laptop that created it.
    pub device: Option<String>,
    pub women: i64,
    pub men: i64,
}

/// Sessions with the same place, date and type created on different laptops.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DuplicateSessions {
    pub place_id: String,
    pub date: String,
    pub session_type: String,
    pub sessions: Vec<SessionBrief>,
}

/// Participants who may be the same person entered twice.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DuplicateParticipants {
    /// "code" (same pseudonymous code) or "profile" (same sex, age, institution and role in
    /// the same session).
    pub reason: String,
    /// The shared code, or "age · institution · role" (with `sex`).
    pub key: String,
    /// The shared sex of a "profile" group (a choice value, for the UI to label).
    pub sex: Option<String>,
    pub participant_ids: Vec<String>,
    pub session_ids: Vec<String>,
    pub women: i64,
    pub men: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct QualityStats {
    /// Sessions with no consent level recorded.
    pub without_consent: Vec<SessionBrief>,
    pub without_consent_women: i64,
    pub without_consent_men: i64,
    pub duplicate_sessions: Vec<DuplicateSessions>,
    pub duplicate_participants: Vec<DuplicateParticipants>,
    /// Lists are cut at this many entries; the counts below are complete.
    pub list_limit: i64,
    pub without_consent_count: i64,
    pub duplicate_session_groups: i64,
    pub duplicate_participant_groups: i64,
}

pub const LIST_LIMIT: usize = 500;

fn brief(s: &SessionInfo, device: Option<&String>) -> SessionBrief {
    SessionBrief {
        id: s.id.clone(),
        title: s.title.clone(),
        session_type: s.session_type.clone(),
        date: s.date.clone(),
        place: s.place.clone(),
        region: Some(s.region.name.clone()).filter(|n| !n.is_empty()),
        device: device.cloned(),
        women: s.people.women,
        men: s.people.men,
    }
}

pub fn quality(conn: &Connection, f: &StatsFilter) -> Result<QualityStats> {
    let scope = Scope::load_with(conn, &f.filter, false)?;
    quality_in(conn, &scope)
}

pub(crate) fn quality_in(conn: &Connection, scope: &Scope) -> Result<QualityStats> {
    let origin = origins(conn, Entity::Session)?;
    let device = |id: &str| origin.get(id).map(|(n, _)| n);
    let mut without = Vec::new();
    let mut wc = SexCount::default();
    for s in scope.sessions_sorted() {
        if s.consent_level.is_none() {
            wc.women += s.people.women;
            wc.men += s.people.men;
            without.push(brief(s, device(&s.id)));
        }
    }
    let without_count = without.len() as i64;
    without.truncate(LIST_LIMIT);

    let mut same: BTreeMap<(String, String, String), Vec<&SessionInfo>> = BTreeMap::new();
    for s in scope.sessions_sorted() {
        if let (Some(p), Some(d), Some(t)) = (&s.place_id, &s.date, &s.session_type) {
            same.entry((p.clone(), d.clone(), t.clone()))
                .or_default()
                .push(s);
        }
    }
    let mut dup_sessions = Vec::new();
    for ((place_id, date, session_type), group) in same {
        let devices: BTreeSet<Option<&String>> = group.iter().map(|s| device(&s.id)).collect();
        if group.len() > 1 && devices.len() > 1 {
            dup_sessions.push(DuplicateSessions {
                place_id,
                date,
                session_type,
                sessions: group.iter().map(|s| brief(s, device(&s.id))).collect(),
            });
        }
    }
    let dup_session_count = dup_sessions.len() as i64;
    dup_sessions.truncate(LIST_LIMIT);

    let mut dup_people = Vec::new();
    // Same code twice. A code typed by a person names one person, wherever it appears. A code
    // Terrain made ("P001-3F9A": running number in the session and four hex digits of the
    // record id) says nothing across sessions — in a large study the same one comes up by
    // chance — and within a session two laptops never make the same one, so those are left
    // to the profile check below.
    {
        let mut stmt = conn.prepare_cached(
            "SELECT code, id, session_id, sex FROM participant
              WHERE deleted = 0 AND code IN
                    (SELECT code FROM participant
                      WHERE deleted = 0 AND code IS NOT NULL
                        AND code NOT GLOB 'P[0-9][0-9][0-9]*-[0-9A-F][0-9A-F][0-9A-F][0-9A-F]'
                      GROUP BY code HAVING count(*) > 1)
              ORDER BY code, id",
        )?;
        let mut rows = stmt.query([])?;
        let mut groups: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
        while let Some(r) = rows.next()? {
            let sid: Option<String> = r.get(2)?;
            let Some(sid) = sid.filter(|s| scope.sessions.contains_key(s)) else {
                continue;
            };
            groups.entry(r.get(0)?).or_default().push((
                r.get(1)?,
                sid,
                r.get::<_, Option<String>>(3)?.unwrap_or_default(),
            ));
        }
        for (code, members) in groups {
            if members.len() > 1 {
                dup_people.push(dup_group("code", code, members));
            }
        }
    }
    // Same profile in the same session: only when the profile says something (an age and an
    // institution or role), or two women of a focus group with nothing recorded would match.
    {
        let mut stmt = conn.prepare_cached(
            "SELECT session_id, sex, age, coalesce(institution, ''), coalesce(role, ''),
                    group_concat(id, ' ')
               FROM participant
              WHERE deleted = 0 AND age IS NOT NULL AND (institution IS NOT NULL OR role IS NOT NULL)
              GROUP BY session_id, sex, age, institution, role
             HAVING count(*) > 1",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let sid: Option<String> = r.get(0)?;
            let Some(sid) = sid.filter(|s| scope.sessions.contains_key(s)) else {
                continue;
            };
            let sex: String = r.get::<_, Option<String>>(1)?.unwrap_or_default();
            let key = format!(
                "{} · {} · {}",
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?
            );
            let ids: String = r.get(5)?;
            let members = ids
                .split(' ')
                .map(|id| (id.to_string(), sid.clone(), sex.clone()))
                .collect();
            let mut group = dup_group("profile", key, members);
            group.sex = Some(sex).filter(|s| !s.is_empty());
            dup_people.push(group);
        }
    }
    let dup_people_count = dup_people.len() as i64;
    dup_people.truncate(LIST_LIMIT);
    Ok(QualityStats {
        without_consent: without,
        without_consent_women: wc.women,
        without_consent_men: wc.men,
        duplicate_sessions: dup_sessions,
        duplicate_participants: dup_people,
        list_limit: LIST_LIMIT as i64,
        without_consent_count: without_count,
        duplicate_session_groups: dup_session_count,
        duplicate_participant_groups: dup_people_count,
    })
}

fn dup_group(
    reason: &str,
    key: String,
    members: Vec<(String, String, String)>,
) -> DuplicateParticipants {
    let mut c = SexCount::default();
    let mut sessions = BTreeSet::new();
    let mut ids = Vec::new();
    for (id, sid, sex) in members {
        c.add(&sex, 1);
        sessions.insert(sid);
        ids.push(id);
    }
    ids.sort();
    DuplicateParticipants {
        reason: reason.to_string(),
        key,
        sex: None,
        participant_ids: ids,
        session_ids: sessions.into_iter().collect(),
        women: c.women,
        men: c.men,
    }
}
