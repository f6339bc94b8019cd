//! Text cells a spreadsheet would run as a formula. Excel, LibreOffice and Google Sheets read
//! a cell starting with `=`, `+`, `-` or `@` as a formula (and a tab or a carriage return can
//! hide one), so text typed on a laptop could run on the reader's computer when a CSV or XLSX
//! export is opened: such a cell gets a leading `'` (OWASP's advice on CSV injection). Numbers
//! written as numbers are not text and are left alone; JSON is not opened by a spreadsheet and
//! stays exact.

use std::borrow::Cow;

use super::columns::Cell;

/// The first characters that make a text cell a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `text` with a leading `'` when a spreadsheet would read it as a formula.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if text.starts_with(TRIGGERS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A cell as a spreadsheet's text: [`Cell::flat`], neutralised when it is text. Counts, flags
/// and the "x" of a hidden count are ours, never formulas.
pub(crate) fn flat_cell(cell: &Cell) -> String {
    match cell {
        Cell::Text(_) | Cell::List(_) => neutralise(&cell.flat()).into_owned(),
        other => other.flat(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_get_a_quote_and_the_rest_is_left_alone() {
        for t in ["=1+1", "+223 70 00 00 00", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(t), format!("'{t}"));
        }
        for t in ["", "Bamako", "1-2", " =x", "'=x", "é=x"] {
            assert_eq!(neutralise(t), t);
        }
        assert_eq!(flat_cell(&Cell::Int(-3)), "-3");
        assert_eq!(
            flat_cell(&Cell::List(vec!["=a".into(), "b".into()])),
            "'=a; b"
        );
    }
}
