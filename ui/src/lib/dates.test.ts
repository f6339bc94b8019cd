import { describe, expect, it } from 'vitest';
import { shortTime } from './format';
import { addDays, addMonths, dayToStore, filterDay, looksWhole, monthWeeks, readDay, showDay, typedFromStored, unreadable } from './dates';

describe('readDay', () => {
  it('reads JJ/MM/AAAA as people in Mali write it', () => {
    expect(readDay('01/03/2025')).toEqual({ kind: 'day', iso: '2025-03-01' });
    expect(readDay('1/3/2025')).toEqual({ kind: 'day', iso: '2025-03-01' });
    expect(readDay(' 01.03.2025 ')).toEqual({ kind: 'day', iso: '2025-03-01' });
    expect(readDay('01-03-2025')).toEqual({ kind: 'day', iso: '2025-03-01' });
    expect(readDay('29/02/2024')).toEqual({ kind: 'day', iso: '2024-02-29' });
  });

  it('keeps accepting AAAA-MM-JJ', () => {
    expect(readDay('2025-03-01')).toEqual({ kind: 'day', iso: '2025-03-01' });
    expect(readDay('2025/3/1')).toEqual({ kind: 'day', iso: '2025-03-01' });
  });

  it('says empty for nothing typed', () => {
    expect(readDay('')).toEqual({ kind: 'empty' });
    expect(readDay('   ')).toEqual({ kind: 'empty' });
  });

  it('refuses days that do not exist and text that is not a date', () => {
    for (const typed of ['31/02/2025', '29/02/2025', '00/03/2025', '01/13/2025', '32/01/2025', '2025-02-31', '2025-13-01', '01/03/25', '01/03/202', 'hier', '01/03', '1er mars 2025', '0000-01-01']) {
      expect(readDay(typed), typed).toEqual({ kind: 'bad', typed });
    }
  });
});

describe('looksWhole', () => {
  it('is true once a four-digit year is typed, so a wrong day is said at once', () => {
    expect(looksWhole('31/02/2025')).toBe(true);
    expect(looksWhole('2025-02-31')).toBe(true);
    expect(looksWhole('31/02/202')).toBe(false);
    expect(looksWhole('31/0')).toBe(false);
  });
});

describe('showDay', () => {
  it('shows a stored day JJ/MM/AAAA', () => {
    expect(showDay('2025-03-01')).toBe('01/03/2025');
    expect(showDay('0999-12-31')).toBe('31/12/0999');
  });

  it('shows anything else as it is, and nothing for no value', () => {
    expect(showDay('2025-02-31')).toBe('2025-02-31');
    expect(showDay('bientôt')).toBe('bientôt');
    expect(showDay(null)).toBe('');
    expect(showDay(undefined)).toBe('');
    expect(typedFromStored(42)).toBe('');
    expect(typedFromStored('2026-05-01')).toBe('01/05/2026');
  });

  it('shows a time with its day the same way', () => {
    // No offset: read as local time, as the app shows it.
    expect(shortTime('2026-03-02T14:05:00')).toBe('02/03/2026 14:05');
    expect(shortTime('pas une heure')).toBe('pas une heure');
  });

  it('reads back what it shows', () => {
    for (const iso of ['2025-03-01', '2024-02-29', '1999-12-31']) {
      expect(readDay(showDay(iso))).toEqual({ kind: 'day', iso });
    }
  });
});

describe('filters', () => {
  it('take a typed day as ISO, and nothing from an empty or wrong one', () => {
    expect(filterDay('01/03/2025')).toBe('2025-03-01');
    expect(filterDay('')).toBeNull();
    expect(filterDay('31/02/2025')).toBeNull();
  });

  it('list the typed dates that are not dates', () => {
    expect(unreadable('01/03/2025', '', '31/02/2025')).toEqual(['31/02/2025']);
    expect(unreadable('', '2025-03-01')).toEqual([]);
  });
});

describe('forms', () => {
  it('store a typed day as ISO, nothing typed as empty, and refuse a wrong one', () => {
    expect(dayToStore('01/03/2025')).toBe('2025-03-01');
    expect(dayToStore(' ')).toBe('');
    expect(dayToStore('31/02/2025')).toBeNull();
  });
});

describe('calendar', () => {
  it('lays out a month Monday first', () => {
    // 1 March 2025 was a Saturday.
    const weeks = monthWeeks(2025, 3);
    expect(weeks[0]).toEqual([null, null, null, null, null, 1, 2]);
    expect(weeks.at(-1)).toEqual([31, null, null, null, null, null, null]);
    expect(weeks.flat().filter((d) => d !== null)).toHaveLength(31);
    // February 2021 starts on a Monday and fills four weeks exactly.
    expect(monthWeeks(2021, 2)).toHaveLength(4);
  });

  it('moves by days and months across their ends', () => {
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(addDays('2025-03-03', 7)).toBe('2025-03-10');
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2025-01-15', -1)).toBe('2024-12-15');
    expect(addMonths('2024-12-15', 1)).toBe('2025-01-15');
  });
});
