// Typed calls to the app's Tauri commands (src-tauri/src/commands/records.rs and analysis.rs,
// and the study members' commands of sync.rs). The types come from Rust through ts-rs
// (./bindings, generated and committed); the command names and arguments
// are spelled once here.
import { invoke } from '@tauri-apps/api/core';
import type { AppError } from './bindings/AppError';
import type { Attendance } from './bindings/Attendance';
import type { AttendanceSaved } from './bindings/AttendanceSaved';
import type { AppInfo } from './bindings/AppInfo';
import type { Entity } from './bindings/Entity';
import type { HistoryEntry } from './bindings/HistoryEntry';
import type { Lang } from './bindings/Lang';
import type { ListOptions } from './bindings/ListOptions';
import type { Overview } from './bindings/Overview';
import type { PeopleFound } from './bindings/PeopleFound';
import type { PersonHit } from './bindings/PersonHit';
import type { PlaceHit } from './bindings/PlaceHit';
import type { Record as Rec } from './bindings/Record';
import type { SessionPage } from './bindings/SessionPage';
import type { SessionQuery } from './bindings/SessionQuery';
import type { SessionRow } from './bindings/SessionRow';
import type { Settings } from './bindings/Settings';
import type { StudyRow } from './bindings/StudyRow';
import type { WriteOp } from './bindings/WriteOp';
import type { DemoSummary } from './bindings/DemoSummary';
import type { DemoRemoved } from './bindings/DemoRemoved';
import type { Holdings } from './bindings/Holdings';
import type { MemberView } from './bindings/MemberView';
import type { Role } from './bindings/Role';
import type { StudyAccess } from './bindings/StudyAccess';
import type { StudyHq } from './bindings/StudyHq';

export type {
  Rec,
  Entity,
  PeopleFound,
  PersonHit,
  PlaceHit,
  SessionRow,
  StudyRow,
  Overview,
  HistoryEntry,
  WriteOp,
  Attendance,
  SessionPage,
  MemberView,
  Role,
  StudyAccess,
};

/** Field name → value, as a form sends it (the core checks and normalises). */
export type Fields = { [field: string]: unknown };

/** A failed command: `code` is stable, `message` is in the person's language. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function isAppError(e: unknown): e is AppError {
  return typeof e === 'object' && e !== null && 'code' in e && 'message' in e;
}

/** Invokes a Tauri command; its errors become an `ApiError` with a readable message. */
export async function call<T>(command: string, args: { [name: string]: unknown } = {}): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    if (isAppError(e)) throw new ApiError(e.code, e.message);
    throw new ApiError('ipc', (e as Error)?.message ?? String(e));
  }
}

const noList: ListOptions = { field: null, value: null, include_deleted: false, only_deleted: false };

export const api = {
  getSettings: () => call<Settings>('get_settings'),
  setLanguage: (lang: Lang) => call<null>('set_language', { lang }),
  appInfo: () => call<AppInfo>('app_info'),
  listStudies: () => call<StudyRow[]>('list_studies'),
  get: (entity: Entity, id: string) => call<Rec>('get_record', { entity, id }),
  list: (entity: Entity, options: Partial<ListOptions> = {}) =>
    call<Rec[]>('list_records', { entity, options: { ...noList, ...options } }),
  /** Live records of `entity` whose `field` is `value` (e.g. a session's participants). */
  listBy: (entity: Entity, field: string, value: string) =>
    call<Rec[]>('list_records', { entity, options: { ...noList, field, value } }),
  /** The regions, by name: the choices of the region filters. */
  listRegions: async () =>
    (await api.listBy('place', 'kind', 'region')).sort((a, b) => text(a, 'name').localeCompare(text(b, 'name'))),
  create: (entity: Entity, fields: Fields) => call<string>('create_record', { entity, fields }),
  update: (entity: Entity, id: string, fields: Fields) =>
    call<number>('update_record', { entity, id, fields }),
  remove: (entity: Entity, id: string) => call<null>('delete_record', { entity, id }),
  restore: (entity: Entity, id: string) => call<null>('restore_record', { entity, id }),
  /** Erases a participant's personal values, here and on every replica (supervisors). */
  erase: (id: string, reason: string) => call<null>('erase_participant', { id, reason }),
  sessions: (query: Partial<SessionQuery>) =>
    call<SessionRow[]>('list_sessions', {
      filter: {
        study_id: null,
        region_id: null,
        session_type: null,
        date_from: null,
        date_to: null,
        text: null,
        sort: 'date_desc',
        ...query,
      },
    }),
  /** People of a study (or of every study) whose code or name holds every typed word; names
   *  sealed to headquarters that this laptop cannot open are counted, not searched. */
  findPeople: (text: string, study_id: string | null, limit = 50) =>
    call<PeopleFound>('find_people', { query: { text, study_id, limit } }),
  /** The session screen in one call: the session, its study, place, attendance and findings. */
  sessionPage: (session_id: string) => call<SessionPage>('session_page', { session_id }),
  /** Writes of a session's attendance (a line, a tally sheet) in one transaction: all land or
   *  none. The answer holds the id each op wrote and the attendance as it now stands. */
  saveAttendance: (session_id: string, ops: WriteOp[]) =>
    call<AttendanceSaved>('save_attendance', { session_id, ops }),
  studyOverview: (study_id: string) => call<Overview>('study_overview', { study_id }),
  history: (entity: Entity, id: string) => call<HistoryEntry[]>('record_history', { entity, id }),
  deleted: () => call<Rec[]>('deleted_records'),
  searchPlaces: (text: string, limit = 30) => call<PlaceHit[]>('search_places', { text, limit }),
  placePath: (id: string) => call<PlaceHit | null>('place_path', { id }),
  loadDemo: () => call<DemoSummary>('load_demo'),
  /** « Retirer les données de démonstration »: deletes the demo studies in one action. */
  removeDemo: () => call<DemoRemoved>('remove_demo'),
  /** What deleting a study or a session takes with it, for its confirmation. */
  holdings: (entity: Entity, id: string) => call<Holdings>('record_holdings', { entity, id }),
  /** What this laptop's role lets it do in a study (src-tauri/src/commands/sync.rs). */
  studyAccess: (study_id: string) => call<StudyAccess>('study_access', { study_id }),
  members: (study_id: string) => call<MemberView[]>('study_members', { study_id }),
  grant: (study_id: string, node_id: string, role: Role) =>
    call<MemberView>('study_grant', { study_id, node_id, role }),
  revoke: (study_id: string, node_id: string) => call<MemberView>('study_revoke', { study_id, node_id }),
  /** Whether a session's notes, a finding's or a recommendation's text reads as reviewed
   *  (only reviewed text goes into anonymised exports), after marking it reviewed as it reads
   *  now, or not, when `set` is a boolean (supervisors; src-tauri/src/commands/analysis.rs). */
  reviewText: (entity: Entity, id: string, set: boolean | null = null) =>
    call<boolean>('review_text', { entity, id, set }),
  /** Replaces the study key; returns its new version. */
  rekey: (study_id: string) => call<number>('study_rekey', { study_id }),
  /** The study's headquarters key and the fields it seals. */
  studyHq: (study_id: string) => call<StudyHq>('study_hq', { study_id, key: null }),
  /** Sets the headquarters key: the key pasted, or the path of its file. */
  setHqKey: (study_id: string, key: string) => call<StudyHq>('study_hq', { study_id, key }),
};

/** The message to show for any failure. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** A text field of a record, or ''. */
export function text(r: Rec | null | undefined, field: string): string {
  const v = r?.fields[field];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}
