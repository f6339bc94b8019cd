// The first-run guide's setting (src-tauri/src/commands/guide.rs): auto (shown while there is
// no study), hidden (dismissed), shown (reopened from Settings).
import { call } from '../../lib/api';
import type { Guide } from '../../lib/bindings/Guide';

export type { Guide };

export const guideApi = {
  get: () => call<Guide>('get_guide'),
  set: (guide: Guide) => call<null>('set_guide', { guide }),
};
