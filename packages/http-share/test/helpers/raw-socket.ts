// A hand-driven upload socket for protocol tests: it sends exactly what a test tells it to (including what a real
// page never would) and records what the server answers.

import { WebSocket } from 'ws'
import type { ServerMessage } from '../../src/index.ts'

export interface RawSocket {
  ws: WebSocket
  messages: ServerMessage[]
  /** Resolves with the next message of `type` (already received ones count), or rejects after `timeoutMs`. */
  next: <T extends ServerMessage['type']>(type: T, timeoutMs?: number) => Promise<Extract<ServerMessage, { type: T }>>
  send: (message: unknown) => void
  closed: Promise<{ code: number, reason: string }>
}

/** The upload socket URL for a share link. */
export function socketUrl (shareUrl: string): string {
  return `${shareUrl.replace(/^http/, 'ws')}upload`
}

export async function openRaw (shareUrl: string, options: { headers?: Record<string, string> } = {}): Promise<RawSocket> {
  const ws = new WebSocket(socketUrl(shareUrl), { headers: options.headers ?? {} })
  const messages: ServerMessage[] = []
  const waiters = new Set<() => void>()
  ws.on('message', (data, isBinary) => {
    if (isBinary) return
    messages.push(JSON.parse((data as Buffer).toString()) as ServerMessage)
    for (const w of [...waiters]) w()
  })
  const closed = new Promise<{ code: number, reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() })
      for (const w of [...waiters]) w()
    })
  })
  ws.on('error', () => {})
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => { resolve() })
    ws.once('unexpected-response', (_req, res) => { reject(new Error(`HTTP ${res.statusCode ?? 0}`)) })
    ws.once('error', reject)
  })
  let seen = 0
  const next = async <T extends ServerMessage['type']>(type: T, timeoutMs = 5000): Promise<Extract<ServerMessage, { type: T }>> => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const i = messages.findIndex((m, index) => index >= seen && m.type === type)
      if (i >= 0) {
        seen = i + 1
        return messages[i] as Extract<ServerMessage, { type: T }>
      }
      if (ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed before a ${type}; got ${JSON.stringify(messages)}`)
      if (Date.now() > deadline) throw new Error(`no ${type} within ${timeoutMs} ms; got ${JSON.stringify(messages)}`)
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, 50)
        function done (): void { clearTimeout(t); waiters.delete(done); resolve() }
        waiters.add(done)
      })
    }
  }
  return { ws, messages, next, send: (m) => { ws.send(JSON.stringify(m)) }, closed }
}

/** The HTTP status a refused upgrade answers with. */
export async function upgradeStatus (shareUrl: string, headers: Record<string, string> = {}): Promise<{ status: number, code: string }> {
  const ws = new WebSocket(socketUrl(shareUrl), { headers })
  return await new Promise((resolve, reject) => {
    ws.once('open', () => { ws.close(); resolve({ status: 101, code: '' }) })
    ws.once('unexpected-response', (_req, res) => {
      let body = ''
      res.on('data', (d: Buffer) => { body += d.toString() })
      res.on('end', () => {
        const code = (JSON.parse(body) as { error: { code: string } }).error.code
        resolve({ status: res.statusCode ?? 0, code })
      })
    })
    ws.once('error', reject)
  })
}
