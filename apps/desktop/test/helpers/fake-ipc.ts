// An in-process stand-in for Electron's IPC: a fake ipcMain (what main registers) wired to a fake ipcRenderer
// (what the preload uses), with messages copied through structuredClone as Electron's IPC does. `frameUrl` is the
// URL main sees as the sender's frame, so tests can play a foreign page.

import type { IpcMainLike, IpcSenderEvent } from '../../src/main/ipc-bridge.ts'
import type { IpcRendererLike } from '../../src/preload/ipc-ferry-api.ts'

export const APP_URL = 'file:///opt/Ferry/resources/app.asar/out/renderer/index.html'

type Handler = (event: IpcSenderEvent, ...args: unknown[]) => Promise<unknown>
type Listener = (event: IpcSenderEvent, ...args: unknown[]) => void
type RendererListener = (event: unknown, ...args: unknown[]) => void

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>()
  readonly listeners = new Map<string, Set<Listener>>()

  handle (channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, handler)
  }

  removeHandler (channel: string): void { this.handlers.delete(channel) }

  on (channel: string, listener: Listener): this {
    const set = this.listeners.get(channel) ?? new Set()
    set.add(listener)
    this.listeners.set(channel, set)
    return this
  }

  removeListener (channel: string, listener: Listener): this {
    this.listeners.get(channel)?.delete(listener)
    return this
  }
}

export interface FakeIpcPair {
  ipcMain: FakeIpcMain
  ipcRenderer: IpcRendererLike & { channelsUsed: Set<string> }
  /** What main sends to the window; pass as the bridge's event target. */
  webContents: { send: (channel: string, payload: unknown) => void, isDestroyed: () => boolean }
  frame: { url: string, parent: unknown }
}

export function fakeIpcPair (frameUrl = APP_URL): FakeIpcPair {
  const ipcMain = new FakeIpcMain()
  const frame = { url: frameUrl, parent: null as unknown }
  const event = (): IpcSenderEvent => ({ sender: { id: 1 }, senderFrame: frame })
  const rendererListeners = new Map<string, Set<RendererListener>>()
  const channelsUsed = new Set<string>()
  const ipcRenderer = {
    channelsUsed,
    invoke: async (channel: string, ...args: unknown[]): Promise<unknown> => {
      channelsUsed.add(channel)
      const handler = ipcMain.handlers.get(channel)
      if (handler === undefined) throw new Error(`Error invoking remote method '${channel}': No handler registered`)
      return structuredClone(await handler(event(), ...structuredClone(args)))
    },
    send: (channel: string, ...args: unknown[]): void => {
      channelsUsed.add(channel)
      for (const listener of ipcMain.listeners.get(channel) ?? []) listener(event(), ...structuredClone(args))
    },
    on: (channel: string, listener: RendererListener) => {
      channelsUsed.add(channel)
      const set = rendererListeners.get(channel) ?? new Set()
      set.add(listener)
      rendererListeners.set(channel, set)
    },
    removeListener: (channel: string, listener: RendererListener) => { rendererListeners.get(channel)?.delete(listener) }
  }
  const webContents = {
    send: (channel: string, payload: unknown): void => {
      for (const listener of rendererListeners.get(channel) ?? []) listener({}, structuredClone(payload))
    },
    isDestroyed: () => false
  }
  return { ipcMain, ipcRenderer, webContents, frame }
}

/** Plays Electron's contextBridge: data is copied, functions proxied, and an Error keeps only its message. */
export function acrossContextBridge<T> (value: T): T {
  const copy = (v: unknown): unknown => {
    if (typeof v === 'function') {
      return (...args: unknown[]) => {
        let result: unknown
        try {
          result = (v as (...a: unknown[]) => unknown)(...args.map(copy))
        } catch (error) {
          throw copy(error)
        }
        return result instanceof Promise ? result.then(copy, (error: unknown) => { throw copy(error) }) : copy(result)
      }
    }
    if (v instanceof Error) return new Error(v.message)
    if (Array.isArray(v)) return v.map(copy)
    if (typeof v === 'object' && v !== null) {
      // Own enumerable properties only: an AbortSignal's `aborted` and methods live on its prototype and are lost.
      return Object.fromEntries(Object.entries(v).map(([key, inner]) => [key, copy(inner)]))
    }
    return v
  }
  return copy(value) as T
}
