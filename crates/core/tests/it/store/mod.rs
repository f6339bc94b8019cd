//! The store on real SQLite files: migrations, records and their history, text, refused
//! values, the clock, a large study.

mod clock;
mod migrations;
mod records;
mod scale;
mod text;
mod validation;
