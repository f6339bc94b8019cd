//! The functions of the language, each as ODK (JavaRosa) evaluates it. The parser has checked
//! names and argument counts (catalog.rs); arguments are evaluated here through `eval`, so
//! that `if` and `coalesce` evaluate only the branch they return.

use std::cell::RefCell;

use super::ast::Expr;
use super::dates;
use super::env::Env;
use super::value::{text_to_num, Value};

pub(crate) fn call(
    name: &str,
    args: &[Expr],
    env: &dyn Env,
    eval: &dyn Fn(&Expr) -> Value,
) -> Value {
    let arg = |i: usize| args.get(i).map_or(Value::Str(String::new()), eval);
    let text = |i: usize| arg(i).as_string();
    let num = |i: usize| arg(i).as_num();
    // `string()`, `string-length()`, `normalize-space()` and `number()` read `.` when empty.
    let text_or_current = || {
        if args.is_empty() {
            env.current().as_string()
        } else {
            text(0)
        }
    };
    match name {
        "if" => {
            if arg(0).as_bool() {
                arg(1)
            } else {
                arg(2)
            }
        }
        "coalesce" => {
            let first = arg(0);
            if first.as_string().is_empty() {
                arg(1)
            } else {
                first
            }
        }
        // The engine applies once's "only while empty"; the value is its argument's.
        "once" => arg(0),
        "selected" => {
            let wanted = text(1);
            let wanted = wanted.trim();
            Value::Bool(text(0).split_whitespace().any(|t| t == wanted))
        }
        "count-selected" => Value::Num(text(0).split_whitespace().count() as f64),
        "selected-at" => {
            let list = text(0);
            let at = num(1);
            let picked = (at >= 0.0 && at.is_finite())
                .then(|| list.split_whitespace().nth(at as usize))
                .flatten();
            Value::Str(picked.unwrap_or_default().to_string())
        }
        "jr:choice-name" => {
            let choice = text(0);
            let question = question_name(&text(1));
            Value::Str(
                env.choice_label(&question, choice.trim())
                    .unwrap_or_default(),
            )
        }
        "string-length" => Value::Num(text_or_current().chars().count() as f64),
        "regex" => Value::Bool(regex_finds(&text(0), &text(1))),
        "concat" => Value::Str(args.iter().flat_map(|a| eval(a).texts()).collect()),
        "join" => {
            let separator = text(0);
            let parts: Vec<String> = args.iter().skip(1).flat_map(|a| eval(a).texts()).collect();
            Value::Str(parts.join(&separator))
        }
        "substr" => Value::Str(substr(&text(0), num(1), args.get(2).map(|_| num(2)))),
        "substring-before" => {
            let (s, sep) = (text(0), text(1));
            Value::Str(s.find(&sep).map_or("", |i| &s[..i]).to_string())
        }
        "substring-after" => {
            let (s, sep) = (text(0), text(1));
            Value::Str(s.find(&sep).map_or("", |i| &s[i + sep.len()..]).to_string())
        }
        "contains" => Value::Bool(text(0).contains(&text(1))),
        "starts-with" => Value::Bool(text(0).starts_with(&text(1))),
        "ends-with" => Value::Bool(text(0).ends_with(&text(1))),
        "translate" => Value::Str(translate(&text(0), &text(1), &text(2))),
        "normalize-space" => Value::Str(
            text_or_current()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        ),
        "string" => Value::Str(text_or_current()),
        "number" => Value::Num(if args.is_empty() {
            env.current().as_num()
        } else {
            num(0)
        }),
        "boolean" => Value::Bool(arg(0).as_bool()),
        "boolean-from-string" => Value::Bool(matches!(text(0).trim(), "true" | "1")),
        "not" => Value::Bool(!arg(0).as_bool()),
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "int" => Value::Num(num(0).trunc()),
        "floor" => Value::Num(num(0).floor()),
        "ceiling" => Value::Num(num(0).ceil()),
        "abs" => Value::Num(num(0).abs()),
        "pow" => Value::Num(num(0).powf(num(1))),
        "round" => Value::Num(round(num(0), args.get(1).map(|_| num(1)))),
        "sum" => Value::Num(arg(0).texts().iter().map(|t| text_to_num(t)).sum()),
        "count" => Value::Num(match arg(0) {
            Value::Nodes(nodes) => nodes.len() as f64,
            _ => 1.0,
        }),
        "count-non-empty" => {
            Value::Num(arg(0).texts().iter().filter(|t| !t.is_empty()).count() as f64)
        }
        "min" | "max" => Value::Num(extreme(name == "max", args, eval)),
        "position" => Value::Num(env.position().map_or(f64::NAN, |p| p as f64)),
        "indexed-repeat" => indexed_repeat(args, env, eval),
        "today" => Value::Str(dates::date_text(env.today())),
        "now" => Value::Str(dates::date_time_text(env.now())),
        "date" => date(arg(0)),
        "decimal-date-time" => Value::Num(num(0)),
        "format-date" | "format-date-time" => {
            Value::Str(moment_of(&arg(0)).map_or(String::new(), |m| dates::format(m, &text(1))))
        }
        "uuid" => Value::Str(random_id(args.first().map(|_| num(0)))),
        // Unreachable for a parsed expression (the parser knows every name above).
        _ => Value::Str(String::new()),
    }
}

/// `'${question}'`, as XLSForm writes jr:choice-name's second argument, or a plain name or
/// path: the question's name.
fn question_name(written: &str) -> String {
    let s = written.trim();
    let s = s
        .strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'))
        .unwrap_or(s);
    s.rsplit('/').next().unwrap_or(s).trim().to_string()
}

/// JavaRosa's substr: 0-based start, end excluded, both clamped to the text, by characters.
fn substr(s: &str, start: f64, end: Option<f64>) -> String {
    let chars: Vec<char> = s.chars().collect();
    let clamp = |x: f64| {
        if x.is_nan() {
            0
        } else {
            x.clamp(0.0, chars.len() as f64) as usize
        }
    };
    let from = clamp(start);
    let to = end.map_or(chars.len(), clamp).max(from);
    chars[from..to].iter().collect()
}

/// XPath translate: each character of `from` becomes the one at the same place in `to`, or
/// is dropped when `to` is shorter.
fn translate(s: &str, from: &str, to: &str) -> String {
    let from: Vec<char> = from.chars().collect();
    let to: Vec<char> = to.chars().collect();
    s.chars()
        .filter_map(|c| match from.iter().position(|&f| f == c) {
            Some(i) => to.get(i).copied(),
            None => Some(c),
        })
        .collect()
}

/// `round(x)`: XPath's (halves go up: round(-2.5) = -2). `round(x, places)`: ODK's, halves
/// away from zero (round(-2.5, 0) = -3), places may be negative (round(1234, -2) = 1200).
fn round(x: f64, places: Option<f64>) -> f64 {
    match places {
        None => {
            if x.is_finite() {
                (x + 0.5).floor()
            } else {
                x
            }
        }
        Some(p) if p.is_nan() => f64::NAN,
        Some(p) => {
            let scale = 10f64.powi(p.trunc().clamp(-300.0, 300.0) as i32);
            (x * scale).round() / scale
        }
    }
}

/// min()/max() over every value of every argument (node-sets flattened); an empty or
/// non-numeric value makes the result NaN, as does having no value at all.
fn extreme(max: bool, args: &[Expr], eval: &dyn Fn(&Expr) -> Value) -> f64 {
    let mut values = Vec::new();
    for a in args {
        match eval(a) {
            Value::Nodes(nodes) => values.extend(nodes.iter().map(|t| text_to_num(t))),
            other => values.push(other.as_num()),
        }
    }
    if values.is_empty() || values.iter().any(|v| v.is_nan()) {
        return f64::NAN;
    }
    values
        .into_iter()
        .reduce(|a, b| if max { a.max(b) } else { a.min(b) })
        .unwrap_or(f64::NAN)
}

/// indexed-repeat(${name}, ${repeat}, i, ...): "" (no node) when an index is not a whole
/// number from 1.
fn indexed_repeat(args: &[Expr], env: &dyn Env, eval: &dyn Fn(&Expr) -> Value) -> Value {
    let Some(Expr::Ref(name)) = args.first() else {
        return Value::Nodes(Vec::new());
    };
    let mut repeats = Vec::new();
    for pair in args[1..].chunks(2) {
        let (Expr::Ref(repeat), Some(index)) = (&pair[0], pair.get(1)) else {
            return Value::Nodes(Vec::new());
        };
        let i = eval(index).as_num();
        if !(i >= 1.0 && i.fract() == 0.0 && i <= usize::MAX as f64) {
            return Value::Nodes(Vec::new());
        }
        repeats.push((repeat.clone(), i as usize));
    }
    env.indexed(name, &repeats)
}

/// A value read as a moment: a number of days, or a date/dateTime/time text.
fn moment_of(value: &Value) -> Option<chrono::NaiveDateTime> {
    match value {
        Value::Num(days) => dates::from_days(*days),
        Value::Bool(_) => None,
        other => {
            let text = other.as_string();
            dates::parse_moment(&text).or_else(|| dates::from_days(text_to_num(&text)))
        }
    }
}

/// date(x): a date text for a whole number of days or a date; a dateTime text when x has a
/// time of day; "" when x is no moment.
fn date(value: Value) -> Value {
    let Some(moment) = moment_of(&value) else {
        return Value::Str(String::new());
    };
    if moment.time() == chrono::NaiveTime::MIN {
        Value::Str(dates::date_text(moment.date()))
    } else {
        Value::Str(dates::date_time_text(moment))
    }
}

/// uuid(): a random version 4 UUID; uuid(n): n random letters and digits (0 to 1000).
fn random_id(length: Option<f64>) -> String {
    let Some(n) = length else {
        return uuid::Uuid::new_v4().to_string();
    };
    let n = if n.is_nan() {
        0
    } else {
        n.clamp(0.0, 1000.0) as usize
    };
    let mut out = String::new();
    while out.len() < n {
        out.push_str(&uuid::Uuid::new_v4().simple().to_string());
    }
    out.truncate(n);
    out
}

thread_local! {
    /// Compiled patterns: a page evaluates the same constraints again after each answer.
    static PATTERNS: RefCell<Vec<(String, Option<regex::Regex>)>> = const { RefCell::new(Vec::new()) };
}

/// regex(text, pattern): true when the pattern is found anywhere in the text, as JavaRosa's
/// `Matcher.find()` (so forms anchor with `^…$` themselves). A pattern Rust's regex cannot
/// compile (look-around, back-references) or too large never matches.
fn regex_finds(text: &str, pattern: &str) -> bool {
    PATTERNS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some((_, re)) = cache.iter().find(|(p, _)| p == pattern) {
            return re.as_ref().is_some_and(|re| re.is_match(text));
        }
        let re = regex::RegexBuilder::new(pattern)
            .size_limit(1 << 20)
            .dfa_size_limit(1 << 20)
            .build()
            .ok();
        let found = re.as_ref().is_some_and(|re| re.is_match(text));
        if cache.len() >= 64 {
            cache.remove(0);
        }
        cache.push((pattern.to_string(), re));
        found
    })
}
