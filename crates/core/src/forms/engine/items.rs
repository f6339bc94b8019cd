//! The evaluation's items, errors and calculated values, from a settled state.

use crate::forms::model::QuestionType;
use crate::forms::values::check_value;

use super::compile::{CKind, CNode};
use super::state::{Scope, State};
use super::text::{
    constraint_message, interpolate, invalid_message, message_lang, other_label, pick,
    required_message,
};
use super::types::{ChoiceView, Item, ItemError, ItemKind};

/// The items in document order, and for each instance of the state its item's index.
pub(super) fn items(state: &State<'_>) -> (Vec<Item>, Vec<usize>) {
    let mut items = Vec::with_capacity(state.insts.len());
    let mut index = Vec::with_capacity(state.insts.len());
    for i in 0..state.insts.len() {
        index.push(items.len());
        let item = item(state, i);
        let other = other_item(state, i, &item);
        items.push(item);
        items.extend(other);
    }
    (items, index)
}

fn item(state: &State<'_>, i: usize) -> Item {
    let inst = &state.insts[i];
    let node = &state.plan.nodes[inst.node];
    let scope = state.scope(i);
    let relevant = state.relevant[i];
    let truth =
        |e: &Option<crate::forms::expr::Expr>| e.as_ref().is_some_and(|e| e.eval(&scope).as_bool());
    let question = match &node.kind {
        CKind::Question(q) if !inst.instance => Some(q),
        _ => None,
    };
    let asks = question.is_some_and(|q| !matches!(q, QuestionType::Note | QuestionType::Calculate));
    let position = state.ctxs[inst.ctx].position.unwrap_or(0) as u32;
    let kind = match (&node.kind, inst.instance) {
        (_, true) => ItemKind::Instance { position },
        (CKind::Question(q), _) => ItemKind::Question {
            question: q.clone(),
        },
        (CKind::Group { .. }, _) => ItemKind::Group,
        (CKind::Repeat, _) => ItemKind::Repeat {
            repeat_count: node
                .repeat_count
                .as_ref()
                .and_then(|e| count(e.eval(&scope).as_num())),
        },
    };
    let required = relevant && asks && truth(&node.required);
    let read_only = truth(&node.read_only)
        || node.calculation.is_some()
        || question.is_some_and(|q| matches!(q, QuestionType::Note | QuestionType::Calculate));
    let known = |name: &str| state.plan.by_name.contains_key(name);
    let mut label = interpolate(&pick(&node.label, state.lang, state.def), &scope, known);
    if inst.instance {
        label = format!("{label} {position}");
    }
    let choices = question
        .map(|q| choices(state, &scope, node, q))
        .unwrap_or_default();
    let error = if relevant && question.is_some() {
        error(state, i, node, required)
    } else {
        None
    };
    Item {
        path: inst.path.clone(),
        name: node.name.clone(),
        kind,
        depth: node.depth + u16::from(inst.instance),
        relevant,
        required,
        read_only,
        value: if inst.instance {
            None
        } else {
            state.values[i].clone()
        },
        label,
        hint: interpolate(&pick(&node.hint, state.lang, state.def), &scope, known),
        choices,
        error,
        appearance: node.appearance.clone(),
    }
}

/// A repeat_count as a number of instances (none when it is not a number).
fn count(n: f64) -> Option<u32> {
    (n.is_finite() && n >= 0.0).then(|| n.floor().min(f64::from(u32::MAX)) as u32)
}

fn choices(
    state: &State<'_>,
    scope: &Scope<'_, '_>,
    node: &CNode,
    question: &QuestionType,
) -> Vec<ChoiceView> {
    let or_other = match question {
        QuestionType::SelectOne { or_other, .. }
        | QuestionType::SelectMultiple { or_other, .. } => *or_other,
        _ => return Vec::new(),
    };
    let mut out: Vec<ChoiceView> = state
        .list_of(question)
        .iter()
        .filter(|choice| {
            let Some(filter) = &node.choice_filter else {
                return true;
            };
            let env = Scope {
                state,
                ctx: scope.ctx,
                current: &choice.name,
                choice: Some(choice),
            };
            filter.eval(&env).as_bool()
        })
        .map(|choice| ChoiceView {
            name: choice.name.clone(),
            label: pick(&choice.label, state.lang, state.def),
        })
        .collect();
    if or_other {
        let (label, _) = other_label(message_lang(state.lang, state.def));
        out.push(ChoiceView {
            name: "other".into(),
            label,
        });
    }
    out
}

/// A relevant question's error: a stored value that does not fit, then a missing required
/// answer, then a failing constraint.
fn error(state: &State<'_>, i: usize, node: &CNode, required: bool) -> Option<String> {
    let lang = message_lang(state.lang, state.def);
    let CKind::Question(question) = &node.kind else {
        return None;
    };
    let value = state.values[i].as_deref();
    if let (true, Some(v)) = (state.answered[i], value) {
        if let Err(problem) = check_value(question, state.list_of(question), v) {
            return Some(invalid_message(lang, &problem.message(lang)));
        }
    }
    let form_message = |labels| Some(pick(labels, state.lang, state.def)).filter(|m| !m.is_empty());
    match value {
        None if required => {
            return Some(
                form_message(&node.required_message).unwrap_or_else(|| required_message(lang)),
            );
        }
        None => return None,
        Some(_) => {}
    }
    let constraint = node.constraint.as_ref()?;
    if state.eval(i, constraint).as_bool() {
        return None;
    }
    Some(form_message(&node.constraint_message).unwrap_or_else(|| constraint_message(lang)))
}

/// The `<name>_other` text box after an `or_other` select, relevant when `other` is chosen.
fn other_item(state: &State<'_>, i: usize, select: &Item) -> Option<Item> {
    let ItemKind::Question { question } = &select.kind else {
        return None;
    };
    if !matches!(
        question,
        QuestionType::SelectOne { or_other: true, .. }
            | QuestionType::SelectMultiple { or_other: true, .. }
    ) {
        return None;
    }
    let chosen = select
        .value
        .as_deref()
        .is_some_and(|v| v.split_whitespace().any(|n| n == "other"));
    let (_, label) = other_label(message_lang(state.lang, state.def));
    let path = format!("{}_other", select.path);
    Some(Item {
        value: state.answers_other(i),
        path,
        name: format!("{}_other", select.name),
        kind: ItemKind::Other,
        depth: select.depth,
        relevant: select.relevant && chosen,
        required: false,
        read_only: select.read_only,
        label,
        hint: String::new(),
        choices: Vec::new(),
        error: None,
        appearance: Vec::new(),
    })
}

pub(super) fn errors(items: &[Item]) -> Vec<ItemError> {
    items
        .iter()
        .filter(|item| item.relevant)
        .filter_map(|item| {
            Some(ItemError {
                path: item.path.clone(),
                name: item.name.clone(),
                message: item.error.clone()?,
            })
        })
        .collect()
}

/// Every calculation's value by path, "" where it is not relevant.
pub(super) fn calculated(state: &State<'_>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (id, node) in state.plan.nodes.iter().enumerate() {
        if node.calculation.is_none() {
            continue;
        }
        for &i in &state.node_insts[id] {
            let value = if state.relevant[i] {
                state.values[i].clone().unwrap_or_default()
            } else {
                String::new()
            };
            out.push((state.insts[i].path.clone(), value));
        }
    }
    out.sort_by_key(|(path, _)| state.by_path.get(path).copied());
    out
}
