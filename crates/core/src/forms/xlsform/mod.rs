//! Reading an XLSForm file (`.xlsx` or `.xls`, told apart by content) into a [`FormDef`]:
//! the `survey`, `choices` and `settings` sheets (sheet names and headers case-insensitive),
//! then [`FormDef::check`]. Anything Terrain does not support is reported by sheet, row and
//! column: an error where it matters (a type, an expression, a name, a list) refuses the form
//! whole; a warning where it does not (an appearance, a media column) is listed with it.

mod choices;
mod settings;
mod survey;
mod table;
mod unzipped;
mod workbook;

use std::io::Read;
use std::path::Path;

use crate::error::{FormIssue, IssueKind};
use crate::forms::model::FormDef;
use table::Table;

/// At most this many bytes in a form file.
pub const MAX_FILE_BYTES: u64 = 20_000_000;

/// The form and its warnings, or every issue found (errors first) when it is refused.
pub type Imported = Result<(FormDef, Vec<FormIssue>), Vec<FormIssue>>;

/// Reads the file at `path` (at most [`MAX_FILE_BYTES`]).
pub fn import_file(path: &Path) -> Imported {
    let unreadable = |e: std::io::Error| {
        vec![FormIssue::error(
            "",
            None,
            None,
            IssueKind::NotASpreadsheet {
                detail: e.to_string(),
            },
        )]
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    import_bytes(&bytes, &name)
}

/// Reads a form from the bytes of a file named `file_name` (its stem is the form_id when the
/// settings sheet gives none).
pub fn import_bytes(bytes: &[u8], file_name: &str) -> Imported {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(vec![FormIssue::error(
            "",
            None,
            None,
            IssueKind::FileTooLarge {
                max_bytes: MAX_FILE_BYTES,
            },
        )]);
    }
    unzipped::check(bytes).map_err(|e| vec![e])?;
    let sheets = workbook::read(bytes, &["survey", "choices", "settings"]).map_err(|e| vec![e])?;
    let mut issues = Vec::new();
    let Some(survey_sheet) = sheets.get("survey") else {
        return Err(vec![FormIssue::error(
            "survey",
            None,
            None,
            IssueKind::MissingSheet,
        )]);
    };
    let survey = Table::new(survey_sheet, survey::ALIASES);
    let body = survey::read(&survey, &mut issues);
    let choice_table = sheets
        .get("choices")
        .map(|s| Table::new(s, choices::ALIASES));
    let lists = choice_table
        .as_ref()
        .map(|t| choices::read(t, &mut issues))
        .unwrap_or_default();
    let settings = sheets
        .get("settings")
        .map(|s| settings::read(&Table::new(s, settings::ALIASES), &mut issues))
        .unwrap_or_default();

    let mut languages = survey.languages();
    for lang in choice_table.iter().flat_map(Table::languages) {
        if !languages.contains(&lang) {
            languages.push(lang);
        }
    }
    if let Some(at) = languages.iter().position(String::is_empty) {
        let unsuffixed = languages.remove(at);
        languages.insert(0, unsuffixed);
    }
    let default_language = settings.default_language.and_then(|wanted| {
        let found = languages
            .iter()
            .find(|l| **l == wanted)
            .or_else(|| languages.iter().find(|l| l.eq_ignore_ascii_case(&wanted)))
            .cloned();
        if found.is_none() {
            issues.push(FormIssue::warning(
                "settings",
                Some(2),
                Some("default_language"),
                IssueKind::UnknownLanguage { language: wanted },
            ));
        }
        found
    });
    let stem = Path::new(file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().trim().to_string())
        .unwrap_or_default();
    let form_id = settings.form_id.unwrap_or(stem);
    let def = FormDef {
        title: settings.form_title.unwrap_or_else(|| form_id.clone()),
        form_id,
        version: settings.version.unwrap_or_default(),
        default_language,
        languages,
        body,
        choices: lists,
    };

    // The checks see the form as built: a place the reading already found wrong is not
    // reported twice.
    let refused_places: Vec<(String, Option<u32>)> = issues
        .iter()
        .filter(|i| i.is_error())
        .map(|i| (i.sheet.clone(), i.row))
        .collect();
    let reading_refused = !refused_places.is_empty();
    for issue in def.check() {
        let place = (issue.sheet.clone(), issue.row);
        let said = (issue.row.is_some() && refused_places.contains(&place))
            || (reading_refused && issue.kind == IssueKind::NoQuestion)
            || issues.contains(&issue);
        if !said {
            issues.push(issue);
        }
    }
    if issues.iter().any(FormIssue::is_error) {
        let (mut errors, warnings): (Vec<_>, Vec<_>) =
            issues.into_iter().partition(FormIssue::is_error);
        // In the order a person reads the file: sheet by sheet, row by row.
        errors.sort_by_key(|i| (sheet_rank(&i.sheet), i.row.unwrap_or(0)));
        errors.extend(warnings);
        return Err(errors);
    }
    Ok((def, issues))
}

fn sheet_rank(sheet: &str) -> u8 {
    match sheet {
        "" => 0,
        "survey" => 1,
        "choices" => 2,
        _ => 3,
    }
}
