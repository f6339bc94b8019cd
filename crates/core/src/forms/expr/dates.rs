//! Dates as ODK counts them: a date is a number of days since 1970-01-01, a time of day its
//! fraction of a day (so `${end} - ${start}` of two dateTimes is in days), read from the text
//! forms answers are stored in (`2025-03-01`, `14:30:00`, `2025-03-01T14:30:00`) and written
//! back by `format-date`.
//!
//! A time zone written after a time (`Z`, `+01:00`) is read and set aside: the wall-clock time
//! is what the enumerator saw (Mali and its neighbours are at UTC or UTC+1 all year).

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

const MS_PER_DAY: f64 = 86_400_000.0;

fn epoch() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .unwrap_or_default()
        .and_time(NaiveTime::MIN)
}

/// A date, a dateTime or a time of day written as ODK stores them; None for any other text.
/// A date must be written in full (`2025-03-01`, not `2025-3-1`).
pub(crate) fn parse_moment(text: &str) -> Option<NaiveDateTime> {
    let s = text.trim();
    let b = s.as_bytes();
    let is_date = b.len() >= 10
        && b[4] == b'-'
        && b[7] == b'-'
        && [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&i| b[i].is_ascii_digit());
    if is_date {
        let date = NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()?;
        let rest = s.get(10..)?;
        if rest.is_empty() {
            return Some(date.and_time(NaiveTime::MIN));
        }
        let time = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' '))?;
        return Some(date.and_time(parse_time(time)?));
    }
    if b.len() >= 5 && b[2] == b':' {
        return Some(epoch().date().and_time(parse_time(s)?));
    }
    None
}

/// `HH:MM`, `HH:MM:SS`, `HH:MM:SS.fff`, then an optional `Z` or `±HH:MM` set aside.
fn parse_time(text: &str) -> Option<NaiveTime> {
    let zone_at = text
        .char_indices()
        .skip(5)
        .find(|&(_, c)| c == 'Z' || c == '+' || c == '-')
        .map(|(i, _)| i);
    let (clock, zone) = match zone_at {
        Some(i) => text.split_at(i),
        None => (text, ""),
    };
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || (zone.len() == 6 && zone.as_bytes()[3] == b':')
        || zone.len() == 3
        || zone.len() == 5;
    if !zone_ok || !zone.chars().skip(1).all(|c| c.is_ascii_digit() || c == ':') {
        return None;
    }
    let b = clock.as_bytes();
    if b.len() < 5 || !b[..2].iter().all(u8::is_ascii_digit) {
        return None;
    }
    ["%H:%M:%S%.f", "%H:%M"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(clock, f).ok())
}

/// Days since 1970-01-01, with the time of day as a fraction.
pub(crate) fn to_days(moment: NaiveDateTime) -> f64 {
    (moment - epoch()).num_milliseconds() as f64 / MS_PER_DAY
}

/// The moment `days` after 1970-01-01; None for NaN, infinities and years chrono cannot hold.
pub(crate) fn from_days(days: f64) -> Option<NaiveDateTime> {
    if !days.is_finite() || days.abs() > 100_000_000.0 {
        return None;
    }
    let ms = (days * MS_PER_DAY).round() as i64;
    epoch().checked_add_signed(chrono::Duration::milliseconds(ms))
}

/// `2025-03-01`
pub(crate) fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// `2025-03-01T14:30:00`, with milliseconds only when there are some.
pub(crate) fn date_time_text(moment: NaiveDateTime) -> String {
    if moment.nanosecond() >= 1_000_000 {
        moment.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()
    } else {
        moment.format("%Y-%m-%dT%H:%M:%S").to_string()
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// `format-date`'s patterns as JavaRosa writes them: `%Y` year, `%y` its last two digits,
/// `%m` month 01-12, `%n` month 1-12, `%b` month's short English name, `%d` day 01-31, `%e`
/// day 1-31, `%H` hour 00-23, `%h` hour 0-23, `%M` minute, `%S` second, `%3` milliseconds,
/// `%a` day's short English name. Any other `%x` is written as is.
pub(crate) fn format(moment: NaiveDateTime, pattern: &str) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(code) = chars.next() else {
            out.push('%');
            break;
        };
        let text = match code {
            'Y' => format!("{:04}", moment.year()),
            'y' => format!("{:02}", moment.year().rem_euclid(100)),
            'm' => format!("{:02}", moment.month()),
            'n' => moment.month().to_string(),
            'b' => MONTHS[moment.month0() as usize].to_string(),
            'd' => format!("{:02}", moment.day()),
            'e' => moment.day().to_string(),
            'H' => format!("{:02}", moment.hour()),
            'h' => moment.hour().to_string(),
            'M' => format!("{:02}", moment.minute()),
            'S' => format!("{:02}", moment.second()),
            '3' => format!("{:03}", moment.nanosecond() / 1_000_000 % 1000),
            'a' => DAYS[moment.weekday().num_days_from_monday() as usize].to_string(),
            other => format!("%{other}"),
        };
        out.push_str(&text);
    }
    out
}
