//! Forms built in Rust for the tests (no spreadsheet needed): a node with every column empty,
//! then the columns a test sets.

use std::collections::BTreeMap;

use terrain_core::forms::{Choice, FormDef, Labels, Node, NodeKind, QuestionType};

pub fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn node(name: &str, kind: NodeKind) -> Node {
    Node {
        label: labels(&[("", name)]),
        row: 2,
        ..Node::new(name, kind)
    }
}

pub fn q(name: &str, question: QuestionType) -> Node {
    node(name, NodeKind::Question { question })
}

pub fn text(name: &str) -> Node {
    q(name, QuestionType::Text)
}

pub fn integer(name: &str) -> Node {
    q(name, QuestionType::Integer)
}

pub fn calculate(name: &str, expr: &str) -> Node {
    q(name, QuestionType::Calculate).calculation(expr)
}

pub fn select_one(name: &str, list: &str) -> Node {
    q(
        name,
        QuestionType::SelectOne {
            list: list.into(),
            or_other: false,
        },
    )
}

pub fn select_multiple(name: &str, list: &str) -> Node {
    q(
        name,
        QuestionType::SelectMultiple {
            list: list.into(),
            or_other: false,
        },
    )
}

pub fn group(name: &str, children: Vec<Node>) -> Node {
    node(name, NodeKind::Group { children })
}

pub fn repeat(name: &str, children: Vec<Node>) -> Node {
    node(
        name,
        NodeKind::Repeat {
            children,
            repeat_count: None,
        },
    )
}

pub fn choices(names: &[&str]) -> Vec<Choice> {
    names
        .iter()
        .map(|n| Choice {
            name: n.to_string(),
            label: labels(&[("", &n.to_uppercase())]),
            extra: BTreeMap::new(),
        })
        .collect()
}

pub fn form(body: Vec<Node>, lists: Vec<(&str, Vec<Choice>)>) -> FormDef {
    FormDef {
        form_id: "test".into(),
        version: "1".into(),
        title: "Test".into(),
        default_language: None,
        languages: vec!["".into()],
        body,
        choices: lists.into_iter().map(|(n, c)| (n.to_string(), c)).collect(),
    }
}

/// The columns a test sets, one call each.
pub trait Columns {
    fn relevant(self, expr: &str) -> Node;
    fn required(self) -> Node;
    fn constraint(self, expr: &str, messages: &[(&str, &str)]) -> Node;
    fn calculation(self, expr: &str) -> Node;
    fn default(self, value: &str) -> Node;
    fn choice_filter(self, expr: &str) -> Node;
    fn label(self, pairs: &[(&str, &str)]) -> Node;
    fn appearance(self, word: &str) -> Node;
    fn repeat_count(self, expr: &str) -> Node;
    fn read_only(self) -> Node;
}

impl Columns for Node {
    fn relevant(mut self, expr: &str) -> Node {
        self.relevant = Some(expr.into());
        self
    }
    fn required(mut self) -> Node {
        self.required = Some("true()".into());
        self
    }
    fn constraint(mut self, expr: &str, messages: &[(&str, &str)]) -> Node {
        self.constraint = Some(expr.into());
        self.constraint_message = labels(messages);
        self
    }
    fn calculation(mut self, expr: &str) -> Node {
        self.calculation = Some(expr.into());
        self
    }
    fn default(mut self, value: &str) -> Node {
        self.default = Some(value.into());
        self
    }
    fn choice_filter(mut self, expr: &str) -> Node {
        self.choice_filter = Some(expr.into());
        self
    }
    fn label(mut self, pairs: &[(&str, &str)]) -> Node {
        self.label = labels(pairs);
        self
    }
    fn appearance(mut self, word: &str) -> Node {
        self.appearance.push(word.into());
        self
    }
    fn repeat_count(mut self, expr: &str) -> Node {
        if let NodeKind::Repeat { repeat_count, .. } = &mut self.kind {
            *repeat_count = Some(expr.into());
        }
        self
    }
    fn read_only(mut self) -> Node {
        self.read_only = Some("true()".into());
        self
    }
}
