// The allowed values of the core's choice fields (crates/core/src/schema.rs). The core checks
// every write against its own list; these only fill the drop-downs.
export const SESSION_TYPES = [
  'focus_group',
  'individual_interview',
  'key_informant_interview',
  'workshop',
  'validation_workshop',
  'restitution',
  'round_table',
] as const;
export const SEXES = ['female', 'male'] as const;
export const AGE_BANDS = ['under_18', '18_24', '25_35', '36_59', '60_plus'] as const;
export const ACTOR_GROUPS = [
  'womens_association',
  'youth',
  'police',
  'gendarmerie',
  'national_guard',
  'armed_forces',
  'civil_protection',
  'administrative_authority',
  'religious_authority',
  'traditional_authority',
  'political_authority',
  'civil_society',
  'displaced_refugee',
  'other',
] as const;
export const CONSENT_LEVELS = ['individual', 'group', 'none'] as const;
export const CONSENT_FORMS = ['oral', 'written', 'thumbprint'] as const;
export const PARTICIPANT_CONSENT = ['given', 'refused', 'withdrawn', 'unknown'] as const;
export const REC_LEVELS = ['local', 'regional', 'national'] as const;
export const REC_STATUS = [
  'proposed',
  'validated',
  'adopted',
  'in_progress',
  'implemented',
  'dropped',
] as const;
export const STUDY_STATUS = ['planned', 'ongoing', 'completed', 'archived'] as const;
export const USER_PLACE_KINDS = ['village', 'neighbourhood', 'camp', 'other'] as const;
