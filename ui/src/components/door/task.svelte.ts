// One action at a time on a door screen: `busy` while it runs, `error` (the message to show)
// when it fails.
import { errorText } from '../../lib/api';

export class Task {
  busy = $state(false);
  error = $state('');

  async run(work: () => Promise<unknown>): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      await work();
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = false;
    }
  }
}
