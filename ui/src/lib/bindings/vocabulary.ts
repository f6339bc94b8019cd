// Generated from crates/core/src/schema (entity.rs, fields.rs, vocabulary.rs) by the test
// export_bindings_vocabulary: do not edit; `bash scripts/check-bindings.sh` regenerates it.
// Labels are written as they read inside a sentence; lib/i18n.svelte.ts shows them.
import type { Entity } from "./Entity";

/** A word or phrase in French and English. */
export type Label = { readonly fr: string; readonly en: string };

/** One allowed value of a choice field, and its label. */
export type Choice = Label & { readonly value: string };

/** The choice lists by their stable name, values in the order forms offer them. */
export const CHOICE_LISTS = {
  "sex": [
    { value: "female", fr: "femme", en: "woman" },
    { value: "male", fr: "homme", en: "man" },
  ],
  "session_type": [
    { value: "focus_group", fr: "groupe de discussion", en: "focus group" },
    { value: "individual_interview", fr: "entretien individuel", en: "individual interview" },
    { value: "key_informant_interview", fr: "entretien avec un informateur clé", en: "key informant interview" },
    { value: "workshop", fr: "atelier", en: "workshop" },
    { value: "validation_workshop", fr: "atelier de validation", en: "validation workshop" },
    { value: "restitution", fr: "restitution", en: "restitution" },
    { value: "round_table", fr: "table ronde", en: "round table" },
  ],
  "age_band": [
    { value: "under_18", fr: "moins de 18 ans", en: "under 18" },
    { value: "18_24", fr: "18–24 ans", en: "18–24" },
    { value: "25_35", fr: "25–35 ans", en: "25–35" },
    { value: "36_59", fr: "36–59 ans", en: "36–59" },
    { value: "60_plus", fr: "60 ans et plus", en: "60 and over" },
  ],
  "actor_group": [
    { value: "womens_association", fr: "association de femmes", en: "women's association" },
    { value: "youth", fr: "jeunes", en: "youth" },
    { value: "police", fr: "police", en: "police" },
    { value: "gendarmerie", fr: "gendarmerie", en: "gendarmerie" },
    { value: "national_guard", fr: "garde nationale", en: "national guard" },
    { value: "armed_forces", fr: "forces armées", en: "armed forces" },
    { value: "civil_protection", fr: "protection civile", en: "civil protection" },
    { value: "administrative_authority", fr: "autorité administrative", en: "administrative authority" },
    { value: "religious_authority", fr: "autorité religieuse", en: "religious authority" },
    { value: "traditional_authority", fr: "autorité traditionnelle", en: "traditional authority" },
    { value: "political_authority", fr: "autorité politique", en: "political authority" },
    { value: "civil_society", fr: "société civile", en: "civil society" },
    { value: "displaced_refugee", fr: "déplacé·e / réfugié·e", en: "displaced / refugee" },
    { value: "other", fr: "autre", en: "other" },
  ],
  "consent_level": [
    { value: "individual", fr: "individuel", en: "individual" },
    { value: "group", fr: "collectif", en: "group" },
    { value: "none", fr: "aucun", en: "none" },
  ],
  "consent_form": [
    { value: "oral", fr: "oral", en: "oral" },
    { value: "written", fr: "écrit", en: "written" },
    { value: "thumbprint", fr: "empreinte digitale", en: "thumbprint" },
  ],
  "consent": [
    { value: "given", fr: "donné", en: "given" },
    { value: "refused", fr: "refusé", en: "refused" },
    { value: "withdrawn", fr: "retiré", en: "withdrawn" },
    { value: "unknown", fr: "inconnu", en: "unknown" },
  ],
  "recommendation_level": [
    { value: "local", fr: "local", en: "local" },
    { value: "regional", fr: "régional", en: "regional" },
    { value: "national", fr: "national", en: "national" },
  ],
  "recommendation_status": [
    { value: "proposed", fr: "proposée", en: "proposed" },
    { value: "validated", fr: "validée", en: "validated" },
    { value: "adopted", fr: "adoptée", en: "adopted" },
    { value: "in_progress", fr: "en cours", en: "in progress" },
    { value: "implemented", fr: "mise en œuvre", en: "implemented" },
    { value: "dropped", fr: "abandonnée", en: "dropped" },
  ],
  "open_for": [
    { value: "0_30", fr: "30 jours ou moins", en: "30 days or less" },
    { value: "31_90", fr: "31 à 90 jours", en: "31 to 90 days" },
    { value: "91_180", fr: "91 à 180 jours", en: "91 to 180 days" },
    { value: "181_365", fr: "181 à 365 jours", en: "181 to 365 days" },
    { value: "over_365", fr: "plus d'un an", en: "over a year" },
  ],
  "study_status": [
    { value: "planned", fr: "prévue", en: "planned" },
    { value: "ongoing", fr: "en cours", en: "ongoing" },
    { value: "completed", fr: "terminée", en: "completed" },
    { value: "archived", fr: "archivée", en: "archived" },
  ],
  "place_kind": [
    { value: "country", fr: "pays", en: "country" },
    { value: "region", fr: "région", en: "region" },
    { value: "cercle", fr: "cercle", en: "cercle" },
    { value: "commune", fr: "commune", en: "commune" },
    { value: "village", fr: "village", en: "village" },
    { value: "neighbourhood", fr: "quartier", en: "neighbourhood" },
    { value: "camp", fr: "camp", en: "camp" },
    { value: "other", fr: "autre lieu", en: "other place" },
  ],
  "map_version": [
    { value: "2016", fr: "carte de 2016", en: "2016 map" },
    { value: "2023", fr: "carte de 2023", en: "2023 map" },
    { value: "user", fr: "ajouté par l'équipe", en: "added by the team" },
  ],
  "export_format": [
    { value: "csv", fr: "CSV", en: "CSV" },
    { value: "xlsx", fr: "XLSX (Excel)", en: "XLSX (Excel)" },
    { value: "json", fr: "JSON", en: "JSON" },
  ],
  "response_status": [
    { value: "draft", fr: "brouillon", en: "draft" },
    { value: "final", fr: "finalisée", en: "final" },
  ],
} as const satisfies Record<string, readonly Choice[]>;

export type ChoiceListName = keyof typeof CHOICE_LISTS;

/** A field's label, and the choice list its values come from. */
export type FieldLabel = Label & { readonly list: ChoiceListName | null };

export const ENTITY_LABELS: Readonly<Record<Entity, Label>> = {
  "study": { fr: "étude", en: "study" },
  "place": { fr: "lieu", en: "place" },
  "session": { fr: "séance", en: "session" },
  "participant": { fr: "participant", en: "participant" },
  "tally": { fr: "décompte", en: "tally" },
  "finding": { fr: "constat", en: "finding" },
  "recommendation": { fr: "recommandation", en: "recommendation" },
  "resolution": { fr: "arbitrage", en: "resolution" },
  "export": { fr: "export", en: "export" },
  "form": { fr: "questionnaire", en: "form" },
  "response": { fr: "réponse au questionnaire", en: "form response" },
  "answer": { fr: "réponse à une question", en: "answer" },
};

/** Each entity's fields by name, the tombstone ("deleted") included. */
export const FIELD_LABELS: Readonly<Record<Entity, Readonly<Record<string, FieldLabel>>>> = {
  "study": {
    "title": { fr: "titre", en: "title", list: null },
    "organisation": { fr: "organisation", en: "organisation", list: null },
    "donor": { fr: "bailleur", en: "donor", list: null },
    "theme": { fr: "thème", en: "theme", list: null },
    "description": { fr: "description", en: "description", list: null },
    "start_date": { fr: "date de début", en: "start date", list: null },
    "end_date": { fr: "date de fin", en: "end date", list: null },
    "status": { fr: "statut", en: "status", list: "study_status" },
    "sealed_fields": { fr: "champs scellés", en: "sealed fields", list: null },
    "deleted": { fr: "supprimé", en: "deleted", list: null },
  },
  "place": {
    "name": { fr: "nom", en: "name", list: null },
    "kind": { fr: "type de lieu", en: "place type", list: "place_kind" },
    "parent_id": { fr: "lieu parent", en: "parent place", list: null },
    "pcode": { fr: "P-code", en: "P-code", list: null },
    "iso_code": { fr: "code ISO", en: "ISO code", list: null },
    "national_code": { fr: "code national", en: "national code", list: null },
    "map_version": { fr: "version de la carte", en: "map version", list: "map_version" },
    "country": { fr: "pays", en: "country", list: null },
    "code_verified": { fr: "code vérifié", en: "code verified", list: null },
    "deleted": { fr: "supprimé", en: "deleted", list: null },
  },
  "session": {
    "study_id": { fr: "étude", en: "study", list: null },
    "session_type": { fr: "type de séance", en: "session type", list: "session_type" },
    "title": { fr: "intitulé", en: "title", list: null },
    "date": { fr: "date", en: "date", list: null },
    "duration_minutes": { fr: "durée (minutes)", en: "duration (minutes)", list: null },
    "place_id": { fr: "lieu", en: "place", list: null },
    "languages": { fr: "langues", en: "languages", list: null },
    "facilitators": { fr: "facilitateurs", en: "facilitators", list: null },
    "note_taker": { fr: "preneur de notes", en: "note-taker", list: null },
    "woman_facilitator": { fr: "facilitatrice", en: "woman facilitator", list: null },
    "women_only": { fr: "femmes uniquement", en: "women only", list: null },
    "interpreter": { fr: "interprète", en: "interpreter", list: null },
    "consent_level": { fr: "niveau de consentement", en: "consent level", list: "consent_level" },
    "consent_form": { fr: "forme du consentement", en: "consent form", list: "consent_form" },
    "consent_recording": { fr: "accord pour l'enregistrement", en: "consent to recording", list: null },
    "consent_quotes": { fr: "accord pour les citations", en: "consent to quotes", list: null },
    "consent_photos": { fr: "accord pour les photos", en: "consent to photos", list: null },
    "notes": { fr: "notes", en: "notes", list: null },
    "reviewed": { fr: "texte relu", en: "text reviewed", list: null },
    "deleted": { fr: "supprimé", en: "deleted", list: null },
  },
  "participant": {
    "session_id": { fr: "séance", en: "session", list: null },
    "code": { fr: "code", en: "code", list: null },
    "sex": { fr: "sexe", en: "sex", list: "sex" },
    "age": { fr: "âge", en: "age", list: null },
    "age_band": { fr: "tranche d'âge", en: "age band", list: "age_band" },
    "actor_group": { fr: "groupe d'acteurs", en: "actor group", list: "actor_group" },
    "institution": { fr: "institution", en: "institution", list: null },
    "role": { fr: "fonction", en: "role", list: null },
    "home_commune_id": { fr: "commune de résidence", en: "home commune", list: null },
    "consent": { fr: "consentement", en: "consent", list: "consent" },
    "name": { fr: "nom", en: "name", list: null },
    "phone": { fr: "téléphone", en: "phone", list: null },
    "erased_reason": { fr: "motif de l'effacement", en: "reason for erasure", list: null },
    "deleted": { fr: "supprimé", en: "deleted", list: null },
  },
  "tally": {
    "session_id": { fr: "séance", en: "session", list: null },
    "sex": { fr: "sexe", en: "sex", list: "sex" },
    "age_band": { fr: "tranche d'âge", en: "age band", list: "age_band" },
    "actor_group": { fr: "groupe d'acteurs", en: "actor group", list: "actor_group" },
    "count": { fr: "effectif", en: "count", list: null },
    "deleted": { fr: "supprimé", en: "deleted", list: null },
  },
  "finding": {
    "session_id": { fr: "séance", en: "session", list: null },
    "theme": { fr: "thème", en: "theme", list: null },
    "text": { fr: "texte", en: "text", list: null },
    "speaker_category": { fr: "catégorie de locuteur", en: "speaker category", list: "actor_group" },
    "reviewed": { fr: "texte relu", en: "text reviewed", list: null },
    "deleted": { fr: "supprimé", en: "deleted", list: null },
  },
  "recommendation": {
    "study_id": { fr: "étude", en: "study", list: null },
    "text": { fr: "texte", en: "text", list: null },
    "theme": { fr: "thème", en: "theme", list: null },
    "target_institution": { fr: "institution ciblée", en: "target institution", list: null },
    "level": { fr: "niveau", en: "level", list: "recommendation_level" },
    "status": { fr: "statut", en: "status", list: "recommendation_status" },
    "source_sessions": { fr: "séances sources", en: "source sessions", list: null },
    "validated_at": { fr: "validée lors de", en: "validated at", list: null },
    "reviewed": { fr: "texte relu", en: "text reviewed", list: null },
    "deleted": { fr: "supprimé", en: "deleted", list: null },
  },
  "resolution": {
    "picked": { fr: "valeur retenue", en: "picked value", list: null },
    "deleted": { fr: "supprimé", en: "deleted", list: null },
  },
  "export": {
    "study_id": { fr: "étude", en: "study", list: null },
    "format": { fr: "format", en: "format", list: "export_format" },
    "exported_at": { fr: "date de l'export", en: "exported at", list: null },
    "node_id": { fr: "appareil", en: "device", list: null },
    "user_name": { fr: "utilisateur", en: "user", list: null },
    "filters": { fr: "filtres", en: "filters", list: null },
    "hxl": { fr: "étiquettes HXL", en: "HXL hashtags", list: null },
    "anonymised": { fr: "anonymisé", en: "anonymised", list: null },
    "min_cell": { fr: "effectif minimal publié", en: "minimum cell size", list: null },
    "row_counts": { fr: "lignes exportées", en: "rows exported", list: null },
    "deleted": { fr: "supprimé", en: "deleted", list: null },
  },
  "form": {
    "study_id": { fr: "étude", en: "study", list: null },
    "form_id": { fr: "identifiant du questionnaire", en: "form id", list: null },
    "version": { fr: "version", en: "version", list: null },
    "title": { fr: "titre", en: "title", list: null },
    "session_type": { fr: "type de séance", en: "session type", list: "session_type" },
    "definition": { fr: "définition", en: "definition", list: null },
    "file_name": { fr: "nom du fichier", en: "file name", list: null },
    "question_count": { fr: "nombre de questions", en: "question count", list: null },
    "deleted": { fr: "supprimé", en: "deleted", list: null },
  },
  "response": {
    "study_id": { fr: "étude", en: "study", list: null },
    "form_ref": { fr: "version du questionnaire", en: "form version", list: null },
    "session_id": { fr: "séance", en: "session", list: null },
    "participant_id": { fr: "participant", en: "participant", list: null },
    "status": { fr: "statut", en: "status", list: "response_status" },
    "deleted": { fr: "supprimé", en: "deleted", list: null },
  },
  "answer": {
    "response_id": { fr: "réponse au questionnaire", en: "form response", list: null },
    "path": { fr: "question", en: "question", list: null },
    "value": { fr: "valeur", en: "value", list: null },
    "deleted": { fr: "supprimé", en: "deleted", list: null },
  },
};

/** The key statistics count a missing value under. */
export const UNKNOWN = "unknown";

/** How a missing value reads in counts. */
export const NOT_RECORDED: Label = { fr: "non renseigné", en: "not recorded" };
