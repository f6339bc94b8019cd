//! The expression language of XLSForm (an XPath 1.0 subset as ODK evaluates it): parsing into
//! an `Expr`, its names, and its evaluation over an `Env` (docs/design/forms.md, "The
//! expression language").

mod ast;
mod catalog;
mod error;
mod lexer;
mod parser;

pub use ast::{BinOp, Expr};
pub use error::{ExprError, ExprErrorKind};
pub use parser::parse;

#[cfg(test)]
mod parser_tests;
