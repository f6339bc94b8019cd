//! PLACEHOLDER until the `engine` branch lands: the contract's `Compiled` and `Evaluation`
//! (docs/design/forms.md) so that `forms::store` compiles. It evaluates nothing (no errors,
//! so finalising checks nothing): merging `engine` replaces this whole file with the real one.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::error::FormIssue;
use crate::forms::answers::Answers;
use crate::forms::model::FormDef;

#[derive(Debug)]
pub struct Compiled {
    def: FormDef,
}

impl Compiled {
    pub fn new(def: FormDef) -> Result<Compiled, Vec<FormIssue>> {
        Ok(Compiled { def })
    }

    pub fn def(&self) -> &FormDef {
        &self.def
    }

    pub fn evaluate(
        &self,
        _answers: &Answers,
        _lang: Option<&str>,
        _clock: (NaiveDate, NaiveDateTime),
    ) -> Evaluation {
        Evaluation { errors: Vec::new() }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub errors: Vec<ItemError>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemError {
    pub path: String,
    pub name: String,
    pub message: String,
}
