// Laptops as people name them: the name a laptop gave itself (Sync screen), « cet ordinateur »
// for this one, else « ordinateur 3bedfea6 » — never a bare id where a person reads it.
import { call } from './api';
import type { Device } from './bindings/Device';
import { t } from './i18n.svelte';

class DeviceNames {
  byNode = $state<Record<string, { label: string | null; self: boolean }>>({});
}

const names = new DeviceNames();

/** Reads the devices known here (once per screen that shows some); ids stay shown if it fails. */
export async function loadDeviceNames(): Promise<void> {
  try {
    const list = await call<Device[]>('sync_devices');
    names.byNode = Object.fromEntries(list.map((d) => [d.node_id, { label: d.label, self: d.is_self }]));
  } catch {
    // The short id below still tells laptops apart.
  }
}

/** The name of the laptop with this node id, as people read it. */
export function deviceName(nodeId: string, self = false): string {
  const d = names.byNode[nodeId];
  if (d?.label) return d.label;
  if (self || d?.self) return t('device.this');
  return t('device.unnamed', { id: nodeId.slice(0, 8) });
}
