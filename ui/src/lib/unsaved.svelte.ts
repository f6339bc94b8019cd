// Work typed but not yet saved. A component holding such work (a form, an attendance row, a tally)
// declares it here while it is mounted, so that leaving its screen can ask first instead of losing
// it silently. The screens that navigate consult `unsavedWork()`; the asking itself lives with the
// router.
import { onDestroy } from 'svelte';

const holders = new Set<() => boolean>();

/** Declares, for the life of the calling component, a check that says whether it holds unsaved
 *  work. Call it during component initialisation. */
export function holdUnsaved(isDirty: () => boolean): void {
  holders.add(isDirty);
  onDestroy(() => holders.delete(isDirty));
}

/** Whether any mounted component holds work that leaving would lose. */
export function unsavedWork(): boolean {
  for (const isDirty of holders) {
    if (isDirty()) return true;
  }
  return false;
}
