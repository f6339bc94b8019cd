// Which screen is shown, with its parameters, and a back stack. No URLs: the app has one
// window and no deep links, so a tiny state machine is enough.
//
// Leaving a screen that holds typed-but-unsaved work (lib/unsaved.svelte.ts) does not happen at
// once: the move waits in `pending` until the person answers the leave dialog
// (components/LeaveDialog.svelte): `leave()` makes it, `stay()` drops it.
import { unsavedWork } from './unsaved.svelte';

export type Params = { [name: string]: string };

export interface GoOptions {
  /** Replace the current screen instead of stacking it (the back button skips it). */
  replace?: boolean;
  /** A CSS selector of the element the keyboard focus lands on, when the new screen has it
   *  (lib/focus.ts); without one, the screen's first marked field or its heading. */
  focus?: string;
}

class Router {
  screen = $state('studies');
  params = $state<Params>({});
  /** Bumped on every navigation so a screen can reload even when its params are unchanged. */
  visit = $state(0);
  /** Where the focus lands on the screen just opened (see GoOptions.focus). */
  landing = $state<string | null>(null);
  /** A move held back until the person says whether to lose their unsaved work. */
  pending = $state<(() => void) | null>(null);
  private stack: { screen: string; params: Params }[] = [];

  go(screen: string, params: Params = {}, opts: GoOptions = {}) {
    this.ask(() => {
      if (!opts.replace) this.stack.push({ screen: this.screen, params: this.params });
      if (this.stack.length > 50) this.stack.shift();
      this.show(screen, params, opts.focus);
    });
  }

  /** A top-level section from the side bar: starts a fresh back stack. */
  section(screen: string) {
    this.ask(() => {
      this.stack = [];
      this.show(screen, {});
    });
  }

  back(fallback = 'studies') {
    this.ask(() => {
      const prev = this.stack.pop();
      this.show(prev?.screen ?? fallback, prev?.params ?? {});
    });
  }

  /** The answer « Quitter sans enregistrer »: the held move happens, the typed work is lost. */
  leave() {
    const move = this.pending;
    this.pending = null;
    move?.();
  }

  /** The answer « Rester »: nothing moves, the typed work stays on screen. */
  stay() {
    this.pending = null;
  }

  private ask(move: () => void) {
    if (unsavedWork()) this.pending = move;
    else {
      this.pending = null;
      move();
    }
  }

  private show(screen: string, params: Params, focus?: string) {
    this.screen = screen;
    this.params = params;
    this.landing = focus ?? null;
    this.visit++;
  }
}

export const router = new Router();
