//! The choices sheet: each list's choices in sheet order, with their labels and the other
//! columns a choice_filter reads.

use std::collections::BTreeMap;

use super::table::Table;
use crate::error::{FormIssue, IssueKind};
use crate::forms::check::MAX_CHOICES;
use crate::forms::model::Choice;

pub const ALIASES: &[(&str, &str)] = &[("list name", "list_name"), ("value", "name")];

/// Columns a choice does not carry as `extra`: media are listed as ignored.
const MEDIA: &[&str] = &["image", "audio", "video", "big-image", "media"];

pub fn read(table: &Table<'_>, issues: &mut Vec<FormIssue>) -> BTreeMap<String, Vec<Choice>> {
    let sheet = table.sheet;
    let mut lists: BTreeMap<String, Vec<Choice>> = BTreeMap::new();
    let filled = table.rows.iter().filter(|r| !r.is_empty()).count();
    if filled > MAX_CHOICES {
        issues.push(FormIssue::error(
            sheet,
            None,
            None,
            IssueKind::TooManyChoices { max: MAX_CHOICES },
        ));
        return lists;
    }
    let mut missing = false;
    for base in ["list_name", "name"] {
        if !table.has(base) && filled > 0 {
            issues.push(FormIssue::error(
                sheet,
                Some(1),
                Some(base),
                IssueKind::MissingColumn,
            ));
            missing = true;
        }
    }
    if missing {
        return lists;
    }
    let known: Vec<&str> = ["list_name", "name", "label"]
        .into_iter()
        .chain(MEDIA.iter().copied())
        .collect();
    table.ignored(|c| is_media(&c.base), issues);
    for row in table.rows.iter().filter(|r| !r.is_empty()) {
        let Some(list) = table.get(row, "list_name") else {
            issues.push(FormIssue::error(
                sheet,
                Some(row.number),
                Some(&table.header("list_name")),
                IssueKind::MissingValue,
            ));
            continue;
        };
        let Some(name) = table.get(row, "name") else {
            issues.push(FormIssue::error(
                sheet,
                Some(row.number),
                Some(&table.header("name")),
                IssueKind::MissingValue,
            ));
            continue;
        };
        let extra = table
            .others(row, &known)
            .into_iter()
            .filter(|(header, _)| !is_media(&header.to_lowercase()))
            .collect();
        lists.entry(list.to_string()).or_default().push(Choice {
            name: name.to_string(),
            label: table.labels(row, "label"),
            extra,
        });
    }
    lists
}

fn is_media(base: &str) -> bool {
    MEDIA.iter().any(|m| base.starts_with(m))
}
