// Where the keyboard focus goes, in one place, so that a person typing never finds the cursor
// "on the page" (where the next Tab starts again at the side bar):
//   - arrive(): after a navigation, on the element the move asked for, else the screen's first
//     field marked `data-autofocus`, else its heading; it waits for a screen still loading;
//   - keepFocus(): when the focused element disappears (a delete, a confirmation answered, a
//     form closed), on what took its place, else the next item, else the previous one, else the
//     nearest control around it;
//   - autofocus: a form opened in place («Nouvelle étude», «Modifier») starts on its first field;
//   - formKeys: in a form, Enter goes to the next field; Ctrl+Enter or Ctrl+S saves.

const FOCUSABLE =
  'input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), ' +
  'button:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';
const FIELDS = 'input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled])';
/** How long a screen may take to show what the focus should land on. */
const ARRIVAL_MS = 2000;

/** An arrival in progress: while it lasts, keepFocus leaves the focus to it. */
let arriving = false;

function shown(el: Element): boolean {
  return el.getClientRects().length > 0;
}

function firstShown(root: ParentNode, css: string): HTMLElement | null {
  for (const el of root.querySelectorAll<HTMLElement>(css)) if (shown(el)) return el;
  return null;
}

/** The element itself when it takes the focus, else the first one inside it that does. */
function focusableIn(el: Element | null): HTMLElement | null {
  if (!el || !el.isConnected) return null;
  if (el.matches(FOCUSABLE) && shown(el)) return el as HTMLElement;
  return firstShown(el, FOCUSABLE);
}

/** Focuses `el`; a heading or other element that is not a control becomes focusable by code
 *  only (tabindex -1), so Tab order is unchanged, and the page does not scroll to it (a report's
 *  title below its charts): the screen stays at its top. */
function put(el: HTMLElement) {
  const control = el.matches(FOCUSABLE);
  if (!control && !el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus({ preventScroll: !control });
}

/** After a navigation, puts the focus on `wanted` (a selector), else the first
 *  `[data-autofocus]`, else the first heading (h1, h2) inside `root`, as soon as each shows (a screen
 *  reads its data first). Stops as soon as the best one is focused, when the person moves
 *  the focus themselves, or after two seconds. Returns the function that stops it. */
export function arrive(root: HTMLElement, wanted: string | null): () => void {
  const targets = [wanted, '[data-autofocus]', 'h1, h2'].filter((s): s is string => !!s);
  let reached = targets.length;
  let ours: Element | null = null;

  const attempt = () => {
    for (let i = 0; i < reached; i++) {
      const el = firstShown(root, targets[i]);
      if (!el) continue;
      reached = i;
      ours = el;
      put(el);
      if (i === 0) stop();
      return;
    }
  };
  const moved = (e: FocusEvent) => {
    if (e.target !== ours) stop();
  };
  const observer = new MutationObserver(attempt);
  const timer = window.setTimeout(() => stop(), ARRIVAL_MS);
  function stop() {
    arriving = false;
    observer.disconnect();
    window.clearTimeout(timer);
    document.removeEventListener('focusin', moved);
  }

  arriving = true;
  // A new screen starts at its top, not at the scroll position of the one before.
  window.scrollTo(0, 0);
  document.addEventListener('focusin', moved);
  observer.observe(root, { childList: true, subtree: true });
  attempt();
  return stop;
}

/** Where a focused element stood: each ancestor with the element's neighbours at that level. */
type Place = { parent: Element; child: Element; prev: Element | null; next: Element | null }[];

function placeOf(el: Element, root: Element): Place {
  const place: Place = [];
  for (let child = el; child.parentElement && child !== root; child = child.parentElement) {
    place.push({
      parent: child.parentElement,
      child,
      prev: child.previousElementSibling,
      next: child.nextElementSibling,
    });
  }
  return place;
}

function sibling(el: Element | null, parent: Element): Element | null {
  return el && el.parentElement === parent ? el : null;
}

/** The control nearest to where the lost element stood, innermost level first. */
function nearest(place: Place): HTMLElement | null {
  for (const { parent, child, prev, next } of place) {
    if (!parent.isConnected || child.isConnected) continue;
    const before = sibling(prev, parent);
    const after = sibling(next, parent);
    // What now stands where the lost element stood (a confirmation, the button it replaced).
    const inPlace = before ? before.nextElementSibling : after ? after.previousElementSibling : parent.firstElementChild;
    for (const candidate of [inPlace, after, before]) {
      const el = focusableIn(candidate);
      if (el) return el;
    }
  }
  return null;
}

/** Watches the focus inside `root` and, when the focused element leaves the page, moves the
 *  focus to the nearest control (see nearest()). Returns the function that stops watching. */
export function keepFocus(root: HTMLElement): () => void {
  let last: Element | null = null;
  let place: Place = [];
  const seen = (e: FocusEvent) => {
    if (e.target instanceof Element && root.contains(e.target)) {
      last = e.target;
      place = placeOf(e.target, root);
    }
  };
  const check = () => {
    if (arriving || !last || last.isConnected || root.hidden) return;
    const active = document.activeElement;
    if (active && active !== document.body) return;
    last = null;
    nearest(place)?.focus();
  };
  const observer = new MutationObserver(check);
  document.addEventListener('focusin', seen);
  observer.observe(root, { childList: true, subtree: true });
  return () => {
    observer.disconnect();
    document.removeEventListener('focusin', seen);
  };
}

/** Svelte action: the element takes the focus when it appears (a form opened in place). */
export function autofocus(node: HTMLElement) {
  queueMicrotask(() => {
    if (node.isConnected) put(node);
  });
}

/** Keydown handler for a form: Enter in a field goes to the next field instead of saving
 *  (a half-typed form saved and closed by a reflex Enter is work lost); Ctrl+Enter or Ctrl+S
 *  (⌘ on a Mac) saves from anywhere in the form. A textarea keeps Enter for a new line; a field
 *  that uses Enter itself (the place search) prevents the default and is left alone. */
export function formKeys(e: KeyboardEvent) {
  if (e.defaultPrevented || e.isComposing) return;
  const field = e.target as HTMLElement;
  const form = field.closest('form');
  if (!form) return;
  const command = e.ctrlKey || e.metaKey;
  if (command && (e.key === 'Enter' || e.key.toLowerCase() === 's')) {
    e.preventDefault();
    form.requestSubmit();
    return;
  }
  if (e.key !== 'Enter' || e.altKey || e.shiftKey) return;
  if (!(field instanceof HTMLInputElement || field instanceof HTMLSelectElement)) return;
  e.preventDefault();
  const fields = [...form.querySelectorAll<HTMLElement>(FIELDS)].filter(shown);
  const next = fields[fields.indexOf(field) + 1] ?? form.querySelector<HTMLElement>('button[type="submit"]');
  next?.focus();
}
