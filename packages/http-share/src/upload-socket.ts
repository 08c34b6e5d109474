// The upload WebSocket: `GET /s/:token/upload` with an Upgrade header. Everything is checked on the raw `upgrade`
// event before ws's handleUpgrade runs (Host, Origin, token, expiry, PIN cookie, uploads allowed, per-share and
// per-IP caps), so a refused client costs one short HTTP answer and never a WebSocket. ws enforces `maxPayload`
// (a larger message closes the socket with 1009); a ping goes out every `pingIntervalMs`, and a socket that has
// not answered the previous ping by then is terminated.

import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { FerryError, type Logger } from '@ferry/p2p-core'
import { WebSocketServer, type WebSocket } from 'ws'
import {
  HostRefusedError, OriginRefusedError, PinRequiredError, ShareNotFoundError, TooManyConnectionsError,
  UploadsDisabledError, statusOf
} from './errors.ts'
import type { ShareLimits } from './limits.ts'
import { SECURITY_HEADERS } from './security-headers.ts'
import type { ShareActivity } from './share-activity.ts'
import type { Share, ShareRegistry } from './share-registry.ts'
import { UploadSession, type ShareOffer, type UploadEndEvent } from './upload-session.ts'

const UPLOAD_PATH = /^\/s\/([A-Za-z0-9_-]{22})\/upload$/

export interface UploadSocketsInit {
  server: Server
  registry: ShareRegistry
  limits: ShareLimits
  logger: Logger
  activity: ShareActivity
  hostAllowed: (host: string | undefined) => boolean
  emitOffer: (offer: ShareOffer) => void
  onUploadEnd: (event: UploadEndEvent) => void
}

/** Writes a short JSON error, with the headers of every answer, as the HTTP answer to a refused upgrade, then closes the socket. */
function refuse (socket: Duplex, err: unknown): void {
  const status = statusOf(err)
  const error = err instanceof FerryError ? err.toJSON() : { name: 'Error', code: 'FERRY_ERR_SHARE_INTERNAL', message: 'Upgrade failed' }
  const body = JSON.stringify({ error })
  socket.once('finish', () => { socket.destroy() })
  const headers = SECURITY_HEADERS.map(([name, value]) => `${name}: ${value}\r\n`).join('')
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\n${headers}Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
}

export class UploadSockets {
  readonly #init: UploadSocketsInit
  readonly #wss: WebSocketServer
  readonly #perShare = new Map<string, number>()
  readonly #perIp = new Map<string, number>()
  readonly #sockets = new Set<WebSocket>()
  readonly #answeredPing = new WeakSet<WebSocket>()
  readonly #heartbeat: NodeJS.Timeout
  readonly #onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => { this.#upgrade(req, socket, head) }

  constructor (init: UploadSocketsInit) {
    this.#init = init
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: init.limits.maxFrameBytes,
      // Uploads are file bytes, mostly incompressible; inflating them would cost CPU and invite inflation bombs.
      perMessageDeflate: false,
      clientTracking: false
    })
    init.server.on('upgrade', this.#onUpgrade)
    this.#heartbeat = setInterval(() => { this.#beat() }, init.limits.pingIntervalMs)
    this.#heartbeat.unref()
  }

  /** Open upload sockets, all shares. */
  get size (): number {
    return this.#sockets.size
  }

  #beat (): void {
    for (const ws of this.#sockets) {
      if (!this.#answeredPing.has(ws)) {
        this.#init.logger.debug('upload socket missed a pong; terminating')
        ws.terminate()
        continue
      }
      this.#answeredPing.delete(ws)
      ws.ping()
    }
  }

  #upgrade (req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => {}) // a reset during the handshake is the client's business
    let share: Share
    const ip = req.socket.remoteAddress ?? ''
    try {
      share = this.#authorize(req, ip)
    } catch (err) {
      refuse(socket, err)
      return
    }
    // Counted before the handshake, released when the TCP socket closes (also when the handshake fails).
    this.#perShare.set(share.id, (this.#perShare.get(share.id) ?? 0) + 1)
    this.#perIp.set(ip, (this.#perIp.get(ip) ?? 0) + 1)
    socket.once('close', () => {
      decrement(this.#perShare, share.id)
      decrement(this.#perIp, ip)
    })
    this.#wss.handleUpgrade(req, socket, head, (ws) => { this.#connected(ws, req, share, ip) })
  }

  #authorize (req: IncomingMessage, ip: string): Share {
    const { registry, limits } = this.#init
    const host = req.headers.host
    if (!this.#init.hostAllowed(host)) throw new HostRefusedError()
    // Browsers always send Origin on a WebSocket; it must be this very server (no cross-site socket hijacking).
    const origin = req.headers.origin
    if (origin !== undefined && origin !== `http://${host ?? ''}`) throw new OriginRefusedError()
    const match = UPLOAD_PATH.exec((req.url ?? '').split('?')[0] ?? '')
    if (match === null) throw new ShareNotFoundError()
    const share = registry.resolve(match[1] as string)
    if (!registry.pinCookieOk(share, req.headers.cookie)) throw new PinRequiredError()
    if (!share.allowUpload) throw new UploadsDisabledError()
    if ((this.#perShare.get(share.id) ?? 0) >= limits.maxSocketsPerShare) throw new TooManyConnectionsError(`This share takes at most ${limits.maxSocketsPerShare} uploads at once`)
    if ((this.#perIp.get(ip) ?? 0) >= limits.maxSocketsPerIp) throw new TooManyConnectionsError(`At most ${limits.maxSocketsPerIp} uploads at once from one address`)
    return share
  }

  #connected (ws: WebSocket, req: IncomingMessage, share: Share, ip: string): void {
    this.#sockets.add(ws)
    this.#answeredPing.add(ws)
    ws.on('pong', () => { this.#answeredPing.add(ws) })
    const session = new UploadSession({
      ws,
      share,
      remote: { ip, port: req.socket.remotePort ?? 0, userAgent: req.headers['user-agent'] },
      limits: this.#init.limits,
      logger: this.#init.logger,
      emitOffer: this.#init.emitOffer,
      onEnd: this.#init.onUploadEnd
    })
    const untrack = this.#init.activity.track(share.id, { end: (reason) => { session.end(reason) } })
    ws.once('close', () => {
      this.#sockets.delete(ws)
      untrack()
    })
  }

  /** Stops taking sockets and drops any still open (their sessions were ended through ShareActivity first). */
  close (): void {
    clearInterval(this.#heartbeat)
    this.#init.server.off('upgrade', this.#onUpgrade)
    for (const ws of this.#sockets) ws.terminate()
    this.#sockets.clear()
  }
}

function decrement (map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 1) - 1
  if (n <= 0) map.delete(key)
  else map.set(key, n)
}
