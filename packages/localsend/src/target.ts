// `localsend://HOST:PORT` (and `localsend+http://HOST:PORT` for older apps in plain http mode) as a send target.

import { LocalSendBadRequestError } from './errors.ts'
import { LOCALSEND_PORT } from './protocol.ts'
import type { LocalSendTarget } from './connection.ts'

export function parseLocalSendTarget (text: string): LocalSendTarget | undefined {
  const match = /^localsend(\+https?)?:\/\/(\[[^\]]+\]|[^/:]+)(?::(\d+))?\/?$/i.exec(text.trim())
  if (match === null) return undefined
  const port = match[3] === undefined ? LOCALSEND_PORT : Number(match[3])
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new LocalSendBadRequestError(`Not a port: ${match[3] ?? ''}`)
  const host = (match[2] as string).replace(/^\[|\]$/g, '')
  return { host, port, protocol: match[1]?.toLowerCase() === '+http' ? 'http' : 'https' }
}
