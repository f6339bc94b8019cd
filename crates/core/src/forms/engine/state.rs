//! One evaluation's working state: every node instance of the form over the answers (repeats
//! expanded), their current values and relevance, and the `Env` expressions read them through.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};

use crate::forms::answers::{child_path, instance_path, Answers};
use crate::forms::expr::{Env, Expr, Value};
use crate::forms::model::{Choice, FormDef, QuestionType};

use super::compile::{CKind, Plan};
use super::text::pick;

/// One node instance: a question, group or repeat at one place, or a repeat instance.
pub(super) struct Inst {
    pub node: usize,
    pub path: String,
    /// The instance around it (group, repeat, or repeat instance).
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// The repeat instances it sits in (for a repeat instance: itself included).
    pub ctx: usize,
    /// A repeat instance (`members[k]`) rather than a node.
    pub instance: bool,
}

/// A chain of repeat instances: where `${name}` and `position()` are read from.
pub(super) struct Ctx {
    /// The instance chain's path, "" at the top.
    pub prefix: String,
    /// (repeat node, instance key), outermost first.
    pub chain: Vec<(usize, String)>,
    pub position: Option<usize>,
}

pub(super) struct State<'a> {
    pub plan: &'a Plan,
    pub def: &'a FormDef,
    pub answers: &'a Answers,
    pub lang: Option<&'a str>,
    pub clock: (NaiveDate, NaiveDateTime),
    pub insts: Vec<Inst>,
    pub ctxs: Vec<Ctx>,
    pub by_path: HashMap<String, usize>,
    /// Each node's instances (repeat instances aside), in document order.
    pub node_insts: Vec<Vec<usize>>,
    /// A repeat's path at one place (`hh[k]/members`) → its instance keys in order.
    pub keys: HashMap<String, Vec<String>>,
    pub values: Vec<Option<String>>,
    /// Whether the stored answer is the value (not a default nor a calculation).
    pub answered: Vec<bool>,
    pub relevant: Vec<bool>,
}

impl<'a> State<'a> {
    pub fn expand(
        plan: &'a Plan,
        def: &'a FormDef,
        answers: &'a Answers,
        lang: Option<&'a str>,
        clock: (NaiveDate, NaiveDateTime),
    ) -> State<'a> {
        let mut state = State {
            plan,
            def,
            answers,
            lang,
            clock,
            insts: Vec::new(),
            ctxs: vec![Ctx {
                prefix: String::new(),
                chain: Vec::new(),
                position: None,
            }],
            by_path: HashMap::new(),
            node_insts: vec![Vec::new(); plan.nodes.len()],
            keys: HashMap::new(),
            values: Vec::new(),
            answered: Vec::new(),
            relevant: Vec::new(),
        };
        state.expand_nodes(&plan.roots, None, 0, answers);
        state.relevant = vec![true; state.insts.len()];
        state
    }

    fn push(
        &mut self,
        node: usize,
        path: String,
        parent: Option<usize>,
        ctx: usize,
        instance: bool,
        answers: &Answers,
    ) -> usize {
        let i = self.insts.len();
        let mut value = None;
        if let (false, CKind::Question(_)) = (instance, &self.plan.nodes[node].kind) {
            value = answers
                .get(&path)
                .filter(|v| !v.is_empty())
                .map(str::to_string);
        }
        self.answered.push(value.is_some());
        if value.is_none() && !instance {
            if let Some(super::compile::DefaultValue::Literal(d)) = &self.plan.nodes[node].default {
                value = Some(d.clone());
            }
        }
        self.values.push(value);
        self.by_path.insert(path.clone(), i);
        self.insts.push(Inst {
            node,
            path,
            parent,
            children: Vec::new(),
            ctx,
            instance,
        });
        if let Some(p) = parent {
            self.insts[p].children.push(i);
        }
        if !instance {
            self.node_insts[node].push(i);
        }
        i
    }

    fn expand_nodes(
        &mut self,
        ids: &[usize],
        parent: Option<usize>,
        ctx: usize,
        answers: &Answers,
    ) {
        let plan = self.plan;
        for &id in ids {
            let node = &plan.nodes[id];
            let prefix = self.ctxs[ctx].prefix.clone();
            let path = child_path(&prefix, &node.name);
            let inst = self.push(id, path.clone(), parent, ctx, false, answers);
            match node.kind {
                CKind::Question(_) => {}
                CKind::Group { .. } => self.expand_nodes(&node.children, Some(inst), ctx, answers),
                CKind::Repeat => {
                    let keys = answers.instances(&prefix, &node.name);
                    for (n, key) in keys.iter().enumerate() {
                        let ipath = instance_path(&prefix, &node.name, key);
                        let mut chain = self.ctxs[ctx].chain.clone();
                        chain.push((id, key.clone()));
                        self.ctxs.push(Ctx {
                            prefix: ipath.clone(),
                            chain,
                            position: Some(n + 1),
                        });
                        let inner = self.ctxs.len() - 1;
                        let item = self.push(id, ipath, Some(inst), inner, true, answers);
                        self.expand_nodes(&node.children, Some(item), inner, answers);
                    }
                    self.keys.insert(path, keys);
                }
            }
        }
    }

    /// The value an expression reads at `path`: "" when not relevant or unanswered.
    fn value_at(&self, path: &str) -> String {
        match self.by_path.get(path) {
            Some(&i) if self.relevant[i] => self.values[i].clone().unwrap_or_default(),
            _ => String::new(),
        }
    }

    /// The paths `${name}` means from `ctx`: in each repeat around the target that the context
    /// is in, the context's instance (or the one `picks` names, for indexed-repeat); in the
    /// others, every instance. A repeat's own name means all its instances.
    fn paths_of(&self, target: usize, ctx: usize, picks: &[(String, usize)]) -> Vec<String> {
        let node = &self.plan.nodes[target];
        let is_repeat = matches!(node.kind, CKind::Repeat);
        let chain = &self.ctxs[ctx].chain;
        let mut prefixes = vec![String::new()];
        let mut following = true;
        let levels = node
            .repeats
            .iter()
            .copied()
            .chain(is_repeat.then_some(target));
        for (level, r) in levels.enumerate() {
            let name = &self.plan.nodes[r].name;
            let keys_at = |p: &str| {
                self.keys
                    .get(&child_path(p, name))
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
            };
            if let Some((_, index)) = picks.iter().find(|(n, _)| n == name) {
                following = false;
                prefixes = prefixes
                    .iter()
                    .filter_map(|p| {
                        let key = keys_at(p).get(index.checked_sub(1)?)?;
                        Some(instance_path(p, name, key))
                    })
                    .collect();
                continue;
            }
            match chain.get(level) {
                Some((r2, key)) if following && *r2 == r && r != target => {
                    prefixes = vec![instance_path(&prefixes[0], name, key)];
                }
                _ => {
                    following = false;
                    prefixes = prefixes
                        .iter()
                        .flat_map(|p| keys_at(p).iter().map(move |k| instance_path(p, name, k)))
                        .collect();
                }
            }
        }
        if is_repeat {
            prefixes
        } else {
            prefixes.iter().map(|p| child_path(p, &node.name)).collect()
        }
    }

    /// A scope to evaluate expressions of instance `i` in, `.` being its value.
    pub fn scope(&self, i: usize) -> Scope<'_, 'a> {
        let current = if self.insts[i].instance {
            None
        } else {
            self.values[i].as_deref()
        };
        Scope {
            state: self,
            ctx: self.insts[i].ctx,
            current: current.unwrap_or(""),
            choice: None,
        }
    }

    pub fn eval(&self, i: usize, expr: &Expr) -> Value {
        expr.eval(&self.scope(i))
    }

    /// The text of an `or_other` select's `<path>_other` answer.
    pub fn answers_other(&self, i: usize) -> Option<String> {
        let path = format!("{}_other", self.insts[i].path);
        self.answers
            .get(&path)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }

    /// The choices of the select named `question`.
    pub fn list_of(&self, question: &QuestionType) -> &'a [Choice] {
        crate::forms::answers::choices_of(self.def, question)
    }
}

pub(super) struct Scope<'s, 'a> {
    pub state: &'s State<'a>,
    pub ctx: usize,
    pub current: &'s str,
    /// The choice a choice_filter is deciding on.
    pub choice: Option<&'a Choice>,
}

impl Env for Scope<'_, '_> {
    fn current(&self) -> Value {
        Value::Str(self.current.to_string())
    }

    fn lookup(&self, name: &str) -> Value {
        self.indexed(name, &[])
    }

    fn position(&self) -> Option<usize> {
        self.state.ctxs[self.ctx].position
    }

    fn indexed(&self, name: &str, repeats: &[(String, usize)]) -> Value {
        let Some(&target) = self.state.plan.by_name.get(name) else {
            return Value::Nodes(Vec::new());
        };
        let paths = self.state.paths_of(target, self.ctx, repeats);
        Value::Nodes(paths.iter().map(|p| self.state.value_at(p)).collect())
    }

    fn choice_label(&self, question: &str, choice: &str) -> Option<String> {
        let state = self.state;
        let node = state
            .plan
            .by_name
            .get(question)
            .map(|&i| &state.plan.nodes[i])?;
        let CKind::Question(q) = &node.kind else {
            return None;
        };
        let found = state.list_of(q).iter().find(|c| c.name == choice)?;
        Some(pick(&found.label, state.lang, state.def))
    }

    fn choice_column(&self, column: &str) -> Option<String> {
        let choice = self.choice?;
        match column {
            "name" => Some(choice.name.clone()),
            "label" => Some(pick(&choice.label, self.state.lang, self.state.def)),
            _ => choice.extra.get(column).cloned(),
        }
    }

    fn today(&self) -> NaiveDate {
        self.state.clock.0
    }

    fn now(&self) -> NaiveDateTime {
        self.state.clock.1
    }
}
