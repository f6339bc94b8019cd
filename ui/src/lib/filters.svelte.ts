// The study, region, type and period a filter panel holds, how the core reads them, and the
// sessions list's filters, kept while the person opens a session and comes back.
import type { SessionFilter } from './bindings/SessionFilter';
import type { SessionSort } from './bindings/SessionSort';
import { filterDay } from './dates';

/** A filter panel's fields, as its inputs hold them ('' = any; dates as typed, JJ/MM/AAAA). */
export type FilterFields = { study_id: string; region_id: string; session_type: string; date_from: string; date_to: string };

/** The fields as the sessions list, the dashboards and the exports read them: an empty field
 *  does not filter, dates go as ISO days. A date not understood gives null here: a screen
 *  checks `unreadable` (lib/dates) first, says so and holds its query back. */
export function sessionFilter(f: FilterFields): SessionFilter {
  return {
    study_id: f.study_id || null,
    region_id: f.region_id || null,
    session_type: f.session_type || null,
    date_from: filterDay(f.date_from),
    date_to: filterDay(f.date_to),
  };
}

class SessionFilters implements FilterFields {
  study_id = $state('');
  region_id = $state('');
  session_type = $state('');
  date_from = $state('');
  date_to = $state('');
  text = $state('');
  sort = $state<SessionSort>('date_desc');

  clear() {
    this.study_id = '';
    this.region_id = '';
    this.session_type = '';
    this.date_from = '';
    this.date_to = '';
    this.text = '';
    this.sort = 'date_desc';
  }
}

export const sessionFilters = new SessionFilters();
