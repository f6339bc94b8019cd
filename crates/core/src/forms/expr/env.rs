//! `Env`: what an expression reads while it is evaluated (the engine's answers, the choice a
//! filter is looking at, the clock).

use super::value::Value;

pub trait Env {
    /// `.`: the value of the question being evaluated (constraints, choice filters: the choice).
    fn current(&self) -> Value;
    /// `${name}` as seen from the node being evaluated: inside the same repeat instance, that
    /// instance's node; outside a repeat that holds it, every instance's value (a node-set).
    /// Unknown names never reach eval (the import refuses them); return Nodes(vec![]).
    fn lookup(&self, name: &str) -> Value;
    /// position(..): the 1-based index of the current repeat instance (None outside a repeat).
    fn position(&self) -> Option<usize>;
    /// indexed-repeat(${name}, ${repeat1}, i1 [, ${repeat2}, i2 ...]): indexes are 1-based.
    fn indexed(&self, name: &str, repeats: &[(String, usize)]) -> Value;
    /// jr:choice-name(value, '${question}'): the choice's label in the form's current language.
    fn choice_label(&self, question: &str, choice: &str) -> Option<String>;
    /// The current choice's column, for choice_filter (`region = ${region}` reads choice.extra).
    fn choice_column(&self, column: &str) -> Option<String>;
    /// today() and now(), fixed for one evaluation so that a page is consistent.
    fn today(&self) -> chrono::NaiveDate;
    fn now(&self) -> chrono::NaiveDateTime;
}
