import { describe, expect, it } from 'vitest';
import { fold, hasWords } from './format';

describe('search words', () => {
  it('fold case, accents and apostrophes', () => {
    expect(fold('Ségou')).toBe('segou');
    expect(fold('KEÏTA')).toBe('keita');
    expect(fold('Côte d’Ivoire')).toBe("cote d'ivoire");
  });

  it('match every typed word, in any order, and everything when nothing is typed', () => {
    expect(hasWords('Consultations Ségou 2026 · AMSS · Union européenne', 'segou europeenne')).toBe(true);
    expect(hasWords('Consultations Ségou 2026', 'segou kayes')).toBe(false);
    expect(hasWords('Consultations Ségou 2026', '  ')).toBe(true);
  });
});
