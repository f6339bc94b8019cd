//! What the screens and the CLI read: records, the session filter and the sessions list, the
//! session screen, studies, totals, history, finding a person and the gazetteer.

pub(crate) mod filter;
pub(crate) mod history;
pub(crate) mod holdings;
pub(crate) mod live;
pub(crate) mod people;
pub(crate) mod places;
pub(crate) mod records;
pub(crate) mod session_page;
pub(crate) mod sessions;
pub(crate) mod studies;
pub(crate) mod totals;

pub use filter::SessionFilter;
pub use history::{history, HistoryEntry};
pub use holdings::{holdings, Holdings};
pub use people::{find_people, PeopleFound, PeopleQuery, PersonHit};
pub use places::{place_with_path, PlaceHit, PlaceIndex};
pub use records::{deleted_records, get, list, ListOptions, Record};
pub use session_page::{
    attendance, save_attendance, session_page, Attendance, AttendanceSaved, SessionPage,
};
pub use sessions::{sessions, SessionQuery, SessionRow, SessionSort};
pub use studies::{studies, study_overview, Overview, StudyRow};
pub use totals::{session_totals, study_totals, KeyCount, SexCount, Totals};
