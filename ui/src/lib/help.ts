// The catalogue of terms that get a (?) beside them (components/Help.svelte): each names its
// term and its one- or two-sentence explanation, in French and English, in catalogue.ts.
import type { Key } from './catalogue';

export const HELP = {
  hub: { term: 'help.hub.term', text: 'help.hub.text' },
  bundle: { term: 'help.bundle.term', text: 'help.bundle.text' },
  relay: { term: 'help.relay.term', text: 'help.relay.text' },
  conflict: { term: 'help.conflict.term', text: 'help.conflict.text' },
  study_key: { term: 'help.study_key.term', text: 'help.study_key.text' },
  invitation_code: { term: 'help.invitation_code.term', text: 'help.invitation_code.text' },
} as const satisfies Record<string, { term: Key; text: Key }>;

export type HelpTerm = keyof typeof HELP;
