// Days as people in Mali write them (JJ/MM/AAAA, the same order in English: DD/MM/YYYY) and as
// the core stores them (AAAA-MM-JJ, ISO). Every date field reads what is typed here and every
// screen shows a stored day through `showDay`, so a date is typed and read back one way.
// No Svelte, no IPC: the calendar and the unit tests use it as is.

/** The fields that hold a day (schema Kind::Date): the history shows their values as days. */
export const DATE_FIELDS: readonly string[] = ['date', 'start_date', 'end_date'];

/** What a typed date means: nothing typed, a day (as ISO), or text that is not a date. */
export type TypedDay = { kind: 'empty' } | { kind: 'day'; iso: string } | { kind: 'bad'; typed: string };

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The ISO form of a day, or null when that day does not exist (31/02, month 13, year 0). */
export function isoDay(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || year < 1 || year > 9999) return null;
  if (!Number.isInteger(month) || month < 1 || month > 12) return null;
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth(year, month)) return null;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

export function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one (UTC: no daylight-saving surprise).
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// JJ/MM/AAAA with /, . or - between (« 1/3/2025 » too); AAAA-MM-JJ (or with /). A year is four
// digits: « 01/03/25 » could be 1925 or 2025, and a filter must not jump to 2020 while « 2025 »
// is being typed.
const DAY_FIRST = /^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$/;
const YEAR_FIRST = /^(\d{4})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})$/;

/** Reads what a person typed in a date field. */
export function readDay(text: string): TypedDay {
  const typed = text.trim();
  if (typed === '') return { kind: 'empty' };
  let iso: string | null = null;
  const dayFirst = DAY_FIRST.exec(typed);
  const yearFirst = YEAR_FIRST.exec(typed);
  if (dayFirst) iso = isoDay(Number(dayFirst[3]), Number(dayFirst[2]), Number(dayFirst[1]));
  else if (yearFirst) iso = isoDay(Number(yearFirst[1]), Number(yearFirst[2]), Number(yearFirst[3]));
  return iso ? { kind: 'day', iso } : { kind: 'bad', typed };
}

/** Whether the text has the shape of a whole date (numbers and a four-digit year): a field
 *  then says at once that it is not a date, instead of waiting for the person to leave it. */
export function looksWhole(text: string): boolean {
  const typed = text.trim();
  return DAY_FIRST.test(typed) || YEAR_FIRST.test(typed);
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The year, month and day of a stored ISO day, or null. */
export function dayParts(iso: string): { year: number; month: number; day: number } | null {
  const m = ISO.exec(iso.trim());
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isoDay(year, month, day) ? { year, month, day } : null;
}

/** A stored day as shown and typed: 01/03/2025. Anything else (a value another laptop stored
 *  before dates were checked) is shown as it is, never hidden. */
export function showDay(iso: string | null | undefined): string {
  if (!iso) return '';
  const p = dayParts(iso);
  return p ? `${pad(p.day)}/${pad(p.month)}/${pad(p.year, 4)}` : iso;
}

/** A stored day in a date field: JJ/MM/AAAA, '' when there is none. */
export function typedFromStored(value: unknown): string {
  return typeof value === 'string' ? showDay(value) : '';
}

/** What a filter takes from a typed date: the ISO day, or null when the field is empty or not
 *  understood (a screen checks `readDay` first and says so, see `unreadable`). */
export function filterDay(text: string): string | null {
  const r = readDay(text);
  return r.kind === 'day' ? r.iso : null;
}

/** What a form stores for a typed date: the ISO day, '' when nothing is typed (the core says
 *  whether the field is required), or null when the text is not a date: the form then says so
 *  (`date.field_not_a_date`) and saves nothing. */
export function dayToStore(text: string): string | null {
  const r = readDay(text);
  return r.kind === 'day' ? r.iso : r.kind === 'empty' ? '' : null;
}

/** The typed dates among `texts` that are not dates (to hold a query back and say why). */
export function unreadable(...texts: string[]): string[] {
  return texts.flatMap((t) => {
    const r = readDay(t);
    return r.kind === 'bad' ? [r.typed] : [];
  });
}

/** The weeks of a month as a calendar shows them, Monday first (as in Mali and France): each
 *  week has 7 cells, a day of the month or null for the cells before the 1st and after the end. */
export function monthWeeks(year: number, month: number): (number | null)[][] {
  // getUTCDay: 0 = Sunday; shifted so that Monday = 0.
  const lead = (new Date(Date.UTC(year, month - 1, 1)).getUTCDay() + 6) % 7;
  const cells: (number | null)[] = Array(lead).fill(null);
  for (let d = 1; d <= daysInMonth(year, month); d++) cells.push(d);
  while (cells.length % 7 !== 0) cells.push(null);
  const weeks: (number | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

/** The ISO day `days` after `iso` (negative: before), across months and years. */
export function addDays(iso: string, days: number): string {
  const p = dayParts(iso);
  if (!p) return iso;
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + days));
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** The same day `months` later (or earlier), kept inside the month: 31/01 + 1 month = 28/02. */
export function addMonths(iso: string, months: number): string {
  const p = dayParts(iso);
  if (!p) return iso;
  const index = p.year * 12 + (p.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return isoDay(year, month, Math.min(p.day, daysInMonth(year, month))) ?? iso;
}
