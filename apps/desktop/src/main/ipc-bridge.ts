// Serves a FerryApi to renderers over Electron IPC (protocol in ../shared/ipc-protocol.ts): one `ferry:call:<method>`
// handler per entry of `ferryApiMethods`, `ferry:cancel` to abort a call's signal, and every FerryApi event
// forwarded as `ferry:event:<name>`. Every message is checked before the service sees it: the sender must be the
// main frame of a page this app loaded, and the arguments must pass the one validator of FerryApi arguments
// (@ferry/app-service/validate, which the service and the WebSocket bridge use too).
// It needs only the slices of Electron typed below, so tests drive it with a fake ipcMain.

import {
  apiErrorCodes, type FerryApi, type FerryEventName, type FerryMethodName, ferryApiEvents, ferryApiMethods,
  toErrorDto
} from '@ferry/api'
import { CANCEL_CHANNEL, callChannel, eventChannel, isCallId, type IpcResult } from '../shared/ipc-protocol.ts'
import { checkCall, invalid } from '@ferry/app-service/validate'

/** Calls one renderer may have awaiting an answer; more are refused (every queue is bounded, STYLE.md rule 7). */
export const MAX_CALLS_IN_FLIGHT = 256

/** The parts of an IpcMainInvokeEvent / IpcMainEvent the bridge reads. */
export interface IpcSenderEvent {
  sender: { id: number }
  senderFrame: { url: string, parent: unknown } | null
}

/** The parts of Electron's ipcMain the bridge uses. */
export interface IpcMainLike {
  handle: (channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => Promise<unknown>) => void
  removeHandler: (channel: string) => void
  on: (channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => void) => unknown
  removeListener: (channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => void) => unknown
}

/** Where events go: the app's window(s) webContents. */
export interface EventSink {
  send: (channel: string, payload: unknown) => void
  isDestroyed: () => boolean
}

export interface IpcBridgeInit {
  api: FerryApi
  ipcMain: IpcMainLike
  /** Whether a frame URL is one of the app's own pages (see isAppPageUrl). */
  isTrustedUrl: (url: string) => boolean
  /** The webContents that receive events, looked up at each event (windows come and go). */
  eventTargets: () => Iterable<EventSink>
}

export interface IpcBridge {
  /** Channels this bridge handles, for tests and diagnostics. */
  readonly callChannels: readonly string[]
  /** Calls awaiting an answer, all renderers together. */
  readonly callsInFlight: number
  /** Removes every handler and event subscription and aborts the calls in flight. */
  dispose: () => void
}

const listenerName = (event: FerryEventName): `on${Capitalize<FerryEventName>}` =>
  `on${event[0]?.toUpperCase() ?? ''}${event.slice(1)}` as `on${Capitalize<FerryEventName>}`

/**
 * A frame URL check for the app's own page. `pageUrl` is what the window loads: a file: URL in production, the
 * dev server's URL in development. Query and hash are ignored; scheme, host and path must match exactly.
 */
export function isAppPageUrl (pageUrl: string): (url: string) => boolean {
  const expected = new URL(pageUrl)
  return (url) => {
    let actual: URL
    try {
      actual = new URL(url)
    } catch {
      return false
    }
    return actual.protocol === expected.protocol && actual.host === expected.host && actual.pathname === expected.pathname
  }
}

export function registerIpcBridge (init: IpcBridgeInit): IpcBridge {
  const { api, ipcMain, isTrustedUrl } = init
  const inFlight = new Map<string, AbortController>()
  const perSender = new Map<number, number>()

  const trusted = (event: IpcSenderEvent): boolean => {
    const frame = event.senderFrame
    return frame !== null && frame.parent === null && isTrustedUrl(frame.url)
  }

  const call = async (method: FerryMethodName, event: IpcSenderEvent, callId: unknown, args: unknown[]): Promise<IpcResult> => {
    if (!trusted(event)) {
      return { ok: false, error: { name: 'UnauthorizedError', code: apiErrorCodes.unauthorized, message: 'IPC from a frame that is not Ferry\'s own page' } }
    }
    const key = `${event.sender.id}:${String(callId)}`
    const count = perSender.get(event.sender.id) ?? 0
    let padded: unknown[]
    try {
      if (!isCallId(callId)) throw invalid('call id must be a positive integer')
      if (inFlight.has(key)) throw invalid(`call id ${callId} is already in use`)
      if (count >= MAX_CALLS_IN_FLIGHT) throw invalid(`more than ${MAX_CALLS_IN_FLIGHT} calls in flight`)
      padded = checkCall(method, args).args
    } catch (error) {
      return { ok: false, error: toErrorDto(error) }
    }
    const controller = new AbortController()
    inFlight.set(key, controller)
    perSender.set(event.sender.id, count + 1)
    try {
      // Options sit after all data arguments, so omitted trailing ones are undefined (checkCall padded them).
      const invoke = api[method] as (...callArgs: unknown[]) => Promise<unknown>
      const value = await invoke.call(api, ...padded, { signal: controller.signal })
      return value === undefined ? { ok: true } : { ok: true, value }
    } catch (error) {
      return { ok: false, error: toErrorDto(error) }
    } finally {
      inFlight.delete(key)
      const left = (perSender.get(event.sender.id) ?? 1) - 1
      if (left === 0) perSender.delete(event.sender.id)
      else perSender.set(event.sender.id, left)
    }
  }

  const methods = Object.keys(ferryApiMethods) as FerryMethodName[]
  for (const method of methods) {
    ipcMain.handle(callChannel(method), async (event, callId, ...args) => await call(method, event, callId, args))
  }

  const onCancel = (event: IpcSenderEvent, callId: unknown): void => {
    if (!trusted(event) || !isCallId(callId)) return
    inFlight.get(`${event.sender.id}:${callId}`)?.abort()
  }
  ipcMain.on(CANCEL_CHANNEL, onCancel)

  const forward = (name: FerryEventName) => (payload: unknown): void => {
    for (const target of init.eventTargets()) {
      if (!target.isDestroyed()) target.send(eventChannel(name), payload)
    }
  }
  const unsubscribes = ferryApiEvents.map((name) => {
    const subscribe = api[listenerName(name)] as (listener: (payload: unknown) => void) => () => void
    return subscribe.call(api, forward(name))
  })

  return {
    callChannels: methods.map(callChannel),
    get callsInFlight () { return inFlight.size },
    dispose: () => {
      for (const method of methods) ipcMain.removeHandler(callChannel(method))
      ipcMain.removeListener(CANCEL_CHANNEL, onCancel)
      for (const unsubscribe of unsubscribes) unsubscribe()
      for (const controller of inFlight.values()) controller.abort()
    }
  }
}
