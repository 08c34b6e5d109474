// The renderer's side of the contextBridge crossing (see BridgedCallOptions in ../shared/ipc-protocol.ts): wraps
// `window.ferry` so the UI gets a plain FerryApi again: a call's AbortSignal travels as `{ aborted, onAbort }`, and a
// rejection's `{ name, code, message }` becomes an ApiError.

import { ApiError, type FerryApi, type FerryMethodName, ferryApiMethods, toErrorDto } from '@ferry/api'
import type { BridgedCallOptions } from '../shared/ipc-protocol.ts'

function bridged (options: unknown): BridgedCallOptions | undefined {
  const signal = (options as { signal?: unknown } | undefined)?.signal
  if (!(signal instanceof AbortSignal)) return undefined
  return {
    aborted: signal.aborted,
    onAbort: (listener) => { signal.addEventListener('abort', () => { listener() }, { once: true }) }
  }
}

export function fromPreload (raw: FerryApi): FerryApi {
  const api: Record<string, unknown> = {}
  for (const method of Object.keys(ferryApiMethods) as FerryMethodName[]) {
    const count = ferryApiMethods[method]
    const target = raw[method] as (...args: unknown[]) => Promise<unknown>
    api[method] = async (...args: unknown[]): Promise<unknown> => {
      const options = bridged(args[count])
      try {
        return await target(...args.slice(0, count), ...(options === undefined ? [] : [options]))
      } catch (error) {
        throw new ApiError(toErrorDto(error))
      }
    }
  }
  for (const [key, value] of Object.entries(raw)) {
    if (!(key in api) && typeof value === 'function') api[key] = value
  }
  return api as unknown as FerryApi
}
