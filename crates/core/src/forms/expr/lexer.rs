//! Source text → tokens, each with its character offset. XPath's lexical rules as XLSForm
//! writes them: `${name}` references, quoted strings (no escapes: a string in single quotes
//! may hold double quotes and the reverse), numbers without exponents, names that may hold `-`,
//! `.` and one `jr:`-style prefix. `${name}` inside a string is only text.

use super::error::ExprError;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Num(f64),
    Str(String),
    /// `${name}`
    Ref(String),
    /// A name: a function's, an operator word (`and`, `or`, `div`, `mod`) or a choice column.
    Name(String),
    Dot,
    DotDot,
    LParen,
    RParen,
    Comma,
    Plus,
    Minus,
    Star,
    Slash,
    Pipe,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// Anything XPath has that Terrain refuses here (`[`, `]`, `@`, `::`): kept for the parser's
    /// message.
    Other(char),
}

/// The tokens of `src` with their character offsets.
pub(crate) fn lex(src: &str) -> Result<Vec<(Tok, usize)>, ExprError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let next = chars.get(i + 1).copied();
        let tok = match c {
            '\'' | '"' => {
                let end = (i + 1..chars.len())
                    .find(|&j| chars[j] == c)
                    .ok_or_else(|| ExprError::syntax(start, "a closing quote"))?;
                let text: String = chars[i + 1..end].iter().collect();
                i = end + 1;
                Tok::Str(text)
            }
            '$' => {
                if next != Some('{') {
                    return Err(ExprError::syntax(start, "'$' must start ${name}"));
                }
                let end = (i + 2..chars.len())
                    .find(|&j| chars[j] == '}')
                    .ok_or_else(|| ExprError::syntax(start, "a closing } after ${name"))?;
                let name: String = chars[i + 2..end].iter().collect();
                let name = name.trim();
                if name.is_empty() || !name.chars().all(is_name_char) {
                    return Err(ExprError::syntax(start, "a question name inside ${}"));
                }
                i = end + 1;
                Tok::Ref(name.to_string())
            }
            '0'..='9' => number(&chars, &mut i),
            '.' if next.is_some_and(|d| d.is_ascii_digit()) => number(&chars, &mut i),
            '.' if next == Some('.') => {
                i += 2;
                Tok::DotDot
            }
            '!' if next == Some('=') => {
                i += 2;
                Tok::Ne
            }
            '<' if next == Some('=') => {
                i += 2;
                Tok::Le
            }
            '>' if next == Some('=') => {
                i += 2;
                Tok::Ge
            }
            c if is_name_start(c) => {
                let mut j = i + 1;
                while j < chars.len() {
                    let d = chars[j];
                    let prefix = d == ':'
                        && chars.get(j + 1).is_some_and(|&e| is_name_start(e))
                        && !chars[i..j].contains(&':');
                    if is_name_char(d) || prefix {
                        j += 1;
                    } else {
                        break;
                    }
                }
                let name: String = chars[i..j].iter().collect();
                i = j;
                Tok::Name(name)
            }
            _ => {
                i += 1;
                match c {
                    '.' => Tok::Dot,
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    ',' => Tok::Comma,
                    '+' => Tok::Plus,
                    '-' => Tok::Minus,
                    '*' => Tok::Star,
                    '/' => Tok::Slash,
                    '|' => Tok::Pipe,
                    '=' => Tok::Eq,
                    '<' => Tok::Lt,
                    '>' => Tok::Gt,
                    '[' | ']' | '@' | ':' => Tok::Other(c),
                    other => {
                        return Err(ExprError::syntax(
                            start,
                            &format!("an unexpected character '{other}'"),
                        ))
                    }
                }
            }
        };
        out.push((tok, start));
    }
    Ok(out)
}

fn number(chars: &[char], i: &mut usize) -> Tok {
    let start = *i;
    while *i < chars.len() && chars[*i].is_ascii_digit() {
        *i += 1;
    }
    if *i < chars.len() && chars[*i] == '.' {
        *i += 1;
        while *i < chars.len() && chars[*i].is_ascii_digit() {
            *i += 1;
        }
    }
    let text: String = chars[start..*i].iter().collect();
    // Digits with at most one dot always parse; "." alone never reaches here.
    Tok::Num(text.parse().unwrap_or(f64::NAN))
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || c == '.'
}
