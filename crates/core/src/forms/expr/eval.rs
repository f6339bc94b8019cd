//! `Expr::eval`: operators and names; the functions are in `functions.rs`.
//!
//! Evaluation never fails: what ODK would stop on (a text where a number is needed, a
//! division by zero) gives NaN, Infinity or "" as XPath says, and the engine shows the
//! question's own constraint or required message.

use super::ast::{BinOp, Expr};
use super::dates;
use super::env::Env;
use super::functions;
use super::value::Value;

impl Expr {
    pub fn eval(&self, env: &dyn Env) -> Value {
        match self {
            Expr::Num(n) => Value::Num(*n),
            Expr::Str(s) => Value::Str(s.clone()),
            Expr::Ref(name) => env.lookup(name),
            Expr::Current => env.current(),
            Expr::Parent => Value::Nodes(Vec::new()),
            Expr::Column(column) => env
                .choice_column(column)
                .map_or(Value::Nodes(Vec::new()), Value::Str),
            Expr::Neg(inner) => Value::Num(-inner.eval(env).as_num()),
            Expr::Binary { first, rest } => binary(first, rest, env),
            Expr::Call { name, args } => functions::call(name, args, env, &|e| e.eval(env)),
        }
    }
}

/// One precedence level, left to right; `and` and `or` stop as soon as the result is known.
fn binary(first: &Expr, rest: &[(BinOp, Expr)], env: &dyn Env) -> Value {
    let mut acc = first.eval(env);
    for (op, right) in rest {
        acc = match op {
            BinOp::Or => {
                if acc.as_bool() {
                    return Value::Bool(true);
                }
                Value::Bool(right.eval(env).as_bool())
            }
            BinOp::And => {
                if !acc.as_bool() {
                    return Value::Bool(false);
                }
                Value::Bool(right.eval(env).as_bool())
            }
            BinOp::Eq => Value::Bool(equal(acc, right.eval(env))),
            BinOp::Ne => Value::Bool(!equal(acc, right.eval(env))),
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let (a, b) = (acc.as_num(), right.eval(env).as_num());
                Value::Bool(match op {
                    BinOp::Lt => a < b,
                    BinOp::Le => a <= b,
                    BinOp::Gt => a > b,
                    _ => a >= b,
                })
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod => {
                let (a, b) = (acc.as_num(), right.eval(env).as_num());
                Value::Num(match op {
                    BinOp::Add => a + b,
                    BinOp::Sub => a - b,
                    BinOp::Mul => a * b,
                    BinOp::Div => a / b,
                    // Java's and Rust's % alike: the sign of the dividend.
                    _ => a % b,
                })
            }
        };
    }
    acc
}

/// XPath's `=` as JavaRosa applies it: a boolean on either side compares booleans, else a
/// number on either side compares numbers, else texts; two texts that are both dates (or
/// dateTimes, or times) compare as moments, so `2025-03-01` equals `2025-03-01T00:00:00`.
fn equal(a: Value, b: Value) -> bool {
    let (a, b) = (a.unpacked(), b.unpacked());
    match (&a, &b) {
        (Value::Bool(_), _) | (_, Value::Bool(_)) => a.as_bool() == b.as_bool(),
        (Value::Num(_), _) | (_, Value::Num(_)) => a.as_num() == b.as_num(),
        _ => {
            let (x, y) = (a.as_string(), b.as_string());
            if x == y {
                return true;
            }
            match (dates::parse_moment(&x), dates::parse_moment(&y)) {
                (Some(p), Some(q)) => p == q,
                _ => false,
            }
        }
    }
}
