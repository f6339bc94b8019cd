//! The pieces the report's HTML is made of: escaping, tables, percentages, and words in the
//! report's language.

use std::fmt::Write as _;

use crate::lang::Lang;
use crate::schema::{Entity, NOT_RECORDED, UNKNOWN};

/// The report's fixed words.
pub(crate) fn t<'a>(lang: Lang, fr: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

/// A label as a heading: first letter capitalised (labels are written as inside a sentence).
pub(crate) fn capitalised(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A field's label as a column heading.
pub(crate) fn field_heading(lang: Lang, entity: Entity, field: &str) -> String {
    capitalised(entity.field(field).map_or(field, |f| f.label(lang)))
}

/// Text typed by people (a region, a theme, a facilitator), or "not recorded" when there is
/// none (statistics count those under "unknown").
pub(crate) fn or_not_recorded(lang: Lang, text: &str) -> &str {
    if text.is_empty() || text == UNKNOWN {
        NOT_RECORDED.get(lang)
    } else {
        text
    }
}

pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number with one decimal, as the language writes it: « 80,2 » in French, "80.2" in English.
pub(crate) fn decimal(lang: Lang, x: f64) -> String {
    let text = format!("{x:.1}");
    match lang {
        Lang::Fr => text.replace('.', ","),
        Lang::En => text,
    }
}

/// A count and its noun, singular or plural as the language wants: French keeps 0 and 1
/// singular (« 1 femme », « 0 femme »), English only 1 ("1 woman", "0 women").
pub(crate) fn count_of(lang: Lang, n: i64, fr: (&str, &str), en: (&str, &str)) -> String {
    let ((one, many), singular) = match lang {
        Lang::Fr => (fr, n.abs() <= 1),
        Lang::En => (en, n.abs() == 1),
    };
    format!("{n} {}", if singular { one } else { many })
}

/// « 3 femmes », « 1 femme », "1 woman".
pub(crate) fn women(lang: Lang, n: i64) -> String {
    count_of(lang, n, ("femme", "femmes"), ("woman", "women"))
}

/// « 12 hommes », « 1 homme », "1 man".
pub(crate) fn men(lang: Lang, n: i64) -> String {
    count_of(lang, n, ("homme", "hommes"), ("man", "men"))
}

pub(crate) fn pct(part: i64, whole: i64) -> String {
    if whole == 0 {
        "—".into()
    } else {
        format!("{:.0} %", part as f64 * 100.0 / whole as f64)
    }
}

/// A table with a header row; cells are already escaped.
pub(crate) fn table(out: &mut String, head: &[&str], rows: &[Vec<String>]) {
    out.push_str("<table><thead><tr>");
    for h in head {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    if rows.is_empty() {
        let _ = write!(
            out,
            "<tr><td colspan=\"{}\" class=\"empty\">—</td></tr>",
            head.len()
        );
    }
    for r in rows {
        out.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let class = if i > 0
                && c.chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit() || c == '—')
            {
                " class=\"n\""
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{c}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}
