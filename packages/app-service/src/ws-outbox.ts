// What the FerryApi WebSocket bridge holds for its pages, bounded for all sockets together (issue 15: 300 sockets
// that never read, each allowed 8 MiB and a 30 MB snapshot, took a server to 10 GB). The rules, with the limits
// below:
// - At most `maxSockets` pages are connected; another upgrade is refused with 503.
// - A call is started only while its socket has at most `maxBufferedBytes` waiting to be sent and all sockets
//   together at most `maxTotalBufferedBytes`; otherwise it waits for the page to read. A page that stops reading
//   therefore stops getting work done, instead of piling up answers; a page that reads is never cut for asking
//   twice at once (its second answer waits for the first to drain).
// - getState, the one answer that can be large, is computed one at a time for all sockets, so at most one snapshot
//   is being built and serialised at any moment.
// - Events are never held back (the UI would drift): a socket that is behind when one would take the total over
//   `maxTotalBufferedBytes` is cut, most behind first; "behind" is over its own `maxBufferedBytes` and not taking
//   bytes lately. A reading page stays under its limit or keeps taking bytes, so it is never cut for another's sake.
// - A page that stops reading is cut: each socket is pinged every half `stallTimeoutMs`, and one that has not
//   answered for `stallTimeoutMs` while taking none of the bytes waiting for it (if any) is closed. Bytes the
//   kernel took do not show in bufferedAmount, so the ping is what tells. A cut page reconnects and reloads.

import type { Logger } from '@ferry/p2p-core'
import type { WsSocket } from './ws-module.ts'

const MiB = 1024 * 1024

export interface WsBridgeLimits {
  /** Authorised sockets open at once; another upgrade gets HTTP 503. */
  maxSockets: number
  /** Bytes waiting to be sent to one socket above which its calls wait until it reads, in bytes. */
  maxBufferedBytes: number
  /** Bytes waiting to be sent to all sockets together above which calls wait and sockets behind are cut, in bytes. */
  maxTotalBufferedBytes: number
  /** How long a socket may leave a ping unanswered while taking none of the bytes waiting for it, in ms. */
  stallTimeoutMs: number
}

export const defaultWsBridgeLimits: Readonly<WsBridgeLimits> = Object.freeze({
  maxSockets: 16,
  maxBufferedBytes: 8 * MiB,
  maxTotalBufferedBytes: 32 * MiB,
  stallTimeoutMs: 10_000
})

/** A page's socket as the outbox watches it. */
export interface OutboxClient {
  readonly ws: WsSocket
  /** bufferedAmount when last looked at. */
  seen: number
  /** When bufferedAmount last went down, or became non-zero. */
  movedAt: number
  /** When it last answered a ping (or opened). */
  pongAt: number
  /** When the last ping went out. */
  pingAt: number
  closed: boolean
}

export class Outbox {
  readonly limits: Readonly<WsBridgeLimits>
  readonly #clients = new Set<OutboxClient>()
  readonly #waiting = new Set<() => void>()
  readonly #logger: Logger
  readonly #tickMs: number
  readonly #timer: NodeJS.Timeout
  #snapshotBusy = false
  readonly #open: number

  constructor (limits: Readonly<WsBridgeLimits>, logger: Logger, open: number) {
    this.limits = limits
    this.#logger = logger
    this.#open = open
    this.#tickMs = Math.max(20, Math.floor(limits.stallTimeoutMs / 10))
    this.#timer = setInterval(() => { this.#tick() }, this.#tickMs)
    this.#timer.unref()
  }

  get size (): number {
    return this.#clients.size
  }

  add (ws: WsSocket): OutboxClient {
    const now = Date.now()
    const client: OutboxClient = { ws, seen: 0, movedAt: now, pongAt: now, pingAt: now, closed: false }
    ws.on('pong', () => { client.pongAt = Date.now() })
    this.#clients.add(client)
    return client
  }

  /** The socket closed: its bytes no longer count, and calls waiting for room re-check. */
  remove (client: OutboxClient): void {
    client.closed = true
    this.#clients.delete(client)
    this.#wake()
  }

  /** Bytes waiting to be sent, all sockets together. */
  total (): number {
    let sum = 0
    for (const client of this.#clients) sum += client.ws.bufferedAmount
    return sum
  }

  /** Sends one text frame (an event or an answer); cuts sockets behind when it would exceed the total budget. */
  send (client: OutboxClient, text: string): void {
    if (client.closed || client.ws.readyState !== this.#open) return
    const size = Buffer.byteLength(text)
    if (this.total() + size > this.limits.maxTotalBufferedBytes) this.#shed(client, size)
    if (client.closed) return
    client.ws.send(text, () => { this.#wake() })
    this.#look(client, Date.now())
  }

  /**
   * Runs `work` once this socket and the total are within their budgets (and, for a snapshot, once no other
   * snapshot is being built), then sends what it returns. Resolves false when the socket closed first.
   */
  async whenRoom (client: OutboxClient, snapshot: boolean, work: () => Promise<string | undefined>): Promise<boolean> {
    for (;;) {
      if (client.closed) return false
      if (this.#fits(client) && !(snapshot && this.#snapshotBusy)) break
      await new Promise<void>((resolve) => { this.#waiting.add(resolve) })
    }
    if (snapshot) this.#snapshotBusy = true
    try {
      const text = await work()
      if (text !== undefined) this.send(client, text)
    } finally {
      if (snapshot) {
        this.#snapshotBusy = false
        this.#wake()
      }
    }
    return !client.closed
  }

  close (): void {
    clearInterval(this.#timer)
    for (const client of this.#clients) client.closed = true
    this.#clients.clear()
    this.#wake()
  }

  #fits (client: OutboxClient): boolean {
    return client.ws.bufferedAmount <= this.limits.maxBufferedBytes && this.total() <= this.limits.maxTotalBufferedBytes
  }

  #look (client: OutboxClient, now: number): void {
    const buffered = client.ws.bufferedAmount
    if (buffered < client.seen || client.seen === 0) client.movedAt = now
    client.seen = buffered
  }

  #tick (): void {
    const now = Date.now()
    const stall = this.limits.stallTimeoutMs
    for (const client of [...this.#clients]) {
      this.#look(client, now)
      const silent = now - client.pongAt > stall
      const stuck = client.seen === 0 || now - client.movedAt > stall
      if (silent && stuck) {
        this.#cut(client, 'a page stopped reading')
        continue
      }
      if (now - client.pingAt >= stall / 2 && client.ws.readyState === this.#open) {
        client.pingAt = now
        client.ws.ping()
      }
    }
    this.#wake()
  }

  /** Cuts sockets other than `keep` that are behind, most behind first, until `size` more bytes fit the budget. */
  #shed (keep: OutboxClient, size: number): void {
    const now = Date.now()
    for (const client of this.#clients) this.#look(client, now)
    const behind = [...this.#clients]
      .filter((c) => c !== keep && c.seen > this.limits.maxBufferedBytes && now - c.movedAt > 2 * this.#tickMs)
      .sort((a, b) => b.seen - a.seen)
    for (const client of behind) {
      if (this.total() + size <= this.limits.maxTotalBufferedBytes) return
      this.#cut(client, 'a page fell behind while the bridge was at its memory budget')
    }
  }

  #cut (client: OutboxClient, why: string): void {
    this.#logger.warn(`${why}; closing its socket`)
    client.ws.terminate()
    this.remove(client)
  }

  #wake (): void {
    const waiting = [...this.#waiting]
    this.#waiting.clear()
    for (const resolve of waiting) resolve()
  }
}
