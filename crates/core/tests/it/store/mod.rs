//! The store on real SQLite files: encryption at rest, backup and restore, migrations, records and their history, text, refused
//! values, the clock, a large study.

mod backup;
mod clock;
mod encrypted;
mod migrations;
mod records;
mod scale;
mod text;
mod validation;
