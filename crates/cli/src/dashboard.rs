//! `terrain dashboard --form FORM_ID [--json]`: a form's select questions, each choice counted
//! by the respondent's sex and actor group (`stats::form_stats`).

use crate::ctx::say;
use terrain_core::read::SessionFilter;
use terrain_core::stats::{form_stats, ChoiceCount, FormStats};

use crate::ctx::{print_json, Ctx, Result};

#[derive(clap::Args)]
pub struct Args {
    /// The form: its form_id (every version together) or one version's record id.
    #[arg(long, value_name = "FORM_ID")]
    form: String,
    /// The study holding the form (default: the study of its latest version).
    #[arg(long, value_name = "ID")]
    study: Option<String>,
    /// First session date included (YYYY-MM-DD): then only responses given in a session.
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Last session date included (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// The form's language for labels, as the form names it ("Français (fr)").
    #[arg(long, value_name = "LANGUAGE")]
    language: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let store = ctx.open()?;
    let filter = SessionFilter {
        study_id: a.study,
        date_from: a.from,
        date_to: a.to,
        ..Default::default()
    };
    let stats = form_stats(store.conn(), &a.form, Some(&filter), a.language.as_deref())?;
    if a.json {
        return print_json(&stats);
    }
    print_table(&stats)
}

/// Each question as a table: a line per choice, its total, then a column per sex and per
/// actor group.
fn print_table(s: &FormStats) -> Result<()> {
    say!(
        "{} ({}): {} responses, {} final",
        s.title,
        s.form_id,
        s.responses,
        s.final_responses
    );
    let width = s
        .questions
        .iter()
        .flat_map(|q| q.choices.iter().map(|c| c.label.chars().count()))
        .max()
        .unwrap_or(0)
        .clamp(12, 40);
    // Each count as wide as its column's name.
    let head: Vec<&str> = s
        .sexes
        .iter()
        .chain(s.actor_groups.iter())
        .map(String::as_str)
        .collect();
    let widths: Vec<usize> = head.iter().map(|h| h.len().max(6)).collect();
    for q in &s.questions {
        say!("");
        say!(
            "{} [{}{}], {} answered",
            q.label,
            q.column,
            if q.multiple { ", several choices" } else { "" },
            q.answered
        );
        say!(
            "  {:<width$} {:>7} | {}",
            "choice",
            "total",
            head.iter()
                .zip(&widths)
                .map(|(h, w)| format!("{h:>w$}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        for c in &q.choices {
            say!("  {}", row(c, width, &widths));
        }
    }
    Ok(())
}

fn row(c: &ChoiceCount, width: usize, widths: &[usize]) -> String {
    let label: String = c.label.chars().take(width).collect();
    let counts: Vec<String> = c
        .by_sex
        .iter()
        .chain(c.by_actor_group.iter())
        .zip(widths)
        .map(|(n, w)| format!("{n:>w$}"))
        .collect();
    format!("{label:<width$} {:>7} | {}", c.total, counts.join(" "))
}
