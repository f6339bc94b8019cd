//! What the screens and the CLI read: records, the session filter and the sessions list,
//! studies, totals, history and the gazetteer.

pub(crate) mod filter;
pub(crate) mod history;
pub(crate) mod places;
pub(crate) mod records;
pub(crate) mod sessions;
pub(crate) mod studies;
pub(crate) mod totals;

pub use filter::SessionFilter;
pub use history::{history, HistoryEntry};
pub use places::{PlaceHit, PlaceIndex};
pub use records::{deleted_records, get, list, ListOptions, Record};
pub use sessions::{sessions, SessionQuery, SessionRow, SessionSort};
pub use studies::{studies, study_overview, Overview, StudyRow};
pub use totals::{session_totals, study_totals, KeyCount, SexCount, Totals};
