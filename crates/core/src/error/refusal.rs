//! Requests refused as a whole: each has a stable code and a message in French and English.

use super::answer::AnswerProblem;
use super::form::{issues_message, FormIssue};
use crate::lang::Lang;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No home directory to keep the data in (set TERRAIN_DATA_DIR).
    NoDataDir,
    /// Demo data goes only into a store without studies, so it never mixes with real work.
    NotEmpty { studies: i64 },
    /// Exports made for sharing hide counts below a minimum cell, which must be at least
    /// `floor` (3): a count of 1 or 2 published is a person, or two who know each other.
    MinCellTooSmall { given: i64, floor: i64 },
    /// A folder named for sync files (a USB stick) that is not there.
    NoFolder { folder: String },
    /// A file named for import that is not there.
    NoFile { path: String },
    /// A path typed in the app that does not start at a drive or the root (`media/usb`): it
    /// would be joined to some folder the person never chose.
    RelativePath { path: String },
    /// A path box left empty.
    NoPath,
    /// A second long sync task while one is running (the app runs one at a time).
    Busy,
    /// An HQ public key file that is not one (`sync::hq`): cut short, mistyped, or another file.
    BadHqKey,
    /// The demo is already here (`studies` of its studies live): it is never loaded twice.
    DemoLoaded { studies: i64 },
    /// A report of a study that is in the bin: it holds nothing until it is restored.
    StudyDeleted { title: String },
    /// A form file whose `form_id` and `version` the study already holds: a new version of a
    /// form is a new `version` in its settings sheet (a form version never changes).
    FormVersionHeld { form_id: String, version: String },
    /// A response that cannot be finalised: each failing question as `name: message` (the
    /// form's own message, in the form's language, or Terrain's).
    ResponseInvalid { errors: Vec<String> },
    /// An answer that has no place in the form, or does not fit its question.
    AnswerInvalid {
        path: String,
        problem: AnswerProblem,
    },
    /// A response given a session of another study than its form's.
    SessionOtherStudy { session: String },
    /// A response given a participant of another session than its own.
    ParticipantOtherSession { participant: String },
    /// A form (a `form_id`) the study of the chosen session does not hold.
    FormNotInStudy { form: String },
    /// A questionnaire refused whole: every problem found, with its sheet, row and column
    /// (warnings too, after the errors).
    FormRefused(Vec<FormIssue>),
}

/// A full path as this system writes one, for messages.
fn example_path() -> &'static str {
    if cfg!(windows) {
        "E:\\terrain"
    } else {
        "/media/usb"
    }
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NoDataDir => "no_data_dir",
            Refusal::NotEmpty { .. } => "not_empty",
            Refusal::MinCellTooSmall { .. } => "bad_min_cell",
            Refusal::NoFolder { .. } => "no_folder",
            Refusal::NoFile { .. } => "no_file",
            Refusal::RelativePath { .. } => "relative_path",
            Refusal::NoPath => "no_path",
            Refusal::Busy => "busy",
            Refusal::BadHqKey => "bad_hq_key",
            Refusal::DemoLoaded { .. } => "demo_loaded",
            Refusal::StudyDeleted { .. } => "study_deleted",
            Refusal::FormVersionHeld { .. } => "form_version_held",
            Refusal::ResponseInvalid { .. } => "response_invalid",
            Refusal::AnswerInvalid { .. } => "answer_invalid",
            Refusal::SessionOtherStudy { .. } => "session_other_study",
            Refusal::ParticipantOtherSession { .. } => "participant_other_session",
            Refusal::FormNotInStudy { .. } => "form_not_in_study",
            Refusal::FormRefused(_) => "form_refused",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match self {
            Refusal::NoDataDir if fr => "Aucun dossier personnel où garder les données de Terrain : indiquez-en un avec TERRAIN_DATA_DIR.".into(),
            Refusal::NoDataDir => "No home directory to keep Terrain's data in: name one with TERRAIN_DATA_DIR.".into(),
            Refusal::NotEmpty { studies } if fr => format!(
                "Les données de démonstration ne se chargent que dans une base vide : celle-ci contient déjà {studies} étude(s)."
            ),
            Refusal::NotEmpty { studies } => format!(
                "Demo data can only be loaded into an empty database: this one already holds {studies} stud{}.",
                if *studies == 1 { "y" } else { "ies" }
            ),
            Refusal::MinCellTooSmall { given, floor } if fr => format!(
                "L'effectif minimal publié doit valoir au moins {floor} (et non {given}) : un effectif plus petit désigne des personnes. Rien n'a été exporté."
            ),
            Refusal::MinCellTooSmall { given, floor } => format!(
                "The minimum cell size must be at least {floor} (not {given}): a smaller count singles people out. Nothing was exported."
            ),
            Refusal::NoFolder { folder } if fr => format!("Le dossier « {folder} » n'existe pas : branchez la clé USB ou choisissez un autre dossier."),
            Refusal::NoFolder { folder } => format!("The folder \"{folder}\" does not exist: plug in the USB stick or choose another folder."),
            Refusal::NoFile { path } if fr => format!("Le fichier « {path} » n'existe pas."),
            Refusal::NoFile { path } => format!("The file \"{path}\" does not exist."),
            Refusal::RelativePath { path } if fr => format!(
                "Le chemin « {path} » est incomplet : il doit commencer par la racine ou le lecteur (par exemple {}). Choisissez-le avec « Parcourir… » ou dans la liste des clés USB.",
                example_path()
            ),
            Refusal::RelativePath { path } => format!(
                "The path \"{path}\" is incomplete: it must start at the root or the drive (for example {}). Choose it with \"Browse…\" or from the list of USB sticks.",
                example_path()
            ),
            Refusal::NoPath if fr => "Saisissez un chemin, ou choisissez-le avec « Parcourir… ».".into(),
            Refusal::NoPath => "Type a path, or choose it with \"Browse…\".".into(),
            Refusal::Busy if fr => "Une synchronisation est déjà en cours : attendez qu'elle se termine.".into(),
            Refusal::Busy => "A sync is already running: wait until it ends.".into(),
            Refusal::BadHqKey if fr => "Ce fichier n'est pas une clé publique du siège (terrain hq keygen) valide : il est incomplet, modifié, ou c'est un autre fichier.".into(),
            Refusal::DemoLoaded { studies } if fr => format!(
                "Les données de démonstration sont déjà chargées ({studies} étude(s)) : elles ne se chargent pas deux fois. Retirez-les d'abord (« Retirer les données de démonstration » dans Études, ou terrain demo remove)."
            ),
            Refusal::DemoLoaded { studies } => format!(
                "The demo data is already loaded ({studies} stud{}): it is never loaded twice. Remove it first (\"Remove demo data\" in Studies, or terrain demo remove).",
                if *studies == 1 { "y" } else { "ies" }
            ),
            Refusal::StudyDeleted { title } if fr => format!(
                "L'étude « {title} » est dans la corbeille : restaurez-la d'abord depuis la Corbeille (pour en faire le rapport ou y inviter un ordinateur)."
            ),
            Refusal::StudyDeleted { title } => format!(
                "The study \"{title}\" is in the bin: restore it from the Deleted screen first (to report on it or invite a laptop to it)."
            ),
            Refusal::FormVersionHeld { form_id, version } if fr => format!(
                "L'étude a déjà la version « {version} » du questionnaire « {form_id} » : une nouvelle version du fichier porte une autre « version » dans sa feuille settings."
            ),
            Refusal::FormVersionHeld { form_id, version } => format!(
                "The study already holds version \"{version}\" of the form \"{form_id}\": a new version of the file has another \"version\" in its settings sheet."
            ),
            Refusal::ResponseInvalid { errors } if fr => format!(
                "La réponse ne peut pas être finalisée :\n{}",
                errors.join("\n")
            ),
            Refusal::ResponseInvalid { errors } => format!(
                "The response cannot be finalised:\n{}",
                errors.join("\n")
            ),
            Refusal::AnswerInvalid { path, problem } => problem.message(path, lang),
            Refusal::SessionOtherStudy { session } if fr => format!(
                "La séance {session} n'appartient pas à l'étude de ce questionnaire."
            ),
            Refusal::SessionOtherStudy { session } => format!(
                "The session {session} does not belong to this form's study."
            ),
            Refusal::ParticipantOtherSession { participant } if fr => format!(
                "Le participant {participant} n'est pas de cette séance."
            ),
            Refusal::ParticipantOtherSession { participant } => format!(
                "The participant {participant} is not of this session."
            ),
            Refusal::FormNotInStudy { form } if fr => format!(
                "Le questionnaire « {form} » n'est pas dans l'étude de cette séance : importez-le d'abord dans l'étude."
            ),
            Refusal::FormNotInStudy { form } => format!(
                "The form \"{form}\" is not in this session's study: import it into the study first."
            ),
            Refusal::FormRefused(issues) => issues_message(issues, lang),
            Refusal::BadHqKey => "This file is not a valid headquarters public key (terrain hq keygen): it is cut short, altered, or another file.".into(),
        }
    }
}
