//! Exports read back and compared, small-cell suppression, the export record's sync,
//! anonymised exports that single nobody out, cells a spreadsheet would run.

mod anonymised;
mod forms;
mod neutralise;
mod roundtrip;
mod suppression;
mod sync;
