//! The synced entities and their fields: names, kinds, labels in French and English.
//! The SQL tables in `migrations/` mirror this list; a test checks they agree.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Entity {
    Study,
    Place,
    Session,
    Participant,
    Tally,
    Finding,
    Recommendation,
    /// A supervisor's pick on a conflict; synced, not shown as a record of its own.
    Resolution,
    /// The record of one export: who, when, what and which filters (synced for accountability).
    Export,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text {
        max: usize,
    },
    Int {
        min: i64,
        max: i64,
    },
    Bool,
    /// ISO date, YYYY-MM-DD.
    Date,
    Choice(&'static [&'static str]),
    Ref(Entity),
    /// A list of short codes (languages, session ids), stored as a JSON array.
    Codes,
    /// A list of free-text names (facilitators), stored as a JSON array.
    Names,
}

#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub label_fr: &'static str,
    pub label_en: &'static str,
}

const fn f(
    name: &'static str,
    kind: Kind,
    required: bool,
    label_fr: &'static str,
    label_en: &'static str,
) -> FieldDef {
    FieldDef {
        name,
        kind,
        required,
        label_fr,
        label_en,
    }
}

pub const DELETED: &str = "deleted";
const SHORT: Kind = Kind::Text { max: 500 };
const LONG: Kind = Kind::Text { max: 1_000_000 };

pub const STUDY_STATUS: &[&str] = &["planned", "ongoing", "completed", "archived"];
pub const PLACE_KINDS: &[&str] = &[
    "country",
    "region",
    "cercle",
    "commune",
    "village",
    "neighbourhood",
    "camp",
    "other",
];
pub const MAP_VERSIONS: &[&str] = &["2016", "2023", "user"];
pub const SESSION_TYPES: &[&str] = &[
    "focus_group",
    "individual_interview",
    "key_informant_interview",
    "workshop",
    "validation_workshop",
    "restitution",
    "round_table",
];
pub const CONSENT_LEVELS: &[&str] = &["individual", "group", "none"];
pub const CONSENT_FORMS: &[&str] = &["oral", "written", "thumbprint"];
pub const SEXES: &[&str] = &["female", "male"];
pub const AGE_BANDS: &[&str] = &["under_18", "18_24", "25_35", "36_59", "60_plus"];
pub const ACTOR_GROUPS: &[&str] = &[
    "womens_association",
    "youth",
    "police",
    "gendarmerie",
    "national_guard",
    "armed_forces",
    "civil_protection",
    "administrative_authority",
    "religious_authority",
    "traditional_authority",
    "political_authority",
    "civil_society",
    "displaced_refugee",
    "other",
];
/// Defence and security forces (DSF), counted apart in dashboards.
pub const DSF_GROUPS: &[&str] = &[
    "police",
    "gendarmerie",
    "national_guard",
    "armed_forces",
    "civil_protection",
];
pub const PARTICIPANT_CONSENT: &[&str] = &["given", "refused", "withdrawn", "unknown"];
pub const REC_LEVELS: &[&str] = &["local", "regional", "national"];
pub const REC_STATUS: &[&str] = &[
    "proposed",
    "validated",
    "adopted",
    "in_progress",
    "implemented",
    "dropped",
];

// Each entity's fields, in the order that numbers them in the change log (`Entity::field_no`):
// a new field goes at the end of its list, never between two others.
const STUDY: &[FieldDef] = &[
    f("title", SHORT, true, "titre", "title"),
    f("organisation", SHORT, false, "organisation", "organisation"),
    f("donor", SHORT, false, "bailleur", "donor"),
    f("theme", SHORT, false, "thème", "theme"),
    f("description", LONG, false, "description", "description"),
    f(
        "start_date",
        Kind::Date,
        false,
        "date de début",
        "start date",
    ),
    f("end_date", Kind::Date, false, "date de fin", "end date"),
    f(
        "status",
        Kind::Choice(STUDY_STATUS),
        false,
        "statut",
        "status",
    ),
];

const PLACE: &[FieldDef] = &[
    f("name", SHORT, true, "nom", "name"),
    f(
        "kind",
        Kind::Choice(PLACE_KINDS),
        true,
        "type de lieu",
        "place type",
    ),
    f(
        "parent_id",
        Kind::Ref(Entity::Place),
        false,
        "lieu parent",
        "parent place",
    ),
    f("pcode", Kind::Text { max: 20 }, false, "P-code", "P-code"),
    f(
        "iso_code",
        Kind::Text { max: 10 },
        false,
        "code ISO",
        "ISO code",
    ),
    f(
        "national_code",
        Kind::Text { max: 20 },
        false,
        "code national",
        "national code",
    ),
    f(
        "map_version",
        Kind::Choice(MAP_VERSIONS),
        false,
        "version de la carte",
        "map version",
    ),
    f("country", Kind::Text { max: 2 }, false, "pays", "country"),
    f(
        "code_verified",
        Kind::Bool,
        false,
        "code vérifié",
        "code verified",
    ),
];

const SESSION: &[FieldDef] = &[
    f("study_id", Kind::Ref(Entity::Study), true, "étude", "study"),
    f(
        "session_type",
        Kind::Choice(SESSION_TYPES),
        true,
        "type de séance",
        "session type",
    ),
    f("title", SHORT, false, "intitulé", "title"),
    f("date", Kind::Date, true, "date", "date"),
    f(
        "duration_minutes",
        Kind::Int {
            min: 0,
            max: 10_080,
        },
        false,
        "durée (minutes)",
        "duration (minutes)",
    ),
    f("place_id", Kind::Ref(Entity::Place), false, "lieu", "place"),
    f("languages", Kind::Codes, false, "langues", "languages"),
    f(
        "facilitators",
        Kind::Names,
        false,
        "facilitateurs",
        "facilitators",
    ),
    f("note_taker", SHORT, false, "preneur de notes", "note-taker"),
    f(
        "woman_facilitator",
        Kind::Bool,
        false,
        "facilitatrice",
        "woman facilitator",
    ),
    f(
        "women_only",
        Kind::Bool,
        false,
        "femmes uniquement",
        "women only",
    ),
    f(
        "interpreter",
        Kind::Bool,
        false,
        "interprète",
        "interpreter",
    ),
    f(
        "consent_level",
        Kind::Choice(CONSENT_LEVELS),
        false,
        "niveau de consentement",
        "consent level",
    ),
    f(
        "consent_form",
        Kind::Choice(CONSENT_FORMS),
        false,
        "forme du consentement",
        "consent form",
    ),
    f(
        "consent_recording",
        Kind::Bool,
        false,
        "accord pour l'enregistrement",
        "consent to recording",
    ),
    f(
        "consent_quotes",
        Kind::Bool,
        false,
        "accord pour les citations",
        "consent to quotes",
    ),
    f(
        "consent_photos",
        Kind::Bool,
        false,
        "accord pour les photos",
        "consent to photos",
    ),
    f("notes", LONG, false, "notes", "notes"),
];

const PARTICIPANT: &[FieldDef] = &[
    f(
        "session_id",
        Kind::Ref(Entity::Session),
        true,
        "séance",
        "session",
    ),
    f("code", Kind::Text { max: 40 }, true, "code", "code"),
    f("sex", Kind::Choice(SEXES), true, "sexe", "sex"),
    f("age", Kind::Int { min: 0, max: 120 }, false, "âge", "age"),
    f(
        "age_band",
        Kind::Choice(AGE_BANDS),
        false,
        "tranche d'âge",
        "age band",
    ),
    f(
        "actor_group",
        Kind::Choice(ACTOR_GROUPS),
        false,
        "groupe d'acteurs",
        "actor group",
    ),
    f("institution", SHORT, false, "institution", "institution"),
    f("role", SHORT, false, "fonction", "role"),
    f(
        "home_commune_id",
        Kind::Ref(Entity::Place),
        false,
        "commune de résidence",
        "home commune",
    ),
    f(
        "consent",
        Kind::Choice(PARTICIPANT_CONSENT),
        false,
        "consentement",
        "consent",
    ),
    f("name", SHORT, false, "nom", "name"),
    f("phone", Kind::Text { max: 40 }, false, "téléphone", "phone"),
];

const TALLY: &[FieldDef] = &[
    f(
        "session_id",
        Kind::Ref(Entity::Session),
        true,
        "séance",
        "session",
    ),
    f("sex", Kind::Choice(SEXES), true, "sexe", "sex"),
    f(
        "age_band",
        Kind::Choice(AGE_BANDS),
        false,
        "tranche d'âge",
        "age band",
    ),
    f(
        "actor_group",
        Kind::Choice(ACTOR_GROUPS),
        false,
        "groupe d'acteurs",
        "actor group",
    ),
    f(
        "count",
        Kind::Int {
            min: 0,
            max: 100_000,
        },
        true,
        "effectif",
        "count",
    ),
];

const FINDING: &[FieldDef] = &[
    f(
        "session_id",
        Kind::Ref(Entity::Session),
        true,
        "séance",
        "session",
    ),
    f("theme", SHORT, true, "thème", "theme"),
    f("text", LONG, true, "texte", "text"),
    f(
        "speaker_category",
        Kind::Choice(ACTOR_GROUPS),
        false,
        "catégorie de locuteur",
        "speaker category",
    ),
];

const RECOMMENDATION: &[FieldDef] = &[
    f("study_id", Kind::Ref(Entity::Study), true, "étude", "study"),
    f("text", LONG, true, "texte", "text"),
    f("theme", SHORT, false, "thème", "theme"),
    f(
        "target_institution",
        SHORT,
        false,
        "institution ciblée",
        "target institution",
    ),
    f("level", Kind::Choice(REC_LEVELS), false, "niveau", "level"),
    f("status", Kind::Choice(REC_STATUS), true, "statut", "status"),
    f(
        "source_sessions",
        Kind::Codes,
        false,
        "séances sources",
        "source sessions",
    ),
    f(
        "validated_at",
        Kind::Ref(Entity::Session),
        false,
        "validée lors de",
        "validated at",
    ),
];

const RESOLUTION: &[FieldDef] = &[f("picked", SHORT, true, "valeur retenue", "picked value")];

pub const EXPORT_FORMATS: &[&str] = &["csv", "xlsx", "json"];

const EXPORT: &[FieldDef] = &[
    f(
        "study_id",
        Kind::Ref(Entity::Study),
        false,
        "étude",
        "study",
    ),
    f(
        "format",
        Kind::Choice(EXPORT_FORMATS),
        true,
        "format",
        "format",
    ),
    f(
        "exported_at",
        Kind::Text { max: 40 },
        true,
        "date de l'export",
        "exported at",
    ),
    f(
        "node_id",
        Kind::Text { max: 40 },
        true,
        "appareil",
        "device",
    ),
    f("user_name", SHORT, false, "utilisateur", "user"),
    f("filters", SHORT, false, "filtres", "filters"),
    f("hxl", Kind::Bool, false, "étiquettes HXL", "HXL hashtags"),
    f("anonymised", Kind::Bool, false, "anonymisé", "anonymised"),
    f(
        "min_cell",
        Kind::Int { min: 0, max: 1000 },
        false,
        "effectif minimal publié",
        "minimum cell size",
    ),
    f(
        "row_counts",
        SHORT,
        false,
        "lignes exportées",
        "rows exported",
    ),
];

/// The field every entity has: a tombstone, 1 when deleted.
pub const DELETED_FIELD: FieldDef = f(DELETED, Kind::Bool, false, "supprimé", "deleted");

impl Entity {
    pub const ALL: [Entity; 9] = [
        Entity::Study,
        Entity::Place,
        Entity::Session,
        Entity::Participant,
        Entity::Tally,
        Entity::Finding,
        Entity::Recommendation,
        Entity::Resolution,
        Entity::Export,
    ];

    /// The name used in SQL, the change log, the CLI and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Study => "study",
            Entity::Place => "place",
            Entity::Session => "session",
            Entity::Participant => "participant",
            Entity::Tally => "tally",
            Entity::Finding => "finding",
            Entity::Recommendation => "recommendation",
            Entity::Resolution => "resolution",
            Entity::Export => "export",
        }
    }

    /// A field's number in the change log: 0 for the tombstone, else its position (from 1) in
    /// `fields()`. Stored in every store's log (the `field_numbers` table of migration 0006),
    /// so fields are only ever added at the end of their entity's list.
    pub fn field_no(self, name: &str) -> Option<i64> {
        if name == DELETED {
            return Some(0);
        }
        self.fields()
            .iter()
            .position(|f| f.name == name)
            .map(|p| p as i64 + 1)
    }

    /// The field whose number is `no` (see [`Entity::field_no`]).
    pub fn field_name(self, no: i64) -> Option<&'static str> {
        match no {
            0 => Some(DELETED),
            _ => self
                .fields()
                .get(usize::try_from(no - 1).ok()?)
                .map(|f| f.name),
        }
    }

    /// The entity's number in the change log (the `entities` table of migration 0006): stored
    /// in every store's log, so a code is never reused.
    pub fn code(self) -> i64 {
        match self {
            Entity::Study => 1,
            Entity::Place => 2,
            Entity::Session => 3,
            Entity::Participant => 4,
            Entity::Tally => 5,
            Entity::Finding => 6,
            Entity::Recommendation => 7,
            Entity::Resolution => 8,
            Entity::Export => 9,
        }
    }

    pub fn from_code(code: i64) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.code() == code)
    }

    pub fn parse(name: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.as_str() == name)
    }

    pub fn fields(self) -> &'static [FieldDef] {
        match self {
            Entity::Study => STUDY,
            Entity::Place => PLACE,
            Entity::Session => SESSION,
            Entity::Participant => PARTICIPANT,
            Entity::Tally => TALLY,
            Entity::Finding => FINDING,
            Entity::Recommendation => RECOMMENDATION,
            Entity::Resolution => RESOLUTION,
            Entity::Export => EXPORT,
        }
    }

    /// A field of this entity, the tombstone included.
    pub fn field(self, name: &str) -> Option<&'static FieldDef> {
        if name == DELETED {
            return Some(&DELETED_FIELD);
        }
        self.fields().iter().find(|f| f.name == name)
    }

    pub fn label(self, lang: crate::lang::Lang) -> &'static str {
        use crate::lang::Lang::*;
        match (self, lang) {
            (Entity::Study, Fr) => "étude",
            (Entity::Study, En) => "study",
            (Entity::Place, Fr) => "lieu",
            (Entity::Place, En) => "place",
            (Entity::Session, Fr) => "séance",
            (Entity::Session, En) => "session",
            (Entity::Participant, Fr) => "participant",
            (Entity::Participant, En) => "participant",
            (Entity::Tally, Fr) => "décompte",
            (Entity::Tally, En) => "tally",
            (Entity::Finding, Fr) => "constat",
            (Entity::Finding, En) => "finding",
            (Entity::Recommendation, Fr) => "recommandation",
            (Entity::Recommendation, En) => "recommendation",
            (Entity::Resolution, Fr) => "arbitrage",
            (Entity::Resolution, En) => "resolution",
            (Entity::Export, Fr) => "export",
            (Entity::Export, En) => "export",
        }
    }
}

impl std::fmt::Display for Entity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FieldDef {
    pub fn label(&self, lang: crate::lang::Lang) -> &'static str {
        match lang {
            crate::lang::Lang::Fr => self.label_fr,
            crate::lang::Lang::En => self.label_en,
        }
    }
}

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
