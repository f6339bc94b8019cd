import { describe, expect, it } from 'vitest';
import { CHOICE_LISTS } from './bindings/vocabulary';
import { fold, searchChoices } from './quickchoice';

const actors = CHOICE_LISTS.actor_group.map((c) => ({ value: c.value, label: c.fr }));
const first = (q: string) => searchChoices(actors, q)[0]?.value;

describe('searchChoices', () => {
  it('reaches each of the six « A » actor groups in a few letters', () => {
    expect(first('a')).toBe('womens_association');
    expect(first('aut')).toBe('administrative_authority');
    expect(first('rel')).toBe('religious_authority');
    expect(first('a r')).toBe('religious_authority');
    expect(first('tra')).toBe('traditional_authority');
    expect(first('pol')).toBe('police');
    expect(first('aut pol')).toBe('political_authority');
    expect(first('autre')).toBe('other');
  });

  it('narrows as more letters are typed', () => {
    expect(searchChoices(actors, 'a').length).toBeGreaterThan(searchChoices(actors, 'au').length);
    expect(searchChoices(actors, 'autorite').map((o) => o.value)).toEqual([
      'administrative_authority',
      'religious_authority',
      'traditional_authority',
      'political_authority',
    ]);
  });

  it('ignores case and accents, and finds nothing for letters no label has', () => {
    expect(first('DÉPLACÉ')).toBe('displaced_refugee');
    expect(first('refug')).toBe('displaced_refugee');
    expect(first('société')).toBe('civil_society');
    expect(searchChoices(actors, 'xyz')).toEqual([]);
  });

  it('offers every option, in order, when nothing is typed', () => {
    expect(searchChoices(actors, '  ').map((o) => o.value)).toEqual(actors.map((o) => o.value));
  });

  it('finds sex, age band and consent with one key', () => {
    const sex = CHOICE_LISTS.sex.map((c) => ({ value: c.value, label: c.fr }));
    const bands = CHOICE_LISTS.age_band.map((c) => ({ value: c.value, label: c.fr }));
    const consent = CHOICE_LISTS.consent.map((c) => ({ value: c.value, label: c.en }));
    expect(searchChoices(sex, 'f')[0].value).toBe('female');
    expect(searchChoices(sex, 'h')[0].value).toBe('male');
    expect(searchChoices(bands, '2')[0].value).toBe('25_35');
    expect(searchChoices(bands, '1')[0].value).toBe('18_24');
    expect(searchChoices(bands, 'm')[0].value).toBe('under_18');
    expect(searchChoices(consent, 'g')[0].value).toBe('given');
    expect(searchChoices(consent, 'w')[0].value).toBe('withdrawn');
  });

  it('folds apostrophes and accents', () => {
    expect(fold('Women’s Été')).toBe("women's ete");
  });
});
