import { describe, expect, it } from 'vitest';
import {
  chosen,
  dateTimeParts,
  dateTimeToStore,
  instancesOf,
  keepPage,
  languageName,
  numberShown,
  numberToStore,
  pageKey,
  pageOf,
  pageTitle,
  byPath,
  shownError,
  startLanguage,
  timeShown,
  timeToStore,
  toggleChoice,
  widgetOf,
} from './forms';
import type { Item, Page } from './forms';

function item(path: string, over: Partial<Item> = {}): Item {
  return {
    path,
    name: path.split('/').pop()!.replace(/\[.*\]$/, ''),
    kind: { type: 'question', question: { type: 'text' } },
    relevant: true,
    value: null,
    label: '',
    error: null,
    appearance: [],
    ...over,
  };
}

const pages: Page[] = [
  { title: '', path: 'name', items: ['name'] },
  { title: 'Ménage', path: 'household', items: ['size', 'head'] },
  { title: 'Membres', path: 'members', items: ['members'] },
  { title: 'Membre 1', path: 'members[aaaaaaaa]', items: ['members[aaaaaaaa]/age'] },
];

describe('pages', () => {
  it('finds the page of a question, of a field-list member and of an instance child', () => {
    expect(pageOf(pages, 'name')).toBe(0);
    expect(pageOf(pages, 'head')).toBe(1);
    expect(pageOf(pages, 'members[aaaaaaaa]/age')).toBe(3);
    // Not listed (irrelevant when the page was made) but inside the instance: its page.
    expect(pageOf(pages, 'members[aaaaaaaa]/job')).toBe(3);
    expect(pageOf(pages, 'nowhere')).toBe(-1);
  });

  it('stays on the same page when answers show or hide others, else on the page at its place', () => {
    const shown: Page[] = [pages[0], { title: '', path: 'why', items: ['why'] }, ...pages.slice(1)];
    expect(keepPage(pages, 1, shown)).toBe(2);
    const hidden = [pages[0], pages[2], pages[3]];
    expect(keepPage(pages, 1, hidden)).toBe(1);
    expect(keepPage(pages, 3, [pages[0]])).toBe(0);
    expect(keepPage(pages, 2, [])).toBe(0);
  });

  it('turns pages with Alt+arrows and Page Up/Down, nothing else', () => {
    const k = (key: string, mods: Partial<{ altKey: boolean; ctrlKey: boolean; shiftKey: boolean }> = {}) =>
      pageKey({ key, altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, ...mods });
    expect(k('ArrowRight', { altKey: true })).toBe('next');
    expect(k('ArrowLeft', { altKey: true })).toBe('previous');
    expect(k('PageDown')).toBe('next');
    expect(k('PageUp')).toBe('previous');
    expect(k('ArrowRight')).toBeNull();
    expect(k('PageDown', { ctrlKey: true })).toBeNull();
    expect(k('ArrowLeft', { altKey: true, shiftKey: true })).toBeNull();
  });

  it('names a page by its title, else its first question', () => {
    const items = byPath([item('name', { label: 'Votre nom' }), item('why', { name: 'why' })]);
    expect(pageTitle(pages[1], items)).toBe('Ménage');
    expect(pageTitle(pages[0], items)).toBe('Votre nom');
    expect(pageTitle({ title: '', path: 'why', items: ['why'] }, items)).toBe('why');
  });

  it('lists the instances of one repeat, not those of a repeat inside them', () => {
    const instance = { type: 'instance' };
    const items = [
      item('members', { kind: { type: 'repeat' } }),
      item('members[aaaaaaaa]', { kind: instance }),
      item('members[aaaaaaaa]/kids[bbbbbbbb]', { kind: instance }),
      item('members[cccccccc]', { kind: instance }),
      item('members_extra[dddddddd]', { kind: instance }),
    ];
    expect(instancesOf(items, 'members').map((i) => i.path)).toEqual(['members[aaaaaaaa]', 'members[cccccccc]']);
  });
});

describe('values', () => {
  it('ticks and unticks choices in the order of the list', () => {
    const order = ['a', 'b', 'c'];
    expect(toggleChoice(null, 'c', true, order)).toBe('c');
    expect(toggleChoice('c', 'a', true, order)).toBe('a c');
    expect(toggleChoice('a c', 'b', true, order)).toBe('a b c');
    expect(toggleChoice('a c', 'a', false, order)).toBe('c');
    expect(toggleChoice('c', 'c', false, order)).toBeNull();
    // A received name the list no longer offers stays, after the known ones.
    expect(toggleChoice('zz a', 'b', true, order)).toBe('a b zz');
    expect(chosen('  a   b ')).toEqual(['a', 'b']);
  });

  it('reads numbers as typed in French or English', () => {
    expect(numberToStore('3,5')).toBe('3.5');
    expect(numberToStore(' 1 200 ')).toBe('1200');
    expect(numberToStore('-12')).toBe('-12');
    expect(numberToStore('+7')).toBe('7');
    expect(numberToStore('.5')).toBe('.5');
    expect(numberToStore('')).toBeNull();
    expect(numberToStore('douze')).toBe('douze');
    expect(numberShown('3.5', 'fr')).toBe('3,5');
    expect(numberShown('3.5', 'en')).toBe('3.5');
    expect(numberShown(null, 'fr')).toBe('');
  });

  it('reads times as people write them', () => {
    expect(timeToStore('14:30')).toBe('14:30:00');
    expect(timeToStore('9h')).toBe('09:00:00');
    expect(timeToStore('9h05')).toBe('09:05:00');
    expect(timeToStore('14:30:15')).toBe('14:30:15');
    expect(timeToStore('25:00')).toBe('25:00');
    expect(timeToStore(' ')).toBeNull();
    expect(timeShown('14:30:00')).toBe('14:30');
    expect(timeShown('14:30:15')).toBe('14:30:15');
  });

  it('splits and joins a dateTime', () => {
    expect(dateTimeParts('2025-03-01T14:30:00')).toEqual({ day: '2025-03-01', time: '14:30:00' });
    expect(dateTimeParts(null)).toEqual({ day: '', time: '' });
    expect(dateTimeToStore('2025-03-01', '14:30:00')).toBe('2025-03-01T14:30:00');
    expect(dateTimeToStore('2025-03-01', null)).toBe('2025-03-01T00:00:00');
    expect(dateTimeToStore(null, '14:30:00')).toBeNull();
  });
});

describe('languages and messages', () => {
  it('names languages and starts in the person’s own when the form has it', () => {
    expect(languageName('Français (fr)', 'Par défaut')).toBe('Français');
    expect(languageName('', 'Par défaut')).toBe('Par défaut');
    const langs = ['English (en)', 'Français (fr)', 'Bambara (bm)'];
    expect(startLanguage(langs, 'English (en)', 'fr')).toBe('Français (fr)');
    expect(startLanguage(['Bambara (bm)'], 'Bambara (bm)', 'fr')).toBe('Bambara (bm)');
    expect(startLanguage([''], null, 'fr')).toBeNull();
  });

  it('says a broken constraint at once, a missing answer only once left or on finalise', () => {
    const missing = item('age', { error: 'Obligatoire' });
    const wrong = item('age', { value: '200', error: 'Âge entre 0 et 120' });
    expect(shownError(missing, new Set(), false)).toBeNull();
    expect(shownError(missing, new Set(['age']), false)).toBe('Obligatoire');
    expect(shownError(missing, new Set(), true)).toBe('Obligatoire');
    expect(shownError(wrong, new Set(), false)).toBe('Âge entre 0 et 120');
    expect(shownError({ ...wrong, relevant: false }, new Set(), true)).toBeNull();
  });

  it('picks the widget from the type and the appearance', () => {
    const q = (question: Item['kind'], appearance: string[] = []) => widgetOf(item('x', { kind: question, appearance }));
    expect(q({ type: 'question', question: { type: 'text' } }, ['multiline'])).toBe('multiline');
    expect(q({ type: 'question', question: { type: 'select_one' } })).toBe('radio');
    expect(q({ type: 'question', question: { type: 'select_one' } }, ['minimal'])).toBe('dropdown');
    expect(q({ type: 'question', question: { type: 'select_multiple' } })).toBe('checkboxes');
    expect(q({ type: 'question', question: { type: 'date_time' } })).toBe('datetime');
    expect(q({ type: 'other' })).toBe('other');
    expect(q({ type: 'group' })).toBe('none');
  });
});
