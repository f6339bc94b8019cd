//! The session screen in one read (the session, its study, its place with its path, its
//! attendance, its findings), and the answer to a write of its attendance: what the screen
//! shows next, so a line typed costs one call.

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::changes::batch::WriteOp;
use crate::error::Result;
use crate::read::places::{place_with_path, PlaceHit};
use crate::read::records::{get, list, ListOptions, Record};
use crate::schema::Entity;
use crate::store::Store;

/// Who came: the attendance list (a line per person) and the tally sheet (counts).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Attendance {
    pub participants: Vec<Record>,
    pub tallies: Vec<Record>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SessionPage {
    pub session: Record,
    pub study: Option<Record>,
    /// The session's place, with its full path.
    pub place: Option<PlaceHit>,
    pub attendance: Attendance,
    pub findings: Vec<Record>,
}

/// What a write of a session's attendance did: the id each op wrote (the new id for a
/// create), and the attendance as it now stands.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AttendanceSaved {
    pub ids: Vec<String>,
    pub attendance: Attendance,
}

/// Live records of `entity` that belong to a session, in creation order.
fn of_session(conn: &Connection, entity: Entity, session_id: &str) -> Result<Vec<Record>> {
    let options = ListOptions {
        field: Some("session_id".into()),
        value: Some(session_id.into()),
        ..ListOptions::default()
    };
    list(conn, entity, &options)
}

pub fn attendance(conn: &Connection, session_id: &str) -> Result<Attendance> {
    Ok(Attendance {
        participants: of_session(conn, Entity::Participant, session_id)?,
        tallies: of_session(conn, Entity::Tally, session_id)?,
    })
}

pub fn session_page(conn: &Connection, session_id: &str) -> Result<SessionPage> {
    let session = get(conn, Entity::Session, session_id)?;
    let linked = |field: &str| session.text(field).filter(|id| !id.is_empty());
    let study = match linked("study_id") {
        Some(id) => Some(get(conn, Entity::Study, id)?),
        None => None,
    };
    let place = match linked("place_id") {
        Some(id) => place_with_path(conn, id)?,
        None => None,
    };
    Ok(SessionPage {
        attendance: attendance(conn, session_id)?,
        findings: of_session(conn, Entity::Finding, session_id)?,
        session,
        study,
        place,
    })
}

/// Saves writes of a session's attendance (a line, or a whole tally sheet) in one transaction
/// and answers with the attendance as it now stands.
pub fn save_attendance(
    store: &mut Store,
    session_id: &str,
    ops: &[WriteOp],
) -> Result<AttendanceSaved> {
    let ids = store.write_batch(ops)?;
    Ok(AttendanceSaved {
        ids,
        attendance: attendance(store.conn(), session_id)?,
    })
}
