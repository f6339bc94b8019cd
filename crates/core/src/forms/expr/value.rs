//! `Value`: what an expression evaluates to, and XPath 1.0's coercions as ODK (JavaRosa)
//! applies them. A node-set is the text of its nodes; where one value is needed it is its first
//! node's (JavaRosa refuses a set of several; Terrain cannot refuse mid-page, so it reads the
//! first), and an empty set is "".

use super::dates;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Num(f64),
    Bool(bool),
    /// The values of the nodes a reference reaches (each repeat instance's, in order).
    Nodes(Vec<String>),
}

impl Value {
    /// XPath `boolean()`: a non-empty string; a number neither 0 nor NaN; a node-set by its
    /// first node's text (ODK reads the value, so an unanswered question is false).
    pub fn as_bool(&self) -> bool {
        match self {
            Value::Str(s) => !s.is_empty(),
            Value::Num(n) => *n != 0.0 && !n.is_nan(),
            Value::Bool(b) => *b,
            Value::Nodes(nodes) => nodes.first().is_some_and(|s| !s.is_empty()),
        }
    }

    /// XPath `number()`: a string of digits with an optional `-` and `.` (no `+`, no exponent,
    /// surrounding whitespace allowed), or a date/dateTime/time as days since 1970-01-01 (ODK);
    /// anything else, "" included, is NaN. true is 1, false 0.
    pub fn as_num(&self) -> f64 {
        match self {
            Value::Str(s) => text_to_num(s),
            Value::Num(n) => *n,
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Nodes(nodes) => nodes.first().map_or(f64::NAN, |s| text_to_num(s)),
        }
    }

    /// XPath `string()`: integral numbers without a decimal point, `NaN`, `Infinity`,
    /// `-Infinity`; true/false; a node-set's first node ("" when empty).
    pub fn as_string(&self) -> String {
        match self {
            Value::Str(s) => s.clone(),
            Value::Num(n) => num_to_text(*n),
            Value::Bool(b) => b.to_string(),
            Value::Nodes(nodes) => nodes.first().cloned().unwrap_or_default(),
        }
    }

    /// A calculation's result as stored text: as `as_string`, except that a number that is not
    /// one (NaN, ±Infinity: a division by zero, an empty operand) is stored as no answer, "".
    pub fn as_answer(&self) -> String {
        match self {
            Value::Num(n) if !n.is_finite() => String::new(),
            other => other.as_string(),
        }
    }

    /// Every value of a node-set, or this one value as text.
    pub(crate) fn texts(&self) -> Vec<String> {
        match self {
            Value::Nodes(nodes) => nodes.clone(),
            other => vec![other.as_string()],
        }
    }

    /// A node-set as its first node's text; other values as they are.
    pub(crate) fn unpacked(self) -> Value {
        match self {
            Value::Nodes(nodes) => Value::Str(nodes.into_iter().next().unwrap_or_default()),
            other => other,
        }
    }
}

/// XPath's number of a text, with ODK's dates as days.
pub(crate) fn text_to_num(text: &str) -> f64 {
    let s = text.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
    let digits = s.strip_prefix('-').unwrap_or(s);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let fraction = parts.next();
    let well_formed = !digits.is_empty()
        && digits != "."
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit()));
    if well_formed {
        return s.parse().unwrap_or(f64::NAN);
    }
    dates::parse_moment(s).map_or(f64::NAN, dates::to_days)
}

/// XPath's string of a number.
pub(crate) fn num_to_text(n: f64) -> String {
    if n.is_nan() {
        "NaN".to_string()
    } else if n == f64::INFINITY {
        "Infinity".to_string()
    } else if n == f64::NEG_INFINITY {
        "-Infinity".to_string()
    } else if n == 0.0 {
        "0".to_string()
    } else {
        // Rust writes f64 without an exponent and integral values without ".0".
        n.to_string()
    }
}
