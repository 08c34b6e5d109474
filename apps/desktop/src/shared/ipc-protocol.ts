// The IPC protocol between Ferry's preload and its main process: channel names and the envelope an answer travels
// in. Plain types and strings only, so both sides (and their tests) import the same names.
//
//   renderer -> main   invoke  `ferry:call:<method>`  (callId, ...dataArgs)   one channel per FerryApi method
//                      send    `ferry:cancel`         (callId)                the call's signal fired
//   main -> renderer   send    `ferry:event:<name>`   (payload)               one channel per FerryApi event
//
// A call answers with an IpcResult rather than throwing, because Electron rewrites an error thrown in a handler
// into "Error invoking remote method ...: <message>" and drops its `code`; the envelope keeps `{ name, code, message }`.

import type { FerryErrorDto, FerryEventName, FerryMethodName } from '@ferry/api'

export const CHANNEL_PREFIX = 'ferry:'
export const CANCEL_CHANNEL = 'ferry:cancel'

export const callChannel = (method: FerryMethodName): `ferry:call:${FerryMethodName}` => `ferry:call:${method}`
export const eventChannel = (event: FerryEventName): `ferry:event:${FerryEventName}` => `ferry:event:${event}`

/** A renderer-chosen id for one call, unique per window: a positive safe integer. */
export type CallId = number

export const isCallId = (value: unknown): value is CallId =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0

export type IpcResult<T = unknown> =
  | { ok: true, value?: T }
  | { ok: false, error: FerryErrorDto }

/**
 * How call options cross Electron's contextBridge. The bridge copies plain data and proxies functions, but an
 * AbortSignal arrives as an empty object and an Error loses every property but its message. So the renderer side
 * (renderer/from-preload.ts) turns `{ signal }` into this, and the preload (preload/to-main-world.ts) turns it back
 * into a signal; failures cross as a plain `{ name, code, message }` and become an ApiError again on the far side.
 */
export interface BridgedCallOptions {
  /** The caller's signal had fired before the call. */
  aborted?: boolean
  /** Registers the function to run when the caller's signal fires. */
  onAbort?: (listener: () => void) => void
}
