//! The expression language of XLSForm (an XPath 1.0 subset as ODK evaluates it): parsing into
//! an `Expr`, its names, and its evaluation over an `Env` (docs/design/forms.md, "The
//! expression language").

mod ast;
mod catalog;
mod dates;
mod env;
mod error;
mod eval;
mod functions;
mod lexer;
mod parser;
mod test_env;
mod value;

pub use ast::{BinOp, Expr};
pub use env::Env;
pub use error::{ExprError, ExprErrorKind};
pub use parser::parse;
pub use test_env::TestEnv;
pub use value::Value;

#[cfg(test)]
mod parser_tests;
