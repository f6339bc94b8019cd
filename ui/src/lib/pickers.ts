// The platform's own dialogs (Tauri's dialog plugin) to pick a folder, a file to open, or where to
// save one, next to every path box of the app. A dialog only proposes a path: it fills the box,
// which stays editable, and the core checks the path when it is used, as it does a typed one.
// Closing the dialog (null) leaves the box as it was. The capability grants `dialog:allow-open` and
// `dialog:allow-save`, nothing else of the plugin.
import { open, save, type DialogFilter } from '@tauri-apps/plugin-dialog';
import { t } from './i18n.svelte';

/** The kinds of file the app opens or writes, each with its extensions. */
export type FileKind = 'bundle' | 'join' | 'key' | 'xlsx' | 'xlsform' | 'json' | 'html' | 'backup';

const FILTERS: Record<FileKind, () => DialogFilter[]> = {
  bundle: () => [{ name: t('pick.filter_bundle'), extensions: ['terrain'] }],
  join: () => [{ name: t('pick.filter_join'), extensions: ['json'] }],
  // A headquarters key file is named freely by `terrain hq keygen --out`.
  key: () => [],
  xlsx: () => [{ name: t('pick.filter_xlsx'), extensions: ['xlsx'] }],
  // A questionnaire (XLSForm) to import: the current workbook format and the older one.
  xlsform: () => [{ name: t('pick.filter_xlsform'), extensions: ['xlsx', 'xls'] }],
  json: () => [{ name: t('pick.filter_json'), extensions: ['json'] }],
  html: () => [{ name: t('pick.filter_html'), extensions: ['html', 'htm'] }],
  backup: () => [{ name: t('pick.filter_backup'), extensions: ['terrain-backup'] }],
};

/** Where a dialog opens: the path in the box when there is one (a relative one means nothing). */
function startAt(current: string): string | undefined {
  const p = current.trim();
  return /^([/\\]|[A-Za-z]:[/\\])/.test(p) ? p : undefined;
}

/** Where a save dialog opens: the file in the box, or `name` in the folder in the box. */
function saveAt(current: string, name: string): string {
  const start = startAt(current);
  if (!start) return name;
  if (/\.[A-Za-z0-9]{1,5}$/.test(start)) return start;
  const sep = start.includes('\\') && !start.includes('/') ? '\\' : '/';
  return start.replace(/[/\\]+$/, '') + sep + name;
}

/** A folder chosen in the platform's dialog, or null when it was closed. */
export async function pickFolder(current: string): Promise<string | null> {
  const picked = await open({
    directory: true,
    multiple: false,
    canCreateDirectories: true,
    title: t('pick.folder_title'),
    defaultPath: startAt(current),
  });
  return typeof picked === 'string' ? picked : null;
}

/** A file of `kind` chosen to open, or null when the dialog was closed. */
export async function pickFile(current: string, kind: FileKind): Promise<string | null> {
  const picked = await open({
    directory: false,
    multiple: false,
    title: t('pick.file_title'),
    filters: FILTERS[kind](),
    defaultPath: startAt(current),
  });
  return typeof picked === 'string' ? picked : null;
}

/** Where to save a file of `kind`, proposing `name` in the box's folder; null when closed. */
export async function pickSave(current: string, kind: FileKind, name: string): Promise<string | null> {
  const picked = await save({
    title: t('pick.save_title'),
    filters: FILTERS[kind](),
    defaultPath: saveAt(current, name),
    canCreateDirectories: true,
  });
  return picked ?? null;
}
