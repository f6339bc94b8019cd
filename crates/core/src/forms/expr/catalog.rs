//! The functions Terrain knows: those it evaluates, with how many arguments each takes, and
//! those XLSForm writers use that it refuses (so the refusal says "not supported" rather than
//! "no such function").

/// How many arguments a supported function takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arity {
    Exactly(usize),
    Between(usize, usize),
    AtLeast(usize),
    /// indexed-repeat: `${name}` then pairs of `${repeat}, index`: 3, 5, 7…
    Odd3,
}

impl Arity {
    pub(crate) fn accepts(self, n: usize) -> bool {
        match self {
            Arity::Exactly(k) => n == k,
            Arity::Between(a, b) => (a..=b).contains(&n),
            Arity::AtLeast(a) => n >= a,
            Arity::Odd3 => n >= 3 && n % 2 == 1,
        }
    }

    /// In English, for `ExprErrorKind::WrongArity`.
    pub(crate) fn expected(self) -> String {
        match self {
            Arity::Exactly(k) => k.to_string(),
            Arity::Between(a, b) if b == a + 1 => format!("{a} or {b}"),
            Arity::Between(a, b) => format!("{a} to {b}"),
            Arity::AtLeast(a) => format!("at least {a}"),
            Arity::Odd3 => "3, 5, 7…".to_string(),
        }
    }
}

const SUPPORTED: &[(&str, Arity)] = &[
    ("selected", Arity::Exactly(2)),
    ("count-selected", Arity::Exactly(1)),
    ("selected-at", Arity::Exactly(2)),
    ("jr:choice-name", Arity::Exactly(2)),
    ("string-length", Arity::Between(0, 1)),
    ("regex", Arity::Exactly(2)),
    ("concat", Arity::AtLeast(0)),
    ("substr", Arity::Between(2, 3)),
    ("substring-before", Arity::Exactly(2)),
    ("substring-after", Arity::Exactly(2)),
    ("if", Arity::Exactly(3)),
    ("coalesce", Arity::Exactly(2)),
    ("today", Arity::Exactly(0)),
    ("now", Arity::Exactly(0)),
    ("int", Arity::Exactly(1)),
    ("number", Arity::Between(0, 1)),
    ("round", Arity::Between(1, 2)),
    ("sum", Arity::Exactly(1)),
    ("count", Arity::Exactly(1)),
    ("count-non-empty", Arity::Exactly(1)),
    ("position", Arity::Between(0, 1)),
    ("indexed-repeat", Arity::Odd3),
    ("format-date", Arity::Exactly(2)),
    ("format-date-time", Arity::Exactly(2)),
    ("once", Arity::Exactly(1)),
    ("min", Arity::AtLeast(1)),
    ("max", Arity::AtLeast(1)),
    ("not", Arity::Exactly(1)),
    ("true", Arity::Exactly(0)),
    ("false", Arity::Exactly(0)),
    ("boolean", Arity::Exactly(1)),
    ("boolean-from-string", Arity::Exactly(1)),
    ("string", Arity::Between(0, 1)),
    ("contains", Arity::Exactly(2)),
    ("starts-with", Arity::Exactly(2)),
    ("ends-with", Arity::Exactly(2)),
    ("translate", Arity::Exactly(3)),
    ("normalize-space", Arity::Between(0, 1)),
    ("floor", Arity::Exactly(1)),
    ("ceiling", Arity::Exactly(1)),
    ("abs", Arity::Exactly(1)),
    ("pow", Arity::Exactly(2)),
    ("date", Arity::Exactly(1)),
    ("decimal-date-time", Arity::Exactly(1)),
    ("join", Arity::AtLeast(2)),
    ("uuid", Arity::Between(0, 1)),
];

/// Functions of ODK/XLSForm (or XPath) that real forms use and Terrain does not evaluate.
const UNSUPPORTED: &[&str] = &[
    "pulldata",
    "instance",
    "current",
    "digest",
    "area",
    "distance",
    "geofence",
    "randomize",
    "random",
    "version",
    "property",
    "exp",
    "exp10",
    "log",
    "log10",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "atan2",
    "sqrt",
    "pi",
    "checklist",
    "weighted-checklist",
    "decimal-time",
    "base64-decode",
    "extract-signed",
    "encrypt-string",
    "jr:itext",
    "last",
    "local-name",
    "name",
    "namespace-uri",
    "id",
    "lang",
    "substring",
    "choice-name",
];

pub(crate) fn arity(name: &str) -> Option<Arity> {
    SUPPORTED.iter().find(|(n, _)| *n == name).map(|(_, a)| *a)
}

pub(crate) fn is_unsupported(name: &str) -> bool {
    UNSUPPORTED.contains(&name)
}
