//! Exports read back and compared, small-cell suppression, the export record's sync.

mod roundtrip;
mod suppression;
mod sync;
