// Typed calls to the Sync screen's Tauri commands (src-tauri/src/sync.rs). Long work takes a
// Channel on which the Rust side sends its progress; the promise resolves with the summary.
import { Channel } from '@tauri-apps/api/core';
import { call } from '../../lib/api';
import type { ConflictView } from '../../lib/bindings/ConflictView';
import type { EnrolledDevice } from '../../lib/bindings/EnrolledDevice';
import type { ExportReport } from '../../lib/bindings/ExportReport';
import type { HubReport } from '../../lib/bindings/HubReport';
import type { ImportReport } from '../../lib/bindings/ImportReport';
import type { JoinedStudy } from '../../lib/bindings/JoinedStudy';
import type { SeenDevice } from '../../lib/bindings/SeenDevice';
import type { ShareInfo } from '../../lib/bindings/ShareInfo';
import type { SyncFile } from '../../lib/bindings/SyncFile';
import type { SyncOverview } from '../../lib/bindings/SyncOverview';
import type { TaskProgress } from '../../lib/bindings/TaskProgress';

export type {
  ConflictView,
  EnrolledDevice,
  ExportReport,
  HubReport,
  ImportReport,
  SeenDevice,
  ShareInfo,
  SyncFile,
  SyncOverview,
  TaskProgress,
};

function channel(onProgress: (p: TaskProgress) => void): Channel<TaskProgress> {
  return new Channel<TaskProgress>(onProgress);
}

export const syncApi = {
  overview: () => call<SyncOverview>('sync_overview'),
  setDeviceLabel: (label: string) => call<null>('sync_set_device_label', { label }),
  files: (folder: string) => call<SyncFile[]>('sync_files', { folder }),
  invite: (study_id: string, folder: string) => call<string>('sync_invite', { study_id, folder }),
  join: (path: string) => call<JoinedStudy>('sync_join', { path }),
  exportBundle: (
    study_id: string,
    peer: string | null,
    folder: string,
    onProgress: (p: TaskProgress) => void,
  ) =>
    call<ExportReport>('sync_export_bundle', {
      study_id,
      peer,
      folder,
      on_progress: channel(onProgress),
    }),
  importBundle: (path: string, onProgress: (p: TaskProgress) => void) =>
    call<ImportReport>('sync_import_bundle', { path, on_progress: channel(onProgress) }),
  conflicts: () => call<ConflictView[]>('sync_conflicts'),
  resolve: (conflict_id: string, value_id: string) =>
    call<null>('sync_resolve_conflict', { conflict_id, value_id }),
  devices: () => call<SeenDevice[]>('sync_devices'),
  hub: (url: string, join_code: string | null, onProgress: (p: TaskProgress) => void) =>
    call<HubReport>('sync_hub', { url, join_code, on_progress: channel(onProgress) }),
  cancelHub: () => call<null>('sync_hub_cancel'),
  shareStart: (address: string) => call<ShareInfo>('sync_share_start', { address }),
  shareStop: () => call<null>('sync_share_stop'),
  shareDevices: () => call<EnrolledDevice[]>('sync_share_devices'),
  shareRevoke: (node_id: string) => call<null>('sync_share_revoke', { node_id }),
};
