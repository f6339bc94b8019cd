import { describe, expect, it } from 'vitest';
import { en, fr } from './catalogue';
import { HELP } from './help';

const sentences = (s: string) => s.split(/[.!?](\s|$)/).filter((p) => p.trim().length > 1).length;

describe('help next to jargon', () => {
  it('names each term and explains it in one or two sentences, in French and English', () => {
    for (const [name, { term, text }] of Object.entries(HELP)) {
      for (const lang of [fr, en]) {
        expect(lang[term].trim(), name).not.toBe('');
        expect(sentences(lang[text]), `${name}: ${lang[text]}`).toBeGreaterThanOrEqual(1);
        expect(sentences(lang[text]), `${name}: ${lang[text]}`).toBeLessThanOrEqual(2);
      }
    }
  });

  it('covers the words of the field review', () => {
    const terms = Object.values(HELP).map(({ term }) => fr[term]);
    for (const word of ['hub', 'paquet', 'relais', 'conflit', 'clé d’étude', 'code d’invitation']) {
      expect(terms).toContain(word);
    }
  });
});
