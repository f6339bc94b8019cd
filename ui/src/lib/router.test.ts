import { beforeEach, describe, expect, it, vi } from 'vitest';

// The registry of unsaved work, driven by the test: whether the screen holds typed work.
let dirty = false;
vi.mock('./unsaved.svelte', () => ({ unsavedWork: () => dirty }));

const { router } = await import('./router.svelte');

describe('router: leaving a screen with unsaved work', () => {
  beforeEach(() => {
    dirty = false;
    router.stay();
    router.section('studies');
  });

  it('moves at once when nothing is unsaved, and back returns', () => {
    router.go('study', { id: 's1' });
    expect([router.screen, router.params.id, router.pending]).toEqual(['study', 's1', null]);
    router.back();
    expect(router.screen).toBe('studies');
  });

  it('holds the move while work is unsaved; « Rester » keeps the screen', () => {
    router.go('session-edit', { study_id: 's1' });
    dirty = true;
    const visit = router.visit;
    router.section('sync');
    expect(router.pending).not.toBeNull();
    expect([router.screen, router.visit]).toEqual(['session-edit', visit]);
    router.stay();
    expect([router.screen, router.pending]).toEqual(['session-edit', null]);
  });

  it('« Quitter sans enregistrer » makes the held move, back included', () => {
    router.go('study', { id: 's1' });
    router.go('session-edit', { study_id: 's1' });
    dirty = true;
    router.back();
    expect(router.screen).toBe('session-edit');
    router.leave();
    expect([router.screen, router.params.id, router.pending]).toEqual(['study', 's1', null]);
  });

  it('carries where the focus should land on the new screen', () => {
    router.go('session', { id: 'x' }, { replace: true, focus: '[data-testid="att-sex"]' });
    expect(router.landing).toBe('[data-testid="att-sex"]');
    router.go('studies');
    expect(router.landing).toBeNull();
  });
});
