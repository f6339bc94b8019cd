//! What an evaluation gives the app and the CLI (docs/design/forms.md "Answers and the engine").

use serde::Serialize;
use ts_rs::TS;

use crate::forms::model::QuestionType;

/// A form evaluated over one response's answers.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Evaluation {
    /// Every node instance in document order, repeats expanded (each repeat, then each of its
    /// instances followed by the instance's nodes).
    pub items: Vec<Item>,
    /// What the app shows one page at a time (relevant items only).
    pub pages: Vec<Page>,
    /// Failing constraints, missing required answers and received values that do not fit
    /// their question, for relevant items only.
    pub errors: Vec<ItemError>,
    /// Path → value of every calculate question and calculation column ("" when not relevant).
    pub calculated: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Item {
    /// The answer path (`members[k3f9q2ab]/age`); a group's or a repeat's is its name after
    /// the instance chain around it, as an answer's would be.
    pub path: String,
    pub name: String,
    pub kind: ItemKind,
    /// 0 at the top; a group's or repeat's children one deeper, an instance's nodes two.
    pub depth: u16,
    /// False when its relevance is false or a parent's is.
    pub relevant: bool,
    pub required: bool,
    pub read_only: bool,
    /// The answer, the default when unanswered, or the calculated value.
    pub value: Option<String>,
    /// In the chosen language (falls back: the form's default language, "", the first).
    pub label: String,
    pub hint: String,
    /// A select's choices after its choice_filter (with `other` last when or_other).
    pub choices: Vec<ChoiceView>,
    /// The form's message in the chosen language, or Terrain's.
    pub error: Option<String>,
    pub appearance: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum ItemKind {
    Question {
        question: QuestionType,
    },
    /// The text box of an `or_other` select (`<name>_other`), relevant when `other` is chosen.
    Other,
    Group,
    /// `repeat_count`: how many instances the form wants, when it says.
    Repeat {
        repeat_count: Option<u32>,
    },
    /// One instance of a repeat; `position` is 1-based.
    Instance {
        position: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ChoiceView {
    pub name: String,
    pub label: String,
}

/// One page: a top-level question, a field-list group, or one repeat instance's questions.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Page {
    /// The group's or instance's label ("" for a question's own page).
    pub title: String,
    /// The group's, instance's or question's path.
    pub path: String,
    /// The paths of the relevant items shown on it, in order.
    pub items: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ItemError {
    pub path: String,
    pub name: String,
    pub message: String,
}
