//! The synced entities: their names in SQL, the change log and JSON, and their labels.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::lang::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Entity {
    Study,
    Place,
    Session,
    Participant,
    Tally,
    Finding,
    Recommendation,
    /// A supervisor's pick on a conflict; synced, not shown as a record of its own.
    Resolution,
    /// The record of one export: who, when, what and which filters (synced for accountability).
    Export,
    /// A questionnaire's version imported into a study (an XLSForm as a `FormDef`).
    Form,
    /// One filling of a form version.
    Response,
    /// One answered question (or repeat instance) of a response.
    Answer,
}

impl Entity {
    pub const ALL: [Entity; 12] = [
        Entity::Study,
        Entity::Place,
        Entity::Session,
        Entity::Participant,
        Entity::Tally,
        Entity::Finding,
        Entity::Recommendation,
        Entity::Resolution,
        Entity::Export,
        Entity::Form,
        Entity::Response,
        Entity::Answer,
    ];

    /// The name used in SQL, the change log, the CLI and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Study => "study",
            Entity::Place => "place",
            Entity::Session => "session",
            Entity::Participant => "participant",
            Entity::Tally => "tally",
            Entity::Finding => "finding",
            Entity::Recommendation => "recommendation",
            Entity::Resolution => "resolution",
            Entity::Export => "export",
            Entity::Form => "form",
            Entity::Response => "response",
            Entity::Answer => "answer",
        }
    }

    /// The entity's number in the change log (the `entities` table of migration 0006): stored
    /// in every store's log, so a code is never reused.
    pub fn code(self) -> i64 {
        match self {
            Entity::Study => 1,
            Entity::Place => 2,
            Entity::Session => 3,
            Entity::Participant => 4,
            Entity::Tally => 5,
            Entity::Finding => 6,
            Entity::Recommendation => 7,
            Entity::Resolution => 8,
            Entity::Export => 9,
            Entity::Form => 10,
            Entity::Response => 11,
            Entity::Answer => 12,
        }
    }

    pub fn from_code(code: i64) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.code() == code)
    }

    pub fn parse(name: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.as_str() == name)
    }

    /// The entity's name as written inside a sentence ("Aucun(e) étude avec…"); the UI
    /// capitalises it where it stands alone.
    pub fn label(self, lang: Lang) -> &'static str {
        let (fr, en) = match self {
            Entity::Study => ("étude", "study"),
            Entity::Place => ("lieu", "place"),
            Entity::Session => ("séance", "session"),
            Entity::Participant => ("participant", "participant"),
            Entity::Tally => ("décompte", "tally"),
            Entity::Finding => ("constat", "finding"),
            Entity::Recommendation => ("recommandation", "recommendation"),
            Entity::Resolution => ("arbitrage", "resolution"),
            Entity::Export => ("export", "export"),
            Entity::Form => ("questionnaire", "form"),
            Entity::Response => ("réponse au questionnaire", "form response"),
            Entity::Answer => ("réponse à une question", "answer"),
        };
        match lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

impl std::fmt::Display for Entity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
