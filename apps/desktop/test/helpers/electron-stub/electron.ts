// A stand-in for the parts of Electron that Ferry's main process uses, for running the built bundle under Node.
// It drives the app the way the renderer would: each stdin line `{"id", "method", "args"}` is invoked on the IPC
// handler main registered for `ferry:call:<method>`, as Ferry's own page; the answer goes to stdout as
// `STUB {"id", "result"}`. Events main sends to the page come out as `STUB {"event", "payload"}`; the line
// `{"quit": true}` quits the app the way the tray's Quit does. `STUB {"ready": true}` says the window loaded its page. Paths come from FERRY_STUB_DIR.

import { EventEmitter } from 'node:events'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

const root = process.env.FERRY_STUB_DIR ?? '/tmp/ferry-electron-stub'
const say = (value: unknown): void => { process.stdout.write(`STUB ${JSON.stringify(value)}\n`) }

type Handler = (event: unknown, ...args: unknown[]) => Promise<unknown>
const handlers = new Map<string, Handler>()
let pageUrl = ''

class AppStub extends EventEmitter {
  #quitting = false
  async whenReady (): Promise<void> {}
  getPath (name: string): string { return join(root, name) }
  requestSingleInstanceLock (): boolean { return true }
  quit (): void {
    const event = { defaultPrevented: false, preventDefault () { this.defaultPrevented = true } }
    this.emit('before-quit', event)
    if (!event.defaultPrevented && !this.#quitting) {
      this.#quitting = true
      setImmediate(() => { process.exit(0) })
    }
  }

  exit (code = 0): void { process.exit(code) }
}
export const app = new AppStub()

let nextContentsId = 1
class WebContentsStub extends EventEmitter {
  readonly id = nextContentsId++
  setWindowOpenHandler (): void {}
  isDestroyed (): boolean { return false }
  send (channel: string, payload: unknown): void { say({ event: channel, payload }) }
}

const windows: BrowserWindow[] = []
export class BrowserWindow extends EventEmitter {
  readonly webContents = new WebContentsStub()
  constructor (_options: unknown) {
    super()
    windows.push(this)
  }

  static getAllWindows (): BrowserWindow[] { return [...windows] }
  async loadURL (url: string): Promise<void> {
    pageUrl = url
    this.emit('ready-to-show')
    // Main loads the page only after its engine and IPC handlers are up.
    say({ ready: true })
  }

  isDestroyed (): boolean { return false }
  isMinimized (): boolean { return false }
  isFocused (): boolean { return false }
  isVisible (): boolean { return true }
  restore (): void {}
  show (): void {}
  hide (): void {}
  focus (): void {}
}

export const ipcMain = {
  handle (channel: string, handler: Handler): void { handlers.set(channel, handler) },
  removeHandler (channel: string): void { handlers.delete(channel) },
  on (): void {},
  removeListener (): void {}
}

export class Tray extends EventEmitter {
  setToolTip (): void {}
  setContextMenu (): void {}
  destroy (): void {}
}
export const Menu = { buildFromTemplate: (template: unknown[]): unknown[] => template }
export const nativeImage = { createFromPath: () => ({ isEmpty: () => false, resize: () => ({}) }) }
export class Notification extends EventEmitter {
  static isSupported (): boolean { return false }
  show (): void {}
  close (): void {}
}
export const dialog = {}
export const shell = {}
export const webUtils = { getPathForFile: () => '' }

let callId = 0
createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line) as { id?: number, method?: string, args?: unknown[], quit?: boolean }
  if (request.quit === true) {
    app.quit()
    return
  }
  const handler = handlers.get(`ferry:call:${request.method ?? ''}`)
  if (handler === undefined) {
    say({ id: request.id, result: { ok: false, error: { code: 'STUB_NO_HANDLER', message: `no handler for ${request.method}` } } })
    return
  }
  const event = { sender: { id: 1 }, senderFrame: { url: pageUrl, parent: null } }
  handler(event, ++callId, ...(request.args ?? [])).then(
    (result) => { say({ id: request.id, result }) },
    (error: unknown) => { say({ id: request.id, result: { ok: false, error: { code: 'STUB_THROWN', message: String(error) } } }) }
  )
})
