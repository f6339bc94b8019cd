//! The columns of each exported table: name, HXL hashtag, meaning in French and English and
//! allowed values (the codebook), and the cell values rows are made of.

use serde::Serialize;
use serde_json::Value as Json;
use ts_rs::TS;

use crate::schema::{Entity, Kind};

/// One column of an exported table.
#[derive(Debug, Clone)]
pub struct Col {
    /// Fixed for the study's tables; a form's tables name theirs after its questions.
    pub name: String,
    pub hxl: String,
    pub label_fr: String,
    pub label_en: String,
    pub allowed: String,
}

/// A cell. `Suppressed` is a count hidden in an anonymised export: below the minimum cell
/// size, or hidden so that such a count cannot be worked out by subtraction. Both are shown
/// the same way ("x") so a reader cannot tell which is which.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    /// A number with a fraction (a form's decimal answer).
    Num(f64),
    Text(String),
    Bool(bool),
    List(Vec<String>),
    Suppressed,
}

/// How a hidden count is written.
pub const SUPPRESSED: &str = "x";

impl Cell {
    pub fn text(v: Option<String>) -> Cell {
        v.map(Cell::Text).unwrap_or(Cell::Null)
    }
    pub fn int(v: Option<i64>) -> Cell {
        v.map(Cell::Int).unwrap_or(Cell::Null)
    }
    pub fn flag(v: Option<i64>) -> Cell {
        v.map(|i| Cell::Bool(i != 0)).unwrap_or(Cell::Null)
    }
    pub fn list(v: Option<String>) -> Cell {
        match v {
            None => Cell::Null,
            Some(t) => match serde_json::from_str::<Vec<String>>(&t) {
                Ok(items) => Cell::List(items),
                Err(_) => Cell::Text(t),
            },
        }
    }

    /// Text for CSV and spreadsheets: booleans as 1/0, lists joined by "; ", hidden counts as "x".
    pub fn flat(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Int(i) => i.to_string(),
            Cell::Num(n) => n.to_string(),
            Cell::Text(t) => t.clone(),
            Cell::Bool(b) => if *b { "1" } else { "0" }.to_string(),
            Cell::List(items) => items.join("; "),
            Cell::Suppressed => SUPPRESSED.to_string(),
        }
    }

    pub fn json(&self) -> Json {
        match self {
            Cell::Null => Json::Null,
            Cell::Int(i) => Json::from(*i),
            Cell::Num(n) => Json::from(*n),
            Cell::Text(t) => Json::String(t.clone()),
            Cell::Bool(b) => Json::Bool(*b),
            Cell::List(items) => Json::from(items.clone()),
            Cell::Suppressed => Json::String(SUPPRESSED.to_string()),
        }
    }
}

/// A codebook line: one column of one table.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CodebookEntry {
    pub table: String,
    pub column: String,
    pub hxl: String,
    pub meaning_fr: String,
    pub meaning_en: String,
    pub allowed_values: String,
}

pub const CODEBOOK_COLUMNS: [&str; 6] = [
    "table",
    "column",
    "hxl",
    "meaning_fr",
    "meaning_en",
    "allowed_values",
];

impl CodebookEntry {
    pub fn cells(&self) -> [&str; 6] {
        [
            &self.table,
            &self.column,
            &self.hxl,
            &self.meaning_fr,
            &self.meaning_en,
            &self.allowed_values,
        ]
    }
}

/// What values a schema field takes, for the codebook (both languages).
pub fn allowed_of(kind: Kind) -> String {
    match kind {
        Kind::Text { max } if max >= 100_000 => "texte libre / free text".to_string(),
        Kind::Text { max } => {
            format!("texte libre, {max} caractères au plus / free text, at most {max} characters")
        }
        Kind::Int { min, max } => {
            format!("nombre entier de {min} à {max} / whole number from {min} to {max}")
        }
        Kind::Bool => "1 = oui / yes ; 0 = non / no".to_string(),
        Kind::Date => "date AAAA-MM-JJ / date YYYY-MM-DD".to_string(),
        Kind::Choice(list) => list.values().collect::<Vec<_>>().join(", "),
        Kind::Ref(e) => format!(
            "identifiant d'un(e) {} / id of a {}",
            e.label(crate::lang::Lang::Fr),
            e.label(crate::lang::Lang::En)
        ),
        Kind::Codes => {
            "codes séparés par « ; » (JSON : liste) / codes separated by \"; \" (JSON: list)"
                .to_string()
        }
        Kind::Names => {
            "noms séparés par « ; » (JSON : liste) / names separated by \"; \" (JSON: list)"
                .to_string()
        }
    }
}

/// A column straight from a schema field. Custom HXL tags are `#x_<field>`.
pub fn field(entity: Entity, name: &'static str, hxl: Option<&str>) -> Col {
    let def = entity.field(name).unwrap_or_else(|| {
        panic!("{entity} has no field {name}: the export columns are out of step with the schema")
    });
    Col {
        name: name.to_string(),
        hxl: hxl
            .map(str::to_string)
            .unwrap_or_else(|| format!("#x_{name}")),
        label_fr: def.label_fr.to_string(),
        label_en: def.label_en.to_string(),
        allowed: allowed_of(def.kind),
    }
}

/// A column computed by the export (place names, counts).
pub fn derived(name: &str, hxl: &str, fr: &str, en: &str, allowed: &str) -> Col {
    Col {
        name: name.to_string(),
        hxl: hxl.to_string(),
        label_fr: fr.to_string(),
        label_en: en.to_string(),
        allowed: allowed.to_string(),
    }
}

pub fn id_col(entity: Entity, hxl: &str) -> Col {
    derived(
        "id",
        hxl,
        &format!(
            "identifiant de l'enregistrement ({})",
            entity.label(crate::lang::Lang::Fr)
        ),
        &format!("record id ({})", entity.label(crate::lang::Lang::En)),
        "UUID",
    )
}

const COUNT_ALLOWED: &str =
    "nombre entier ≥ 0 ; « x » = masqué dans un export anonymisé (moins que l'effectif \
    minimal, ou masqué pour qu'un petit effectif ne puisse pas être recalculé) / whole number ≥ 0; \
    \"x\" = hidden in an anonymised export (below the minimum cell size, or hidden so that a small \
    count cannot be worked out by subtraction)";

pub fn count_col(name: &'static str, hxl: &str, fr: &str, en: &str) -> Col {
    derived(name, hxl, fr, en, COUNT_ALLOWED)
}

/// The name and P-code columns of one level of the gazetteer.
pub fn place_cols(
    name: &'static str,
    code: &'static str,
    hxl: &str,
    fr: &str,
    en: &str,
) -> [Col; 2] {
    [
        derived(
            name,
            &format!("{hxl}+name"),
            &format!("{fr} (nom)"),
            &format!("{en} (name)"),
            "nom du répertoire des lieux / gazetteer name",
        ),
        derived(
            code,
            &format!("{hxl}+code"),
            &format!("{fr} (P-code)"),
            &format!("{en} (P-code)"),
            "P-code OCHA (vide si inconnu) / OCHA P-code (empty when unknown)",
        ),
    ]
}

/// Whether a hashtag is well formed: `#tag` then `+attribute`s, lower case.
pub fn is_hxl_tag(tag: &str) -> bool {
    let Some(rest) = tag.strip_prefix('#') else {
        return false;
    };
    rest.split('+').all(|part| {
        let mut chars = part.chars();
        chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    })
}
