//! What is wrong with a questionnaire (an XLSForm file, or a form definition received from
//! another laptop): each problem with the sheet, row and column a person opens to fix it, in
//! French or English. A form with any [`Severity::Error`] is refused whole
//! (`Refusal::FormRefused`); warnings are listed with the imported form.

use serde::Serialize;

use crate::lang::Lang;

/// How much a problem matters: an error refuses the form, a warning is listed with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, where a person finds it in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormIssue {
    /// `survey`, `choices`, `settings`, or "" for the file as a whole.
    pub sheet: String,
    /// The row as a person reads it (1 is the header row).
    pub row: Option<u32>,
    /// The column's header as the file writes it (`relevant`, `label::Français (fr)`).
    pub column: Option<String>,
    pub kind: IssueKind,
    pub severity: Severity,
}

/// Every specific problem a form can have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IssueKind {
    /// The file is not a spreadsheet Terrain reads (`.xlsx`, `.xls`), or it is damaged.
    NotASpreadsheet { detail: String },
    /// The file is larger than Terrain reads.
    FileTooLarge { max_bytes: u64 },
    /// A sheet holds more rows than a form may have.
    TooManyRows { max: usize },
    /// The choices sheet holds more choices than a form may have.
    TooManyChoices { max: usize },
    /// A cell holds more text than a form may have.
    CellTooLong { max: usize },
    /// The file or the form as a whole is larger than Terrain keeps.
    TooLarge,
    /// Groups and repeats nested deeper than a form may go.
    TooDeep { max: usize },
    /// A sheet the form needs is missing (the sheet is the issue's).
    MissingSheet,
    /// A column the form needs is missing (the column is the issue's).
    MissingColumn,
    /// A cell that must be filled is empty (the column is the issue's).
    MissingValue,
    /// A type that is no XLSForm type at all.
    UnknownType { name: String },
    /// An XLSForm type Terrain does not support (media, files, barcodes, traces, ranking).
    UnsupportedType { name: String },
    /// A metadata type (deviceid, username...) a laptop has no value for: the row is ignored.
    IgnoredMetadata { name: String },
    /// A row with content but no type: it is ignored.
    RowWithoutType,
    /// A name used twice (names are unique in a form).
    DuplicateName { name: String },
    /// A name that is not a valid XML name (a letter or `_` first, then letters, digits,
    /// `_`, `-`, `.`).
    BadName { name: String },
    /// A text longer than Terrain keeps for it.
    TooLong { max: usize },
    /// A select naming a list the choices sheet does not hold.
    UnknownList { list: String },
    /// A list without any choice.
    EmptyList { list: String },
    /// A choice name used twice in one list.
    DuplicateChoice { list: String, name: String },
    /// A choice of a select_multiple list whose name holds a space (answers are names
    /// separated by spaces).
    ChoiceNameWithSpace { list: String, name: String },
    /// A `begin group` or `begin repeat` never ended.
    UnmatchedBegin { what: String, name: String },
    /// An `end group` or `end repeat` with no matching begin.
    UnmatchedEnd { what: String },
    /// A function Terrain does not evaluate (pulldata, ...).
    UnsupportedFunction { name: String },
    /// An expression that does not parse (or calls an unknown function, or with the wrong
    /// number of arguments): the expression parser's message in each language (`ExprError`
    /// lives in forms/, above this layer, so its messages are carried).
    BadExpression { fr: String, en: String },
    /// `${name}` naming no question of the form.
    UnknownReference { name: String },
    /// A range's parameters that are not `start`, `end`, `step` numbers with a step above 0.
    BadRange { parameters: String },
    /// A choice_filter on a question that is not a select.
    ChoiceFilterNotOnSelect,
    /// A form without a single question.
    NoQuestion,
    /// A calculate row without a calculation.
    MissingCalculation,
    /// The settings' default_language is not a language of the form's labels.
    UnknownLanguage { language: String },
    /// An appearance Terrain does not honour: ignored.
    UnsupportedAppearance { appearance: String },
    /// A column Terrain does not use (media::image, guidance_hint, ...): ignored.
    IgnoredColumn,
    /// A column that means nothing for this row's type (a constraint on a note): ignored.
    IgnoredForType { type_name: String },
}

impl FormIssue {
    pub fn error(sheet: &str, row: Option<u32>, column: Option<&str>, kind: IssueKind) -> Self {
        FormIssue {
            sheet: sheet.to_string(),
            row,
            column: column.map(str::to_string),
            kind,
            severity: Severity::Error,
        }
    }

    pub fn warning(sheet: &str, row: Option<u32>, column: Option<&str>, kind: IssueKind) -> Self {
        FormIssue {
            severity: Severity::Warning,
            ..FormIssue::error(sheet, row, column, kind)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// "feuille survey, ligne 48, colonne relevant : la fonction pulldata n'est pas prise en
    /// charge" / "sheet survey, row 48, column relevant: the function pulldata is not supported".
    pub fn message(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        let mut place = Vec::new();
        if !self.sheet.is_empty() {
            place.push(if fr {
                format!("feuille {}", self.sheet)
            } else {
                format!("sheet {}", self.sheet)
            });
        }
        if let Some(row) = self.row {
            place.push(if fr {
                format!("ligne {row}")
            } else {
                format!("row {row}")
            });
        }
        if let Some(column) = &self.column {
            place.push(if fr {
                format!("colonne {column}")
            } else {
                format!("column {column}")
            });
        }
        let what = self.kind.message(lang);
        match (place.is_empty(), fr) {
            (true, _) => what,
            (false, true) => format!("{} : {what}", place.join(", ")),
            (false, false) => format!("{}: {what}", place.join(", ")),
        }
    }
}

/// The issues one per line, errors first, in the order they were found.
pub fn issues_message(issues: &[FormIssue], lang: Lang) -> String {
    let mut sorted: Vec<&FormIssue> = issues.iter().filter(|i| i.is_error()).collect();
    sorted.extend(issues.iter().filter(|i| !i.is_error()));
    sorted
        .iter()
        .map(|i| i.message(lang))
        .collect::<Vec<_>>()
        .join("\n")
}

impl IssueKind {
    /// What is wrong, without the place.
    pub fn message(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match self {
            IssueKind::NotASpreadsheet { detail } if fr => format!(
                "ce fichier n'est pas un classeur .xlsx ou .xls lisible ({detail})"
            ),
            IssueKind::NotASpreadsheet { detail } => {
                format!("this file is not a readable .xlsx or .xls workbook ({detail})")
            }
            IssueKind::FileTooLarge { max_bytes } if fr => format!(
                "le fichier dépasse {} Mo, la taille maximale d'un questionnaire",
                max_bytes / 1_000_000
            ),
            IssueKind::FileTooLarge { max_bytes } => format!(
                "the file is larger than {} MB, the largest a form may be",
                max_bytes / 1_000_000
            ),
            IssueKind::TooManyRows { max } if fr => {
                format!("la feuille a plus de {max} lignes, le maximum d'un questionnaire")
            }
            IssueKind::TooManyRows { max } => {
                format!("the sheet has more than {max} rows, the most a form may have")
            }
            IssueKind::TooManyChoices { max } if fr => {
                format!("le questionnaire a plus de {max} choix, le maximum")
            }
            IssueKind::TooManyChoices { max } => {
                format!("the form has more than {max} choices, the most it may have")
            }
            IssueKind::CellTooLong { max } if fr => {
                format!("la cellule contient plus de {max} caractères, le maximum")
            }
            IssueKind::CellTooLong { max } => {
                format!("the cell holds more than {max} characters, the most it may")
            }
            IssueKind::TooLarge if fr => {
                "le questionnaire est plus grand que ce que Terrain conserve".into()
            }
            IssueKind::TooLarge => "the form is larger than Terrain keeps".into(),
            IssueKind::TooDeep { max } if fr => format!(
                "les groupes et répétitions sont imbriqués sur plus de {max} niveaux"
            ),
            IssueKind::TooDeep { max } => {
                format!("groups and repeats are nested more than {max} levels deep")
            }
            IssueKind::MissingSheet if fr => "la feuille est absente du fichier".into(),
            IssueKind::MissingSheet => "the sheet is missing from the file".into(),
            IssueKind::MissingColumn if fr => "la colonne est absente de la feuille".into(),
            IssueKind::MissingColumn => "the column is missing from the sheet".into(),
            IssueKind::MissingValue if fr => "la cellule est vide alors qu'elle doit être remplie".into(),
            IssueKind::MissingValue => "the cell is empty but must be filled".into(),
            IssueKind::UnknownType { name } if fr => {
                format!("le type « {name} » n'existe pas en XLSForm")
            }
            IssueKind::UnknownType { name } => format!("the type \"{name}\" is not an XLSForm type"),
            IssueKind::UnsupportedType { name } if fr => {
                format!("le type {name} n'est pas pris en charge")
            }
            IssueKind::UnsupportedType { name } => format!("the type {name} is not supported"),
            IssueKind::IgnoredMetadata { name } if fr => format!(
                "la métadonnée {name} n'a pas de valeur sur un ordinateur : la ligne est ignorée"
            ),
            IssueKind::IgnoredMetadata { name } => {
                format!("the metadata {name} has no value on a laptop: the row is ignored")
            }
            IssueKind::RowWithoutType if fr => "la ligne n'a pas de type : elle est ignorée".into(),
            IssueKind::RowWithoutType => "the row has no type: it is ignored".into(),
            IssueKind::DuplicateName { name } if fr => {
                format!("le nom {name} est déjà utilisé dans le questionnaire")
            }
            IssueKind::DuplicateName { name } => {
                format!("the name {name} is already used in the form")
            }
            IssueKind::BadName { name } if fr => format!(
                "le nom « {name} » n'est pas valide (une lettre ou _ d'abord, puis des lettres, chiffres, _, - ou .)"
            ),
            IssueKind::BadName { name } => format!(
                "the name \"{name}\" is not valid (a letter or _ first, then letters, digits, _, - or .)"
            ),
            IssueKind::TooLong { max } if fr => {
                format!("le texte dépasse {max} caractères, le maximum")
            }
            IssueKind::TooLong { max } => format!("the text is longer than {max} characters"),
            IssueKind::UnknownList { list } if fr => {
                format!("la liste {list} n'existe pas dans la feuille choices")
            }
            IssueKind::UnknownList { list } => {
                format!("the list {list} is not in the choices sheet")
            }
            IssueKind::EmptyList { list } if fr => format!("la liste {list} n'a aucun choix"),
            IssueKind::EmptyList { list } => format!("the list {list} has no choice"),
            IssueKind::DuplicateChoice { list, name } if fr => {
                format!("le choix {name} figure deux fois dans la liste {list}")
            }
            IssueKind::DuplicateChoice { list, name } => {
                format!("the choice {name} appears twice in the list {list}")
            }
            IssueKind::ChoiceNameWithSpace { list, name } if fr => format!(
                "le choix « {name} » de la liste {list} contient une espace (interdit pour select_multiple)"
            ),
            IssueKind::ChoiceNameWithSpace { list, name } => format!(
                "the choice \"{name}\" of the list {list} holds a space (not allowed for select_multiple)"
            ),
            IssueKind::UnmatchedBegin { what, name } if fr => {
                format!("begin {what} {name} n'a pas de end {what}")
            }
            IssueKind::UnmatchedBegin { what, name } => {
                format!("begin {what} {name} has no end {what}")
            }
            IssueKind::UnmatchedEnd { what } if fr => {
                format!("end {what} ne correspond à aucun begin {what}")
            }
            IssueKind::UnmatchedEnd { what } => format!("end {what} matches no begin {what}"),
            IssueKind::UnsupportedFunction { name } if fr => {
                format!("la fonction {name} n'est pas prise en charge")
            }
            IssueKind::UnsupportedFunction { name } => {
                format!("the function {name} is not supported")
            }
            IssueKind::BadExpression { fr: text, .. } if fr => text.clone(),
            IssueKind::BadExpression { en, .. } => en.clone(),
            IssueKind::UnknownReference { name } if fr => {
                format!("${{{name}}} ne désigne aucune question du questionnaire")
            }
            IssueKind::UnknownReference { name } => {
                format!("${{{name}}} names no question of the form")
            }
            IssueKind::BadRange { parameters } if fr => format!(
                "les paramètres « {parameters} » ne sont pas start, end et step numériques avec step supérieur à 0"
            ),
            IssueKind::BadRange { parameters } => format!(
                "the parameters \"{parameters}\" are not numeric start, end and step with step above 0"
            ),
            IssueKind::ChoiceFilterNotOnSelect if fr => {
                "choice_filter ne s'applique qu'à select_one et select_multiple".into()
            }
            IssueKind::ChoiceFilterNotOnSelect => {
                "choice_filter applies only to select_one and select_multiple".into()
            }
            IssueKind::NoQuestion if fr => "le questionnaire n'a aucune question".into(),
            IssueKind::NoQuestion => "the form has no question".into(),
            IssueKind::MissingCalculation if fr => "calculate sans calculation".into(),
            IssueKind::MissingCalculation => "calculate without a calculation".into(),
            IssueKind::UnknownLanguage { language } if fr => format!(
                "la langue par défaut « {language} » n'est celle d'aucune colonne label : elle est ignorée"
            ),
            IssueKind::UnknownLanguage { language } => format!(
                "the default language \"{language}\" is no label column's language: it is ignored"
            ),
            IssueKind::UnsupportedAppearance { appearance } if fr => {
                format!("l'apparence {appearance} est ignorée")
            }
            IssueKind::UnsupportedAppearance { appearance } => {
                format!("the appearance {appearance} is ignored")
            }
            IssueKind::IgnoredColumn if fr => "la colonne est ignorée".into(),
            IssueKind::IgnoredColumn => "the column is ignored".into(),
            IssueKind::IgnoredForType { type_name } if fr => {
                format!("la colonne est ignorée pour le type {type_name}")
            }
            IssueKind::IgnoredForType { type_name } => {
                format!("the column is ignored for the type {type_name}")
            }
        }
    }
}
