// The object the preload hands to contextBridge: exactly the FerryApi members (methods from `ferryApiMethods`, the
// `onXxx` events, resolveDroppedFiles) and nothing else, adapted to what the bridge can carry
// (BridgedCallOptions in ../shared/ipc-protocol.ts): `{ aborted, onAbort }` options become an AbortSignal, and a
// failure crosses as a plain `{ name, code, message }` because the bridge strips an Error's `code`.

import {
  type CallOptions, type FerryApi, type FerryEventName, type FerryMethodName, ferryApiEvents, ferryApiMethods,
  toErrorDto
} from '@ferry/api'
import type { BridgedCallOptions } from '../shared/ipc-protocol.ts'

/** A real signal when the options carry one (same world) or the bridged hooks; undefined otherwise. */
export function signalFromBridge (options: unknown): AbortSignal | undefined {
  if (typeof options !== 'object' || options === null) return undefined
  const { signal } = options as CallOptions
  if (signal instanceof AbortSignal) return signal
  const { aborted, onAbort } = options as BridgedCallOptions
  if (aborted !== true && typeof onAbort !== 'function') return undefined
  const controller = new AbortController()
  if (aborted === true) controller.abort()
  else onAbort?.(() => { controller.abort() })
  return controller.signal
}

const eventMember = (name: FerryEventName): keyof FerryApi => `on${name[0]?.toUpperCase() ?? ''}${name.slice(1)}` as keyof FerryApi

/** The names exposed as `window.ferry`, in a fixed order (tests compare against it). */
export const exposedMembers: readonly (keyof FerryApi)[] = [
  ...(Object.keys(ferryApiMethods) as FerryMethodName[]), ...ferryApiEvents.map(eventMember), 'resolveDroppedFiles'
]

export function toMainWorld (api: FerryApi): Record<string, unknown> {
  const exposed: Record<string, unknown> = {}
  for (const method of Object.keys(ferryApiMethods) as FerryMethodName[]) {
    const count = ferryApiMethods[method]
    const target = api[method] as (...args: unknown[]) => Promise<unknown>
    exposed[method] = async (...args: unknown[]): Promise<unknown> => {
      const data = args.slice(0, count)
      const signal = signalFromBridge(args[count])
      try {
        return await target.call(api, ...data, ...(signal === undefined ? [] : [{ signal }]))
      } catch (error) {
        // A plain object survives the bridge whole; the renderer makes it an ApiError again (from-preload.ts).
        throw toErrorDto(error)
      }
    }
  }
  for (const name of ferryApiEvents) {
    const member = eventMember(name)
    const subscribe = api[member] as (listener: (payload: unknown) => void) => () => void
    exposed[member] = (listener: unknown) => {
      if (typeof listener !== 'function') throw new TypeError(`${member} needs a function`)
      return subscribe.call(api, (payload) => { (listener as (payload: unknown) => void)(payload) })
    }
  }
  const resolve = api.resolveDroppedFiles
  if (resolve !== undefined) exposed.resolveDroppedFiles = async (files: File[]) => await resolve(files)
  return exposed
}
