//! The `terrain` command: a thin layer over terrain-core. Each command group lives in its own
//! module with an `Args`/`Cmd` type and a `run` function; adding one is one enum variant here
//! and one match arm.

mod backup;
mod bench;
mod bundle;
mod conflicts;
mod ctx;
mod dashboard;
mod demo;
mod device;
mod drives;
mod dump;
mod export;
mod form;
mod hq;
mod info;
mod protection;
mod record;
mod response;
mod serve;
mod study;
mod sync;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::ctx::Ctx;

#[derive(Parser)]
#[command(
    name = "terrain",
    version,
    about = "Terrain: consultations data, offline-first"
)]
struct Cli {
    /// The database file (default: the store in Terrain's data directory).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// A file holding the passphrase of an encrypted store (or set TERRAIN_PASSPHRASE). Never
    /// given as a value: other accounts can read a command's arguments.
    #[arg(long, global = true, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
    /// A file holding the twelve recovery words, to open an encrypted store whose passphrase is
    /// lost (then `terrain passphrase change` sets a new one).
    #[arg(long, global = true, value_name = "FILE")]
    recovery_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// This laptop's node id, schema version and studies.
    Info(info::Args),
    /// Create an encrypted store (its passphrase from --passphrase-file or TERRAIN_PASSPHRASE).
    Init(protection::InitArgs),
    /// Convert this unencrypted store into an encrypted one, in place.
    Encrypt(protection::InitArgs),
    /// Change the passphrase of an encrypted store.
    #[command(subcommand)]
    Passphrase(protection::PassphraseCmd),
    /// Write a backup of the store: one encrypted file (a plain store's under the passphrase given).
    Backup(backup::BackupArgs),
    /// Restore a backup as this store (--replace to replace the one here); a new device identity.
    Restore(backup::RestoreArgs),
    /// Invite a laptop to a study, or join one.
    #[command(subcommand)]
    Study(study::Cmd),
    /// Create, edit, delete, restore and list records.
    #[command(subcommand)]
    Record(record::Cmd),
    /// Questionnaires (XLSForm): import a form into a study, list, show, delete.
    #[command(subcommand)]
    Form(form::Cmd),
    /// Fill a questionnaire: new response, set answers, list, show, finalise, reopen, delete.
    #[command(subcommand)]
    Response(response::Cmd),
    /// Write or read a sync bundle (USB stick).
    #[command(subcommand)]
    Bundle(bundle::Cmd),
    /// The replicated state in canonical JSON.
    Dump(dump::Args),
    /// Review and resolve concurrent edits.
    #[command(subcommand)]
    Conflicts(conflicts::Cmd),
    /// Benchmarks.
    #[command(subcommand)]
    Bench(bench::Cmd),
    /// Export data to CSV, XLSX or JSON (with HXL, anonymised) for other tools.
    Export(export::Args),
    /// A form's select questions counted by the respondent's sex and actor group.
    Dashboard(dashboard::Args),
    /// Fill an empty database with realistic demo data (`demo remove` takes it away).
    Demo(demo::Args),
    /// Run a sync hub on this store (office server, or a laptop sharing on the LAN).
    Serve(serve::Args),
    /// Sync with a hub over the network, both ways.
    Sync(sync::Args),
    /// The USB sticks plugged in, and the folder each is at.
    Drives(drives::Args),
    /// Devices enrolled on the hub this store serves.
    #[command(subcommand)]
    Device(device::Cmd),
    /// The headquarters' key pair, to which names and phones are sealed.
    #[command(subcommand)]
    Hq(hq::Cmd),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ctx = Ctx::new(cli.db).with_secrets(cli.passphrase_file, cli.recovery_file);
    let result = match cli.command {
        Command::Info(a) => info::run(&ctx, a),
        Command::Init(a) => protection::init(&ctx, a),
        Command::Encrypt(a) => protection::encrypt(&ctx, a),
        Command::Passphrase(c) => protection::passphrase(&ctx, c),
        Command::Backup(a) => backup::backup(&ctx, a),
        Command::Restore(a) => backup::restore(&ctx, a),
        Command::Study(c) => study::run(&ctx, c),
        Command::Record(c) => record::run(&ctx, c),
        Command::Form(c) => form::run(&ctx, c),
        Command::Response(c) => response::run(&ctx, c),
        Command::Bundle(c) => bundle::run(&ctx, c),
        Command::Dump(a) => dump::run(&ctx, a),
        Command::Conflicts(c) => conflicts::run(&ctx, c),
        Command::Bench(c) => bench::run(&ctx, c),
        Command::Export(a) => export::run(&ctx, a),
        Command::Dashboard(a) => dashboard::run(&ctx, a),
        Command::Demo(a) => demo::run(&ctx, a),
        Command::Serve(a) => serve::run(&ctx, a),
        Command::Sync(a) => sync::run(&ctx, a),
        Command::Device(c) => device::run(&ctx, c),
        Command::Drives(a) => drives::run(&ctx, a),
        Command::Hq(c) => hq::run(&ctx, c),
    };
    ctx.finish(result)
}
