//! Terrain's core: the domain, the change-logged SQLite store, merge and sync, exports and
//! statistics. Nothing here knows about Tauri, HTTP or a display.

pub mod clock;
pub mod demo;
pub mod error;
pub mod schema;
pub mod merge;
pub mod places;
pub mod query;
pub mod stats;
pub mod export;
pub mod report;
pub mod store;
pub mod value;
pub mod write;
pub mod bench;
pub mod bundle;
pub mod conflicts;
pub mod devices;
pub mod dump;
pub mod keys;
pub mod sync;
pub mod transport;

pub use error::{Error, Problem, Result, ValidationError};
pub use schema::Entity;
pub use store::Store;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The language of messages shown to a person. French is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }
}
