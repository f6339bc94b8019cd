// The language of the UI. French by default; the choice is stored in the local store through
// the settings command, so it survives a restart.
//
// Two sources of words: the UI's own text (catalogue.ts, through `t`) and the domain's
// vocabulary — entity, field and choice labels — generated from the core
// (bindings/vocabulary.ts, through `label`, `fieldLabel`, `entityLabel`, `choices`).
import { en, fr, type Key } from './catalogue';
import { format, type Lang } from './format';
import type { Entity } from './bindings/Entity';
import {
  CHOICE_LISTS,
  ENTITY_LABELS,
  FIELD_LABELS,
  NOT_RECORDED,
  UNKNOWN,
  type Choice,
  type ChoiceListName,
  type Label,
} from './bindings/vocabulary';

/** The values a choice list allows, as literal types. */
export type ChoiceValue<L extends ChoiceListName> = (typeof CHOICE_LISTS)[L][number]['value'];

const catalogues: Record<Lang, Record<Key, string>> = { fr, en };

class I18n {
  lang = $state<Lang>('fr');
}

export const i18n = new I18n();

/** The text for `key` in the current language, with `{name}` placeholders filled in. */
export function t(key: Key, params: Record<string, string | number> = {}): string {
  return format(catalogues[i18n.lang][key] ?? key, params);
}

/** Whether the catalogue has this key (for keys built from data). */
export function has(key: string): key is Key {
  return key in fr;
}

/**
 * A vocabulary label as the UI shows it on its own (a form label, a cell, a menu item): the
 * core writes labels as they read inside a sentence, so the first letter is capitalised and
 * apostrophes made typographic here.
 */
export function shown(l: Label, lang: Lang = i18n.lang): string {
  const text = l[lang].replaceAll("'", '’');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The allowed values of a choice list, in the order the drop-downs offer them. */
export function choices<L extends ChoiceListName>(list: L): ChoiceValue<L>[] {
  return (CHOICE_LISTS[list] as readonly Choice[]).map((c) => c.value as ChoiceValue<L>);
}

/** How a missing value reads in counts ("Non renseigné"). */
export function notRecorded(): string {
  return shown(NOT_RECORDED);
}

/**
 * The label of a value of a choice list (e.g. `label('sex', 'female')` → "Femme"); "—" for no
 * value, "Non renseigné" for the key statistics count missing values under, and the value
 * itself when the list does not hold it.
 */
export function label(list: ChoiceListName, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return t('common.none');
  const found = (CHOICE_LISTS[list] as readonly Choice[]).find((c) => c.value === value);
  if (found) return shown(found);
  return value === UNKNOWN ? notRecorded() : value;
}

/** An entity's name (e.g. "Séance"). */
export function entityLabel(entity: Entity): string {
  return shown(ENTITY_LABELS[entity]);
}

/** A field's label (e.g. `fieldLabel('session', 'title')` → "Intitulé"), or its name if unknown. */
export function fieldLabel(entity: Entity, field: string): string {
  const f = FIELD_LABELS[entity][field];
  return f ? shown(f) : field;
}

/** A stored text value of a field as people read it: a choice's label, else the text itself. */
export function fieldValue(entity: Entity, field: string, value: string): string {
  const list = FIELD_LABELS[entity][field]?.list;
  return list ? label(list, value) : value;
}
