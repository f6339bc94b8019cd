//! The answers of one response, by path (docs/design/forms.md "Paths"): a question's path holds
//! its value as text, a repeat instance's path (`members[k3f9q2ab]`) its order key. JSON in and
//! out is the CLI's FILE.json: question names as keys, a repeat as an array of objects.

use std::collections::BTreeMap;

use rand::Rng;
use serde_json::{Map, Number, Value as Json};

use crate::lang::Lang;

use super::model::{Choice, FormDef, Node, NodeKind, QuestionType};
use super::paths::{split_segment, KEY_LEN};
use super::values::{check_value, parse_number, ValueProblem};

/// The answers of one response: path → value. A path set to `None` is an answer cleared (the
/// store writes NULL for it); it reads as absent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answers {
    values: BTreeMap<String, Option<String>>,
}

impl Answers {
    pub fn new() -> Answers {
        Answers::default()
    }

    /// The value at `path`, None when unanswered or cleared.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.values.get(path).and_then(|v| v.as_deref())
    }

    /// Sets the value at `path`; `None` clears it (and is remembered as cleared).
    pub fn set(&mut self, path: &str, value: Option<String>) {
        self.values.insert(path.to_string(), value);
    }

    /// The instance keys of the repeat `repeat` inside the instance chain `parent_prefix` (""
    /// at the top, `hh[a2b2c3d4]` inside an instance), ordered by their order keys.
    pub fn instances(&self, parent_prefix: &str, repeat: &str) -> Vec<String> {
        let base = format!(
            "{}[",
            child_path(parent_prefix.trim_end_matches('/'), repeat)
        );
        let mut found: Vec<(f64, &str)> = self
            .values
            .range(base.clone()..)
            .take_while(|(path, _)| path.starts_with(&base))
            .filter_map(|(path, order)| {
                let key = path[base.len()..].strip_suffix(']')?;
                let order = order.as_deref()?;
                (!key.contains(['/', '[', ']']))
                    .then(|| (order.trim().parse().unwrap_or(f64::INFINITY), key))
            })
            .collect();
        found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
        found.into_iter().map(|(_, key)| key.to_string()).collect()
    }

    /// Adds an instance of `repeat` inside `parent_prefix` after the others (order key max+1)
    /// and returns its path.
    pub fn add_instance(&mut self, parent_prefix: &str, repeat: &str) -> String {
        let parent = parent_prefix.trim_end_matches('/');
        let next = self
            .instances(parent, repeat)
            .iter()
            .filter_map(|key| {
                self.get(&instance_path(parent, repeat, key))?
                    .trim()
                    .parse::<f64>()
                    .ok()
            })
            .fold(0.0_f64, f64::max)
            .floor()
            + 1.0;
        let path = loop {
            let path = instance_path(parent, repeat, &new_instance_key());
            if !self.values.contains_key(&path) {
                break path;
            }
        };
        self.set(&path, Some(format!("{}", next as i64)));
        path
    }

    /// Every answered path and its value, in path order (instances included, cleared ones not).
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values
            .iter()
            .filter_map(|(path, value)| Some((path.as_str(), value.as_deref()?)))
    }

    /// The paths cleared with `set(path, None)` (a JSON `null`), in path order.
    pub fn cleared(&self) -> impl Iterator<Item = &str> {
        self.values
            .iter()
            .filter(|(_, value)| value.is_none())
            .map(|(path, _)| path.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Reads FILE.json: `{"name": value, "repeat": [{"name": value}, ...]}` with names as the
    /// form's, groups left out. Each repeat item becomes a new instance (a new key, in array
    /// order). Numbers may be JSON numbers, a select_multiple an array of names, `null` clears.
    /// Every value is checked against its question.
    pub fn from_json(form: &FormDef, json: &Json) -> Result<Answers, AnswerError> {
        let mut answers = Answers::new();
        read_level(form, &form.body, "", None, json, &mut answers)?;
        Ok(answers)
    }

    /// Back to FILE.json's shape (what `from_json` reads): answered questions by name, numbers
    /// as JSON numbers, select_multiple as arrays, repeats as arrays of objects in order.
    pub fn to_json(&self, form: &FormDef) -> Json {
        Json::Object(self.write_level(&form.body, ""))
    }

    fn write_level(&self, nodes: &[Node], prefix: &str) -> Map<String, Json> {
        let mut out = Map::new();
        for node in level(nodes) {
            match &node.kind {
                NodeKind::Question { question } => {
                    let path = child_path(prefix, &node.name);
                    if let Some(value) = self.get(&path) {
                        out.insert(node.name.clone(), value_to_json(question, value));
                    }
                    let other = format!("{path}_other");
                    if let (true, Some(text)) = (has_other(question), self.get(&other)) {
                        out.insert(
                            format!("{}_other", node.name),
                            Json::String(text.to_string()),
                        );
                    }
                }
                NodeKind::Repeat { children, .. } => {
                    let items: Vec<Json> = self
                        .instances(prefix, &node.name)
                        .iter()
                        .map(|key| {
                            Json::Object(
                                self.write_level(children, &instance_path(prefix, &node.name, key)),
                            )
                        })
                        .collect();
                    if !items.is_empty() {
                        out.insert(node.name.clone(), Json::Array(items));
                    }
                }
                NodeKind::Group { .. } => {}
            }
        }
        out
    }
}

/// The questions and repeats of one level, groups opened (groups do not appear in paths).
fn level(nodes: &[Node]) -> Vec<&Node> {
    let mut out = Vec::new();
    for node in nodes {
        match &node.kind {
            NodeKind::Group { children } => out.extend(level(children)),
            _ => out.push(node),
        }
    }
    out
}

fn has_other(question: &QuestionType) -> bool {
    matches!(
        question,
        QuestionType::SelectOne { or_other: true, .. }
            | QuestionType::SelectMultiple { or_other: true, .. }
    )
}

/// The choices a question's value is checked against (empty for a question without a list).
pub fn choices_of<'a>(form: &'a FormDef, question: &QuestionType) -> &'a [Choice] {
    match question {
        QuestionType::SelectOne { list, .. } | QuestionType::SelectMultiple { list, .. } => {
            form.choices.get(list).map(Vec::as_slice).unwrap_or(&[])
        }
        _ => &[],
    }
}

fn read_level(
    form: &FormDef,
    nodes: &[Node],
    prefix: &str,
    repeat: Option<&str>,
    json: &Json,
    answers: &mut Answers,
) -> Result<(), AnswerError> {
    let Json::Object(object) = json else {
        return Err(AnswerError::NotAnObject {
            repeat: repeat.map(str::to_string),
        });
    };
    let here = level(nodes);
    for (name, value) in object {
        let node = here.iter().find(|n| &n.name == name);
        match node.map(|n| &n.kind) {
            Some(NodeKind::Question { question }) => {
                let path = child_path(prefix, name);
                let text = question_text(form, name, question, value)?;
                answers.set(&path, text);
            }
            Some(NodeKind::Repeat { children, .. }) => {
                let items = match value {
                    Json::Array(items) => items.as_slice(),
                    Json::Null => &[],
                    _ => return Err(AnswerError::NotAList { name: name.clone() }),
                };
                for item in items {
                    let instance = answers.add_instance(prefix, name);
                    read_level(form, children, &instance, Some(name), item, answers)?;
                }
            }
            Some(NodeKind::Group { .. }) => unreachable!("level() opens groups"),
            None => {
                let base = name.strip_suffix("_other");
                let select = base.and_then(|b| here.iter().find(|n| n.name == b));
                match select.and_then(|n| n.question()) {
                    Some(q) if has_other(q) => {
                        let text = question_text(form, name, &QuestionType::Text, value)?;
                        answers.set(&child_path(prefix, name), text);
                    }
                    _ => return Err(misplaced(form, name)),
                }
            }
        }
    }
    Ok(())
}

/// Why `name` is not a question of this level: unknown, a group, or inside another repeat.
fn misplaced(form: &FormDef, name: &str) -> AnswerError {
    let mut found = None;
    form.walk(|v| {
        if v.node.name == name {
            let group = matches!(v.node.kind, NodeKind::Group { .. });
            found = Some((group, v.repeats.last().map(|r| r.to_string())));
        }
    });
    match found {
        None => AnswerError::UnknownQuestion {
            name: name.to_string(),
        },
        Some((true, _)) => AnswerError::Group {
            name: name.to_string(),
        },
        Some((_, repeat)) => AnswerError::Misplaced {
            name: name.to_string(),
            repeat,
        },
    }
}

/// A JSON value as the question's stored text, checked; None for `null` or "".
fn question_text(
    form: &FormDef,
    name: &str,
    question: &QuestionType,
    value: &Json,
) -> Result<Option<String>, AnswerError> {
    let bad = || AnswerError::BadJson {
        name: name.to_string(),
    };
    let text = match (question, value) {
        (QuestionType::Note, _) => {
            return Err(AnswerError::Note {
                name: name.to_string(),
            })
        }
        (_, Json::Null) => return Ok(None),
        (_, Json::String(s)) => s.clone(),
        (_, Json::Number(n)) => n.to_string(),
        (QuestionType::Acknowledge, Json::Bool(true)) => "OK".to_string(),
        (_, Json::Bool(b)) => b.to_string(),
        (QuestionType::SelectMultiple { .. }, Json::Array(items)) => {
            let mut names = items
                .iter()
                .map(|i| i.as_str().ok_or_else(bad))
                .collect::<Result<Vec<_>, _>>()?;
            let choices = choices_of(form, question);
            let rank = |n: &str| {
                choices
                    .iter()
                    .position(|c| c.name == n)
                    .unwrap_or(usize::MAX)
            };
            names.sort_by_key(|n| rank(n));
            names.join(" ")
        }
        (_, Json::Array(_) | Json::Object(_)) => return Err(bad()),
    };
    if text.is_empty() {
        return Ok(None);
    }
    check_value(question, choices_of(form, question), &text).map_err(|problem| {
        AnswerError::Invalid {
            name: name.to_string(),
            value: text.clone(),
            problem,
        }
    })?;
    Ok(Some(text))
}

fn value_to_json(question: &QuestionType, value: &str) -> Json {
    let number = |v: &str| {
        if let Ok(i) = v.parse::<i64>() {
            return Some(Json::Number(i.into()));
        }
        parse_number(v).and_then(Number::from_f64).map(Json::Number)
    };
    match question {
        QuestionType::Integer | QuestionType::Decimal | QuestionType::Range { .. } => {
            number(value).unwrap_or_else(|| Json::String(value.to_string()))
        }
        QuestionType::SelectMultiple { .. } => Json::Array(
            value
                .split_whitespace()
                .map(|n| Json::String(n.to_string()))
                .collect(),
        ),
        _ => Json::String(value.to_string()),
    }
}

/// A new instance key: 8 random characters of `[a-z2-7]`.
pub fn new_instance_key() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut rng = rand::thread_rng();
    (0..KEY_LEN)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// `parent/name`, or `name` at the top (`parent` is "").
pub fn child_path(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}/{name}")
    }
}

/// `parent/repeat[key]`, or `repeat[key]` at the top.
pub fn instance_path(parent: &str, repeat: &str, key: &str) -> String {
    child_path(parent, &format!("{repeat}[{key}]"))
}

/// A path as (its instance chain, its last segment): `hh[a]/members[b]/age` →
/// (`hh[a]/members[b]`, `age`); `members[b]` → ("", `members[b]`).
pub fn split_path(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("", path),
    }
}

/// The name a path ends in: `members[b]/age` → `age`, `hh[a]/members[b]` → `members`.
pub fn path_name(path: &str) -> &str {
    let (_, last) = split_path(path);
    split_segment(last).map_or(last, |(name, _)| name)
}

/// Why FILE.json's answers were refused; each names the question.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerError {
    /// The answers (or one item of `repeat`) are not a JSON object.
    NotAnObject { repeat: Option<String> },
    /// No question of the form has this name.
    UnknownQuestion { name: String },
    /// A group's name: its questions are given directly, groups do not appear.
    Group { name: String },
    /// A question given outside its repeat (`repeat`), or inside a repeat it is not in.
    Misplaced {
        name: String,
        repeat: Option<String>,
    },
    /// A repeat given as something else than an array of objects.
    NotAList { name: String },
    /// A note takes no answer.
    Note { name: String },
    /// A JSON value of the wrong shape (an object, or an array for a question that is not a
    /// select_multiple).
    BadJson { name: String },
    /// A value that does not fit its question.
    Invalid {
        name: String,
        value: String,
        problem: ValueProblem,
    },
}

impl AnswerError {
    /// A stable code for the UI and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            AnswerError::NotAnObject { .. } => "answers_not_object",
            AnswerError::UnknownQuestion { .. } => "unknown_question",
            AnswerError::Group { .. } => "answer_to_group",
            AnswerError::Misplaced { .. } => "answer_misplaced",
            AnswerError::NotAList { .. } => "repeat_not_list",
            AnswerError::Note { .. } => "answer_to_note",
            AnswerError::BadJson { .. } => "answer_bad_json",
            AnswerError::Invalid { .. } => "answer_invalid",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match self {
            AnswerError::NotAnObject { repeat: None } if fr => {
                "Les réponses doivent être un objet JSON {\"question\": valeur}.".into()
            }
            AnswerError::NotAnObject { repeat: None } => "The answers must be a JSON object {\"question\": value}.".into(),
            AnswerError::NotAnObject { repeat: Some(r) } if fr => {
                format!("Chaque élément de la répétition « {r} » doit être un objet JSON {{\"question\": valeur}}.")
            }
            AnswerError::NotAnObject { repeat: Some(r) } => {
                format!("Each item of the repeat \"{r}\" must be a JSON object {{\"question\": value}}.")
            }
            AnswerError::UnknownQuestion { name } if fr => format!("Le formulaire n'a pas de question « {name} »."),
            AnswerError::UnknownQuestion { name } => format!("The form has no question \"{name}\"."),
            AnswerError::Group { name } if fr => {
                format!("« {name} » est un groupe : donnez ses questions directement, sans le groupe.")
            }
            AnswerError::Group { name } => format!("\"{name}\" is a group: give its questions directly, without the group."),
            AnswerError::Misplaced { name, repeat: Some(r) } if fr => {
                format!("La question « {name} » se répond dans chaque élément de la répétition « {r} ».")
            }
            AnswerError::Misplaced { name, repeat: Some(r) } => {
                format!("The question \"{name}\" is answered inside each item of the repeat \"{r}\".")
            }
            AnswerError::Misplaced { name, repeat: None } if fr => {
                format!("La question « {name} » n'est dans aucune répétition : donnez-la au premier niveau.")
            }
            AnswerError::Misplaced { name, repeat: None } => {
                format!("The question \"{name}\" is in no repeat: give it at the top level.")
            }
            AnswerError::NotAList { name } if fr => {
                format!("La répétition « {name} » se donne comme une liste d'objets [{{…}}, {{…}}].")
            }
            AnswerError::NotAList { name } => format!("The repeat \"{name}\" is given as a list of objects [{{…}}, {{…}}]."),
            AnswerError::Note { name } if fr => format!("« {name} » est une note : elle ne prend pas de réponse."),
            AnswerError::Note { name } => format!("\"{name}\" is a note: it takes no answer."),
            AnswerError::BadJson { name } if fr => format!(
                "La réponse à « {name} » doit être un texte ou un nombre (une liste seulement pour un choix multiple)."
            ),
            AnswerError::BadJson { name } => {
                format!("The answer to \"{name}\" must be a text or a number (a list only for a multiple choice).")
            }
            AnswerError::Invalid { name, value, problem } if fr => {
                format!("Réponse « {value} » à « {name} » refusée : {}.", problem.message(lang))
            }
            AnswerError::Invalid { name, value, problem } => {
                format!("Answer \"{value}\" to \"{name}\" refused: {}.", problem.message(lang))
            }
        }
    }
}

impl std::fmt::Display for AnswerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for AnswerError {}
