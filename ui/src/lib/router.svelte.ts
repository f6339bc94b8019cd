// Which screen is shown, with its parameters, and a back stack. No URLs: the app has one
// window and no deep links, so a tiny state machine is enough.
export type Params = { [name: string]: string };

class Router {
  screen = $state('studies');
  params = $state<Params>({});
  /** Bumped on every navigation so a screen can reload even when its params are unchanged. */
  visit = $state(0);
  private stack: { screen: string; params: Params }[] = [];

  go(screen: string, params: Params = {}, opts: { replace?: boolean } = {}) {
    if (!opts.replace) this.stack.push({ screen: this.screen, params: this.params });
    if (this.stack.length > 50) this.stack.shift();
    this.screen = screen;
    this.params = params;
    this.visit++;
  }

  /** A top-level section from the side bar: starts a fresh back stack. */
  section(screen: string) {
    this.stack = [];
    this.go(screen, {}, { replace: true });
  }

  back(fallback = 'studies') {
    const prev = this.stack.pop();
    this.screen = prev?.screen ?? fallback;
    this.params = prev?.params ?? {};
    this.visit++;
  }
}

export const router = new Router();
