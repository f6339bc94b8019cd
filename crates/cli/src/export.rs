//! `terrain export csv|xlsx|json --out PATH [...]`: the study's data for other tools.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;
use terrain_core::export::{self, CsvSeparator, ExportOptions, Format, DEFAULT_MIN_CELL};
use terrain_core::read::SessionFilter;

use crate::ctx::{print_json, Ctx, Result};

#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Csv,
    Xlsx,
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    /// csv (one file per table in the folder --out), xlsx or json (one file).
    #[arg(value_enum)]
    format: FormatArg,
    /// The folder (CSV) or file (XLSX, JSON) to write.
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
    /// Only this study (default: every study; with --form, the form's study).
    #[arg(long, value_name = "ID")]
    study: Option<String>,
    /// Add a form's answers (its form_id, every version together, or one version's record
    /// id): a table form_<form_id> with a row per response and one per repeat, after the
    /// study's tables.
    #[arg(long, value_name = "FORM_ID")]
    form: Option<String>,
    /// Add an HXL hashtag row under the headers.
    #[arg(long)]
    hxl: bool,
    /// For sharing outside the team: no names, contacts, participants or tallies; dates as
    /// months, places down to the cercle; free text (notes, findings, recommendations) only
    /// once a supervisor marked it reviewed (`terrain record review`); no quote or speaker
    /// category from an individual interview or a session smaller than --min-cell; small
    /// counts hidden. Warns (stderr) when an earlier anonymised export made here covers some
    /// of the same sessions but not all: the two together can single a person out.
    #[arg(long)]
    anonymised: bool,
    /// With --anonymised: hide head counts below this (at least 3).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MIN_CELL, requires = "anonymised")]
    min_cell: i64,
    /// First session date included (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Last session date included (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// A region's place id: only sessions inside it.
    #[arg(long, value_name = "ID")]
    region: Option<String>,
    /// Only sessions of this type (focus_group, workshop...).
    #[arg(long = "type", value_name = "TYPE")]
    session_type: Option<String>,
    /// Your name, recorded with the export (the laptop's node id always is).
    #[arg(long)]
    user: Option<String>,
    /// CSV: separate values with semicolons (what Excel set to French expects).
    #[arg(long)]
    semicolons: bool,
    /// No progress on stderr.
    #[arg(long)]
    quiet: bool,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let mut store = ctx.open()?;
    let format = match a.format {
        FormatArg::Csv => Format::Csv,
        FormatArg::Xlsx => Format::Xlsx,
        FormatArg::Json => Format::Json,
    };
    let opts = ExportOptions {
        filter: SessionFilter {
            study_id: a.study,
            date_from: a.from,
            date_to: a.to,
            region_id: a.region,
            session_type: a.session_type,
        },
        hxl: a.hxl,
        anonymised: a.anonymised,
        min_cell: a.min_cell,
        user_name: a.user,
        csv_separator: if a.semicolons {
            CsvSeparator::Semicolon
        } else {
            CsvSeparator::Comma
        },
        form_id: a.form,
    };
    let quiet = a.quiet;
    let mut stderr = std::io::stderr();
    let summary = export::run(&mut store, format, &a.out, &opts, &mut |p| {
        if !quiet {
            // A one-line progress display, rewritten in place.
            let _ = write!(stderr, "\r{:<18} {:>10} / {:<10}", p.table, p.done, p.total);
            if p.done == p.total {
                let _ = writeln!(stderr);
            }
        }
    })?;
    for overlap in &summary.overlaps {
        eprintln!("terrain: {}", overlap.message(ctx.lang()));
    }
    print_json(&summary)
}
