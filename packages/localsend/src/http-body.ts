// Reading and answering HTTP on the LocalSend server: a JSON body read no further than its limit (a declared
// Content-Length over it is refused before a byte is read), errors answered with their LocalSend status and the
// `{ message }` body LocalSend apps show, and the peer's address as LocalSend compares it.

import type { IncomingMessage, ServerResponse } from 'node:http'
import { FerryError, InvalidPathError, OfferTooLargeError } from '@ferry/p2p-core'
import type * as z from 'zod'
import { LocalSendBadRequestError, LocalSendBodyTooLargeError, localSendErrors } from './errors.ts'

export async function readJson<T extends z.ZodType> (req: IncomingMessage, schema: T, maxBytes: number): Promise<z.infer<T>> {
  const declared = Number(req.headers['content-length'] ?? NaN)
  if (declared > maxBytes) throw new LocalSendBodyTooLargeError(`A request body has at most ${maxBytes} bytes; this one declares ${declared}`)
  const chunks: Buffer[] = []
  let length = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    length += chunk.byteLength
    if (length > maxBytes) throw new LocalSendBodyTooLargeError(`A request body has at most ${maxBytes} bytes`)
    chunks.push(chunk)
  }
  let value: unknown
  try {
    value = JSON.parse(Buffer.concat(chunks, length).toString('utf8'))
  } catch {
    throw new LocalSendBadRequestError('Invalid body: not JSON')
  }
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw new LocalSendBadRequestError(`Invalid body: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(body)'} ${i.message}`).join('; ')}`)
  return parsed.data
}

/** The HTTP status a failure is answered with. */
export function statusOf (err: unknown): number {
  for (const cls of localSendErrors) if (err instanceof cls) return cls.status
  if (err instanceof InvalidPathError) return 400
  if (err instanceof OfferTooLargeError) return 413
  return 500
}

export function sendJson (res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

export function sendEmpty (res: ServerResponse, status: number): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  res.writeHead(status, { 'content-length': 0 })
  res.end()
}

/**
 * Answers a failure: its status and message, nothing of the stack. When the request's body was not read to its end
 * the connection is closed after the answer, so the unread bytes are never read.
 */
export function sendError (req: IncomingMessage, res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    if (!res.writableFinished) res.destroy()
    return
  }
  const status = statusOf(err)
  const message = err instanceof FerryError ? err.message : 'Unknown error by receiver'
  if (!req.complete) res.setHeader('connection', 'close')
  sendJson(res, status, { message })
  // The socket is taken now: once the answer is out, the response lets go of it (req.socket is then null).
  const socket = req.complete ? undefined : req.socket
  if (socket !== undefined && socket !== null) res.once('finish', () => { socket.destroySoon() })
}

/** The sender's IP as LocalSend compares it: IPv4-mapped IPv6 addresses as plain IPv4. */
export function remoteIp (req: IncomingMessage): string {
  const ip = req.socket.remoteAddress ?? ''
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip
}
