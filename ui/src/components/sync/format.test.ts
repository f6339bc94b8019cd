import { describe, expect, it } from 'vitest';
import { bytes, decimal, deviceName, offset, percent, valueText } from './format';

const words = { yes: 'oui', no: 'non', none: '—' };
const progress = (stage: string, done: number, total: number) => ({
  task: 'hub' as const,
  stage,
  done,
  total,
  sent: 0,
  received: 0,
});

describe('sync formatting', () => {
  it('writes sizes in each language', () => {
    expect(bytes(512, 'fr')).toBe('512 o');
    expect(bytes(1536, 'fr')).toBe('1,5 Ko');
    expect(bytes(1536, 'en')).toBe('1.5 KB');
    expect(bytes(50 * 1024 * 1024, 'en')).toBe('50 MB');
    expect(decimal(0.25, 'fr')).toBe('0,3');
    expect(decimal(12, 'en')).toBe('12.0');
  });

  it('writes clock offsets with a sign, two units at most', () => {
    expect(offset(0, 'fr')).toBe('0 min');
    expect(offset(-45 * 60000, 'fr')).toBe('−45 min');
    expect(offset((2 * 1440 + 3 * 60 + 5) * 60000, 'fr')).toBe('+2 j 3 h');
    expect(offset(10 * 365 * 1440 * 60000, 'en')).toBe('+3650 d');
  });

  it('knows when a bar can show a share of the work', () => {
    expect(percent(null)).toBeNull();
    expect(percent(progress('pulling', 40, 0))).toBeNull();
    expect(percent(progress('pushing', 25, 100))).toBe(25);
    expect(percent(progress('pushing', 150, 100))).toBe(100);
    expect(percent(progress('done', 0, 0))).toBe(100);
  });

  it('shows conflict values as a person reads them', () => {
    const label = (v: string) => (v === 'female' ? 'Femme' : v);
    expect(valueText('female', label, words)).toBe('Femme');
    expect(valueText(['fr', 'bm'], label, words)).toBe('fr, bm');
    expect(valueText(true, label, words)).toBe('oui');
    expect(valueText(null, label, words)).toBe('—');
    expect(valueText(42, label, words)).toBe('42');
  });

  it('names devices', () => {
    expect(deviceName('0192ab34-5678', null)).toBe('0192ab34');
    expect(deviceName('0192ab34-5678', 'PC Mopti')).toBe('PC Mopti');
  });
});
