//! Values and relevance until they agree: calculations and computed defaults in dependency
//! order, then relevance in document order (a parent's irrelevance hides its children), again
//! while anything changes (an irrelevant node reads as "" in expressions, as in ODK).

use chrono::{Duration, NaiveDate};

use crate::forms::expr::Value;
use crate::forms::model::QuestionType;

use super::compile::{CKind, DefaultValue};
use super::state::State;

/// More rounds than a real form needs: each round settles one more level of relevance that
/// depends on a calculation that depends on relevance.
const MAX_ROUNDS: usize = 6;

pub(super) fn settle(state: &mut State<'_>) {
    for _ in 0..MAX_ROUNDS {
        let mut changed = compute(state);
        changed |= relevance(state);
        if !changed {
            break;
        }
    }
}

fn compute(state: &mut State<'_>) -> bool {
    let plan = state.plan;
    let mut changed = false;
    for &id in &plan.computed {
        let node = &plan.nodes[id];
        let expr = match (&node.calculation, &node.default) {
            (Some(calculation), _) => calculation,
            (None, Some(DefaultValue::Computed(expr))) => expr,
            _ => continue,
        };
        // A default is for an unanswered question; once() keeps a value already there.
        let keep_answer = node.calculation.is_none() || node.once;
        for n in 0..state.node_insts[id].len() {
            let i = state.node_insts[id][n];
            if keep_answer && state.answered[i] {
                continue;
            }
            let value = as_stored(&node.kind, state.eval(i, expr));
            let value = (!value.is_empty()).then_some(value);
            if state.values[i] != value {
                state.values[i] = value;
                changed = true;
            }
        }
    }
    changed
}

fn relevance(state: &mut State<'_>) -> bool {
    let mut changed = false;
    for i in 0..state.insts.len() {
        let inst = &state.insts[i];
        let parent = inst.parent.is_none_or(|p| state.relevant[p]);
        let own = match (&state.plan.nodes[inst.node].relevant, inst.instance) {
            (Some(expr), false) => parent && state.eval(i, expr).as_bool(),
            _ => true,
        };
        let relevant = parent && own;
        if state.relevant[i] != relevant {
            state.relevant[i] = relevant;
            changed = true;
        }
    }
    changed
}

/// A computed value as its question stores it: a date question given a number of days since
/// 1970-01-01 (what date arithmetic gives) stores the date it means.
fn as_stored(kind: &CKind, value: Value) -> String {
    let days = match (&value, kind) {
        (Value::Num(days), CKind::Question(QuestionType::Date | QuestionType::DateTime))
            if days.is_finite() =>
        {
            *days
        }
        _ => return value.as_answer(),
    };
    let Some(epoch) = NaiveDate::from_ymd_opt(1970, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0))
    else {
        return value.as_answer();
    };
    let seconds = (days * 86_400.0).round();
    if seconds.abs() > 1e12 {
        return value.as_answer();
    }
    let moment = epoch + Duration::seconds(seconds as i64);
    match kind {
        CKind::Question(QuestionType::Date) => moment.format("%Y-%m-%d").to_string(),
        _ => moment.format("%Y-%m-%dT%H:%M:%S").to_string(),
    }
}
