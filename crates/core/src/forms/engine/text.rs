//! The texts an evaluation shows: a label in the chosen language with its fallbacks, `${name}`
//! in labels replaced by the answer, and Terrain's own messages.

use crate::forms::expr::Env;
use crate::forms::model::{FormDef, Labels};
use crate::lang::Lang;

/// The text in `lang`, else the form's default language, else the unsuffixed column, else the
/// first language of the form that has one; "" when there is none.
pub(super) fn pick(labels: &Labels, lang: Option<&str>, def: &FormDef) -> String {
    let get = |key: &str| labels.get(key).filter(|t| !t.is_empty());
    lang.and_then(get)
        .or_else(|| def.default_language.as_deref().and_then(get))
        .or_else(|| get(""))
        .or_else(|| def.languages.iter().find_map(|l| get(l.as_str())))
        .or_else(|| labels.values().find(|t| !t.is_empty()))
        .cloned()
        .unwrap_or_default()
}

/// The language of Terrain's own messages for a form language (`English (en)` → English,
/// anything else → French, Terrain's default).
pub(super) fn message_lang(lang: Option<&str>, def: &FormDef) -> Lang {
    let key = lang
        .or(def.default_language.as_deref())
        .unwrap_or("")
        .trim()
        .to_lowercase();
    if key == "en" || key.ends_with("(en)") || key.starts_with("english") || key.ends_with(":en") {
        Lang::En
    } else {
        Lang::Fr
    }
}

/// `${name}` in a label replaced by what `env` reads there (the first node's text).
pub(super) fn interpolate(text: &str, env: &dyn Env, known: impl Fn(&str) -> bool) -> String {
    if !text.contains("${") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) if known(after[..end].trim()) => {
                out.push_str(&env.lookup(after[..end].trim()).as_string());
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str("${");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

pub(super) fn required_message(lang: Lang) -> String {
    match lang {
        Lang::Fr => "Cette question est obligatoire".into(),
        Lang::En => "This question is required".into(),
    }
}

pub(super) fn constraint_message(lang: Lang) -> String {
    match lang {
        Lang::Fr => "Cette réponse n'est pas acceptée par le formulaire".into(),
        Lang::En => "This answer is not accepted by the form".into(),
    }
}

/// A stored value (from this laptop or another) that does not fit its question.
pub(super) fn invalid_message(lang: Lang, problem: &str) -> String {
    match lang {
        Lang::Fr => format!("Valeur reçue invalide : {problem}"),
        Lang::En => format!("Invalid value received: {problem}"),
    }
}

pub(super) fn other_label(lang: Lang) -> (String, String) {
    match lang {
        Lang::Fr => ("Autre".into(), "Autre, précisez".into()),
        Lang::En => ("Other".into(), "Other, please specify".into()),
    }
}
