// The arithmetic of a session's attendance: live totals from attendance lines and tally
// cells, the words "3 women, 2 men", and the writes a tally grid needs. Plain functions so
// Vitest can check them without a window.
import type { JsonValue } from './bindings/serde_json/JsonValue';
import { format, type Lang } from './format';

export interface Line {
  sex: string | null;
  age_band?: string | null;
  actor_group?: string | null;
}

export interface TallyCell {
  sex: string | null;
  age_band?: string | null;
  actor_group?: string | null;
  count: number;
}

export interface SexCount {
  women: number;
  men: number;
}

export interface Totals extends SexCount {
  total: number;
  /** Keyed by actor group ("unknown" when not given), in first-seen order. */
  byActor: Map<string, SexCount>;
  byAge: Map<string, SexCount>;
}

function bump(map: Map<string, SexCount>, key: string | null | undefined, sex: string | null, n: number) {
  const k = key || 'unknown';
  const c = map.get(k) ?? { women: 0, men: 0 };
  if (sex === 'female') c.women += n;
  else if (sex === 'male') c.men += n;
  map.set(k, c);
}

/** Totals of lines (one person each) plus tally cells (counts), as the core computes them. */
export function computeTotals(lines: Line[], tallies: TallyCell[] = []): Totals {
  const t: Totals = { women: 0, men: 0, total: 0, byActor: new Map(), byAge: new Map() };
  const add = (sex: string | null, age: string | null | undefined, actor: string | null | undefined, n: number) => {
    if (!Number.isFinite(n) || n <= 0) return;
    if (sex === 'female') t.women += n;
    else if (sex === 'male') t.men += n;
    else return;
    bump(t.byActor, actor, sex, n);
    bump(t.byAge, age, sex, n);
  };
  for (const l of lines) add(l.sex, l.age_band, l.actor_group, 1);
  for (const c of tallies) add(c.sex, c.age_band, c.actor_group, c.count);
  t.total = t.women + t.men;
  return t;
}

const words: Record<Lang, { woman: string; women: string; man: string; men: string }> = {
  fr: { woman: '{n} femme', women: '{n} femmes', man: '{n} homme', men: '{n} hommes' },
  en: { woman: '{n} woman', women: '{n} women', man: '{n} man', men: '{n} men' },
};

/** "3 women, 2 men" / "3 femmes, 2 hommes" (singular for 0 and 1 in French, 1 in English). */
export function sexTotalsText(c: SexCount, lang: Lang): string {
  const w = words[lang];
  const one = (n: number) => (lang === 'fr' ? n <= 1 : n === 1);
  const women = format(one(c.women) ? w.woman : w.women, { n: c.women });
  const men = format(one(c.men) ? w.man : w.men, { n: c.men });
  return `${women}, ${men}`;
}

/** The age band of an exact age, as the core files it (schema::age_band_of). */
export function ageBandOf(age: number): string {
  if (age <= 17) return 'under_18';
  if (age <= 24) return '18_24';
  if (age <= 35) return '25_35';
  if (age <= 59) return '36_59';
  return '60_plus';
}

/**
 * What was typed in the age box: a whole number of years, nothing, or something the core
 * would refuse (it says why, in the person's language, when the line is saved).
 */
export function parseAge(text: string): { kind: 'empty' } | { kind: 'age'; age: number } | { kind: 'invalid' } {
  const s = text.trim();
  if (s === '') return { kind: 'empty' };
  if (!/^\d{1,3}$/.test(s)) return { kind: 'invalid' };
  return { kind: 'age', age: Number(s) };
}

/** The key of a tally grid cell. */
export function cellKey(sex: string, ageBand: string, actor: string): string {
  return `${sex}|${ageBand}|${actor}`;
}

export interface StoredTally {
  id: string;
  sex: string | null;
  age_band: string | null;
  actor_group: string | null;
  count: number;
}

export type TallyOp =
  | { op: 'create'; fields: { sex: string; age_band: string; actor_group: string; count: number } }
  | { op: 'update'; id: string; fields: { count: number } }
  | { op: 'delete'; id: string };

/**
 * The writes that turn the stored tally rows into the grid as typed: new non-zero cells are
 * created, changed ones updated, cleared ones deleted. Several stored rows for one cell
 * (two laptops filled the same cell) are folded into the first.
 */
export function tallyOps(stored: StoredTally[], grid: Map<string, number>): TallyOp[] {
  const ops: TallyOp[] = [];
  const byCell = new Map<string, StoredTally[]>();
  for (const s of stored) {
    const k = cellKey(s.sex ?? '', s.age_band ?? '', s.actor_group ?? '');
    byCell.set(k, [...(byCell.get(k) ?? []), s]);
  }
  for (const [k, count] of grid) {
    const want = Number.isFinite(count) && count > 0 ? Math.floor(count) : 0;
    const rows = byCell.get(k) ?? [];
    byCell.delete(k);
    const have = rows.reduce((n, r) => n + r.count, 0);
    if (want === have && rows.length <= 1) continue;
    const [first, ...rest] = rows;
    for (const r of rest) ops.push({ op: 'delete', id: r.id });
    if (want === 0) {
      if (first) ops.push({ op: 'delete', id: first.id });
    } else if (first) {
      ops.push({ op: 'update', id: first.id, fields: { count: want } });
    } else {
      const [sex, age_band, actor_group] = k.split('|');
      ops.push({ op: 'create', fields: { sex, age_band, actor_group, count: want } });
    }
  }
  return ops;
}

/** The grid as stored: cell key → count. */
export function tallyGrid(stored: StoredTally[]): Map<string, number> {
  const grid = new Map<string, number>();
  for (const s of stored) {
    const k = cellKey(s.sex ?? '', s.age_band ?? '', s.actor_group ?? '');
    grid.set(k, (grid.get(k) ?? 0) + s.count);
  }
  return grid;
}

/** What is typed in the attendance entry row. */
export interface LineInput {
  code: string;
  sex: string;
  age: string;
  ageBand: string;
  actor: string;
  institution: string;
  role: string;
  consent: string;
}

/**
 * The fields to send for a typed line. An exact age wins over a band (the core files the
 * age in its band); an empty code is left out so the core generates one for a new line and
 * keeps the existing one when a line is edited; a bad age is sent as typed for the core to
 * refuse with a message naming the field.
 */
export function lineFields(input: LineInput): { [field: string]: JsonValue } {
  const a = parseAge(input.age);
  const fields: { [field: string]: JsonValue } = {
    sex: input.sex,
    actor_group: input.actor,
    institution: input.institution,
    role: input.role,
    consent: input.consent,
  };
  if (input.code.trim() !== '') fields.code = input.code.trim();
  if (a.kind === 'age') {
    fields.age = a.age;
  } else if (a.kind === 'invalid') {
    fields.age = input.age;
  } else {
    fields.age = null;
    fields.age_band = input.ageBand;
  }
  return fields;
}

/**
 * The fields a group shares, carried from one saved line to the next when carry-over is on:
 * in a women's focus group of an association, the sex, the actor group and the institution
 * are the same for everyone. Everything that belongs to the person is asked again: code, age
 * and age band, role, and above all consent, which each person gives or refuses for
 * themselves.
 */
export const CARRIED_FIELDS = ['sex', 'actor', 'institution'] as const;
export type CarriedField = (typeof CARRIED_FIELDS)[number];

/** An empty entry row: nothing chosen, not even consent. */
export function emptyLine(): LineInput {
  return { code: '', sex: '', age: '', ageBand: '', actor: '', institution: '', role: '', consent: '' };
}

/**
 * The entry row after a line is saved, and which of its values were carried over from that
 * line (shown as such, so that nothing is copied silently). With carry-over off, the row
 * starts empty.
 */
export function nextLine(saved: LineInput, carry: boolean): { line: LineInput; carried: CarriedField[] } {
  const line = emptyLine();
  const carried: CarriedField[] = [];
  if (!carry) return { line, carried };
  for (const f of CARRIED_FIELDS) {
    if (saved[f].trim() === '') continue;
    line[f] = saved[f];
    carried.push(f);
  }
  return { line, carried };
}

/** Whether two entry rows hold the same values. */
export function sameLine(a: LineInput, b: LineInput): boolean {
  return (Object.keys(a) as (keyof LineInput)[]).every((k) => a[k] === b[k]);
}

const running: Record<Lang, { one: string; many: string }> = {
  fr: { one: '{n} ligne · {w} F / {m} H', many: '{n} lignes · {w} F / {m} H' },
  en: { one: '{n} line · {w} W / {m} M', many: '{n} lines · {w} W / {m} M' },
};

/** The running count shown beside the entry row: « 30 lignes · 16 F / 14 H ». */
export function runningText(lines: Line[], lang: Lang): string {
  const t = computeTotals(lines);
  const w = running[lang];
  const one = lang === 'fr' ? lines.length <= 1 : lines.length === 1;
  return format(one ? w.one : w.many, { n: lines.length, w: t.women, m: t.men });
}

/** A saved line as the duplicate check reads it. */
export interface CodedLine {
  id: string;
  code: string;
}

/**
 * The saved line that already uses the code typed, and its number in the list (from 1);
 * `null` when the code is empty or free. The line being edited does not count. Codes are
 * compared without surrounding spaces and without regard to case: « p12 » and « P12 » name
 * the same person on paper.
 */
export function duplicateCode(
  typed: string,
  lines: readonly CodedLine[],
  editing: string | null,
): { line: CodedLine; number: number } | null {
  const code = typed.trim().toLowerCase();
  if (code === '') return null;
  const i = lines.findIndex((l) => l.id !== editing && l.code.trim().toLowerCase() === code);
  return i < 0 ? null : { line: lines[i], number: i + 1 };
}

/** What is wrong with a typed tally cell: nothing, a negative number, or not a whole number. */
export function tallyCellProblem(text: string): null | 'negative' | 'not_whole' {
  const s = text.trim();
  if (s === '' || /^\d+$/.test(s)) return null;
  if (/^-\s*\d+([.,]\d+)?$/.test(s)) return 'negative';
  return 'not_whole';
}

/** The totals of a tally grid as typed: by row and sex, by column, and overall. Cells with a
 *  problem count for nothing until corrected. */
export interface TallyTotals {
  /** actor group → sex → count */
  rows: Map<string, Map<string, number>>;
  /** cell column (sex|age band) → count */
  columns: Map<string, number>;
  /** sex → count */
  bySex: Map<string, number>;
  all: number;
}

export function tallyTotals(
  typed: { [key: string]: string },
  sexes: readonly string[],
  bands: readonly string[],
  actors: readonly string[],
): TallyTotals {
  const totals: TallyTotals = { rows: new Map(), columns: new Map(), bySex: new Map(), all: 0 };
  for (const g of actors) {
    const row = new Map<string, number>();
    for (const s of sexes) {
      let n = 0;
      for (const b of bands) {
        const text = (typed[cellKey(s, b, g)] ?? '').trim();
        const v = text !== '' && tallyCellProblem(text) === null ? Number(text) : 0;
        n += v;
        const col = `${s}|${b}`;
        totals.columns.set(col, (totals.columns.get(col) ?? 0) + v);
      }
      row.set(s, n);
      totals.bySex.set(s, (totals.bySex.get(s) ?? 0) + n);
      totals.all += n;
    }
    totals.rows.set(g, row);
  }
  return totals;
}
