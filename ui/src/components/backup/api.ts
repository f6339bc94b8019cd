// Backup and restore of the store (src-tauri/src/commands/door.rs): write a backup, describe
// one before restoring it, restore it in place of the store.
import { call } from '../../lib/api';
import type { BackupSummary } from '../../lib/bindings/BackupSummary';

export type { BackupSummary };

export const backupApi = {
  suggestedPath: () => call<string>('backup_suggested_path'),
  /** A plain store's backup needs `passphrase`; its recovery words come back once. */
  backup: (path: string, passphrase: string | null) =>
    call<BackupSummary>('store_backup', { path, passphrase }),
  info: (path: string) => call<BackupSummary>('backup_info', { path }),
  /** `secret` is the backup's passphrase, or its recovery words when `recovery`. */
  restore: (path: string, secret: string, recovery: boolean) =>
    call<null>('store_restore', { path, secret, recovery }),
};
