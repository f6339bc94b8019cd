//! Whether a text fits its question, as stored and as the CLI's FILE.json gives it (ODK's text
//! forms, docs/design/forms.md "Values"). Every stored value is untrusted text: the engine shows
//! one that does not fit as its question's error.

use chrono::{NaiveDate, NaiveTime};

use crate::lang::Lang;

use super::model::{Choice, QuestionType};

/// Why a text does not fit its question.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueProblem {
    NotInteger,
    NotDecimal,
    /// Not `YYYY-MM-DD`, or not a day of the calendar (2025-02-30).
    NotDate,
    /// Not `HH:MM[:SS[.fff]]` with an optional zone.
    NotTime,
    NotDateTime,
    /// A name that is not one of the list's choices.
    NotAChoice {
        value: String,
    },
    /// A choice named twice in a select_multiple.
    Duplicate {
        value: String,
    },
    /// An acknowledge is `OK`.
    NotOk,
    NotANumber,
    OutOfRange {
        start: f64,
        end: f64,
    },
    OffStep {
        step: f64,
    },
    /// Not `lat lon [alt [accuracy]]` as numbers.
    NotGeopoint,
    /// A latitude beyond ±90, a longitude beyond ±180, or a negative accuracy.
    GeopointOutOfBounds,
}

/// Whether `text` fits a question of type `question` whose list holds `choices` (empty for
/// questions without a list). Text, notes and calculations take any text.
pub fn check_value(
    question: &QuestionType,
    choices: &[Choice],
    text: &str,
) -> Result<(), ValueProblem> {
    match question {
        QuestionType::Text | QuestionType::Note | QuestionType::Calculate => Ok(()),
        QuestionType::Integer => is_integer(text)
            .then_some(())
            .ok_or(ValueProblem::NotInteger),
        QuestionType::Decimal => parse_number(text)
            .map(|_| ())
            .ok_or(ValueProblem::NotDecimal),
        QuestionType::Date => parse_date(text).map(|_| ()).ok_or(ValueProblem::NotDate),
        QuestionType::Time => is_time(text).then_some(()).ok_or(ValueProblem::NotTime),
        QuestionType::DateTime => is_date_time(text)
            .then_some(())
            .ok_or(ValueProblem::NotDateTime),
        QuestionType::SelectOne { or_other, .. } => check_choice(text.trim(), choices, *or_other),
        QuestionType::SelectMultiple { or_other, .. } => {
            let mut seen: Vec<&str> = Vec::new();
            for name in text.split_whitespace() {
                check_choice(name, choices, *or_other)?;
                if seen.contains(&name) {
                    return Err(ValueProblem::Duplicate {
                        value: name.to_string(),
                    });
                }
                seen.push(name);
            }
            Ok(())
        }
        QuestionType::Acknowledge => (text == "OK").then_some(()).ok_or(ValueProblem::NotOk),
        QuestionType::Range { start, end, step } => check_range(text, *start, *end, *step),
        QuestionType::Geopoint => check_geopoint(text),
    }
}

fn check_choice(name: &str, choices: &[Choice], or_other: bool) -> Result<(), ValueProblem> {
    if choices.iter().any(|c| c.name == name) || (or_other && name == "other") {
        Ok(())
    } else {
        Err(ValueProblem::NotAChoice {
            value: name.to_string(),
        })
    }
}

/// `-12`, `+3`, `0`: digits with an optional sign, nothing else.
pub fn is_integer(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.len() <= 18 && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A finite decimal number written plainly (`3.5`, `-0.25`, `12`, `1e3`): not `NaN`, `inf`.
pub fn parse_number(text: &str) -> Option<f64> {
    let plain = text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'));
    if !plain || !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// `YYYY-MM-DD`, a real day.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// `HH:MM`, `HH:MM:SS`, `HH:MM:SS.fff`, each optionally followed by `Z` or `±HH:MM` (ODK
/// writes `14:30:00.000+01:00`).
pub fn is_time(text: &str) -> bool {
    let clock = strip_zone(text);
    let b = clock.as_bytes();
    if b.len() < 5 || b[2] != b':' || !b[..2].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let format = match b.len() {
        5 => "%H:%M",
        8 => "%H:%M:%S",
        _ if b.len() > 9 && b[8] == b'.' => "%H:%M:%S%.f",
        _ => return false,
    };
    NaiveTime::parse_from_str(clock, format).is_ok()
}

/// The time without its zone suffix (`Z`, `+01:00`, `-0500`); the text itself when it has none
/// or the zone is malformed (then the time check fails on it).
fn strip_zone(text: &str) -> &str {
    if let Some(clock) = text.strip_suffix('Z') {
        return clock;
    }
    if let Some(tail) = text.get(8..) {
        if let Some(sign) = tail.rfind(['+', '-']).map(|i| i + 8) {
            let zone = &text[sign + 1..];
            let zone_ok = match zone.len() {
                5 => {
                    zone.as_bytes()[2] == b':'
                        && zone.bytes().filter(u8::is_ascii_digit).count() == 4
                }
                4 | 2 => zone.bytes().all(|b| b.is_ascii_digit()),
                _ => false,
            };
            if zone_ok {
                return &text[..sign];
            }
        }
    }
    text
}

/// `YYYY-MM-DDTHH:MM[:SS[.fff]][zone]`.
pub fn is_date_time(text: &str) -> bool {
    match text.split_once('T') {
        Some((date, time)) => parse_date(date).is_some() && is_time(time),
        None => false,
    }
}

fn check_range(text: &str, start: f64, end: f64, step: f64) -> Result<(), ValueProblem> {
    let n = parse_number(text).ok_or(ValueProblem::NotANumber)?;
    let (low, high) = if start <= end {
        (start, end)
    } else {
        (end, start)
    };
    let tolerance = 1e-9 * (1.0 + step.abs());
    if n < low - tolerance || n > high + tolerance {
        return Err(ValueProblem::OutOfRange { start, end });
    }
    if step > 0.0 {
        let steps = (n - start) / step;
        if (steps - steps.round()).abs() > 1e-6 {
            return Err(ValueProblem::OffStep { step });
        }
    }
    Ok(())
}

fn check_geopoint(text: &str) -> Result<(), ValueProblem> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    if !(2..=4).contains(&parts.len()) {
        return Err(ValueProblem::NotGeopoint);
    }
    let numbers: Vec<f64> = parts
        .iter()
        .map(|p| parse_number(p))
        .collect::<Option<_>>()
        .ok_or(ValueProblem::NotGeopoint)?;
    let (lat, lon) = (numbers[0], numbers[1]);
    let accuracy_ok = numbers.get(3).is_none_or(|a| *a >= 0.0);
    if lat.abs() > 90.0 || lon.abs() > 180.0 || !accuracy_ok {
        return Err(ValueProblem::GeopointOutOfBounds);
    }
    Ok(())
}

/// A number as a person reads it: `5`, not `5.0`.
fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

impl ValueProblem {
    pub fn message(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match self {
            ValueProblem::NotInteger if fr => "un nombre entier est attendu (par exemple -12)".into(),
            ValueProblem::NotInteger => "a whole number is expected (for example -12)".into(),
            ValueProblem::NotDecimal if fr => "un nombre est attendu (par exemple 3.5)".into(),
            ValueProblem::NotDecimal => "a number is expected (for example 3.5)".into(),
            ValueProblem::NotDate if fr => "une date AAAA-MM-JJ existante est attendue (par exemple 2025-03-01)".into(),
            ValueProblem::NotDate => "a real date YYYY-MM-DD is expected (for example 2025-03-01)".into(),
            ValueProblem::NotTime if fr => "une heure HH:MM:SS est attendue (par exemple 14:30:00)".into(),
            ValueProblem::NotTime => "a time HH:MM:SS is expected (for example 14:30:00)".into(),
            ValueProblem::NotDateTime if fr => {
                "une date et une heure sont attendues (par exemple 2025-03-01T14:30:00)".into()
            }
            ValueProblem::NotDateTime => "a date and time are expected (for example 2025-03-01T14:30:00)".into(),
            ValueProblem::NotAChoice { value } if fr => format!("« {value} » n'est pas un choix de la liste"),
            ValueProblem::NotAChoice { value } => format!("\"{value}\" is not a choice of the list"),
            ValueProblem::Duplicate { value } if fr => format!("le choix « {value} » est donné deux fois"),
            ValueProblem::Duplicate { value } => format!("the choice \"{value}\" is given twice"),
            ValueProblem::NotOk if fr => "la seule valeur possible est OK".into(),
            ValueProblem::NotOk => "the only possible value is OK".into(),
            ValueProblem::NotANumber if fr => "un nombre est attendu".into(),
            ValueProblem::NotANumber => "a number is expected".into(),
            ValueProblem::OutOfRange { start, end } if fr => {
                format!("la valeur doit être entre {} et {}", number(*start), number(*end))
            }
            ValueProblem::OutOfRange { start, end } => {
                format!("the value must be between {} and {}", number(*start), number(*end))
            }
            ValueProblem::OffStep { step } if fr => format!("la valeur doit avancer par pas de {}", number(*step)),
            ValueProblem::OffStep { step } => format!("the value must go in steps of {}", number(*step)),
            ValueProblem::NotGeopoint if fr => {
                "un point GPS « latitude longitude [altitude [précision]] » est attendu".into()
            }
            ValueProblem::NotGeopoint => "a GPS point \"latitude longitude [altitude [accuracy]]\" is expected".into(),
            ValueProblem::GeopointOutOfBounds if fr => {
                "la latitude doit être entre -90 et 90, la longitude entre -180 et 180, la précision positive".into()
            }
            ValueProblem::GeopointOutOfBounds => {
                "the latitude must be between -90 and 90, the longitude between -180 and 180, the accuracy positive"
                    .into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices(names: &[&str]) -> Vec<Choice> {
        names
            .iter()
            .map(|n| Choice {
                name: n.to_string(),
                label: Default::default(),
                extra: Default::default(),
            })
            .collect()
    }

    #[test]
    fn each_type_takes_its_text_forms_and_refuses_others() {
        let none: Vec<Choice> = Vec::new();
        let ok = |q: &QuestionType, t: &str| check_value(q, &none, t).is_ok();
        assert!(ok(&QuestionType::Integer, "-12") && ok(&QuestionType::Integer, "0"));
        assert!(
            !ok(&QuestionType::Integer, "3.5")
                && !ok(&QuestionType::Integer, "")
                && !ok(&QuestionType::Integer, "-")
        );
        assert!(ok(&QuestionType::Decimal, "3.5") && ok(&QuestionType::Decimal, "-2"));
        assert!(
            !ok(&QuestionType::Decimal, "NaN")
                && !ok(&QuestionType::Decimal, "inf")
                && !ok(&QuestionType::Decimal, "3,5")
        );
        assert!(ok(&QuestionType::Date, "2024-02-29"));
        assert!(!ok(&QuestionType::Date, "2025-02-29") && !ok(&QuestionType::Date, "2025-3-01"));
        assert!(
            ok(&QuestionType::Time, "14:30:00")
                && ok(&QuestionType::Time, "14:30")
                && ok(&QuestionType::Time, "14:30:00.000+01:00")
        );
        assert!(!ok(&QuestionType::Time, "25:00:00") && !ok(&QuestionType::Time, "14h30"));
        assert!(
            ok(&QuestionType::DateTime, "2025-03-01T14:30:00")
                && ok(&QuestionType::DateTime, "2025-03-01T14:30:00.000Z")
        );
        assert!(!ok(&QuestionType::DateTime, "2025-03-01 14:30:00"));
        assert!(ok(&QuestionType::Acknowledge, "OK") && !ok(&QuestionType::Acknowledge, "yes"));
        assert!(
            ok(&QuestionType::Geopoint, "12.65 -8.0")
                && ok(&QuestionType::Geopoint, "12.65 -8.0 350 5")
        );
        assert!(
            !ok(&QuestionType::Geopoint, "95 0")
                && !ok(&QuestionType::Geopoint, "12")
                && !ok(&QuestionType::Geopoint, "1 2 3 -4")
        );
        let range = QuestionType::Range {
            start: 0.0,
            end: 10.0,
            step: 0.5,
        };
        assert!(ok(&range, "2.5") && ok(&range, "10"));
        assert_eq!(
            check_value(&range, &none, "11"),
            Err(ValueProblem::OutOfRange {
                start: 0.0,
                end: 10.0
            })
        );
        assert_eq!(
            check_value(&range, &none, "2.2"),
            Err(ValueProblem::OffStep { step: 0.5 })
        );
    }

    #[test]
    fn selects_take_names_of_their_list() {
        let list = choices(&["a", "b", "c"]);
        let one = QuestionType::SelectOne {
            list: "l".into(),
            or_other: false,
        };
        let other = QuestionType::SelectOne {
            list: "l".into(),
            or_other: true,
        };
        let many = QuestionType::SelectMultiple {
            list: "l".into(),
            or_other: false,
        };
        assert!(check_value(&one, &list, "b").is_ok());
        assert_eq!(
            check_value(&one, &list, "other"),
            Err(ValueProblem::NotAChoice {
                value: "other".into()
            })
        );
        assert!(check_value(&other, &list, "other").is_ok());
        assert!(check_value(&many, &list, "a c").is_ok());
        assert_eq!(
            check_value(&many, &list, "a a"),
            Err(ValueProblem::Duplicate { value: "a".into() })
        );
        assert_eq!(
            check_value(&many, &list, "a z"),
            Err(ValueProblem::NotAChoice { value: "z".into() })
        );
        assert_eq!(
            ValueProblem::NotAChoice { value: "z".into() }.message(Lang::Fr),
            "« z » n'est pas un choix de la liste"
        );
    }
}
