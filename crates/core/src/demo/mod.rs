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

use crate::error::{Error, Refusal, Result};
use crate::store::Store;
use gazetteer::Gazetteer;
use plans::STUDY_PLANS;
use writer::Demo;

pub use writer::DemoSummary;

/// The seed of the demo's content: the same seed gives the same studies, sessions and people.
const SEED: u64 = 1325;

/// Fills an empty store with the demo, in one transaction. Refuses a store that has studies.
pub fn load_demo(store: &mut Store) -> Result<DemoSummary> {
    store.write(|w| {
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
        Ok(demo.summary())
    })
}
