//! A form as Terrain holds it once checked: what an XLSForm file says, in a shape that does not
//! depend on spreadsheets. Stored as JSON in the form record's `definition`, so every laptop
//! reads the same form whatever file it came from.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Text in each language the form carries: the key is the language as its column names it
/// ("Français (fr)", "English (en)", "Bambara (bm)"), "" for an unsuffixed `label` column.
pub type Labels = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FormDef {
    pub form_id: String,
    pub version: String,
    pub title: String,
    /// A key of `languages`, when the settings sheet names one.
    pub default_language: Option<String>,
    /// The label keys in column order ("" first when the form has an unsuffixed label).
    pub languages: Vec<String>,
    /// The top-level nodes, in sheet order.
    pub body: Vec<Node>,
    /// Each list's choices, in sheet order.
    pub choices: BTreeMap<String, Vec<Choice>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Node {
    pub name: String,
    pub kind: NodeKind,
    pub label: Labels,
    pub hint: Labels,
    /// An expression; `yes` is stored as `true()`.
    pub required: Option<String>,
    pub required_message: Labels,
    pub constraint: Option<String>,
    pub constraint_message: Labels,
    pub relevant: Option<String>,
    pub calculation: Option<String>,
    /// A literal value as written.
    pub default: Option<String>,
    /// An expression; `yes` is stored as `true()`.
    pub read_only: Option<String>,
    pub choice_filter: Option<String>,
    /// The appearance's words, as written.
    pub appearance: Vec<String>,
    /// The survey sheet's row, as a person reads it (1 is the header).
    pub row: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum NodeKind {
    Question {
        question: QuestionType,
    },
    /// A group; with the `field-list` appearance it is one page.
    Group {
        children: Vec<Node>,
    },
    Repeat {
        children: Vec<Node>,
        repeat_count: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum QuestionType {
    Text,
    Integer,
    Decimal,
    Date,
    Time,
    DateTime,
    SelectOne { list: String, or_other: bool },
    SelectMultiple { list: String, or_other: bool },
    Note,
    Calculate,
    Acknowledge,
    Range { start: f64, end: f64, step: f64 },
    Geopoint,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Choice {
    pub name: String,
    pub label: Labels,
    /// The choices sheet's other columns (what a choice_filter reads).
    pub extra: BTreeMap<String, String>,
}

/// A node met in document order, with the names of the groups and repeats around it.
#[derive(Debug, Clone, Copy)]
pub struct Visit<'a> {
    pub node: &'a Node,
    /// The enclosing groups' and repeats' names, outermost first.
    pub parents: &'a [&'a str],
    /// The enclosing repeats' names, outermost first.
    pub repeats: &'a [&'a str],
}

impl FormDef {
    /// Every node, groups and repeats included, in document order.
    pub fn walk(&self, mut visit: impl FnMut(Visit<'_>)) {
        fn go<'a>(
            nodes: &'a [Node],
            parents: &mut Vec<&'a str>,
            repeats: &mut Vec<&'a str>,
            visit: &mut dyn FnMut(Visit<'_>),
        ) {
            for node in nodes {
                visit(Visit {
                    node,
                    parents,
                    repeats,
                });
                let (children, is_repeat) = match &node.kind {
                    NodeKind::Question { .. } => continue,
                    NodeKind::Group { children } => (children, false),
                    NodeKind::Repeat { children, .. } => (children, true),
                };
                parents.push(&node.name);
                if is_repeat {
                    repeats.push(&node.name);
                }
                go(children, parents, repeats, visit);
                parents.pop();
                if is_repeat {
                    repeats.pop();
                }
            }
        }
        go(&self.body, &mut Vec::new(), &mut Vec::new(), &mut visit);
    }

    /// The node named `name` (names are unique in a form).
    pub fn node(&self, name: &str) -> Option<&Node> {
        fn go<'a>(nodes: &'a [Node], name: &str) -> Option<&'a Node> {
            nodes.iter().find_map(|n| {
                if n.name == name {
                    return Some(n);
                }
                match &n.kind {
                    NodeKind::Question { .. } => None,
                    NodeKind::Group { children } | NodeKind::Repeat { children, .. } => {
                        go(children, name)
                    }
                }
            })
        }
        go(&self.body, name)
    }

    /// How many questions a person may be asked or that compute (groups and repeats aside).
    pub fn question_count(&self) -> usize {
        let mut n = 0;
        self.walk(|v| {
            if matches!(v.node.kind, NodeKind::Question { .. }) {
                n += 1;
            }
        });
        n
    }
}

impl Node {
    /// A node with nothing but its name and kind: no label, expression or appearance, row 0.
    /// What a form built in code (a benchmark, a test) starts from.
    pub fn new(name: impl Into<String>, kind: NodeKind) -> Node {
        Node {
            name: name.into(),
            kind,
            label: Labels::new(),
            hint: Labels::new(),
            required: None,
            required_message: Labels::new(),
            constraint: None,
            constraint_message: Labels::new(),
            relevant: None,
            calculation: None,
            default: None,
            read_only: None,
            choice_filter: None,
            appearance: Vec::new(),
            row: 0,
        }
    }

    pub fn question(&self) -> Option<&QuestionType> {
        match &self.kind {
            NodeKind::Question { question } => Some(question),
            _ => None,
        }
    }

    pub fn has_appearance(&self, word: &str) -> bool {
        self.appearance.iter().any(|a| a == word)
    }
}
