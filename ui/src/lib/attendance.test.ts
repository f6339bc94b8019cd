import { describe, expect, it } from 'vitest';
import {
  ageBandOf,
  cellKey,
  computeTotals,
  duplicateCode,
  emptyLine,
  lineFields,
  nextLine,
  parseAge,
  runningText,
  sameLine,
  sexTotalsText,
  tallyCellProblem,
  tallyGrid,
  tallyOps,
  tallyTotals,
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

describe('carry-over', () => {
  const saved = {
    code: 'P7',
    sex: 'female',
    age: '34',
    ageBand: '',
    actor: 'womens_association',
    institution: 'Coopérative Benkadi',
    role: 'trésorière',
    consent: 'refused',
  };

  it('asks consent again and carries only what a group shares', () => {
    const { line, carried } = nextLine(saved, true);
    expect(line.consent).toBe('');
    expect([line.code, line.age, line.ageBand, line.role]).toEqual(['', '', '', '']);
    expect([line.sex, line.actor, line.institution]).toEqual(['female', 'womens_association', 'Coopérative Benkadi']);
    expect(carried).toEqual(['sex', 'actor', 'institution']);
  });

  it('marks nothing as carried when the saved line left it empty', () => {
    const { carried } = nextLine({ ...saved, institution: ' ', actor: '' }, true);
    expect(carried).toEqual(['sex']);
  });

  it('starts from an empty row when carry-over is off', () => {
    const { line, carried } = nextLine(saved, false);
    expect(sameLine(line, emptyLine())).toBe(true);
    expect(carried).toEqual([]);
  });
});

describe('runningText', () => {
  it('counts lines, women and men as the totals box does', () => {
    const lines = [
      ...Array.from({ length: 16 }, () => ({ sex: 'female' })),
      ...Array.from({ length: 14 }, () => ({ sex: 'male' })),
    ];
    expect(runningText(lines, 'fr')).toBe('30 lignes · 16 F / 14 H');
    expect(runningText(lines, 'en')).toBe('30 lines · 16 W / 14 M');
    expect(runningText([{ sex: 'male' }], 'en')).toBe('1 line · 0 W / 1 M');
    expect(runningText([], 'fr')).toBe('0 ligne · 0 F / 0 H');
  });
});

describe('duplicateCode', () => {
  const lines = [
    { id: 'a', code: 'P001-3F9A' },
    { id: 'b', code: 'K12' },
  ];

  it('names the line that already holds the code, whatever its case and spaces', () => {
    expect(duplicateCode(' k12 ', lines, null)).toEqual({ line: lines[1], number: 2 });
  });

  it('ignores an empty code, a free code, and the line being edited', () => {
    expect(duplicateCode('  ', lines, null)).toBeNull();
    expect(duplicateCode('K13', lines, null)).toBeNull();
    expect(duplicateCode('K12', lines, 'b')).toBeNull();
  });
});

describe('tally cells as typed', () => {
  it('tells a negative from a word', () => {
    expect(['', ' 12 ', '0'].map(tallyCellProblem)).toEqual([null, null, null]);
    expect(['-3', '- 2', '-1,5'].map(tallyCellProblem)).toEqual(['negative', 'negative', 'negative']);
    expect(['abc', '1,5', '3-', '1e3'].map(tallyCellProblem)).toEqual(['not_whole', 'not_whole', 'not_whole', 'not_whole']);
  });

  it('totals rows, columns and the whole grid, leaving bad cells out', () => {
    const typed = {
      [cellKey('female', '18_24', 'youth')]: '12',
      [cellKey('male', '18_24', 'youth')]: '4',
      [cellKey('female', '25_35', 'youth')]: '-3',
      [cellKey('female', '18_24', 'police')]: '2',
      [cellKey('male', '60_plus', 'police')]: 'abc',
    };
    const t = tallyTotals(typed, ['female', 'male'], ['18_24', '25_35', '60_plus'], ['youth', 'police']);
    expect(t.rows.get('youth')).toEqual(new Map([['female', 12], ['male', 4]]));
    expect(t.rows.get('police')).toEqual(new Map([['female', 2], ['male', 0]]));
    expect(t.columns.get('female|18_24')).toBe(14);
    expect(t.columns.get('female|25_35')).toBe(0);
    expect(t.bySex.get('female')).toBe(14);
    expect(t.bySex.get('male')).toBe(4);
    expect(t.all).toBe(18);
  });
});
