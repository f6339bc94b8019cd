//! `terrain bench`: the benchmarks behind the speed targets (run them in release). Each file
//! holds one scenario and its report; what they share lives once: the readings (`measure`),
//! the scratch folder (`scratch`), the records and changes they write (`generate`) and the
//! hub and sync child processes (`processes`).

use clap::Subcommand;

mod dashboard;
mod export_forms;
mod flood;
mod form;
mod generate;
mod hub;
mod measure;
mod processes;
mod scratch;
mod sealed;
mod sync;

use crate::ctx::{Ctx, Failure, Result};

#[derive(Subcommand)]
pub enum Cmd {
    /// Write path vs plain SQLite, merge of a large bundle, delta cost, bytes, memory.
    Sync(sync::Args),
    /// Dashboard queries and exports over a generated study of 100,000 participants.
    Dashboard(dashboard::Args),
    /// Network sync on loopback: first sync of 100,000 records, delta, 20 laptops at once.
    Hub(hub::Args),
    /// The write path with names and phones sealed to an HQ key, against without.
    Sealed(sealed::Args),
    /// A form's export over 100,000 responses, in CSV, XLSX and JSON: time and peak memory.
    ExportForms(export_forms::Args),
    /// One answer's re-evaluation of a 500-question form (100 relevance, 50 constraints).
    Form(form::Args),
}

pub fn run(_ctx: &Ctx, cmd: Cmd) -> Result<()> {
    match cmd {
        Cmd::Sync(a) => sync::run(a),
        Cmd::Dashboard(a) => dashboard::run(a),
        Cmd::Hub(a) => hub::run(a),
        Cmd::Sealed(a) => sealed::run(a),
        Cmd::ExportForms(a) => export_forms::run(a),
        Cmd::Form(a) => form::run(a),
    }
}

/// The benchmark itself could not go on (a hub that did not start, a sync that failed).
fn stopped(e: impl std::fmt::Display) -> Failure {
    Failure::Core(terrain_core::Error::Internal(e.to_string()))
}
