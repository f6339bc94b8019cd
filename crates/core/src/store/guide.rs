//! The first-run guide on the Studies screen (étude → séance → présence → constats): shown on
//! its own while the store holds no study, hidden once the person dismisses it, shown again
//! when they reopen it from Settings. A local setting, never synced: each laptop's person
//! learns on their own.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Store;
use crate::error::Result;

const SETTING: &str = "guide";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Guide {
    /// Shown while there is no study (a new laptop).
    Auto,
    /// Dismissed: not shown again until reopened.
    Hidden,
    /// Reopened from Settings: shown, studies or not, until dismissed.
    Shown,
}

impl Store {
    pub fn guide(&self) -> Guide {
        match self.setting(SETTING).ok().flatten().as_deref() {
            Some("hidden") => Guide::Hidden,
            Some("shown") => Guide::Shown,
            _ => Guide::Auto,
        }
    }

    pub fn set_guide(&self, guide: Guide) -> Result<()> {
        let value = match guide {
            Guide::Auto => "auto",
            Guide::Hidden => "hidden",
            Guide::Shown => "shown",
        };
        self.set_setting(SETTING, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guide_is_dismissed_and_reopened_and_remembered() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("terrain.db");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.guide(), Guide::Auto);
        store.set_guide(Guide::Hidden).unwrap();
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.guide(), Guide::Hidden);
        store.set_guide(Guide::Shown).unwrap();
        assert_eq!(store.guide(), Guide::Shown);
    }
}
