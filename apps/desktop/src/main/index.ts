// Ferry desktop's composition root (main process): one instance per user, one FerryService, the IPC bridge in front
// of it, one window, a tray, and notifications for offers. Electron-specific wiring only; the logic sits in the
// small modules beside it, which the tests drive with `electron` mocked.

import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { app, BrowserWindow, ipcMain } from 'electron'
import { createFerryService, mdnsEnabled, type FerryService } from '@ferry/app-service'
import { bundledFiles } from './bundled-files.ts'
import { electronHostHooks } from './host-hooks.ts'
import { isAppPageUrl, registerIpcBridge, type IpcBridge } from './ipc-bridge.ts'
import { watchOffers } from './notifications.ts'
import { acquireSingleInstance } from './single-instance.ts'
import { createTray, type FerryTray } from './tray.ts'
import { createMainWindow, revealWindow } from './window.ts'

const here = import.meta.dirname
const preloadPath = join(here, '../preload/index.cjs')
// electron-vite sets ELECTRON_RENDERER_URL for `electron-vite dev`; the built app loads its own file.
const pageUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(here, '../renderer/index.html')).href
const trayIconPath = join(here, '../../build/tray.png')

let window: BrowserWindow | undefined
let quitting = false
let receiving = true

function openWindow (): void {
  if (window === undefined || window.isDestroyed()) {
    window = createMainWindow({ preloadPath, pageUrl, isQuitting: () => quitting })
  }
  revealWindow(window)
}

async function start (): Promise<void> {
  await app.whenReady()
  const service: FerryService = await createFerryService({
    configDir: app.getPath('userData'),
    downloadDir: join(app.getPath('downloads'), 'Ferry'),
    mdns: mdnsEnabled(undefined),
    // LocalSend's phones and desktops as peers (issue 18), on LocalSend's port; FERRY_NO_LOCALSEND=1 turns it off.
    ...(process.env.FERRY_NO_LOCALSEND === '1' ? {} : { localsend: { port: 53317, discovery: mdnsEnabled(undefined) } }),
    bundled: bundledFiles(here),
    ...electronHostHooks(() => window)
  })
  const bridge: IpcBridge = registerIpcBridge({
    api: service,
    ipcMain,
    isTrustedUrl: isAppPageUrl(pageUrl),
    eventTargets: () => BrowserWindow.getAllWindows().map((w) => w.webContents)
  })
  const stopWatching = watchOffers({
    api: service,
    isReceiving: () => receiving,
    isWindowFocused: () => window?.isFocused() === true,
    openWindow,
    onError: (error) => { console.warn('Ferry: declining an offer failed', error) }
  })
  let tray: FerryTray | undefined
  try {
    tray = createTray(trayIconPath, {
      isReceiving: () => receiving,
      setReceiving: (on) => { receiving = on; tray?.refresh() },
      open: openWindow,
      quit: () => { app.quit() }
    })
  } catch (error) {
    // Some Linux desktops have no tray; then closing the window is the only way out, so let it quit.
    console.warn('Ferry: no tray available', error)
  }
  openWindow()

  // Closing the window hides it (window.ts) while a tray exists; without one, the last window closing quits.
  app.on('window-all-closed', () => { if (tray === undefined) app.quit() })
  app.on('activate', openWindow)
  app.on('before-quit', (event) => {
    if (quitting) return
    quitting = true
    event.preventDefault()
    stopWatching()
    bridge.dispose()
    tray?.destroy()
    service.close().catch((error: unknown) => { console.error('Ferry: closing the engine failed', error) }).finally(() => { app.quit() })
  })
}

if (acquireSingleInstance(app, openWindow)) {
  start().catch((error: unknown) => {
    console.error('Ferry could not start', error)
    app.exit(1)
  })
}
