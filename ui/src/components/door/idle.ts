// Locks the app after `minutes` without a key, a click, a scroll or a touch. Returns the
// function that stops watching.
const EVENTS = ['keydown', 'mousedown', 'mousemove', 'wheel', 'touchstart'] as const;

export function watchIdle(minutes: number, onIdle: () => void): () => void {
  let last = Date.now();
  const seen = () => {
    last = Date.now();
  };
  for (const e of EVENTS) window.addEventListener(e, seen, { passive: true });
  const timer = window.setInterval(() => {
    if (Date.now() - last >= minutes * 60_000) {
      last = Date.now();
      onIdle();
    }
  }, 5_000);
  return () => {
    window.clearInterval(timer);
    for (const e of EVENTS) window.removeEventListener(e, seen);
  };
}
