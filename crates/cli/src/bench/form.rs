//! `terrain bench form`: one answer's re-evaluation of a generated form (500 questions, 100
//! relevance and 50 constraint expressions by default), the work the app does after each
//! answer typed. Target: under 10 ms.

use crate::ctx::say;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use terrain_core::forms::engine::Compiled;
use terrain_core::forms::{Answers, Choice, FormDef, Labels, Node, NodeKind, QuestionType};

use super::measure::{median, ms};

#[derive(clap::Args)]
pub struct Args {
    /// Questions in the generated form (a fifth carry a relevance, a tenth a constraint).
    #[arg(long, default_value_t = 500)]
    questions: usize,
    /// Re-evaluations timed.
    #[arg(long, default_value_t = 200)]
    runs: usize,
    /// Accepted as every benchmark does; this one writes nothing.
    #[arg(long)]
    dir: Option<PathBuf>,
}

pub fn run(args: Args) -> crate::ctx::Result<()> {
    let def = generate(args.questions);
    let (relevance, constraints) = count_expressions(&def);
    let t = Instant::now();
    let compiled = Compiled::new(def).map_err(|e| super::stopped(format!("{e:?}")))?;
    let compile_ms = ms(t);
    let mut answers = answer_all(compiled.def());
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
    let clock = (today, today.and_hms_opt(9, 0, 0).unwrap_or_default());
    let mut times = Vec::with_capacity(args.runs.max(1));
    let mut last = None;
    for run in 0..args.runs.max(1) {
        // One answer changes (the first yes/no, which a relevance reads), then the whole form
        // is evaluated again, as the app does.
        answers.set(
            "q0",
            Some(if run % 2 == 0 { "no" } else { "yes" }.to_string()),
        );
        let t = Instant::now();
        let evaluation = compiled.evaluate(&answers, Some("Français (fr)"), clock);
        times.push(ms(t));
        last = Some(evaluation);
    }
    let evaluation = last.ok_or_else(|| super::stopped("no run"))?;
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    let p95 = sorted[((sorted.len() as f64 * 0.95).ceil() as usize).clamp(1, sorted.len()) - 1];
    let report = FormBench {
        questions: args.questions,
        relevance,
        constraints,
        compile_ms,
        runs: times.len(),
        median_ms: median(&mut times),
        p95_ms: p95,
        items: evaluation.items.len(),
        relevant: evaluation.items.iter().filter(|i| i.relevant).count(),
        pages: evaluation.pages.len(),
        errors: evaluation.errors.len(),
    };
    say!("{report}");
    Ok(())
}

fn node(name: String, question: QuestionType) -> Node {
    let labels: Labels = [
        ("Français (fr)".to_string(), format!("Question {name}")),
        ("English (en)".to_string(), format!("Question {name}")),
    ]
    .into();
    Node {
        label: labels,
        row: 2,
        ..Node::new(name, NodeKind::Question { question })
    }
}

/// `questions` questions in a cycle of five types: yes/no, integer, text (shown when the
/// yes/no before it is yes), decimal, select_multiple; every other integer has a constraint.
fn generate(questions: usize) -> FormDef {
    let body = (0..questions)
        .map(|i| {
            let name = format!("q{i}");
            match i % 5 {
                0 => node(
                    name,
                    QuestionType::SelectOne {
                        list: "yes_no".into(),
                        or_other: false,
                    },
                ),
                1 => {
                    let mut n = node(name, QuestionType::Integer);
                    if i % 10 == 1 {
                        n.constraint = Some(". >= 0 and . < 200".into());
                        n.required = Some("true()".into());
                    }
                    n
                }
                2 => {
                    let mut n = node(name, QuestionType::Text);
                    n.relevant = Some(format!("${{q{}}} = 'yes'", i - 2));
                    n
                }
                3 => node(name, QuestionType::Decimal),
                _ => node(
                    name,
                    QuestionType::SelectMultiple {
                        list: "crops".into(),
                        or_other: false,
                    },
                ),
            }
        })
        .collect();
    let list = |names: &[&str]| -> Vec<Choice> {
        names
            .iter()
            .map(|n| Choice {
                name: n.to_string(),
                label: [("Français (fr)".to_string(), n.to_uppercase())].into(),
                extra: BTreeMap::new(),
            })
            .collect()
    };
    FormDef {
        form_id: "bench".into(),
        version: "1".into(),
        title: "Bench".into(),
        default_language: Some("Français (fr)".into()),
        languages: vec!["Français (fr)".into(), "English (en)".into()],
        body,
        choices: [
            ("yes_no".to_string(), list(&["yes", "no"])),
            (
                "crops".to_string(),
                list(&["millet", "sorghum", "rice", "maize", "fonio"]),
            ),
        ]
        .into(),
    }
}

fn count_expressions(def: &FormDef) -> (usize, usize) {
    let (mut relevance, mut constraints) = (0, 0);
    def.walk(|v| {
        relevance += usize::from(v.node.relevant.is_some());
        constraints += usize::from(v.node.constraint.is_some());
    });
    (relevance, constraints)
}

/// Every question answered (half the yes/no with yes).
fn answer_all(def: &FormDef) -> Answers {
    let mut answers = Answers::new();
    def.walk(|v| {
        let value = match v.node.question() {
            Some(QuestionType::SelectOne { .. }) if v.node.name.ends_with('0') => "yes",
            Some(QuestionType::SelectOne { .. }) => "no",
            Some(QuestionType::Integer) => "42",
            Some(QuestionType::Text) => "texte",
            Some(QuestionType::Decimal) => "3.5",
            Some(QuestionType::SelectMultiple { .. }) => "millet rice",
            _ => return,
        };
        answers.set(&v.node.name, Some(value.to_string()));
    });
    answers
}

struct FormBench {
    questions: usize,
    relevance: usize,
    constraints: usize,
    compile_ms: f64,
    runs: usize,
    median_ms: f64,
    p95_ms: f64,
    items: usize,
    relevant: usize,
    pages: usize,
    errors: usize,
}

impl fmt::Display for FormBench {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Form engine: one answer's re-evaluation ({} runs)",
            self.runs
        )?;
        writeln!(
            f,
            "  form: {} questions, {} relevance, {} constraint expressions, compiled in {:.2} ms",
            self.questions, self.relevance, self.constraints, self.compile_ms
        )?;
        writeln!(
            f,
            "  re-evaluation: median {:.3} ms, p95 {:.3} ms (target < 10 ms)",
            self.median_ms, self.p95_ms
        )?;
        write!(
            f,
            "  check: {} items, {} relevant, {} pages, {} errors",
            self.items, self.relevant, self.pages, self.errors
        )
    }
}
