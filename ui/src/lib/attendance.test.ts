import { describe, expect, it } from 'vitest';
import {
  ageBandOf,
  cellKey,
  computeTotals,
  lineFields,
  parseAge,
  sexTotalsText,
  tallyGrid,
  tallyOps,
  type StoredTally,
} from './attendance';

describe('computeTotals', () => {
  it('counts 3 women and 2 men from five lines, by actor group', () => {
    const t = computeTotals([
      { sex: 'female', actor_group: 'womens_association', age_band: '25_35' },
      { sex: 'female', actor_group: 'womens_association', age_band: '36_59' },
      { sex: 'female', actor_group: 'youth', age_band: '18_24' },
      { sex: 'male', actor_group: 'youth', age_band: '18_24' },
      { sex: 'male', actor_group: 'police', age_band: '36_59' },
    ]);
    expect([t.women, t.men, t.total]).toEqual([3, 2, 5]);
    expect(t.byActor.get('womens_association')).toEqual({ women: 2, men: 0 });
    expect(t.byActor.get('youth')).toEqual({ women: 1, men: 1 });
    expect(t.byActor.get('police')).toEqual({ women: 0, men: 1 });
    expect(t.byAge.get('18_24')).toEqual({ women: 1, men: 1 });
  });

  it('adds tally counts to the lines and files missing groups under unknown', () => {
    const t = computeTotals(
      [{ sex: 'male' }],
      [
        { sex: 'female', age_band: '18_24', actor_group: 'youth', count: 12 },
        { sex: 'male', age_band: null, actor_group: null, count: 4 },
      ],
    );
    expect([t.women, t.men, t.total]).toEqual([12, 5, 17]);
    expect(t.byActor.get('unknown')).toEqual({ women: 0, men: 5 });
    expect(t.byAge.get('unknown')).toEqual({ women: 0, men: 5 });
  });

  it('ignores lines without a sex and non-positive or broken counts', () => {
    const t = computeTotals([{ sex: null }], [
      { sex: 'female', count: 0 },
      { sex: 'female', count: -3 },
      { sex: 'male', count: Number.NaN },
    ]);
    expect(t.total).toBe(0);
    expect(t.byActor.size).toBe(0);
  });

  it('handles a large session quickly', () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => ({
      sex: i % 3 === 0 ? 'male' : 'female',
      actor_group: i % 2 ? 'youth' : 'civil_society',
    }));
    const t = computeTotals(lines);
    expect(t.total).toBe(10_000);
    expect(t.men).toBe(3334);
  });
});

describe('sexTotalsText', () => {
  it('reads like a person would say it', () => {
    expect(sexTotalsText({ women: 3, men: 2 }, 'en')).toBe('3 women, 2 men');
    expect(sexTotalsText({ women: 3, men: 2 }, 'fr')).toBe('3 femmes, 2 hommes');
    expect(sexTotalsText({ women: 1, men: 1 }, 'en')).toBe('1 woman, 1 man');
    expect(sexTotalsText({ women: 1, men: 0 }, 'fr')).toBe('1 femme, 0 homme');
    expect(sexTotalsText({ women: 0, men: 0 }, 'en')).toBe('0 women, 0 men');
  });
});

describe('ages', () => {
  it('files ages in the core’s bands', () => {
    expect([17, 18, 24, 25, 35, 36, 59, 60, 120].map(ageBandOf)).toEqual([
      'under_18', '18_24', '18_24', '25_35', '25_35', '36_59', '36_59', '60_plus', '60_plus',
    ]);
  });

  it('parses what was typed', () => {
    expect(parseAge('')).toEqual({ kind: 'empty' });
    expect(parseAge(' 34 ')).toEqual({ kind: 'age', age: 34 });
    expect(parseAge('3a')).toEqual({ kind: 'invalid' });
    expect(parseAge('-4')).toEqual({ kind: 'invalid' });
  });
});

describe('tally grid', () => {
  const stored: StoredTally[] = [
    { id: 'a', sex: 'female', age_band: '18_24', actor_group: 'youth', count: 5 },
    { id: 'b', sex: 'male', age_band: '18_24', actor_group: 'youth', count: 2 },
    { id: 'c', sex: 'male', age_band: '25_35', actor_group: 'police', count: 1 },
    { id: 'd', sex: 'male', age_band: '25_35', actor_group: 'police', count: 3 },
  ];

  it('round-trips the stored cells without writes', () => {
    const grid = tallyGrid(stored.slice(0, 2));
    expect(grid.get(cellKey('female', '18_24', 'youth'))).toBe(5);
    expect(tallyOps(stored.slice(0, 2), grid)).toEqual([]);
  });

  it('creates, updates, deletes and folds duplicated cells', () => {
    const grid = tallyGrid(stored);
    grid.set(cellKey('female', '18_24', 'youth'), 7);
    grid.set(cellKey('male', '18_24', 'youth'), 0);
    grid.set(cellKey('female', '60_plus', 'religious_authority'), 4);
    const ops = tallyOps(stored, grid);
    expect(ops).toEqual([
      { op: 'update', id: 'a', fields: { count: 7 } },
      { op: 'delete', id: 'b' },
      { op: 'delete', id: 'd' },
      { op: 'update', id: 'c', fields: { count: 4 } },
      {
        op: 'create',
        fields: { sex: 'female', age_band: '60_plus', actor_group: 'religious_authority', count: 4 },
      },
    ]);
  });
});

describe('lineFields', () => {
  const base = { code: '', sex: 'female', age: '', ageBand: '', actor: 'youth', institution: '', role: '', consent: 'given' };

  it('sends an exact age without a band, and no code so the core makes one', () => {
    const f = lineFields({ ...base, age: ' 31 ', ageBand: '60_plus' });
    expect(f.age).toBe(31);
    expect('age_band' in f).toBe(false);
    expect('code' in f).toBe(false);
  });

  it('sends the band when no age is known, clearing the age', () => {
    expect(lineFields({ ...base, ageBand: '36_59', code: ' P9 ' })).toMatchObject({
      age: null,
      age_band: '36_59',
      code: 'P9',
    });
  });

  it('passes a bad age through for the core to refuse', () => {
    expect(lineFields({ ...base, age: '1a' }).age).toBe('1a');
  });
});
