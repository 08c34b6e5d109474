// Errors on the UI side of FerryApi: the codes a host (not the engine) raises about a call itself, and ApiError,
// the Error a bridge rejects with so that `{ name, code, message }` survives. Everything the UI catches goes
// through toErrorDto() before it is shown, so a stray TypeError still gets a code.

import type { FerryErrorDto } from './ferry-api.ts'

/** Codes of the FerryApi layer itself; engine codes (p2p-core, http-share) pass through unchanged. */
export const apiErrorCodes = {
  /** The host refused an argument (wrong type, out of range, unknown method). */
  invalidArgument: 'FERRY_ERR_API_INVALID_ARGUMENT',
  /** addPeerByAddress got text that is not HOST:PORT[/ID] nor a ferry:// link. */
  badAddress: 'FERRY_ERR_API_BAD_ADDRESS',
  /** The offer, transfer, share or peer named is not (or no longer) there. */
  notFound: 'FERRY_ERR_API_NOT_FOUND',
  /** Ferry knows that file but does not open it: one it sent (shown in its folder only), or a program. */
  notOpenable: 'FERRY_ERR_API_NOT_OPENABLE',
  /** This host cannot do that (e.g. no native file dialog). */
  unsupported: 'FERRY_ERR_API_UNSUPPORTED',
  /** listFolder: the host may not read that folder (no permission). */
  unreadable: 'FERRY_ERR_API_UNREADABLE',
  /** Files dropped onto a browser page are more (or larger) than the host keeps copies of. */
  dropTooLarge: 'FERRY_ERR_API_DROP_TOO_LARGE',
  /** The link to the host broke before the answer came. */
  disconnected: 'FERRY_ERR_API_DISCONNECTED',
  /** The host refused the session (a wrong or expired token). */
  unauthorized: 'FERRY_ERR_API_UNAUTHORIZED',
  /** The host could not write its settings, history or device list to disk. */
  saveFailed: 'FERRY_ERR_API_SAVE_FAILED',
  /** Anything without a code of its own. */
  internal: 'FERRY_ERR_INTERNAL',
  /** The call was abandoned through its signal (the engine's code for a cancel). */
  cancelled: 'FERRY_ERR_CANCELLED'
} as const

export class ApiError extends Error {
  readonly code: string

  constructor (dto: FerryErrorDto) {
    super(dto.message)
    this.name = dto.name
    this.code = dto.code
  }

  toJSON (): FerryErrorDto {
    return { name: this.name, code: this.code, message: this.message }
  }
}

/** Whether a value looks like `{ code: string, message: string }` (an ApiError, a FerryError, or its JSON). */
export function hasErrorCode (value: unknown): value is { code: string, message: string, name?: unknown } {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  return typeof record.code === 'string' && typeof record.message === 'string'
}

/** Anything thrown, as the plain `{ name, code, message }` the UI stores and shows. */
export function toErrorDto (error: unknown): FerryErrorDto {
  if (hasErrorCode(error)) {
    return { name: typeof error.name === 'string' ? error.name : 'Error', code: error.code, message: error.message }
  }
  if (error instanceof DOMException && error.name === 'AbortError') {
    return { name: 'CancelledError', code: apiErrorCodes.cancelled, message: error.message }
  }
  const message = error instanceof Error ? error.message : String(error)
  return { name: error instanceof Error ? error.name : 'Error', code: apiErrorCodes.internal, message }
}

/** The ApiError to reject with when a call's signal fires. */
export function abortedError (): ApiError {
  return new ApiError({ name: 'CancelledError', code: apiErrorCodes.cancelled, message: 'The call was cancelled' })
}
