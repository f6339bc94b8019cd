//! Each entity's fields: name, kind, whether required, and label in French and English.
//! The SQL tables in `migrations/` mirror these lists; a test checks they agree.

use super::entity::Entity;
use super::vocabulary::{
    ChoiceList, ACTOR_GROUP, AGE_BAND, CONSENT, CONSENT_FORM, CONSENT_LEVEL, EXPORT_FORMAT,
    MAP_VERSION, PLACE_KIND, RECOMMENDATION_LEVEL, RECOMMENDATION_STATUS, RESPONSE_STATUS,
    SESSION_TYPE, SEX, STUDY_STATUS,
};
use crate::lang::Lang;

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
    Choice(&'static ChoiceList),
    Ref(Entity),
    /// A list of short codes (languages, session ids), stored as a JSON array.
    Codes,
    /// A list of free-text names (facilitators), stored as a JSON array.
    Names,
}

/// A field. Its labels are written as they read inside a sentence ("Le champ « titre » est
/// obligatoire."); the UI capitalises them where it shows one alone, as a form label.
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
/// The review mark of a record's free text (sessions, findings, recommendations).
pub const REVIEWED: &str = "reviewed";
const SHORT: Kind = Kind::Text { max: 500 };
const LONG: Kind = Kind::Text { max: 1_000_000 };
/// A SHA-256 fingerprint in hex.
const FINGERPRINT: Kind = Kind::Text { max: 64 };

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
        Kind::Choice(&STUDY_STATUS),
        false,
        "statut",
        "status",
    ),
    // The fields the study seals to its HQ key besides participant names and phones
    // (`changes::sealed::SEALABLE`), as "entity.field" codes.
    f(
        "sealed_fields",
        Kind::Codes,
        false,
        "champs scellés",
        "sealed fields",
    ),
];

const PLACE: &[FieldDef] = &[
    f("name", SHORT, true, "nom", "name"),
    f(
        "kind",
        Kind::Choice(&PLACE_KIND),
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
        Kind::Choice(&MAP_VERSION),
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
        Kind::Choice(&SESSION_TYPE),
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
        Kind::Choice(&CONSENT_LEVEL),
        false,
        "niveau de consentement",
        "consent level",
    ),
    f(
        "consent_form",
        Kind::Choice(&CONSENT_FORM),
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
    // Last: the fingerprint of the free text as a supervisor reviewed it (`export::review`).
    f(REVIEWED, FINGERPRINT, false, "texte relu", "text reviewed"),
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
    f("sex", Kind::Choice(&SEX), true, "sexe", "sex"),
    f("age", Kind::Int { min: 0, max: 120 }, false, "âge", "age"),
    f(
        "age_band",
        Kind::Choice(&AGE_BAND),
        false,
        "tranche d'âge",
        "age band",
    ),
    f(
        "actor_group",
        Kind::Choice(&ACTOR_GROUP),
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
        Kind::Choice(&CONSENT),
        false,
        "consentement",
        "consent",
    ),
    f("name", SHORT, false, "nom", "name"),
    f("phone", Kind::Text { max: 40 }, false, "téléphone", "phone"),
    // Set by an erasure (supervisors), never cleared: see `changes::cover`.
    f(
        "erased_reason",
        SHORT,
        false,
        "motif de l'effacement",
        "reason for erasure",
    ),
];

const TALLY: &[FieldDef] = &[
    f(
        "session_id",
        Kind::Ref(Entity::Session),
        true,
        "séance",
        "session",
    ),
    f("sex", Kind::Choice(&SEX), true, "sexe", "sex"),
    f(
        "age_band",
        Kind::Choice(&AGE_BAND),
        false,
        "tranche d'âge",
        "age band",
    ),
    f(
        "actor_group",
        Kind::Choice(&ACTOR_GROUP),
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
        Kind::Choice(&ACTOR_GROUP),
        false,
        "catégorie de locuteur",
        "speaker category",
    ),
    // Last: the fingerprint of the free text as a supervisor reviewed it (`export::review`).
    f(REVIEWED, FINGERPRINT, false, "texte relu", "text reviewed"),
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
    f(
        "level",
        Kind::Choice(&RECOMMENDATION_LEVEL),
        false,
        "niveau",
        "level",
    ),
    f(
        "status",
        Kind::Choice(&RECOMMENDATION_STATUS),
        true,
        "statut",
        "status",
    ),
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
    // Last: the fingerprint of the free text as a supervisor reviewed it (`export::review`).
    f(REVIEWED, FINGERPRINT, false, "texte relu", "text reviewed"),
];

const RESOLUTION: &[FieldDef] = &[f("picked", SHORT, true, "valeur retenue", "picked value")];

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
        Kind::Choice(&EXPORT_FORMAT),
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

// A questionnaire's version (docs/design/forms.md, "Records"): `form_id`, `version`, `title`
// and `definition` are fixed at import (`Entity::fixed_fields`); a new file is a new record.
const FORM: &[FieldDef] = &[
    f("study_id", Kind::Ref(Entity::Study), true, "étude", "study"),
    f(
        "form_id",
        Kind::Text { max: 100 },
        true,
        "identifiant du questionnaire",
        "form id",
    ),
    f(
        "version",
        Kind::Text { max: 100 },
        false,
        "version",
        "version",
    ),
    f("title", SHORT, true, "titre", "title"),
    f(
        "session_type",
        Kind::Choice(&SESSION_TYPE),
        false,
        "type de séance",
        "session type",
    ),
    // The checked form (`forms::FormDef`) as JSON.
    f(
        "definition",
        Kind::Text { max: 4_000_000 },
        true,
        "définition",
        "definition",
    ),
    f("file_name", SHORT, false, "nom du fichier", "file name"),
    f(
        "question_count",
        Kind::Int {
            min: 0,
            max: 100_000,
        },
        false,
        "nombre de questions",
        "question count",
    ),
];

const RESPONSE: &[FieldDef] = &[
    f("study_id", Kind::Ref(Entity::Study), true, "étude", "study"),
    f(
        "form_ref",
        Kind::Ref(Entity::Form),
        true,
        "version du questionnaire",
        "form version",
    ),
    f(
        "session_id",
        Kind::Ref(Entity::Session),
        false,
        "séance",
        "session",
    ),
    f(
        "participant_id",
        Kind::Ref(Entity::Participant),
        false,
        "participant",
        "participant",
    ),
    f(
        "status",
        Kind::Choice(&RESPONSE_STATUS),
        true,
        "statut",
        "status",
    ),
];

// One answered question, or one repeat instance (its order key), of a response: its id is
// `changes::answer_id(response_id, path)`, so two laptops answering one question write one
// record.
const ANSWER: &[FieldDef] = &[
    f(
        "response_id",
        Kind::Ref(Entity::Response),
        true,
        "réponse au questionnaire",
        "form response",
    ),
    f("path", SHORT, true, "question", "question"),
    f("value", LONG, false, "valeur", "value"),
];

/// The field every entity has: a tombstone, 1 when deleted.
pub const DELETED_FIELD: FieldDef = f(DELETED, Kind::Bool, false, "supprimé", "deleted");

impl Entity {
    /// Whether this entity's free text waits for a supervisor's review before an anonymised
    /// export shows it (it has a `reviewed` field).
    pub fn is_reviewed(self) -> bool {
        matches!(
            self,
            Entity::Session | Entity::Finding | Entity::Recommendation
        )
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
            Entity::Form => FORM,
            Entity::Response => RESPONSE,
            Entity::Answer => ANSWER,
        }
    }

    /// The fields set when a record is created and never changed after: the study or session
    /// it belongs to (its changes travel with that study), what a form version is (a new
    /// file is a new record), what a response answers and where an answer stands (its id is
    /// made from them). The write path refuses to change them (`Problem::Fixed`), and a
    /// receiver refuses a change that would.
    pub fn fixed_fields(self) -> &'static [&'static str] {
        match self {
            Entity::Form => &["study_id", "form_id", "version", "title", "definition"],
            Entity::Response => &["study_id", "form_ref", "session_id"],
            Entity::Answer => &["response_id", "path"],
            _ => &["study_id", "session_id"],
        }
    }

    /// A field of this entity, the tombstone included.
    pub fn field(self, name: &str) -> Option<&'static FieldDef> {
        if name == DELETED {
            return Some(&DELETED_FIELD);
        }
        self.fields().iter().find(|f| f.name == name)
    }
}

impl FieldDef {
    pub fn label(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Fr => self.label_fr,
            Lang::En => self.label_en,
        }
    }
}
