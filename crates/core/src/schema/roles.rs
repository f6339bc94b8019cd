//! The roles a study's roster gives its members, and what each may do. One table decides it,
//! read by the write path (what this laptop may write) and by the receive path (what a
//! change's origin was allowed to write): see docs/design/authorship.md, section 2.3.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::entity::Entity;
use super::fields::REVIEWED;
use crate::lang::Lang;

/// A member's role in one study, given by a coordinator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Role {
    /// Reads and exports; writes nothing (a hub joins as one).
    Analyst,
    /// Collects: creates, edits and deletes records.
    Enumerator,
    /// An enumerator who also resolves conflicts and erases.
    Supervisor,
    /// A supervisor who also manages the study and its roster.
    Coordinator,
}

/// What a change (or a roster entry) does, as far as roles are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Action {
    /// Create, edit, delete or restore a record of the study (or a shared place).
    EditRecords,
    /// Pick the value of a conflict.
    ResolveConflicts,
    /// Edit the study record itself: its title, dates, status.
    ManageStudy,
    /// Note an export this member made (an audit record, not an edit of the data).
    RecordExport,
    /// Invite, change a role, revoke, re-key.
    ManageRoster,
    /// Mark a record's free text reviewed, so an anonymised export may show it.
    ReviewText,
    /// Erase a participant's personal values after consent is withdrawn.
    ErasePeople,
}

impl Role {
    /// The byte naming the role in signed roster entries (never change one).
    pub fn code(self) -> u8 {
        match self {
            Role::Enumerator => 1,
            Role::Supervisor => 2,
            Role::Coordinator => 3,
            Role::Analyst => 4,
        }
    }

    pub fn from_code(code: u8) -> Option<Role> {
        [
            Role::Enumerator,
            Role::Supervisor,
            Role::Coordinator,
            Role::Analyst,
        ]
        .into_iter()
        .find(|r| r.code() == code)
    }

    /// Whether this role may do `action`.
    pub fn may(self, action: Action) -> bool {
        match action {
            Action::RecordExport => true,
            Action::EditRecords => self != Role::Analyst,
            Action::ResolveConflicts | Action::ReviewText | Action::ErasePeople => {
                matches!(self, Role::Supervisor | Role::Coordinator)
            }
            Action::ManageStudy | Action::ManageRoster => self == Role::Coordinator,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Role::Analyst, Lang::Fr) => "analyste",
            (Role::Analyst, Lang::En) => "analyst",
            (Role::Enumerator, Lang::Fr) => "enquêteur·rice",
            (Role::Enumerator, Lang::En) => "enumerator",
            (Role::Supervisor, Lang::Fr) => "superviseur·e",
            (Role::Supervisor, Lang::En) => "supervisor",
            (Role::Coordinator, Lang::Fr) => "coordinateur·rice",
            (Role::Coordinator, Lang::En) => "coordinator",
        }
    }
}

impl Action {
    /// What writing a field of a record of `entity` does.
    pub fn of_change(entity: Entity) -> Action {
        match entity {
            Entity::Resolution => Action::ResolveConflicts,
            // A form version decides what every enumerator of the study asks: the coordinator's.
            Entity::Study | Entity::Form => Action::ManageStudy,
            Entity::Export => Action::RecordExport,
            Entity::Place
            | Entity::Session
            | Entity::Participant
            | Entity::Tally
            | Entity::Finding
            | Entity::Recommendation
            | Entity::Response
            | Entity::Answer => Action::EditRecords,
        }
    }

    /// What writing `field` of a record of `entity` does: the review mark is a supervisor's,
    /// and setting a participant's `erased_reason` erases the person.
    pub fn of_field(entity: Entity, field: &str) -> Action {
        if entity == Entity::Participant && field == "erased_reason" {
            return Action::ErasePeople;
        }
        match Action::of_change(entity) {
            Action::EditRecords if field == REVIEWED && entity.is_reviewed() => Action::ReviewText,
            a => a,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Action::EditRecords, Lang::Fr) => "modifier les données",
            (Action::EditRecords, Lang::En) => "edit the data",
            (Action::ResolveConflicts, Lang::Fr) => "résoudre les conflits",
            (Action::ResolveConflicts, Lang::En) => "resolve conflicts",
            (Action::ManageStudy, Lang::Fr) => "modifier la fiche de l'étude",
            (Action::ManageStudy, Lang::En) => "edit the study's record",
            (Action::RecordExport, Lang::Fr) => "noter un export",
            (Action::RecordExport, Lang::En) => "note an export",
            (Action::ManageRoster, Lang::Fr) => "gérer les membres de l'étude",
            (Action::ManageRoster, Lang::En) => "manage the study's members",
            (Action::ReviewText, Lang::Fr) => "marquer un texte comme relu",
            (Action::ReviewText, Lang::En) => "mark a text reviewed",
            (Action::ErasePeople, Lang::Fr) => "effacer une personne",
            (Action::ErasePeople, Lang::En) => "erase a person",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_each_role_may_what_the_design_says() {
        for role in [
            Role::Analyst,
            Role::Enumerator,
            Role::Supervisor,
            Role::Coordinator,
        ] {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        assert_eq!(Role::from_code(0), None);
        assert_eq!(Role::from_code(5), None);
        let may = |r: Role| {
            [
                Action::EditRecords,
                Action::ResolveConflicts,
                Action::ManageStudy,
                Action::RecordExport,
                Action::ManageRoster,
                Action::ReviewText,
            ]
            .map(|a| r.may(a))
        };
        assert_eq!(
            may(Role::Analyst),
            [false, false, false, true, false, false]
        );
        assert_eq!(
            may(Role::Enumerator),
            [true, false, false, true, false, false]
        );
        assert_eq!(
            may(Role::Supervisor),
            [true, true, false, true, false, true]
        );
        assert_eq!(may(Role::Coordinator), [true, true, true, true, true, true]);
        assert_eq!(
            Action::of_field(Entity::Finding, "reviewed"),
            Action::ReviewText
        );
        assert_eq!(
            Action::of_field(Entity::Finding, "text"),
            Action::EditRecords
        );
        assert_eq!(
            Action::of_field(Entity::Participant, "reviewed"),
            Action::EditRecords
        );
    }
}
