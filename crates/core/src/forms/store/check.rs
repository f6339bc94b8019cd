//! Where an answer goes and what it may hold: its path names a question one answers (or a
//! repeat instance), inside the instances that hold it, and its value fits the question.
//! Answers received from another laptop are not checked here (the engine shows a value that
//! does not fit as its question's error); answers written here are.

use crate::error::{AnswerProblem, Error, Refusal, Result};
use crate::forms::answers::{choices_of, AnswerError, Answers};
use crate::forms::model::{FormDef, Node, NodeKind};
use crate::forms::paths::check_path;
use crate::forms::values::check_value;
use crate::lang::Lang;

/// What a path names in a form.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target<'a> {
    /// A question; `other`: the text of a select's `or_other` (`<name>_other`).
    Question { node: &'a Node, other: bool },
    /// A repeat instance (`members[k3f9q2ab]`): its record holds the instance's order key.
    Instance,
}

/// The refusal of an answer at `path`.
pub(crate) fn invalid(path: &str, problem: AnswerProblem) -> Error {
    Error::Refused(Refusal::AnswerInvalid {
        path: path.to_string(),
        problem,
    })
}

/// FILE.json's answers refused by the forms layer, as a refusal (its words in both languages).
pub(crate) fn refused_json(e: &AnswerError) -> Error {
    let path = match e {
        AnswerError::NotAnObject { repeat } => repeat.clone().unwrap_or_default(),
        AnswerError::UnknownQuestion { name }
        | AnswerError::Group { name }
        | AnswerError::Misplaced { name, .. }
        | AnswerError::NotAList { name }
        | AnswerError::Note { name }
        | AnswerError::BadJson { name }
        | AnswerError::Invalid { name, .. } => name.clone(),
    };
    invalid(
        &path,
        AnswerProblem::Said {
            fr: e.message(Lang::Fr),
            en: e.message(Lang::En),
        },
    )
}

/// A well-formed segment (`check_path` passed) as its name and instance key: `age` →
/// (`age`, None), `members[k3f9q2ab]` → (`members`, Some(`k3f9q2ab`)).
fn split_segment(segment: &str) -> Option<(&str, Option<&str>)> {
    match segment.split_once('[') {
        None => Some((segment, None)),
        Some((name, rest)) => Some((name, Some(rest.strip_suffix(']')?))),
    }
}

/// The node named `name` and the names of the repeats around it, outermost first.
fn placed<'a>(def: &'a FormDef, name: &str) -> Option<(&'a Node, Vec<String>)> {
    let node = def.node(name)?;
    let mut repeats = None;
    def.walk(|v| {
        if repeats.is_none() && v.node.name == name {
            repeats = Some(v.repeats.iter().map(|r| r.to_string()).collect());
        }
    });
    Some((node, repeats?))
}

/// What `path` names in `def`, or why it names nothing one writes.
pub(crate) fn target<'a>(def: &'a FormDef, path: &str) -> Result<Target<'a>> {
    let bad = |problem| Err(invalid(path, problem));
    if !check_path(path) {
        return bad(AnswerProblem::BadPath);
    }
    let segments: Vec<&str> = path.split('/').collect();
    let (last, before) = segments.split_last().unwrap_or((&"", &[]));
    let chain: Vec<&str> = before
        .iter()
        .filter_map(|s| split_segment(s).map(|(name, _)| name))
        .collect();
    let Some((name, key)) = split_segment(last) else {
        return bad(AnswerProblem::BadPath);
    };
    let (node, repeats, other) = match placed(def, name) {
        Some((node, repeats)) => (node, repeats, false),
        None => {
            let select = name.strip_suffix("_other").and_then(|b| placed(def, b));
            match select {
                Some((node, repeats)) if has_other(node) && key.is_none() => (node, repeats, true),
                _ => return bad(AnswerProblem::UnknownName),
            }
        }
    };
    if repeats != chain {
        return bad(AnswerProblem::BadPath);
    }
    match (&node.kind, key) {
        (NodeKind::Repeat { .. }, Some(_)) => Ok(Target::Instance),
        (_, Some(_)) => bad(AnswerProblem::NotARepeat),
        (NodeKind::Question { question }, None) => match question {
            crate::forms::model::QuestionType::Note => bad(AnswerProblem::NotAnswerable),
            _ => Ok(Target::Question { node, other }),
        },
        (NodeKind::Group { .. } | NodeKind::Repeat { .. }, None) => {
            bad(AnswerProblem::NotAnswerable)
        }
    }
}

fn has_other(node: &Node) -> bool {
    use crate::forms::model::QuestionType::{SelectMultiple, SelectOne};
    matches!(
        node.question(),
        Some(SelectOne { or_other: true, .. } | SelectMultiple { or_other: true, .. })
    )
}

/// The instances that hold `path`, outermost first: `hh[a]/members[b]/age` → `hh[a]`,
/// `hh[a]/members[b]`.
pub(crate) fn holders(path: &str) -> Vec<&str> {
    path.match_indices('/').map(|(i, _)| &path[..i]).collect()
}

/// Refuses a question path (`value` given) whose instances are not in `answers`, or whose
/// value does not fit its question.
pub(crate) fn check_answer(
    def: &FormDef,
    answers: &Answers,
    path: &str,
    value: Option<&str>,
) -> Result<()> {
    let target = target(def, path)?;
    for holder in holders(path) {
        if answers.get(holder).is_none() {
            return Err(invalid(path, AnswerProblem::NoInstance));
        }
    }
    let (node, other) = match target {
        Target::Question { node, other } => (node, other),
        Target::Instance => return Ok(()),
    };
    let (Some(question), Some(value), false) = (node.question(), value, other) else {
        return Ok(());
    };
    check_value(question, choices_of(def, question), value).map_err(|problem| {
        let said = |lang: Lang| match lang {
            Lang::Fr => format!(
                "Réponse « {value} » à « {path} » refusée : {}.",
                problem.message(lang)
            ),
            Lang::En => format!(
                "Answer \"{value}\" to \"{path}\" refused: {}.",
                problem.message(lang)
            ),
        };
        invalid(
            path,
            AnswerProblem::Said {
                fr: said(Lang::Fr),
                en: said(Lang::En),
            },
        )
    })
}

/// Every answer of `given` checked against the form, in the answers they will join
/// (`merged`: the instances they sit in are there).
pub(crate) fn check_all(def: &FormDef, merged: &Answers, given: &Answers) -> Result<()> {
    for (path, value) in given.entries() {
        check_answer(def, merged, path, Some(value))?;
    }
    for path in given.cleared() {
        target(def, path)?;
    }
    Ok(())
}
