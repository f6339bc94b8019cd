// What deleting a study or a session takes with it, as a confirmation says it:
// « 52 séances, 373 personnes, 12 constats, 5 recommandations » (and a study's or a form's
// questionnaire responses). The counts come from one core
// read (read::holdings, the `record_holdings` command); only what is there is named.
import type { Holdings } from './bindings/Holdings';
import { t, i18n } from './i18n.svelte';

type Part = [number, Parameters<typeof t>[0], Parameters<typeof t>[0]];

export function holdingsText(h: Holdings): string {
  const one = (n: number) => (i18n.lang === 'fr' ? n <= 1 : n === 1);
  // « 3 928 personnes », "3,928 people".
  const locale = i18n.lang === 'fr' ? 'fr-FR' : 'en-GB';
  const parts: Part[] = [
    [h.sessions, 'holds.sessions_one', 'holds.sessions'],
    [h.people, 'holds.people_one', 'holds.people'],
  ];
  if (h.sessions === 0) {
    // A session's own: the lines typed and the sign-in sheets counted.
    parts.push([h.attendance_lines, 'holds.lines_one', 'holds.lines']);
    parts.push([h.tally_sheets, 'holds.tallies_one', 'holds.tallies']);
  }
  parts.push([h.findings, 'holds.findings_one', 'holds.findings']);
  parts.push([h.recommendations, 'holds.recommendations_one', 'holds.recommendations']);
  parts.push([h.responses, 'holds.responses_one', 'holds.responses']);
  return parts
    .filter(([n]) => n > 0)
    .map(([n, single, many]) => t(one(n) ? single : many, { n: n.toLocaleString(locale) }))
    .join(', ');
}
