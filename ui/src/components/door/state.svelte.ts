// The door's status, shared by the window (unlock screen, banner, idle lock) and the settings
// screen (converting, the idle time), so a change made in one shows in the other.
import { door, type DoorStatus } from './api';

class DoorState {
  status = $state<DoorStatus | null>(null);

  async refresh(): Promise<DoorStatus> {
    const s = await door.status();
    this.status = s;
    return s;
  }
}

export const doorState = new DoorState();
