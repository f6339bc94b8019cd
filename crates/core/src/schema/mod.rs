//! The domain's words: the synced entities, their fields and kinds, and the choice lists, each
//! with its labels in French and English. The UI reads the same labels from a generated file
//! (`typescript.rs` writes `ui/src/lib/bindings/vocabulary.ts`).

pub(crate) mod entity;
pub(crate) mod fields;
pub(crate) mod roles;
#[cfg(test)]
mod typescript;
pub(crate) mod vocabulary;

pub use entity::Entity;
pub use fields::{FieldDef, Kind, DELETED, DELETED_FIELD, REVIEWED};
pub use roles::{Action, Role};
pub use vocabulary::{
    age_band_of, Choice, ChoiceList, Label, ACTOR_GROUP, ACTOR_GROUPS, AGE_BAND, AGE_BANDS,
    CHOICE_LISTS, CONSENT, CONSENT_FORM, CONSENT_LEVEL, DSF_GROUPS, EXPORT_FORMAT, MAP_VERSION,
    NOT_RECORDED, OPEN_FOR, PARTICIPANT_CONSENT, PLACE_KIND, RECOMMENDATION_LEVEL,
    RECOMMENDATION_STATUS, RECOMMENDATION_STATUSES, RESPONSE_STATUS, SESSION_TYPE, SESSION_TYPES,
    SEX, SEXES, STUDY_STATUS, UNKNOWN,
};
