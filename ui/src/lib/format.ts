// Plain helpers shared by the screens and the tests: no Svelte, no IPC.
export type Lang = 'fr' | 'en';

export function format(text: string, params: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** A list typed as "a, b, c" → ["a", "b", "c"] (empty items dropped). */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** A stored list (JSON array from the core) shown for editing as "a, b, c". */
export function joinList(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(', ') : '';
}

/** An RFC 3339 time shown as "02/03/2026 14:05" (local time; the day as every date is shown,
 *  see lib/dates). */
export function shortTime(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Today as YYYY-MM-DD in local time (a session recorded at 23:30 in Bamako is today's). */
export function today(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Text as searches compare it: lower case, accents removed, typographic apostrophes plain
 *  (as the core's `fold`), so « segou » finds « Ségou ». */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replaceAll('’', "'");
}

/** Whether `hay` holds every word typed (in any order); nothing typed matches everything. */
export function hasWords(hay: string, typed: string): boolean {
  const folded = fold(hay);
  return fold(typed)
    .split(/\s+/)
    .filter((w) => w !== '')
    .every((w) => folded.includes(w));
}
