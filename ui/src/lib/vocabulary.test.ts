import { beforeEach, describe, expect, it } from 'vitest';
import { CHOICE_LISTS, ENTITY_LABELS, FIELD_LABELS, NOT_RECORDED, type Label } from './bindings/vocabulary';
import { choices, entityLabel, fieldLabel, fieldValue, i18n, label } from './i18n.svelte';

const both = (l: Label) => [l.fr, l.en];

describe('vocabulary (generated from the core)', () => {
  beforeEach(() => {
    i18n.lang = 'fr';
  });

  it('has a French and an English label for every value, entity and field', () => {
    for (const [name, list] of Object.entries(CHOICE_LISTS)) {
      expect(list.length, name).toBeGreaterThan(0);
      for (const c of list) for (const text of both(c)) expect(text.trim(), `${name}.${c.value}`).not.toBe('');
    }
    for (const [entity, l] of Object.entries(ENTITY_LABELS)) {
      for (const text of both(l)) expect(text.trim(), entity).not.toBe('');
    }
    for (const [entity, fields] of Object.entries(FIELD_LABELS)) {
      expect(Object.keys(fields), entity).toContain('deleted');
      for (const [field, l] of Object.entries(fields)) {
        for (const text of both(l)) expect(text.trim(), `${entity}.${field}`).not.toBe('');
        if (l.list !== null) expect(Object.keys(CHOICE_LISTS), `${entity}.${field}`).toContain(l.list);
      }
    }
    for (const text of both(NOT_RECORDED)) expect(text.trim()).not.toBe('');
  });

  it('shows a label on its own capitalised, with typographic apostrophes', () => {
    expect(label('sex', 'female')).toBe('Femme');
    expect(fieldLabel('session', 'title')).toBe('Intitulé');
    expect(fieldLabel('participant', 'age_band')).toBe('Tranche d’âge');
    expect(entityLabel('study')).toBe('Étude');
    i18n.lang = 'en';
    expect(label('actor_group', 'womens_association')).toBe('Women’s association');
    expect(label('session_type', 'focus_group')).toBe('Focus group');
  });

  it('reads missing and unknown values', () => {
    expect(label('session_type', null)).toBe('—');
    expect(label('age_band', 'unknown')).toBe('Non renseigné');
    // A list with a value named "unknown" keeps its own label.
    expect(label('consent', 'unknown')).toBe('Inconnu');
    expect(label('session_type', 'picnic')).toBe('picnic');
    expect(fieldLabel('study', 'colour')).toBe('colour');
  });

  it('labels a field value through the field’s list, and leaves text as it is', () => {
    expect(fieldValue('study', 'status', 'ongoing')).toBe('En cours');
    expect(fieldValue('recommendation', 'status', 'in_progress')).toBe('En cours');
    expect(fieldValue('study', 'title', 'ongoing')).toBe('ongoing');
    expect(choices('recommendation_level')).toEqual(['local', 'regional', 'national']);
  });
});
