//! Terrain's core: the domain, the change-logged SQLite store, merge and sync, exports and
//! statistics. Nothing here knows about Tauri, HTTP or a display.

pub mod bench;
pub mod bundle;
mod changelog;
pub mod clock;
pub mod conflicts;
pub mod demo;
pub mod devices;
pub mod dump;
pub mod error;
pub mod export;
pub mod keys;
pub mod merge;
pub mod places;
pub mod query;
pub mod report;
pub mod schema;
pub mod stats;
pub mod store;
pub mod sync;
pub mod transport;
pub mod value;
pub mod write;

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
