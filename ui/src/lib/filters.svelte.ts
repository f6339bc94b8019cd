// The sessions list's filters, kept while the person opens a session and comes back.
import type { SessionSort } from './bindings/SessionSort';

class SessionFilters {
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
