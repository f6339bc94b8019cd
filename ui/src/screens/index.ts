// The app's screens and its side-bar navigation.
//
// To add a screen (Sync, Dashboard, …):
//   1. write it as one file here, ui/src/screens/Foo.svelte, taking `{ params }: { params: Params }`
//      as its props (see lib/router.svelte.ts) if it needs any;
//   2. add one entry to `screens` below; give it `nav: 'nav.foo'` (a catalogue key, added in
//      FR and EN to lib/catalogue.ts) to get a side-bar link with test id `nav-foo`.
// Open a screen from code with `router.go('foo', { id })`; the side bar calls `router.section`.
import type { Component } from 'svelte';
import type { Key } from '../lib/catalogue';
import type { Params } from '../lib/router.svelte';
import Studies from './Studies.svelte';
import Study from './Study.svelte';
import Sessions from './Sessions.svelte';
import Session from './Session.svelte';
import SessionEdit from './SessionEdit.svelte';
import Deleted from './Deleted.svelte';
import Settings from './Settings.svelte';
import Sync from './Sync.svelte';
import Dashboard from './Dashboard.svelte';
import Report from './Report.svelte';

export interface ScreenDef {
  /** A screen takes `params` (see lib/router.svelte.ts) or no props at all. */
  component: Component<{ params: Params }> | Component<Record<string, never>>;
  /** Catalogue key of the side-bar link; screens without one are reached from others. */
  nav?: Key;
  /** The side-bar entry to highlight while this screen is shown. */
  section?: string;
}

export const screens: { [name: string]: ScreenDef } = {
  studies: { component: Studies, nav: 'nav.studies' },
  sessions: { component: Sessions, nav: 'nav.sessions' },
  deleted: { component: Deleted, nav: 'nav.deleted' },
  sync: { component: Sync, nav: 'nav.sync' },
  dashboard: { component: Dashboard, nav: 'nav.dashboard' },
  report: { component: Report, section: 'dashboard' },
  settings: { component: Settings, nav: 'nav.settings' },
  study: { component: Study, section: 'studies' },
  session: { component: Session, section: 'sessions' },
  'session-edit': { component: SessionEdit, section: 'sessions' },
};
