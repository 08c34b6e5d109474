// FerryApi over Electron IPC, as the preload sees it: each method invokes its own `ferry:call:<method>` channel
// with a fresh call id, a fired signal becomes a `ferry:cancel` message for that id, the `{ ok, value | error }`
// answer becomes a value or an ApiError with the host's code, and each `onXxx` listens on `ferry:event:<name>`.
// Only channels named in ../shared/ipc-protocol.ts are ever used.

import {
  ApiError, abortedError, apiErrorCodes, type CallOptions, type DropResolver, type FerryApi, type FerryEventMap,
  type FerryEventName, type FerryMethodName, ferryApiMethods, hasErrorCode, methodsOverCall, type Unsubscribe
} from '@ferry/api'
import { CANCEL_CHANNEL, callChannel, eventChannel, type IpcResult } from '../shared/ipc-protocol.ts'

/** The parts of Electron's ipcRenderer this module uses. */
export interface IpcRendererLike {
  invoke: (channel: string, ...args: unknown[]) => Promise<unknown>
  send: (channel: string, ...args: unknown[]) => void
  on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => unknown
  removeListener: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => unknown
}

export interface IpcFerryApiInit {
  ipcRenderer: IpcRendererLike
  /** Electron's webUtils.getPathForFile: '' for a File that is not on disk. */
  getPathForFile: (file: File) => string
}

const isResult = (value: unknown): value is IpcResult =>
  typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean'

export function createIpcFerryApi (init: IpcFerryApiInit): FerryApi {
  const { ipcRenderer } = init
  let nextCallId = 1

  const call = async (method: FerryMethodName, args: readonly unknown[], options: CallOptions | undefined): Promise<unknown> => {
    const signal = options?.signal
    if (signal?.aborted === true) throw abortedError()
    const callId = nextCallId++
    // Trailing undefined arguments (setTrust's autoAccept) are left out, never sent as null.
    const data = args.slice(0, ferryApiMethods[method])
    while (data.length > 0 && data[data.length - 1] === undefined) data.pop()
    const answer = ipcRenderer.invoke(callChannel(method), callId, ...data)
    if (signal === undefined) return unwrap(await answer)
    return await new Promise((resolve, reject) => {
      const onAbort = (): void => {
        ipcRenderer.send(CANCEL_CHANNEL, callId)
        reject(abortedError())
      }
      signal.addEventListener('abort', onAbort, { once: true })
      // After a cancel the late answer is dropped: the promise is settled, so resolve/reject do nothing.
      answer.then((value) => { resolve(unwrap(value)) }).catch(reject).finally(() => { signal.removeEventListener('abort', onAbort) })
    })
  }

  const unwrap = (answer: unknown): unknown => {
    if (!isResult(answer)) {
      throw new ApiError({ name: 'FerryError', code: apiErrorCodes.internal, message: 'Malformed answer from the main process' })
    }
    if (answer.ok) return answer.value
    const error = answer.error
    throw new ApiError(hasErrorCode(error)
      ? { name: typeof error.name === 'string' ? error.name : 'FerryError', code: error.code, message: error.message }
      : { name: 'FerryError', code: apiErrorCodes.internal, message: 'Malformed error from the main process' })
  }

  const subscribe = <E extends FerryEventName>(name: E, listener: (payload: FerryEventMap[E]) => void): Unsubscribe => {
    const channel = eventChannel(name)
    const onEvent = (_event: unknown, payload: unknown): void => { listener(payload as FerryEventMap[E]) }
    ipcRenderer.on(channel, onEvent)
    return () => { ipcRenderer.removeListener(channel, onEvent) }
  }

  const resolveDroppedFiles: DropResolver = async (files) => files.map((file) => init.getPathForFile(file))

  return {
    ...methodsOverCall(call),
    onPeers: (listener) => subscribe('peers', listener),
    onTransfer: (listener) => subscribe('transfer', listener),
    onOffer: (listener) => subscribe('offer', listener),
    onShare: (listener) => subscribe('share', listener),
    onHistory: (listener) => subscribe('history', listener),
    onHistoryRemoved: (listener) => subscribe('historyRemoved', listener),
    onSettings: (listener) => subscribe('settings', listener),
    onDevice: (listener) => subscribe('device', listener),
    onError: (listener) => subscribe('error', listener),
    resolveDroppedFiles
  }
}
