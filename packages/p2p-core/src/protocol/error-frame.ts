// The `error` frame for a typed error, with its message cut to what the peer's schema accepts (a message quoting a
// hostile path could otherwise exceed it and turn the real code into FERRY_ERR_BAD_FRAME).

import { toFerryError, ConnectionLostError } from '../errors.ts'
import type { ErrorMessage } from './messages.ts'

/** Longest message an error frame carries, in characters (the schema allows 4096). */
export const MAX_ERROR_MESSAGE = 1024

export function errorFrame (err: unknown): ErrorMessage {
  const { name, code, message } = toFerryError(err, (m, o) => new ConnectionLostError(m, o)).toJSON()
  return { type: 'error', name, code, message: message.length > MAX_ERROR_MESSAGE ? `${message.slice(0, MAX_ERROR_MESSAGE - 1)}…` : message }
}
