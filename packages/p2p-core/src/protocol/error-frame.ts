// The `error` frame for a typed error, with its message cut to what the peer's schema accepts (a message quoting a
// hostile path could otherwise exceed it and turn the real code into FERRY_ERR_BAD_FRAME).

import { toFerryError, CancelledError, ConnectionLostError, DiskError, NoSpaceError } from '../errors.ts'
import type { ErrorMessage } from './messages.ts'

/** Longest message an error frame carries, in characters (the schema allows 4096). */
export const MAX_ERROR_MESSAGE = 1024

/**
 * Errors about this device's own disk: their messages name local folders and free bytes, which are nobody else's
 * business, so the peer gets the class's own sentence (the code says the same).
 */
const LOCAL_DETAIL: ReadonlyMap<string, string> = new Map([new DiskError(), new NoSpaceError()].map((e) => [e.code, e.message]))

export function errorFrame (err: unknown): ErrorMessage {
  const { name, code, message } = toFerryError(err, (m, o) => new ConnectionLostError(m, o)).toJSON()
  const told = LOCAL_DETAIL.get(code) ?? message
  return { type: 'error', name, code, message: told.length > MAX_ERROR_MESSAGE ? `${told.slice(0, MAX_ERROR_MESSAGE - 1)}…` : told }
}

/**
 * Whether a failure is told to the peer in an error frame. Not a cancel (this side's is told as a `cancel` frame,
 * the peer's is its own) nor a lost connection (nobody left to tell).
 */
export function toldToPeer (err: unknown): boolean {
  return !(err instanceof CancelledError) && !(err instanceof ConnectionLostError)
}
