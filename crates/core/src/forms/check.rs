//! The structural rules every form passes, whether it was just read from an XLSForm file or
//! received from another laptop as a definition: names well-formed and unique, lists there and
//! sound, every expression parsed with only known names and supported functions, sizes bounded.
//! Issues carry the survey row a node came from and the column at fault.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{FormIssue, IssueKind};
use crate::forms::expr;
use crate::forms::model::{FormDef, Node, NodeKind, QuestionType};

/// At most this many rows in the survey sheet (nodes in a form).
pub const MAX_SURVEY_ROWS: usize = 5_000;
/// At most this many choices in all lists together.
pub const MAX_CHOICES: usize = 50_000;
/// Groups and repeats nested at most this deep.
pub const MAX_DEPTH: usize = 32;
/// A question's name: at most this many characters (paths are kept in 500).
pub const MAX_NAME_CHARS: usize = 100;
/// The form record's `form_id` and `version`, and its `title` (schema/fields.rs).
pub const MAX_ID_CHARS: usize = 100;
pub const MAX_TITLE_CHARS: usize = 500;
/// The form record's `definition`: the FormDef as JSON.
pub const MAX_DEFINITION_BYTES: usize = 4_000_000;

const SURVEY: &str = "survey";
const CHOICES: &str = "choices";
const SETTINGS: &str = "settings";

impl FormDef {
    /// Every structural problem of the form, errors and warnings, in document order.
    pub fn check(&self) -> Vec<FormIssue> {
        let mut issues = Vec::new();
        self.check_settings(&mut issues);
        let names = self.check_names(&mut issues);
        let mut nodes = 0usize;
        self.walk(|v| {
            nodes += 1;
            if v.parents.len() >= MAX_DEPTH {
                issues.push(FormIssue::error(
                    SURVEY,
                    Some(v.node.row),
                    Some("type"),
                    IssueKind::TooDeep { max: MAX_DEPTH },
                ));
            }
            self.check_node(v.node, &names, &mut issues);
        });
        if nodes > MAX_SURVEY_ROWS {
            issues.push(FormIssue::error(
                SURVEY,
                None,
                None,
                IssueKind::TooManyRows {
                    max: MAX_SURVEY_ROWS,
                },
            ));
        }
        if self.question_count() == 0 {
            issues.push(FormIssue::error(SURVEY, None, None, IssueKind::NoQuestion));
        }
        self.check_choices(&mut issues);
        let size = serde_json::to_string(self).map_or(usize::MAX, |json| json.len());
        if size > MAX_DEFINITION_BYTES {
            issues.push(FormIssue::error("", None, None, IssueKind::TooLarge));
        }
        issues
    }

    fn check_settings(&self, issues: &mut Vec<FormIssue>) {
        for (column, value, max) in [
            ("form_id", &self.form_id, MAX_ID_CHARS),
            ("version", &self.version, MAX_ID_CHARS),
            ("form_title", &self.title, MAX_TITLE_CHARS),
        ] {
            let kind = if value.trim().is_empty() && column != "version" {
                IssueKind::MissingValue
            } else if value.chars().count() > max {
                IssueKind::TooLong { max }
            } else {
                continue;
            };
            issues.push(FormIssue::error(SETTINGS, Some(2), Some(column), kind));
        }
        if let Some(lang) = &self.default_language {
            if !self.languages.contains(lang) {
                issues.push(FormIssue::error(
                    SETTINGS,
                    Some(2),
                    Some("default_language"),
                    IssueKind::UnknownLanguage {
                        language: lang.clone(),
                    },
                ));
            }
        }
    }

    /// Each name well-formed and used once (the name `x_other` is taken by a select `x` with
    /// `or_other`); returns every name the form defines.
    fn check_names(&self, issues: &mut Vec<FormIssue>) -> BTreeSet<String> {
        let mut seen: BTreeMap<String, u32> = BTreeMap::new();
        self.walk(|v| {
            let node = v.node;
            let at = Some(node.row);
            let kind = if node.name.is_empty() {
                IssueKind::MissingValue
            } else if !is_xml_name(&node.name) {
                IssueKind::BadName {
                    name: node.name.clone(),
                }
            } else if node.name.chars().count() > MAX_NAME_CHARS {
                IssueKind::TooLong {
                    max: MAX_NAME_CHARS,
                }
            } else if seen.contains_key(&node.name) {
                IssueKind::DuplicateName {
                    name: node.name.clone(),
                }
            } else {
                seen.insert(node.name.clone(), node.row);
                return;
            };
            issues.push(FormIssue::error(SURVEY, at, Some("name"), kind));
        });
        self.walk(|v| {
            let or_other = matches!(
                v.node.question(),
                Some(
                    QuestionType::SelectOne { or_other: true, .. }
                        | QuestionType::SelectMultiple { or_other: true, .. }
                )
            );
            let other = format!("{}_other", v.node.name);
            if or_other && seen.contains_key(&other) {
                issues.push(FormIssue::error(
                    SURVEY,
                    Some(v.node.row),
                    Some("type"),
                    IssueKind::DuplicateName { name: other },
                ));
            }
        });
        seen.into_keys().collect()
    }

    fn check_node(&self, node: &Node, names: &BTreeSet<String>, issues: &mut Vec<FormIssue>) {
        let at = Some(node.row);
        let error = |column: &str, kind| FormIssue::error(SURVEY, at, Some(column), kind);
        let mut is_select = false;
        match node.question() {
            Some(
                QuestionType::SelectOne { list, .. } | QuestionType::SelectMultiple { list, .. },
            ) => {
                is_select = true;
                match self.choices.get(list) {
                    None => {
                        issues.push(error("type", IssueKind::UnknownList { list: list.clone() }))
                    }
                    Some(choices) if choices.is_empty() => {
                        issues.push(error("type", IssueKind::EmptyList { list: list.clone() }));
                    }
                    Some(_) => {}
                }
            }
            Some(QuestionType::Range { start, end, step })
                if !(start.is_finite() && end.is_finite() && step.is_finite() && *step > 0.0) =>
            {
                issues.push(error(
                    "parameters",
                    IssueKind::BadRange {
                        parameters: format!("start={start} end={end} step={step}"),
                    },
                ));
            }
            Some(QuestionType::Calculate) if node.calculation.is_none() => {
                issues.push(error("calculation", IssueKind::MissingCalculation));
            }
            _ => {}
        }
        if node.choice_filter.is_some() && !is_select {
            issues.push(error("choice_filter", IssueKind::ChoiceFilterNotOnSelect));
        }
        let repeat_count = match &node.kind {
            NodeKind::Repeat { repeat_count, .. } => repeat_count.as_ref(),
            _ => None,
        };
        // A default is a literal unless it holds a reference or a call.
        let default = node
            .default
            .as_ref()
            .filter(|d| d.contains("${") || d.contains('('));
        for (column, source) in [
            ("relevant", node.relevant.as_ref()),
            ("required", node.required.as_ref()),
            ("constraint", node.constraint.as_ref()),
            ("calculation", node.calculation.as_ref()),
            ("read_only", node.read_only.as_ref()),
            ("choice_filter", node.choice_filter.as_ref()),
            ("repeat_count", repeat_count),
            ("default", default),
        ] {
            if let Some(source) = source {
                for kind in expression_issues(source, names) {
                    issues.push(error(column, kind));
                }
            }
        }
    }

    fn check_choices(&self, issues: &mut Vec<FormIssue>) {
        let mut multiple: BTreeSet<String> = BTreeSet::new();
        self.walk(|v| {
            if let Some(QuestionType::SelectMultiple { list, .. }) = v.node.question() {
                multiple.insert(list.clone());
            }
        });
        let mut total = 0usize;
        for (list, choices) in &self.choices {
            total += choices.len();
            let error = |column: &str, kind| FormIssue::error(CHOICES, None, Some(column), kind);
            if list.trim().is_empty() {
                issues.push(error("list_name", IssueKind::MissingValue));
            }
            if choices.is_empty() {
                issues.push(error(
                    "list_name",
                    IssueKind::EmptyList { list: list.clone() },
                ));
            }
            let mut seen = BTreeSet::new();
            for choice in choices {
                if choice.name.is_empty() {
                    issues.push(error("name", IssueKind::MissingValue));
                } else if !seen.insert(choice.name.as_str()) {
                    issues.push(error(
                        "name",
                        IssueKind::DuplicateChoice {
                            list: list.clone(),
                            name: choice.name.clone(),
                        },
                    ));
                } else if multiple.contains(list) && choice.name.chars().any(char::is_whitespace) {
                    issues.push(error(
                        "name",
                        IssueKind::ChoiceNameWithSpace {
                            list: list.clone(),
                            name: choice.name.clone(),
                        },
                    ));
                }
            }
        }
        if total > MAX_CHOICES {
            issues.push(FormIssue::error(
                CHOICES,
                None,
                None,
                IssueKind::TooManyChoices { max: MAX_CHOICES },
            ));
        }
    }
}

/// What is wrong with one expression: it does not parse, calls a function Terrain does not
/// support, or names a question the form does not have.
fn expression_issues(source: &str, names: &BTreeSet<String>) -> Vec<IssueKind> {
    let parsed = match expr::parse(source) {
        Ok(parsed) => parsed,
        Err(e) => return vec![expr_issue(&e)],
    };
    parsed
        .references()
        .into_iter()
        .filter(|name| !names.contains(name))
        .map(|name| IssueKind::UnknownReference { name })
        .collect()
}

fn expr_issue(e: &expr::ExprError) -> IssueKind {
    match &e.kind {
        expr::ExprErrorKind::UnsupportedFunction(name) => {
            IssueKind::UnsupportedFunction { name: name.clone() }
        }
        _ => IssueKind::BadExpression {
            fr: e.message(crate::lang::Lang::Fr),
            en: e.message(crate::lang::Lang::En),
        },
    }
}

/// An XML name as pyxform accepts one for a question: a letter or `_` first, then letters,
/// digits, `_`, `-` or `.` (no `:`, no space).
pub fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}
