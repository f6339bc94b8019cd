// Typed calls to the Sync screen's Tauri commands (src-tauri/src/commands/sync.rs). Long work takes a
// Channel on which the Rust side sends its progress; the promise resolves with the summary.
import { Channel } from '@tauri-apps/api/core';
import { call } from '../../lib/api';
import type { ConflictList } from '../../lib/bindings/ConflictList';
import type { ConflictView } from '../../lib/bindings/ConflictView';
import type { Device } from '../../lib/bindings/Device';
import type { Drive } from '../../lib/bindings/Drive';
import type { Entity } from '../../lib/bindings/Entity';
import type { ExportReport } from '../../lib/bindings/ExportReport';
import type { FutureValue } from '../../lib/bindings/FutureValue';
import type { HubDevice } from '../../lib/bindings/HubDevice';
import type { ImportReport } from '../../lib/bindings/ImportReport';
import type { Invitation } from '../../lib/bindings/Invitation';
import type { JoinedStudy } from '../../lib/bindings/JoinedStudy';
import type { Role } from '../../lib/bindings/Role';
import type { ServeInfo } from '../../lib/bindings/ServeInfo';
import type { ShareChoices } from '../../lib/bindings/ShareChoices';
import type { SyncFile } from '../../lib/bindings/SyncFile';
import type { SyncScreen } from '../../lib/bindings/SyncScreen';
import type { SyncSummary } from '../../lib/bindings/SyncSummary';
import type { TaskProgress } from '../../lib/bindings/TaskProgress';

export type {
  ConflictList,
  ConflictView,
  Device,
  Drive,
  ExportReport,
  FutureValue,
  HubDevice,
  ImportReport,
  Invitation,
  JoinedStudy,
  ServeInfo,
  ShareChoices,
  SyncFile,
  SyncScreen,
  SyncSummary,
  TaskProgress,
};

function channel(onProgress: (p: TaskProgress) => void): Channel<TaskProgress> {
  return new Channel<TaskProgress>(onProgress);
}

export const syncApi = {
  overview: () => call<SyncScreen>('sync_overview'),
  setDeviceLabel: (label: string) => call<null>('sync_set_device_label', { label }),
  files: (folder: string) => call<SyncFile[]>('sync_files', { folder }),
  /** The USB sticks plugged in now. */
  drives: () => call<Drive[]>('sync_drives'),
  invite: (study_id: string, role: Role, folder: string) =>
    call<Invitation>('sync_invite', { study_id, role, folder }),
  /** Opens a join file with its one-time code without joining: the fingerprints to compare. */
  joinPreview: (path: string, code: string) => call<JoinedStudy>('sync_join_preview', { path, code }),
  join: (path: string, code: string) => call<JoinedStudy>('sync_join', { path, code }),
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
  conflicts: () => call<ConflictList>('sync_conflicts'),
  resolve: (conflict_id: string, value_id: string) =>
    call<null>('sync_resolve_conflict', { conflict_id, value_id }),
  /** A study's values stamped in the future; `repair` repairs one of them first. */
  futureValues: (study_id: string, repair: [Entity, string, string] | null = null) =>
    call<FutureValue[]>('study_future_values', { study_id, repair }),
  devices: () => call<Device[]>('sync_devices'),
  hub: (url: string, join_code: string | null, onProgress: (p: TaskProgress) => void) =>
    call<SyncSummary>('sync_hub', { url, join_code, on_progress: channel(onProgress) }),
  cancelHub: () => call<null>('sync_hub_cancel'),
  shareStart: (address: string) => call<ServeInfo>('sync_share_start', { address }),
  shareStop: () => call<null>('sync_share_stop'),
  shareDevices: () => call<HubDevice[]>('sync_share_devices'),
  shareRevoke: (node_id: string) => call<string>('sync_share_revoke', { node_id }),
};
