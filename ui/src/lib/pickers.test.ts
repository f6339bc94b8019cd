// The pickers' wiring to Tauri's dialog plugin, which WebDriver cannot drive (a native window):
// what each picker asks the plugin for, and what it gives back to the path box.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const dialog = vi.hoisted(() => ({
  open: vi.fn(),
  save: vi.fn(),
}));
vi.mock('@tauri-apps/plugin-dialog', () => dialog);

import { i18n } from './i18n.svelte';
import { pickFile, pickFolder, pickSave } from './pickers';

beforeEach(() => {
  dialog.open.mockReset();
  dialog.save.mockReset();
  i18n.lang = 'fr';
});

describe('pickers', () => {
  it('asks for one folder, starting at the folder in the box, and gives the chosen one back', async () => {
    dialog.open.mockResolvedValue('/media/ana/KINGSTON');
    expect(await pickFolder('/home/ana/Documents')).toBe('/media/ana/KINGSTON');
    expect(dialog.open).toHaveBeenCalledWith(
      expect.objectContaining({ directory: true, multiple: false, title: 'Choisir un dossier', defaultPath: '/home/ana/Documents' }),
    );
  });

  it('leaves the box alone when the dialog is closed', async () => {
    dialog.open.mockResolvedValue(null);
    expect(await pickFolder('/tmp/x')).toBeNull();
    dialog.save.mockResolvedValue(null);
    expect(await pickSave('', 'xlsx', 'export.xlsx')).toBeNull();
  });

  it('does not start a dialog at a relative path', async () => {
    dialog.open.mockResolvedValue(null);
    await pickFolder('media/usb');
    expect(dialog.open.mock.calls[0][0].defaultPath).toBeUndefined();
    await pickFile('E:\\terrain', 'bundle');
    expect(dialog.open.mock.calls[1][0].defaultPath).toBe('E:\\terrain');
  });

  it('opens files of the kind asked for, named in the language of the app', async () => {
    dialog.open.mockResolvedValue('/media/usb/terrain-1a2b.terrain');
    expect(await pickFile('', 'bundle')).toBe('/media/usb/terrain-1a2b.terrain');
    expect(dialog.open.mock.calls[0][0]).toMatchObject({
      directory: false,
      multiple: false,
      filters: [{ name: 'Paquets Terrain', extensions: ['terrain'] }],
    });
    i18n.lang = 'en';
    await pickFile('', 'join');
    expect(dialog.open.mock.calls[1][0].filters).toEqual([{ name: 'Join files', extensions: ['json'] }]);
    await pickFile('', 'key');
    expect(dialog.open.mock.calls[2][0].filters).toEqual([]);
    await pickFile('', 'xlsform');
    expect(dialog.open.mock.calls[3][0].filters).toEqual([
      { name: 'XLSForm questionnaires (.xlsx, .xls)', extensions: ['xlsx', 'xls'] },
    ]);
  });

  it('proposes the file name in the folder in the box when saving', async () => {
    dialog.save.mockResolvedValue('/home/ana/rapport.html');
    expect(await pickSave('/home/ana/', 'html', 'rapport.html')).toBe('/home/ana/rapport.html');
    expect(dialog.save.mock.calls[0][0]).toMatchObject({
      defaultPath: '/home/ana/rapport.html',
      filters: [{ name: 'Page HTML', extensions: ['html', 'htm'] }],
    });
    await pickSave('/home/ana/export.xlsx', 'xlsx', 'export.xlsx');
    expect(dialog.save.mock.calls[1][0].defaultPath).toBe('/home/ana/export.xlsx');
    await pickSave('E:\\', 'json', 'export.json');
    expect(dialog.save.mock.calls[2][0].defaultPath).toBe('E:\\export.json');
    await pickSave('', 'json', 'export.json');
    expect(dialog.save.mock.calls[3][0].defaultPath).toBe('export.json');
  });
});
