//! The store on real SQLite files: encryption at rest, migrations, records and their history, text, refused
//! values, the clock, a large study.

mod clock;
mod encrypted;
mod migrations;
mod records;
mod scale;
mod text;
mod validation;
