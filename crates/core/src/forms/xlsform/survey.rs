//! The survey sheet: each row's type and columns into a [`Node`], groups and repeats nested as
//! their begin and end rows say.

use super::table::{Row, Table};
use crate::error::{FormIssue, IssueKind};
use crate::forms::check::{MAX_DEPTH, MAX_SURVEY_ROWS};
use crate::forms::model::{Node, NodeKind, QuestionType};

/// A survey header → the column it means (XLSForm's aliases, lowercased).
pub const ALIASES: &[(&str, &str)] = &[
    ("relevance", "relevant"),
    ("calculate", "calculation"),
    ("readonly", "read_only"),
    ("read only", "read_only"),
    ("jr:requiredmsg", "required_message"),
    ("required message", "required_message"),
    ("jr:constraintmsg", "constraint_message"),
    ("constraint message", "constraint_message"),
    ("jr:count", "repeat_count"),
    ("repeat count", "repeat_count"),
    ("choice filter", "choice_filter"),
    ("caption", "label"),
];

/// The survey columns Terrain reads.
pub const USED: &[&str] = &[
    "type",
    "name",
    "label",
    "hint",
    "required",
    "required_message",
    "constraint",
    "constraint_message",
    "relevant",
    "calculation",
    "default",
    "read_only",
    "choice_filter",
    "appearance",
    "repeat_count",
    "parameters",
];

/// The appearances Terrain honours; any other is listed as ignored.
pub const HONOURED_APPEARANCES: &[&str] = &["minimal", "field-list", "multiline"];

/// Metadata a laptop has no value for: the row is ignored with a warning.
const IGNORED_METADATA: &[&str] = &[
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "background-audio",
    "uri:email",
    "uri:username",
    "uri:deviceid",
    "uri:subscriberid",
    "uri:simserial",
    "uri:phonenumber",
    "instanceid",
];

/// XLSForm types Terrain refuses: media, files, barcodes, traces, ranking, external data.
const UNSUPPORTED: &[&str] = &[
    "image",
    "photo",
    "audio",
    "video",
    "file",
    "barcode",
    "geotrace",
    "geoshape",
    "rank",
    "background-geopoint",
    "xml-external",
    "csv-external",
    "select_one_from_file",
    "select_multiple_from_file",
    "select_one_external",
    "select_multiple_external",
    "osm",
    "hidden",
    "begin_rank",
    "begin_loop",
    "end_loop",
];

/// What a row's `type` cell says.
enum RowType {
    Question(QuestionType, &'static str),
    Begin(&'static str),
    End(&'static str),
    /// start, end, today: a calculation of the moment.
    Moment(&'static str),
    Ignored(String),
    Unsupported(String),
    Unknown(String),
}

fn row_type(raw: &str) -> RowType {
    let mut words: Vec<String> = raw.split_whitespace().map(str::to_string).collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let starts = |prefix: &[&str]| {
        lower.len() >= prefix.len() && lower.iter().zip(prefix).all(|(w, p)| w == p)
    };
    // Selects, as written today (`select_one L or_other`) and in pyxform's older words
    // (`select one from L or specify other`, `select all that apply from L`).
    for (prefix, multiple) in [
        (&["select_one"][..], false),
        (&["select_multiple"][..], true),
        (&["select", "one", "from"][..], false),
        (&["select", "one"][..], false),
        (&["select", "all", "that", "apply", "from"][..], true),
        (&["select", "multiple", "from"][..], true),
        (&["select", "multiple"][..], true),
    ] {
        if !starts(prefix) {
            continue;
        }
        let after = &words[prefix.len()..];
        let tail: Vec<&str> = lower[prefix.len()..].iter().map(String::as_str).collect();
        let or_other = match tail.get(1..) {
            Some([]) => false,
            Some(["or_other"] | ["or", "specify", "other"]) => true,
            _ => return RowType::Unknown(raw.to_string()),
        };
        let list = after[0].clone();
        return if multiple {
            RowType::Question(
                QuestionType::SelectMultiple { list, or_other },
                "select_multiple",
            )
        } else {
            RowType::Question(QuestionType::SelectOne { list, or_other }, "select_one")
        };
    }
    // Two-word spellings of one-word types.
    if lower.len() == 2 {
        let joined = format!("{}_{}", lower[0], lower[1]);
        if matches!(
            joined.as_str(),
            "begin_group"
                | "begin_repeat"
                | "end_group"
                | "end_repeat"
                | "phone_number"
                | "begin_loop"
                | "end_loop"
        ) {
            words = vec![joined];
        }
    }
    if starts(&["begin", "loop"]) {
        return RowType::Unsupported("begin loop".into());
    }
    let Some(first) = words.first().map(|w| w.to_lowercase()) else {
        return RowType::Unknown(String::new());
    };
    if UNSUPPORTED.contains(&first.as_str()) {
        return RowType::Unsupported(words[0].clone());
    }
    if words.len() > 1 {
        return RowType::Unknown(raw.to_string());
    }
    let q = RowType::Question;
    match first.as_str() {
        "text" | "string" | "phone_number" => q(QuestionType::Text, "text"),
        "integer" | "int" => q(QuestionType::Integer, "integer"),
        "decimal" => q(QuestionType::Decimal, "decimal"),
        "date" => q(QuestionType::Date, "date"),
        "time" => q(QuestionType::Time, "time"),
        "datetime" => q(QuestionType::DateTime, "dateTime"),
        "note" => q(QuestionType::Note, "note"),
        "calculate" => q(QuestionType::Calculate, "calculate"),
        "acknowledge" | "trigger" => q(QuestionType::Acknowledge, "acknowledge"),
        "geopoint" | "gps" => q(QuestionType::Geopoint, "geopoint"),
        "range" => q(
            QuestionType::Range {
                start: 1.0,
                end: 10.0,
                step: 1.0,
            },
            "range",
        ),
        "begin_group" => RowType::Begin("group"),
        "begin_repeat" => RowType::Begin("repeat"),
        "end_group" => RowType::End("group"),
        "end_repeat" => RowType::End("repeat"),
        "start" | "end" => RowType::Moment("now()"),
        "today" => RowType::Moment("today()"),
        m if IGNORED_METADATA.contains(&m) => RowType::Ignored(words[0].clone()),
        _ => RowType::Unknown(raw.to_string()),
    }
}

/// `yes`, `true`, `true()` → `true()`; `no`, `false` and empty → none; anything else is an
/// expression kept as written.
fn flag(value: Option<&str>) -> Option<String> {
    let v = value?;
    match v.to_lowercase().as_str() {
        "yes" | "true" | "true()" | "1" => Some("true()".into()),
        "no" | "false" | "false()" | "0" | "" => None,
        _ => Some(v.to_string()),
    }
}

/// A range's `start=1 end=5 step=0.5` (separated by spaces, `;` or `,`).
fn range_parameters(text: Option<&str>) -> Option<QuestionType> {
    let (mut start, mut end, mut step) = (1.0, 10.0, 1.0);
    for pair in text
        .unwrap_or("")
        .split(|c: char| c.is_whitespace() || c == ';' || c == ',')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=')?;
        let value: f64 = value.trim().parse().ok()?;
        match key.trim().to_lowercase().as_str() {
            "start" => start = value,
            "end" => end = value,
            "step" => step = value,
            _ => return None,
        }
    }
    Some(QuestionType::Range { start, end, step })
}

/// A group or repeat being read, until its end row.
struct Open {
    node: Node,
    what: &'static str,
}

fn children(node: &mut Node) -> Option<&mut Vec<Node>> {
    match &mut node.kind {
        NodeKind::Group { children } | NodeKind::Repeat { children, .. } => Some(children),
        NodeKind::Question { .. } => None,
    }
}

/// The survey's nodes, in sheet order; problems go to `issues`.
pub fn read(table: &Table<'_>, issues: &mut Vec<FormIssue>) -> Vec<Node> {
    let sheet = table.sheet;
    let filled = table.rows.iter().filter(|r| !r.is_empty()).count();
    if filled > MAX_SURVEY_ROWS {
        issues.push(FormIssue::error(
            sheet,
            None,
            None,
            IssueKind::TooManyRows {
                max: MAX_SURVEY_ROWS,
            },
        ));
        return Vec::new();
    }
    for base in ["type", "name"] {
        if !table.has(base) {
            issues.push(FormIssue::error(
                sheet,
                Some(1),
                Some(base),
                IssueKind::MissingColumn,
            ));
        }
    }
    if !table.has("type") {
        return Vec::new();
    }
    table.ignored(|c| Table::unused(c, USED), issues);

    let mut body = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    for row in table.rows.iter().filter(|r| !r.is_empty()) {
        let at = Some(row.number);
        let type_col = table.header("type");
        let Some(raw) = table.get(row, "type") else {
            issues.push(FormIssue::warning(
                sheet,
                at,
                None,
                IssueKind::RowWithoutType,
            ));
            continue;
        };
        let error = |kind| FormIssue::error(sheet, at, Some(&type_col), kind);
        let (kind, type_name, calculation) = match row_type(raw) {
            RowType::Question(QuestionType::Range { .. }, name) => {
                let parameters = table.get(row, "parameters");
                match range_parameters(parameters) {
                    Some(range) => (NodeKind::Question { question: range }, name, None),
                    None => {
                        issues.push(FormIssue::error(
                            sheet,
                            at,
                            Some(&table.header("parameters")),
                            IssueKind::BadRange {
                                parameters: parameters.unwrap_or("").to_string(),
                            },
                        ));
                        continue;
                    }
                }
            }
            RowType::Question(question, name) => (NodeKind::Question { question }, name, None),
            RowType::Moment(calc) => (
                NodeKind::Question {
                    question: QuestionType::Calculate,
                },
                "calculate",
                Some(calc.to_string()),
            ),
            RowType::Begin("repeat") => (
                NodeKind::Repeat {
                    children: Vec::new(),
                    repeat_count: table.get(row, "repeat_count").map(str::to_string),
                },
                "begin repeat",
                None,
            ),
            RowType::Begin(_) => (
                NodeKind::Group {
                    children: Vec::new(),
                },
                "begin group",
                None,
            ),
            RowType::End(what) => {
                match open.pop() {
                    Some(o) if o.what == what => attach(&mut open, &mut body, o.node),
                    Some(o) => {
                        issues.push(error(IssueKind::UnmatchedEnd {
                            what: what.to_string(),
                        }));
                        open.push(o);
                    }
                    None => issues.push(error(IssueKind::UnmatchedEnd {
                        what: what.to_string(),
                    })),
                }
                continue;
            }
            RowType::Ignored(name) => {
                issues.push(FormIssue::warning(
                    sheet,
                    at,
                    Some(&type_col),
                    IssueKind::IgnoredMetadata { name },
                ));
                continue;
            }
            RowType::Unsupported(name) => {
                issues.push(error(IssueKind::UnsupportedType { name }));
                continue;
            }
            RowType::Unknown(name) => {
                issues.push(error(IssueKind::UnknownType { name }));
                continue;
            }
        };
        let name = table.get(row, "name").unwrap_or("").to_string();
        if name.is_empty() && table.has("name") {
            issues.push(FormIssue::error(
                sheet,
                at,
                Some(&table.header("name")),
                IssueKind::MissingValue,
            ));
        }
        let node = make_node(table, row, name, kind, calculation, type_name, issues);
        if matches!(node.kind, NodeKind::Question { .. }) {
            attach(&mut open, &mut body, node);
        } else if open.len() >= MAX_DEPTH {
            issues.push(error(IssueKind::TooDeep { max: MAX_DEPTH }));
            return body;
        } else {
            let what = if matches!(node.kind, NodeKind::Repeat { .. }) {
                "repeat"
            } else {
                "group"
            };
            open.push(Open { node, what });
        }
    }
    // A group never ended still holds its rows, so that the checks see them too.
    while let Some(o) = open.pop() {
        issues.push(FormIssue::error(
            sheet,
            Some(o.node.row),
            Some(&table.header("type")),
            IssueKind::UnmatchedBegin {
                what: o.what.to_string(),
                name: o.node.name.clone(),
            },
        ));
        attach(&mut open, &mut body, o.node);
    }
    body
}

/// Puts a finished node into the innermost open group, or the body.
fn attach(open: &mut [Open], body: &mut Vec<Node>, node: Node) {
    match open.last_mut().and_then(|o| children(&mut o.node)) {
        Some(children) => children.push(node),
        None => body.push(node),
    }
}

fn make_node(
    table: &Table<'_>,
    row: &Row<'_>,
    name: String,
    kind: NodeKind,
    calculation: Option<String>,
    type_name: &str,
    issues: &mut Vec<FormIssue>,
) -> Node {
    let sheet = table.sheet;
    let at = Some(row.number);
    let get = |base: &str| table.get(row, base).map(str::to_string);
    let ignored = |base: &str, issues: &mut Vec<FormIssue>| {
        if table.get(row, base).is_some() {
            issues.push(FormIssue::warning(
                sheet,
                at,
                Some(&table.header(base)),
                IssueKind::IgnoredForType {
                    type_name: type_name.to_string(),
                },
            ));
        }
    };
    let question = match &kind {
        NodeKind::Question { question } => Some(question),
        _ => None,
    };
    if matches!(question, Some(QuestionType::Note)) {
        ignored("constraint", issues);
        ignored("required", issues);
    }
    if !matches!(kind, NodeKind::Repeat { .. }) {
        ignored("repeat_count", issues);
    }
    if !matches!(question, Some(QuestionType::Range { .. })) {
        ignored("parameters", issues);
    }
    let appearance: Vec<String> = table
        .get(row, "appearance")
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    for word in &appearance {
        if !HONOURED_APPEARANCES.contains(&word.as_str()) {
            issues.push(FormIssue::warning(
                sheet,
                at,
                Some(&table.header("appearance")),
                IssueKind::UnsupportedAppearance {
                    appearance: word.clone(),
                },
            ));
        }
    }
    let note = matches!(question, Some(QuestionType::Note));
    Node {
        name,
        kind,
        label: table.labels(row, "label"),
        hint: table.labels(row, "hint"),
        required: if note {
            None
        } else {
            flag(get("required").as_deref())
        },
        required_message: table.labels(row, "required_message"),
        constraint: if note { None } else { get("constraint") },
        constraint_message: table.labels(row, "constraint_message"),
        relevant: get("relevant"),
        calculation: calculation.or_else(|| get("calculation")),
        default: get("default"),
        read_only: flag(get("read_only").as_deref()),
        choice_filter: get("choice_filter"),
        appearance,
        row: row.number,
    }
}
