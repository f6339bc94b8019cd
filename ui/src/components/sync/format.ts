// Plain helpers of the Sync screen (no Svelte, no IPC), tested in format.test.ts.
import type { Lang } from '../../lib/format';
import type { TaskProgress } from '../../lib/bindings/TaskProgress';

/** One study's line in a summary of what a sync or an import brought. */
export interface SummaryLine {
  study: string;
  new_records: number;
  updated_fields: number;
  conflicts: number;
  /** Bundles: changes already held. Hub syncs: changes received. */
  extra: number;
}

/** 0.25 → "0,3" (fr) / "0.3" (en): one decimal, the language's separator. */
export function decimal(n: number, lang: Lang): string {
  const text = n.toFixed(1);
  return lang === 'fr' ? text.replace('.', ',') : text;
}

/** 1536 → "1,5 Ko" (fr) / "1.5 KB" (en). */
export function bytes(n: number, lang: Lang): string {
  const units = lang === 'fr' ? ['o', 'Ko', 'Mo', 'Go'] : ['B', 'KB', 'MB', 'GB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const text = i === 0 || v >= 10 ? String(Math.round(v)) : decimal(v, lang);
  return `${text} ${units[i]}`;
}

/** A clock offset in ms as "+2 j 3 h", "−45 min", "0 min" (fr) or "+2 d 3 h" (en). */
export function offset(ms: number, lang: Lang): string {
  const sign = ms > 0 ? '+' : ms < 0 ? '−' : '';
  let rest = Math.round(Math.abs(ms) / 60000);
  const days = Math.floor(rest / 1440);
  rest -= days * 1440;
  const hours = Math.floor(rest / 60);
  const minutes = rest - hours * 60;
  const d = lang === 'fr' ? 'j' : 'd';
  const parts: string[] = [];
  if (days) parts.push(`${days} ${d}`);
  if (hours) parts.push(`${hours} h`);
  if (minutes || parts.length === 0) parts.push(`${minutes} min`);
  return sign + parts.slice(0, 2).join(' ');
}

/** Share of the work done, 0–100, or null when the total is not known (an indeterminate bar). */
export function percent(p: TaskProgress | null): number | null {
  if (!p) return null;
  if (p.stage === 'done') return 100;
  if (p.total <= 0) return null;
  return Math.min(100, Math.round((p.done / p.total) * 100));
}

/** A conflict value shown as text: lists joined, booleans as words, nothing as a dash. */
export function valueText(
  v: unknown,
  labelOf: (value: string) => string,
  words: { yes: string; no: string; none: string },
): string {
  if (v === null || v === undefined || v === '') return words.none;
  if (typeof v === 'boolean') return v ? words.yes : words.no;
  if (Array.isArray(v)) return v.map((x) => valueText(x, labelOf, words)).join(', ');
  if (typeof v === 'string') return labelOf(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The shortest readable form of a device: its name, else the start of its node id. */
export function deviceName(node: string, label: string | null | undefined): string {
  return label && label.trim() ? label : node.slice(0, 8);
}
