// The language of the UI. French by default; the choice is stored in the local store through
// the settings command, so it survives a restart.
import { en, fr, type Key } from './catalogue';
import { format, type Lang } from './format';

const catalogues: Record<Lang, Record<Key, string>> = { fr, en };

class I18n {
  lang = $state<Lang>('fr');
}

export const i18n = new I18n();

/** The text for `key` in the current language, with `{name}` placeholders filled in. */
export function t(key: Key, params: Record<string, string | number> = {}): string {
  return format(catalogues[i18n.lang][key] ?? key, params);
}

/** The label of a value of one of the core's choice fields (e.g. `label('sex', 'female')`). */
export function label(field: string, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return t('common.none');
  const key = `${field}.${value}` as Key;
  return key in fr ? t(key) : value;
}

/** Whether the catalogue has this key (for labels built from data). */
export function has(key: string): key is Key {
  return key in fr;
}
