//! The choice lists: every allowed value of a choice field, with its label in French and
//! English. This is the one home of these words: the core checks writes against these lists,
//! the report and the exports' codebook read them, and the UI reads them from
//! `ui/src/lib/bindings/vocabulary.ts`, generated from here (see `typescript.rs`).
//!
//! Labels are written as they read inside a sentence: lower case (unless a name or an
//! acronym), plain apostrophes. The UI capitalises the first letter and sets typographic
//! apostrophes where it shows a label on its own (a form label, a cell, a menu).

use crate::lang::Lang;

/// A word or phrase in French and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    pub fr: &'static str,
    pub en: &'static str,
}

impl Label {
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Fr => self.fr,
            Lang::En => self.en,
        }
    }
}

/// One allowed value and its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub value: &'static str,
    pub label: Label,
}

/// The allowed values of a choice field, in the order forms offer them. `name` is stable: the
/// UI asks for a list by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChoiceList {
    pub name: &'static str,
    pub choices: &'static [Choice],
}

/// The key statistics count a missing value under ("unknown").
pub const UNKNOWN: &str = "unknown";

/// How a missing value reads in counts (a participant without an age band, a region-less
/// session...).
pub const NOT_RECORDED: Label = Label {
    fr: "non renseigné",
    en: "not recorded",
};

impl ChoiceList {
    pub fn contains(&self, value: &str) -> bool {
        self.choices.iter().any(|c| c.value == value)
    }

    pub fn values(&self) -> impl Iterator<Item = &'static str> {
        self.choices.iter().map(|c| c.value)
    }

    pub fn label(&self, value: &str) -> Option<Label> {
        self.choices
            .iter()
            .find(|c| c.value == value)
            .map(|c| c.label)
    }

    /// A value as people read it in a count: its label; "not recorded" for the key a missing
    /// value is counted under, or for nothing at all; else the value as stored.
    pub fn read<'a>(&self, value: &'a str, lang: Lang) -> &'a str {
        match self.label(value) {
            Some(label) => label.get(lang),
            None if value.is_empty() || value == UNKNOWN => NOT_RECORDED.get(lang),
            None => value,
        }
    }
}

const fn c(value: &'static str, fr: &'static str, en: &'static str) -> Choice {
    Choice {
        value,
        label: Label { fr, en },
    }
}

/// The values of a list as plain strings, for callers that index or count them.
const fn values<const N: usize>(choices: &[Choice; N]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = choices[i].value;
        i += 1;
    }
    out
}

const SEX_CHOICES: [Choice; 2] = [c("female", "femme", "woman"), c("male", "homme", "man")];
pub const SEX: ChoiceList = ChoiceList {
    name: "sex",
    choices: &SEX_CHOICES,
};
pub const SEXES: &[&str] = &values(&SEX_CHOICES);

const SESSION_TYPE_CHOICES: [Choice; 7] = [
    c("focus_group", "groupe de discussion", "focus group"),
    c(
        "individual_interview",
        "entretien individuel",
        "individual interview",
    ),
    c(
        "key_informant_interview",
        "entretien avec un informateur clé",
        "key informant interview",
    ),
    c("workshop", "atelier", "workshop"),
    c(
        "validation_workshop",
        "atelier de validation",
        "validation workshop",
    ),
    c("restitution", "restitution", "restitution"),
    c("round_table", "table ronde", "round table"),
];
pub const SESSION_TYPE: ChoiceList = ChoiceList {
    name: "session_type",
    choices: &SESSION_TYPE_CHOICES,
};
pub const SESSION_TYPES: &[&str] = &values(&SESSION_TYPE_CHOICES);

const AGE_BAND_CHOICES: [Choice; 5] = [
    c("under_18", "moins de 18 ans", "under 18"),
    c("18_24", "18–24 ans", "18–24"),
    c("25_35", "25–35 ans", "25–35"),
    c("36_59", "36–59 ans", "36–59"),
    c("60_plus", "60 ans et plus", "60 and over"),
];
pub const AGE_BAND: ChoiceList = ChoiceList {
    name: "age_band",
    choices: &AGE_BAND_CHOICES,
};
pub const AGE_BANDS: &[&str] = &values(&AGE_BAND_CHOICES);

/// The age band an exact age falls in.
pub fn age_band_of(age: i64) -> &'static str {
    match age {
        i64::MIN..=17 => "under_18",
        18..=24 => "18_24",
        25..=35 => "25_35",
        36..=59 => "36_59",
        _ => "60_plus",
    }
}

const ACTOR_GROUP_CHOICES: [Choice; 14] = [
    c(
        "womens_association",
        "association de femmes",
        "women's association",
    ),
    c("youth", "jeunes", "youth"),
    c("police", "police", "police"),
    c("gendarmerie", "gendarmerie", "gendarmerie"),
    c("national_guard", "garde nationale", "national guard"),
    c("armed_forces", "forces armées", "armed forces"),
    c("civil_protection", "protection civile", "civil protection"),
    c(
        "administrative_authority",
        "autorité administrative",
        "administrative authority",
    ),
    c(
        "religious_authority",
        "autorité religieuse",
        "religious authority",
    ),
    c(
        "traditional_authority",
        "autorité traditionnelle",
        "traditional authority",
    ),
    c(
        "political_authority",
        "autorité politique",
        "political authority",
    ),
    c("civil_society", "société civile", "civil society"),
    c(
        "displaced_refugee",
        "déplacé·e / réfugié·e",
        "displaced / refugee",
    ),
    c("other", "autre", "other"),
];
pub const ACTOR_GROUP: ChoiceList = ChoiceList {
    name: "actor_group",
    choices: &ACTOR_GROUP_CHOICES,
};
pub const ACTOR_GROUPS: &[&str] = &values(&ACTOR_GROUP_CHOICES);

/// Defence and security forces (DSF), counted apart in dashboards: a part of [`ACTOR_GROUP`].
pub const DSF_GROUPS: &[&str] = &[
    "police",
    "gendarmerie",
    "national_guard",
    "armed_forces",
    "civil_protection",
];

pub const CONSENT_LEVEL: ChoiceList = ChoiceList {
    name: "consent_level",
    choices: &[
        c("individual", "individuel", "individual"),
        c("group", "collectif", "group"),
        c("none", "aucun", "none"),
    ],
};

pub const CONSENT_FORM: ChoiceList = ChoiceList {
    name: "consent_form",
    choices: &[
        c("oral", "oral", "oral"),
        c("written", "écrit", "written"),
        c("thumbprint", "empreinte digitale", "thumbprint"),
    ],
};

/// A participant's own consent.
const CONSENT_CHOICES: [Choice; 4] = [
    c("given", "donné", "given"),
    c("refused", "refusé", "refused"),
    c("withdrawn", "retiré", "withdrawn"),
    c("unknown", "inconnu", "unknown"),
];
pub const CONSENT: ChoiceList = ChoiceList {
    name: "consent",
    choices: &CONSENT_CHOICES,
};
pub const PARTICIPANT_CONSENT: &[&str] = &values(&CONSENT_CHOICES);

pub const RECOMMENDATION_LEVEL: ChoiceList = ChoiceList {
    name: "recommendation_level",
    choices: &[
        c("local", "local", "local"),
        c("regional", "régional", "regional"),
        c("national", "national", "national"),
    ],
};

const RECOMMENDATION_STATUS_CHOICES: [Choice; 6] = [
    c("proposed", "proposée", "proposed"),
    c("validated", "validée", "validated"),
    c("adopted", "adoptée", "adopted"),
    c("in_progress", "en cours", "in progress"),
    c("implemented", "mise en œuvre", "implemented"),
    c("dropped", "abandonnée", "dropped"),
];
pub const RECOMMENDATION_STATUS: ChoiceList = ChoiceList {
    name: "recommendation_status",
    choices: &RECOMMENDATION_STATUS_CHOICES,
};
pub const RECOMMENDATION_STATUSES: &[&str] = &values(&RECOMMENDATION_STATUS_CHOICES);

/// How long a recommendation not yet implemented nor dropped has been open (the dashboards'
/// buckets).
pub const OPEN_FOR: ChoiceList = ChoiceList {
    name: "open_for",
    choices: &[
        c("0_30", "30 jours ou moins", "30 days or less"),
        c("31_90", "31 à 90 jours", "31 to 90 days"),
        c("91_180", "91 à 180 jours", "91 to 180 days"),
        c("181_365", "181 à 365 jours", "181 to 365 days"),
        c("over_365", "plus d'un an", "over a year"),
    ],
};

pub const STUDY_STATUS: ChoiceList = ChoiceList {
    name: "study_status",
    choices: &[
        c("planned", "prévue", "planned"),
        c("ongoing", "en cours", "ongoing"),
        c("completed", "terminée", "completed"),
        c("archived", "archivée", "archived"),
    ],
};

pub const PLACE_KIND: ChoiceList = ChoiceList {
    name: "place_kind",
    choices: &[
        c("country", "pays", "country"),
        c("region", "région", "region"),
        c("cercle", "cercle", "cercle"),
        c("commune", "commune", "commune"),
        c("village", "village", "village"),
        c("neighbourhood", "quartier", "neighbourhood"),
        c("camp", "camp", "camp"),
        c("other", "autre lieu", "other place"),
    ],
};

/// Which administrative map a place belongs to: the gazetteer's two, or one a person added.
pub const MAP_VERSION: ChoiceList = ChoiceList {
    name: "map_version",
    choices: &[
        c("2016", "carte de 2016", "2016 map"),
        c("2023", "carte de 2023", "2023 map"),
        c("user", "ajouté par l'équipe", "added by the team"),
    ],
};

pub const EXPORT_FORMAT: ChoiceList = ChoiceList {
    name: "export_format",
    choices: &[
        c("csv", "CSV", "CSV"),
        c("xlsx", "XLSX (Excel)", "XLSX (Excel)"),
        c("json", "JSON", "JSON"),
    ],
};

/// Where a questionnaire's response stands: a draft may be left incomplete; a final one passed
/// every constraint and required question when it was finalised.
pub const RESPONSE_STATUS: ChoiceList = ChoiceList {
    name: "response_status",
    choices: &[
        c("draft", "brouillon", "draft"),
        c("final", "finalisée", "final"),
    ],
};

/// Every list, in the order the generated TypeScript holds them.
pub const CHOICE_LISTS: [&ChoiceList; 15] = [
    &SEX,
    &SESSION_TYPE,
    &AGE_BAND,
    &ACTOR_GROUP,
    &CONSENT_LEVEL,
    &CONSENT_FORM,
    &CONSENT,
    &RECOMMENDATION_LEVEL,
    &RECOMMENDATION_STATUS,
    &OPEN_FOR,
    &STUDY_STATUS,
    &PLACE_KIND,
    &MAP_VERSION,
    &EXPORT_FORMAT,
    &RESPONSE_STATUS,
];
