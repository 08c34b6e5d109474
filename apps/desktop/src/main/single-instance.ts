// One Ferry per user: a second launch hands over to the first (which shows its window) and quits, so two engines
// never fight over the identity, the settings files and the QUIC port.

import type { App } from 'electron'

/** Returns false when another instance holds the lock; this one is then quitting and must do nothing else. */
export function acquireSingleInstance (app: Pick<App, 'requestSingleInstanceLock' | 'quit' | 'on'>, onSecondInstance: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return false
  }
  app.on('second-instance', () => { onSecondInstance() })
  return true
}
