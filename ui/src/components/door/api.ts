// The store's door (src-tauri/src/commands/door.rs): create, unlock, recover, lock, convert,
// change the passphrase, the idle time, and the strength hint of a passphrase being typed.
import { call } from '../../lib/api';
import type { DoorStatus } from '../../lib/bindings/DoorStatus';
import type { Strength } from '../../lib/bindings/Strength';

export type { DoorStatus, Strength };

export const door = {
  status: () => call<DoorStatus>('store_status'),
  /** Creates the store (plain when `passphrase` is null); returns the recovery words, if any. */
  create: (passphrase: string | null) => call<string | null>('store_create', { passphrase }),
  unlock: (passphrase: string) => call<null>('store_unlock', { passphrase }),
  recover: (words: string, new_passphrase: string) =>
    call<null>('store_recover', { words, new_passphrase }),
  lock: () => call<null>('store_lock'),
  /** Converts the plain store in place; returns the recovery words. */
  encrypt: (passphrase: string) => call<string>('store_encrypt', { passphrase }),
  changePassphrase: (current: string, new_passphrase: string) =>
    call<null>('store_change_passphrase', { current, new_passphrase }),
  setIdleLock: (minutes: number) => call<null>('store_set_idle_lock', { minutes }),
  strength: (passphrase: string) => call<Strength>('passphrase_strength', { passphrase }),
};
