//! A realistic demo, written through the normal write path so it carries a change log and
//! history like real data: three studies on women, peace and security in Mali (a UNSCR 1325
//! workshop series in Ségou, a participatory action research on women in the defence and
//! security forces, regional validation of a study on security needs in Kayes). The people,
//! names and texts are invented; the RNG is seeded, so every load holds the same content
//! (ids and clock stamps differ, as they must).
//!
//! The generating code is in `writer`; what it draws from is data: the studies' plans, the
//! audiences, the participants' institutions and roles, the texts, and the places found by name
//! in the gazetteer.

mod audiences;
mod gazetteer;
mod people;
mod plans;
mod texts;
mod writer;

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Refusal, Result};
use crate::read::holdings::{holdings, Holdings};
use crate::read::live::live;
use crate::schema::Entity;
use crate::store::demo_mark::{demo_study_ids, mark_demo_studies};
use crate::store::Store;
use gazetteer::Gazetteer;
use plans::STUDY_PLANS;
use writer::Demo;

pub use writer::DemoSummary;

/// The seed of the demo's content: the same seed gives the same studies, sessions and people.
const SEED: u64 = 1325;

/// Fills an empty store with the demo, in one transaction, and marks its studies as demo data
/// (`store::demo_mark`: a local mark). Refuses a store where the demo is already (it is never
/// loaded twice) or that has other studies (it never mixes with real work).
pub fn load_demo(store: &mut Store) -> Result<DemoSummary> {
    store.write(|w| {
        let demo_studies = live_demo_studies(w.conn())?.len() as i64;
        if demo_studies > 0 {
            return Err(Error::Refused(Refusal::DemoLoaded {
                studies: demo_studies,
            }));
        }
        let studies: i64 =
            w.conn()
                .query_row("SELECT count(*) FROM study WHERE deleted = 0", [], |r| {
                    r.get(0)
                })?;
        if studies > 0 {
            return Err(Error::Refused(Refusal::NotEmpty { studies }));
        }
        let mut demo = Demo::new(SEED, Gazetteer::load(w.conn())?);
        for plan in &STUDY_PLANS {
            demo.study(w, plan)?;
        }
        mark_demo_studies(w.conn(), demo.study_ids())?;
        Ok(demo.summary())
    })
}

/// What removing the demo took away.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DemoRemoved {
    /// Demo studies deleted (0: there was no demo to remove).
    pub studies: i64,
    /// What they held.
    pub holdings: Holdings,
}

/// The demo studies that are live here (loaded and not deleted), in id order.
pub fn live_demo_studies(conn: &Connection) -> Result<Vec<String>> {
    let marked = demo_study_ids(conn)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id FROM study WHERE {} ORDER BY id",
        live(Entity::Study, "study")
    ))?;
    let ids = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ids.into_iter().filter(|id| marked.contains(id)).collect())
}

/// Removes the demo in one action: deletes every live demo study through the write path, in
/// one transaction (their sessions, people, findings and recommendations go with them, see
/// `read::live`). Like any delete it syncs and can be undone from the bin; the demo can then
/// be loaded again. With no demo here, it does nothing and says so (`studies` is 0).
pub fn remove_demo(store: &mut Store) -> Result<DemoRemoved> {
    store.write(|w| {
        let mut removed = DemoRemoved::default();
        for id in live_demo_studies(w.conn())? {
            let h = holdings(w.conn(), Entity::Study, &id)?;
            removed.holdings.add(&h);
            w.delete(Entity::Study, &id)?;
            removed.studies += 1;
        }
        Ok(removed)
    })
}
