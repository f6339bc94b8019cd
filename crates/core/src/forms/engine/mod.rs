//! The form engine: a form compiled once per version (`Compiled`), evaluated over a response's
//! answers into what the app shows and what finalising checks (`Evaluation`):
//! docs/design/forms.md "Answers and the engine".

mod compile;
mod items;
mod pages;
mod settle;
mod state;
mod text;
mod types;

use chrono::{NaiveDate, NaiveDateTime};

use crate::forms::answers::Answers;
use crate::forms::model::FormDef;

pub use compile::CompileError;
pub use types::{ChoiceView, Evaluation, Item, ItemError, ItemKind, Page};

/// A form version with its expressions parsed and its indexes built: compile it once, evaluate
/// it after each answer.
pub struct Compiled {
    def: FormDef,
    plan: compile::Plan,
}

impl Compiled {
    /// Fails, listing every expression that does not parse, only for a form that did not pass
    /// `FormDef::check`.
    pub fn new(def: FormDef) -> Result<Compiled, Vec<CompileError>> {
        let plan = compile::compile(&def)?;
        Ok(Compiled { def, plan })
    }

    pub fn def(&self) -> &FormDef {
        &self.def
    }

    /// The form over `answers`: `lang` is one of the form's language keys (`Français (fr)`);
    /// `clock` is (today, now), fixed for the evaluation so that a page is consistent.
    pub fn evaluate(
        &self,
        answers: &Answers,
        lang: Option<&str>,
        clock: (NaiveDate, NaiveDateTime),
    ) -> Evaluation {
        let mut state = state::State::expand(&self.plan, &self.def, answers, lang, clock);
        settle::settle(&mut state);
        let (items, index) = items::items(&state);
        let pages = pages::pages(&state, &items, &index);
        let errors = items::errors(&items);
        let calculated = items::calculated(&state);
        Evaluation {
            items,
            pages,
            errors,
            calculated,
        }
    }
}
