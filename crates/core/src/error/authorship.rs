//! Why a write or a received change was refused for its author: not in the study's roster,
//! its role does not allow it, revoked, or its signature does not hold. In French and English.

use crate::lang::Lang;
use crate::schema::{Action, Role};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorshipError {
    /// The role of the writer (this laptop, or a change's origin) does not allow the action.
    RoleRefused { role: Role, action: Action },
    /// The study has a roster and this laptop (or a change's origin) is not in it.
    NotMember { node: String },
    /// No member of the study has this node id (or starts with it), as typed.
    UnknownMember { node: String },
    /// More than one member's node id starts with what was typed.
    AmbiguousMember { prefix: String },
    /// A role change the roster would ignore: a revoked device stays revoked; nobody revokes
    /// themselves, the founder or a more senior coordinator.
    MemberUnchanged { node: String },
    /// The origin was revoked before writing this change.
    Revoked { node: String },
    /// A change comes with no signature of its origin, or with a signature that does not hold.
    BadSignature { node: String, seq: i64 },
    /// A roster entry that cannot be read, is signed by no coordinator or does not verify.
    BadRosterEntry(String),
    /// A join file's invitation no longer lets anyone in: cancelled, or made by a coordinator
    /// revoked since.
    InvitationUnusable,
}

impl AuthorshipError {
    pub fn code(&self) -> &'static str {
        match self {
            AuthorshipError::RoleRefused { .. } => "role_refused",
            AuthorshipError::NotMember { .. } => "not_member",
            AuthorshipError::UnknownMember { .. } => "unknown_member",
            AuthorshipError::AmbiguousMember { .. } => "ambiguous_member",
            AuthorshipError::MemberUnchanged { .. } => "member_unchanged",
            AuthorshipError::Revoked { .. } => "revoked",
            AuthorshipError::BadSignature { .. } => "bad_signature",
            AuthorshipError::BadRosterEntry(_) => "bad_roster_entry",
            AuthorshipError::InvitationUnusable => "invitation_unusable",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match self {
            AuthorshipError::RoleRefused { role, action } if fr => format!(
                "Le rôle {} ne permet pas de {}.",
                role.label(lang),
                action.label(lang)
            ),
            AuthorshipError::RoleRefused { role, action } => format!(
                "The role {} may not {}.",
                role.label(lang),
                action.label(lang)
            ),
            AuthorshipError::NotMember { node } if fr => format!(
                "L'appareil {node} n'est pas membre de cette étude : demandez une invitation à un·e coordinateur·rice."
            ),
            AuthorshipError::NotMember { node } => format!(
                "Device {node} is not a member of this study: ask a coordinator for an invitation."
            ),
            AuthorshipError::UnknownMember { node } if fr => {
                format!("Aucun membre de cette étude n'a l'identifiant « {node} ».")
            }
            AuthorshipError::UnknownMember { node } => {
                format!("No member of this study has the id \"{node}\".")
            }
            AuthorshipError::AmbiguousMember { prefix } if fr => format!(
                "Plusieurs membres ont un identifiant qui commence par « {prefix} » : tapez-en davantage."
            ),
            AuthorshipError::AmbiguousMember { prefix } => format!(
                "Several members have an id starting with \"{prefix}\": type more of it."
            ),
            AuthorshipError::MemberUnchanged { node } if fr => format!(
                "Ce changement resterait sans effet sur l'appareil {node} : un appareil révoqué le reste, et personne ne révoque lui-même, le fondateur de l'étude ni un·e coordinateur·rice plus ancien·ne."
            ),
            AuthorshipError::MemberUnchanged { node } => format!(
                "This change would have no effect on device {node}: a revoked device stays revoked, and nobody revokes themselves, the study's founder or a more senior coordinator."
            ),
            AuthorshipError::Revoked { node } if fr => format!(
                "L'appareil {node} a été révoqué : ses modifications sont refusées."
            ),
            AuthorshipError::Revoked { node } => {
                format!("Device {node} was revoked: its changes are refused.")
            }
            AuthorshipError::BadSignature { node, seq } if fr => format!(
                "La modification {node}/{seq} ne porte pas de signature valide de son auteur : elle est refusée."
            ),
            AuthorshipError::BadSignature { node, seq } => format!(
                "Change {node}/{seq} does not carry a valid signature of its author: it is refused."
            ),
            AuthorshipError::BadRosterEntry(why) if fr => {
                format!("Une entrée de la liste des membres est invalide ({why}) : elle est refusée.")
            }
            AuthorshipError::BadRosterEntry(why) => {
                format!("An entry of the members list is invalid ({why}): it is refused.")
            }
            AuthorshipError::InvitationUnusable if fr => "Cette invitation ne permet plus de rejoindre l'étude (annulée, ou faite par un·e coordinateur·rice révoqué·e depuis) : demandez-en une nouvelle.".into(),
            AuthorshipError::InvitationUnusable => "This invitation no longer lets anyone join the study (cancelled, or made by a coordinator revoked since): ask for a new one.".into(),
        }
    }
}
