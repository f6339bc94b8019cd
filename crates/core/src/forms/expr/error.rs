//! Why an expression was refused: a stable kind, the character offset where it went wrong, and
//! a message in French or English for the import's sheet/row/column report.

use crate::lang::Lang;

/// An expression Terrain cannot take. `offset` counts characters (not bytes) from the start
/// of the expression, 0-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    pub kind: ExprErrorKind,
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExprErrorKind {
    /// What was expected, in English, short (one of the phrases of `syntax_fr`).
    Syntax(String),
    /// A known XLSForm/ODK function Terrain does not support (pulldata, ...).
    UnsupportedFunction(String),
    /// Not a function at all.
    UnknownFunction(String),
    /// A function given too few or too many arguments; `expected` is English ("2 or 3",
    /// "at least 1", "3, 5, 7…").
    WrongArity {
        function: String,
        expected: String,
        given: usize,
    },
}

impl ExprError {
    pub(crate) fn syntax(offset: usize, what: &str) -> ExprError {
        ExprError {
            kind: ExprErrorKind::Syntax(what.to_string()),
            offset,
        }
    }

    /// A stable code the UI and scripts can branch on.
    pub fn code(&self) -> &'static str {
        match self.kind {
            ExprErrorKind::Syntax(_) => "expression_syntax",
            ExprErrorKind::UnsupportedFunction(_) => "function_unsupported",
            ExprErrorKind::UnknownFunction(_) => "function_unknown",
            ExprErrorKind::WrongArity { .. } => "function_arity",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        let at = self.offset + 1;
        match &self.kind {
            ExprErrorKind::Syntax(what) if fr => {
                format!(
                    "expression invalide au caractère {at} : {}",
                    syntax_fr(what)
                )
            }
            ExprErrorKind::Syntax(what) => format!("invalid expression at character {at}: {what}"),
            ExprErrorKind::UnsupportedFunction(name) if fr => {
                format!("la fonction {name} n'est pas prise en charge")
            }
            ExprErrorKind::UnsupportedFunction(name) => {
                format!("the function {name} is not supported")
            }
            ExprErrorKind::UnknownFunction(name) if fr => {
                format!("la fonction {name} n'existe pas")
            }
            ExprErrorKind::UnknownFunction(name) => format!("there is no function {name}"),
            ExprErrorKind::WrongArity {
                function,
                expected,
                given,
            } if fr => format!(
                "la fonction {function} attend {} argument(s), {given} donné(s)",
                expected
                    .replace(" or ", " ou ")
                    .replace("at least ", "au moins ")
            ),
            ExprErrorKind::WrongArity {
                function,
                expected,
                given,
            } => format!("the function {function} takes {expected} argument(s), {given} given"),
        }
    }
}

impl std::fmt::Display for ExprError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for ExprError {}

/// The French of the parser's phrases; a phrase not listed (never expected) stays English.
fn syntax_fr(what: &str) -> String {
    let fixed = [
        (
            "expression too long (over 10000 characters)",
            "expression trop longue (plus de 10000 caractères)",
        ),
        (
            "expression nested too deeply (over 64 levels)",
            "expression trop imbriquée (plus de 64 niveaux)",
        ),
        ("an empty expression", "expression vide"),
        ("a closing quote", "un guillemet fermant est attendu"),
        (
            "a closing } after ${name",
            "une accolade fermante est attendue après ${nom",
        ),
        (
            "a question name inside ${}",
            "un nom de question est attendu dans ${}",
        ),
        (
            "a value, a ${name} or a function call",
            "une valeur, un ${nom} ou un appel de fonction est attendu",
        ),
        (
            "a closing parenthesis",
            "une parenthèse fermante est attendue",
        ),
        (
            "an operator or the end of the expression",
            "un opérateur ou la fin de l'expression est attendu",
        ),
        (
            "a comma or a closing parenthesis",
            "une virgule ou une parenthèse fermante est attendue",
        ),
        (
            "'|' (node-set union) is not supported",
            "« | » (union d'ensembles) n'est pas pris en charge",
        ),
        (
            "paths are not supported: write ${name}",
            "les chemins ne sont pas pris en charge : écrivez ${nom}",
        ),
        ("'$' must start ${name}", "« $ » doit commencer un ${nom}"),
        (
            "indexed-repeat takes ${name} references",
            "indexed-repeat attend des références ${nom}",
        ),
    ];
    if let Some((_, fr)) = fixed.iter().find(|(en, _)| *en == what) {
        return fr.to_string();
    }
    if let Some(c) = what.strip_prefix("an unexpected character ") {
        return format!("caractère inattendu {c}");
    }
    what.to_string()
}
