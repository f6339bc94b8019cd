//! `TestEnv`: an `Env` from plain maps, for tests, the fuzz target and trying an expression
//! outside a form.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};

use super::env::Env;
use super::value::Value;

#[derive(Debug, Clone)]
pub struct TestEnv {
    /// `${name}` → its value (a `Value::Nodes` for a question inside a repeat).
    pub values: BTreeMap<String, Value>,
    /// `.`; "" when None.
    pub current: Option<Value>,
    pub position: Option<usize>,
    /// indexed-repeat: (name, the 1-based indexes from the outermost repeat) → value.
    pub indexed: BTreeMap<(String, Vec<usize>), String>,
    /// jr:choice-name: (question, choice) → label.
    pub labels: BTreeMap<(String, String), String>,
    /// The current choice's columns (choice filters).
    pub columns: BTreeMap<String, String>,
    pub today: NaiveDate,
    pub now: NaiveDateTime,
}

impl Default for TestEnv {
    fn default() -> TestEnv {
        TestEnv::new()
    }
}

impl TestEnv {
    /// No answers; today is 2025-03-01 and now 2025-03-01T14:30:00.
    pub fn new() -> TestEnv {
        let today = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap_or_default();
        TestEnv {
            values: BTreeMap::new(),
            current: None,
            position: None,
            indexed: BTreeMap::new(),
            labels: BTreeMap::new(),
            columns: BTreeMap::new(),
            today,
            now: today.and_hms_opt(14, 30, 0).unwrap_or_default(),
        }
    }

    /// `${name}` answered `value`.
    pub fn with(mut self, name: &str, value: &str) -> TestEnv {
        self.values
            .insert(name.to_string(), Value::Str(value.to_string()));
        self
    }

    /// `${name}` seen from outside its repeat: one value per instance.
    pub fn with_nodes(mut self, name: &str, values: &[&str]) -> TestEnv {
        let nodes = values.iter().map(|v| v.to_string()).collect();
        self.values.insert(name.to_string(), Value::Nodes(nodes));
        self
    }

    /// `.` is `value`.
    pub fn with_current(mut self, value: &str) -> TestEnv {
        self.current = Some(Value::Str(value.to_string()));
        self
    }
}

impl Env for TestEnv {
    fn current(&self) -> Value {
        self.current
            .clone()
            .unwrap_or_else(|| Value::Str(String::new()))
    }

    fn lookup(&self, name: &str) -> Value {
        self.values
            .get(name)
            .cloned()
            .unwrap_or_else(|| Value::Nodes(Vec::new()))
    }

    fn position(&self) -> Option<usize> {
        self.position
    }

    fn indexed(&self, name: &str, repeats: &[(String, usize)]) -> Value {
        let key = (name.to_string(), repeats.iter().map(|(_, i)| *i).collect());
        match self.indexed.get(&key) {
            Some(v) => Value::Str(v.clone()),
            None => Value::Nodes(Vec::new()),
        }
    }

    fn choice_label(&self, question: &str, choice: &str) -> Option<String> {
        self.labels
            .get(&(question.to_string(), choice.to_string()))
            .cloned()
    }

    fn choice_column(&self, column: &str) -> Option<String> {
        self.columns.get(column).cloned()
    }

    fn today(&self) -> NaiveDate {
        self.today
    }

    fn now(&self) -> NaiveDateTime {
        self.now
    }
}
