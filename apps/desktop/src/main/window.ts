// The app's one window: locked-down webPreferences (sandboxed renderer, isolated preload, no Node), no new windows,
// no navigation away from the app's page, and closing only hides it so transfers go on from the tray.

import { BrowserWindow, type BrowserWindowConstructorOptions } from 'electron'

export interface MainWindowInit {
  /** Absolute path of the built preload script. */
  preloadPath: string
  /** The page to load: the dev server's URL, or a file: URL of out/renderer/index.html. */
  pageUrl: string
  /** Whether the app is quitting: then closing really closes. */
  isQuitting: () => boolean
}

export function mainWindowOptions (preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1080,
    height: 720,
    minWidth: 640,
    minHeight: 480,
    title: 'Ferry',
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false
    }
  }
}

export function createMainWindow (init: MainWindowInit): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions(init.preloadPath))
  const contents = window.webContents
  // Links never open inside Ferry; the UI opens files through FerryApi.openFile, not window.open.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  contents.on('will-navigate', (event, url) => {
    if (url !== init.pageUrl) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => { event.preventDefault() })
  window.once('ready-to-show', () => { window.show() })
  window.on('close', (event) => {
    if (!init.isQuitting()) {
      event.preventDefault()
      window.hide()
    }
  })
  void window.loadURL(init.pageUrl)
  return window
}

/** Brings the window to the front, restoring it from the tray or the taskbar. */
export function revealWindow (window: BrowserWindow): void {
  if (window.isMinimized()) window.restore()
  window.show()
  window.focus()
}
