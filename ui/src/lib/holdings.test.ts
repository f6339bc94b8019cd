import { describe, expect, it } from 'vitest';
import { holdingsText } from './holdings';
import { i18n } from './i18n.svelte';

const study = { sessions: 52, people: 373, attendance_lines: 300, tally_sheets: 4, findings: 12, recommendations: 1, responses: 0 };
const session = { sessions: 0, people: 1, attendance_lines: 1, tally_sheets: 0, findings: 2, recommendations: 0, responses: 0 };

describe('what a delete takes, as its confirmation says it', () => {
  it('names a study’s sessions, people, findings and recommendations, in French', () => {
    i18n.lang = 'fr';
    expect(holdingsText(study)).toBe('52 séances, 373 personnes, 12 constats, 1 recommandation');
  });

  it('names a session’s lines and findings, leaving out what is not there, in English', () => {
    i18n.lang = 'en';
    expect(holdingsText(session)).toBe('1 person, 1 attendance line, 2 findings');
    i18n.lang = 'fr';
    expect(holdingsText(session)).toBe('1 personne, 1 ligne de présence, 2 constats');
  });

  it('writes thousands as each language does', () => {
    i18n.lang = 'fr';
    expect(holdingsText({ ...study, people: 3928 })).toContain('3\u202f928 personnes');
    i18n.lang = 'en';
    expect(holdingsText({ ...study, people: 3928 })).toContain('3,928 people');
  });

  it('names a form’s responses', () => {
    i18n.lang = 'fr';
    expect(holdingsText({ ...session, people: 0, attendance_lines: 0, findings: 0, responses: 2 })).toBe(
      '2 réponses aux questionnaires',
    );
    i18n.lang = 'en';
    expect(holdingsText({ ...session, people: 0, attendance_lines: 0, findings: 0, responses: 1 })).toBe(
      '1 form response',
    );
  });

  it('says nothing for a record that holds nothing', () => {
    expect(holdingsText({ ...session, people: 0, attendance_lines: 0, findings: 0 })).toBe('');
  });
});
