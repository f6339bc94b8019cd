//! A form compiled once per version: every expression parsed, each node's place (children,
//! repeats around it) and the order in which calculations and computed defaults run.

use std::collections::HashMap;

use crate::forms::expr::{parse, Expr, ExprError};
use crate::forms::model::{FormDef, Labels, Node, NodeKind, QuestionType};
use crate::lang::Lang;

/// A node with its expressions parsed.
pub(super) struct CNode {
    pub name: String,
    pub kind: CKind,
    /// The repeats around it, outermost first.
    pub repeats: Vec<usize>,
    pub children: Vec<usize>,
    pub depth: u16,
    pub label: Labels,
    pub hint: Labels,
    pub required_message: Labels,
    pub constraint_message: Labels,
    pub appearance: Vec<String>,
    pub relevant: Option<Expr>,
    pub required: Option<Expr>,
    pub constraint: Option<Expr>,
    pub calculation: Option<Expr>,
    /// A calculation written `once(...)`: an existing value is kept.
    pub once: bool,
    pub default: Option<DefaultValue>,
    pub read_only: Option<Expr>,
    pub choice_filter: Option<Expr>,
    pub repeat_count: Option<Expr>,
}

pub(super) enum CKind {
    Question(QuestionType),
    Group { field_list: bool },
    Repeat,
}

pub(super) enum DefaultValue {
    Literal(String),
    /// A default holding `${}` or `(`: computed when the question is unanswered.
    Computed(Expr),
}

/// An expression of the form that does not parse: the node, its row and column. (A form that
/// passed `FormDef::check` has none.)
#[derive(Debug, Clone)]
pub struct CompileError {
    pub name: String,
    pub row: u32,
    pub column: &'static str,
    pub error: ExprError,
}

impl CompileError {
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Fr => format!(
                "question {}, ligne {}, colonne {} : {}",
                self.name,
                self.row,
                self.column,
                self.error.message(lang)
            ),
            Lang::En => format!(
                "question {}, row {}, column {}: {}",
                self.name,
                self.row,
                self.column,
                self.error.message(lang)
            ),
        }
    }
}

pub(super) struct Plan {
    pub nodes: Vec<CNode>,
    /// The top-level nodes.
    pub roots: Vec<usize>,
    pub by_name: HashMap<String, usize>,
    /// The nodes whose value is computed (a calculation, or a computed default), each after
    /// the computed nodes it reads.
    pub computed: Vec<usize>,
}

pub(super) fn compile(def: &FormDef) -> Result<Plan, Vec<CompileError>> {
    let mut out = Plan {
        nodes: Vec::new(),
        roots: Vec::new(),
        by_name: HashMap::new(),
        computed: Vec::new(),
    };
    let mut errors = Vec::new();
    for node in &def.body {
        let id = add(&mut out, &mut errors, node, &[], 0);
        out.roots.push(id);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    out.computed = computed_order(&out);
    Ok(out)
}

fn add(
    out: &mut Plan,
    errors: &mut Vec<CompileError>,
    node: &Node,
    repeats: &[usize],
    depth: u16,
) -> usize {
    let mut expr = |column: &'static str, src: &Option<String>| -> Option<Expr> {
        let src = src.as_deref()?.trim();
        if src.is_empty() {
            return None;
        }
        match parse(src) {
            Ok(e) => Some(e),
            Err(error) => {
                errors.push(CompileError {
                    name: node.name.clone(),
                    row: node.row,
                    column,
                    error,
                });
                None
            }
        }
    };
    let default = match node.default.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) if d.contains("${") || d.contains('(') => {
            expr("default", &node.default).map(DefaultValue::Computed)
        }
        Some(d) => Some(DefaultValue::Literal(d.to_string())),
    };
    let (kind, children, repeat_count) = match &node.kind {
        NodeKind::Question { question } => (CKind::Question(question.clone()), &[][..], None),
        NodeKind::Group { children } => (
            CKind::Group {
                field_list: node.has_appearance("field-list"),
            },
            &children[..],
            None,
        ),
        NodeKind::Repeat {
            children,
            repeat_count,
        } => (CKind::Repeat, &children[..], repeat_count.clone()),
    };
    let cnode = CNode {
        name: node.name.clone(),
        kind,
        repeats: repeats.to_vec(),
        children: Vec::new(),
        depth,
        label: node.label.clone(),
        hint: node.hint.clone(),
        required_message: node.required_message.clone(),
        constraint_message: node.constraint_message.clone(),
        appearance: node.appearance.clone(),
        relevant: expr("relevant", &node.relevant),
        required: expr("required", &node.required),
        constraint: expr("constraint", &node.constraint),
        calculation: expr("calculation", &node.calculation),
        once: node
            .calculation
            .as_deref()
            .is_some_and(|c| c.trim_start().starts_with("once(")),
        default,
        read_only: expr("read_only", &node.read_only),
        choice_filter: expr("choice_filter", &node.choice_filter),
        repeat_count: expr("repeat_count", &repeat_count),
    };
    let id = out.nodes.len();
    out.nodes.push(cnode);
    out.by_name.insert(node.name.clone(), id);
    let mut inner = repeats.to_vec();
    if matches!(node.kind, NodeKind::Repeat { .. }) {
        inner.push(id);
    }
    let child_depth = if inner.len() > repeats.len() {
        depth + 2
    } else {
        depth + 1
    };
    for child in children {
        let c = add(out, errors, child, &inner, child_depth);
        out.nodes[id].children.push(c);
    }
    id
}

/// The computed nodes in an order where each comes after the computed nodes it references
/// (document order otherwise). A cycle, which a checked form should not hold, keeps the rest
/// in document order: the evaluation's rounds settle what they can.
fn computed_order(c: &Plan) -> Vec<usize> {
    let computed: Vec<usize> = (0..c.nodes.len())
        .filter(|&i| {
            c.nodes[i].calculation.is_some()
                || matches!(c.nodes[i].default, Some(DefaultValue::Computed(_)))
        })
        .collect();
    let reads = |i: usize| -> Vec<usize> {
        let n = &c.nodes[i];
        let mut names = Vec::new();
        if let Some(e) = &n.calculation {
            names.extend(e.references());
        }
        if let Some(DefaultValue::Computed(e)) = &n.default {
            names.extend(e.references());
        }
        names
            .iter()
            .filter_map(|name| c.by_name.get(name).copied())
            .filter(|d| *d != i && computed.contains(d))
            .collect()
    };
    let deps: HashMap<usize, Vec<usize>> = computed.iter().map(|&i| (i, reads(i))).collect();
    let mut order: Vec<usize> = Vec::with_capacity(computed.len());
    let mut left: Vec<usize> = computed.clone();
    while !left.is_empty() {
        let ready = left
            .iter()
            .position(|i| deps[i].iter().all(|d| order.contains(d)))
            .unwrap_or(0);
        order.push(left.remove(ready));
    }
    order
}
