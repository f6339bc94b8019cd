// The logic of filling a questionnaire (screens/Response.svelte, components/forms/): which page
// shows what, the keys that turn pages, how a typed value becomes the stored one (ODK's text
// forms, docs/design/forms.md "Values") and back, which message shows at an item, and the
// names of the form's languages. No I/O here: the core evaluates the form and checks values.
//
// The engine's Evaluation types (bindings/Item, bindings/Page, generated from forms/engine) are
// read through the few fields this logic needs, so that it runs on any Item or Page given.

/** The fields of an engine `Item` this logic reads. */
export interface Item {
  path: string;
  name: string;
  kind: { type: string; question?: { type: string } };
  relevant: boolean;
  value: string | null;
  label: string;
  error: string | null;
  appearance: string[];
}

/** The fields of an engine `Page` this logic reads. */
export interface Page {
  title: string;
  path: string;
  items: string[];
}

/** The page (0-based) that shows `path`: the page listing it, else the page of the repeat
 *  instance or group holding it; -1 when no page shows it (an irrelevant question). */
export function pageOf(pages: Page[], path: string): number {
  const exact = pages.findIndex((p) => p.path === path || p.items.includes(path));
  if (exact >= 0) return exact;
  let best = -1;
  let bestLength = -1;
  pages.forEach((p, i) => {
    if (path.startsWith(`${p.path}/`) && p.path.length > bestLength) {
      best = i;
      bestLength = p.path.length;
    }
  });
  return best;
}

/** The page to stay on after the form was evaluated again (an answer may show or hide pages):
 *  the same page when it is still there, else the one now at its place. */
export function keepPage(before: Page[], index: number, after: Page[]): number {
  if (after.length === 0) return 0;
  const path = before[index]?.path;
  const same = path === undefined ? -1 : after.findIndex((p) => p.path === path);
  if (same >= 0) return same;
  return Math.min(Math.max(index, 0), after.length - 1);
}

/** What a key does to the page: Alt+→ or Page Down the next, Alt+← or Page Up the previous. */
export function pageKey(e: {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}): 'next' | 'previous' | null {
  if (e.ctrlKey || e.metaKey || e.shiftKey) return null;
  if (e.altKey) {
    if (e.key === 'ArrowRight') return 'next';
    if (e.key === 'ArrowLeft') return 'previous';
    return null;
  }
  if (e.key === 'PageDown') return 'next';
  if (e.key === 'PageUp') return 'previous';
  return null;
}

/** A page's name in the index: its title, else its first item's label, else its name. */
export function pageTitle(page: Page, items: Map<string, Item>): string {
  if (page.title.trim() !== '') return page.title;
  const first = items.get(page.items[0] ?? page.path) ?? items.get(page.path);
  if (!first) return page.path;
  return first.label.trim() !== '' ? first.label : first.name;
}

/** The items by path. */
export function byPath(items: Item[]): Map<string, Item> {
  return new Map(items.map((i) => [i.path, i]));
}

/** The instances of the repeat at `repeatPath`, in order (`members[k3f9q2ab]`). */
export function instancesOf(items: Item[], repeatPath: string): Item[] {
  return items.filter(
    (i) => i.kind.type === 'instance' && i.path.startsWith(`${repeatPath}[`) && !i.path.slice(repeatPath.length).includes('/'),
  );
}

/** The choice names of a select_multiple value ("a c" → ["a", "c"]). */
export function chosen(value: string | null | undefined): string[] {
  return (value ?? '').split(/\s+/).filter((n) => n !== '');
}

/** A select_multiple value after ticking (`on`) or unticking `name`: the names in the order of
 *  the choices (`order`), space-separated; null when none is left. */
export function toggleChoice(value: string | null | undefined, name: string, on: boolean, order: string[]): string | null {
  const now = new Set(chosen(value));
  if (on) now.add(name);
  else now.delete(name);
  const known = order.filter((n) => now.has(n));
  const others = [...now].filter((n) => !order.includes(n));
  const all = [...known, ...others];
  return all.length ? all.join(' ') : null;
}

/** A number as typed in French or English (« 3,5 », « 1 200 ») as stored (3.5, 1200); null when
 *  nothing is typed. What is not a number is kept as typed: the core says what is wrong. */
export function numberToStore(text: string): string | null {
  const typed = text.trim();
  if (typed === '') return null;
  const compact = typed.replace(/[\s\u00a0\u202f]/g, '');
  if (/^[-+]?\d+(,\d+)?$/.test(compact)) return compact.replace(',', '.').replace(/^\+/, '');
  if (/^[-+]?\d*\.?\d+$/.test(compact)) return compact.replace(/^\+/, '');
  return typed;
}

/** A stored number as a person reads it in `lang` (3.5 → « 3,5 » in French). */
export function numberShown(value: string | null | undefined, lang: 'fr' | 'en'): string {
  if (!value) return '';
  return lang === 'fr' && /^-?\d*\.\d+$/.test(value) ? value.replace('.', ',') : value;
}

/** A time as typed (« 14:30 », « 14h30 », « 9h ») as stored (14:30:00); null when empty; kept as
 *  typed when it is not a time (the core says so). */
export function timeToStore(text: string): string | null {
  const typed = text.trim();
  if (typed === '') return null;
  const m = /^(\d{1,2})\s*[:hH.]\s*(\d{2})?(?:\s*:\s*(\d{2}))?$/.exec(typed);
  if (!m) return typed;
  const [h, min, s] = [Number(m[1]), Number(m[2] ?? '0'), Number(m[3] ?? '0')];
  if (h > 23 || min > 59 || s > 59) return typed;
  return [h, min, s].map((n) => String(n).padStart(2, '0')).join(':');
}

/** A stored time as shown: 14:30 (seconds only when there are some). */
export function timeShown(value: string | null | undefined): string {
  if (!value) return '';
  const m = /^(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!m) return value;
  return m[3] && m[3] !== '00' ? `${m[1]}:${m[2]}:${m[3]}` : `${m[1]}:${m[2]}`;
}

/** The day and time parts of a stored dateTime (2025-03-01T14:30:00). */
export function dateTimeParts(value: string | null | undefined): { day: string; time: string } {
  if (!value) return { day: '', time: '' };
  const [day, time = ''] = value.split('T');
  return { day, time };
}

/** A dateTime to store from an ISO day and a stored time; null when the day is missing, the
 *  time then midnight. */
export function dateTimeToStore(day: string | null, time: string | null): string | null {
  if (!day) return null;
  return `${day}T${time ?? '00:00:00'}`;
}

/** A language key of the form as people read it: « Français (fr) » → « Français »; the
 *  unsuffixed label column is named by `plain`. */
export function languageName(key: string, plain: string): string {
  if (key === '') return plain;
  const name = key.replace(/\s*\([^)]*\)\s*$/, '').trim();
  return name || key;
}

/** The language code a key carries (« Français (fr) » → fr), lowercase, or null. */
export function languageCode(key: string): string | null {
  const m = /\(([^)]+)\)\s*$/.exec(key);
  return m ? m[1].trim().toLowerCase() : null;
}

/** The form language to show first: the one in the person's language when the form has it
 *  (an enumerator working in French gets the French labels), else the form's default. */
export function startLanguage(languages: string[], defaultLanguage: string | null, uiLang: string): string | null {
  const mine = languages.find((k) => languageCode(k) === uiLang);
  return mine ?? defaultLanguage ?? null;
}

/** The message shown at an item: a value that breaks a constraint or does not fit is said at
 *  once; a required question left empty only after it was left or a finalise was tried. */
export function shownError(item: Item, touched: ReadonlySet<string>, tried: boolean): string | null {
  if (!item.error || !item.relevant) return null;
  const answered = item.value !== null && item.value !== '';
  return answered || tried || touched.has(item.path) ? item.error : null;
}

/** What a question is, for the renderer. */
export type Widget =
  | 'text'
  | 'multiline'
  | 'integer'
  | 'decimal'
  | 'date'
  | 'time'
  | 'datetime'
  | 'radio'
  | 'dropdown'
  | 'checkboxes'
  | 'acknowledge'
  | 'range'
  | 'geopoint'
  | 'note'
  | 'calculated'
  | 'other'
  | 'repeat'
  | 'none';

/** The widget of an item, from its kind and appearance. */
export function widgetOf(item: Item): Widget {
  const k = item.kind;
  if (k.type === 'other') return 'other';
  if (k.type === 'repeat') return 'repeat';
  if (k.type !== 'question') return 'none';
  const q = k.question ?? { type: '' };
  const minimal = item.appearance.includes('minimal');
  switch (q.type) {
    case 'text':
      return item.appearance.includes('multiline') ? 'multiline' : 'text';
    case 'integer':
      return 'integer';
    case 'decimal':
      return 'decimal';
    case 'date':
      return 'date';
    case 'time':
      return 'time';
    case 'date_time':
      return 'datetime';
    case 'select_one':
      return minimal ? 'dropdown' : 'radio';
    case 'select_multiple':
      return 'checkboxes';
    case 'acknowledge':
      return 'acknowledge';
    case 'range':
      return 'range';
    case 'geopoint':
      return 'geopoint';
    case 'note':
      return 'note';
    case 'calculate':
      return 'calculated';
  }
  return 'none';
}
