import { describe, expect, it } from 'vitest';
import { en, fr } from './catalogue';
import { CHOICE_LISTS } from './bindings/vocabulary';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogue', () => {
  it('has the same keys in French and English, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
    for (const [k, v] of [...Object.entries(fr), ...Object.entries(en)]) {
      expect(v.trim(), k).not.toBe('');
    }
  });

  it('uses the same placeholders in both languages', () => {
    for (const k of Object.keys(fr) as (keyof typeof fr)[]) {
      expect(placeholders(en[k]), k).toEqual(placeholders(fr[k]));
    }
  });

  it('holds only UI text: entity, field and choice labels come from the vocabulary', () => {
    const vocabulary = ['entity', 'field', ...Object.keys(CHOICE_LISTS)];
    const strays = Object.keys(fr).filter((k) => vocabulary.includes(k.split('.')[0]));
    expect(strays).toEqual([]);
  });
});
