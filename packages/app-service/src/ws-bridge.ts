// FerryApi over a WebSocket: the server half of packages/ui/src/api/ws-client.ts (its header is the wire format).
// Attached to an HTTP server that listens on 127.0.0.1; an upgrade is refused unless its Host is this server's
// own 127.0.0.1:PORT or localhost:PORT and its Origin is that same page, then the 128-bit token is checked (a page
// of ours with a stale token is told 4401 so it stops reconnecting). Calls are dispatched only through the
// `ferryApiMethods` table, with the service validating every argument; events go to every open socket.

import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { Logger } from '@ferry/p2p-core'
import { silentLogger } from '@ferry/p2p-core'
import {
  CLOSE_UNAUTHORIZED, apiErrorCodes, ferryApiEvents, ferryApiMethods, toErrorDto, type FerryApi, type FerryErrorDto,
  type FerryEventMap, type FerryEventName, type FerryMethodName, type Unsubscribe
} from '@ferry/ui/api'
import { loadWs, type WsServer, type WsSocket } from './ws-module.ts'

export const WS_BRIDGE_PATH = '/api'
/** Largest frame a page may send, in bytes (ws `maxPayload`). */
export const WS_MAX_PAYLOAD = 1024 * 1024
/** Calls one socket may have running at once; more are refused with FERRY_ERR_API_INVALID_ARGUMENT. */
export const WS_MAX_CALLS_IN_FLIGHT = 64
/** Bytes queued for one socket before it counts as stuck and is cut (the page reconnects and reloads the state). */
export const WS_MAX_BUFFERED_BYTES = 8 * 1024 * 1024
/** Close code for a frame that is not a call or a cancel. */
export const CLOSE_BAD_FRAME = 4400

export interface WsBridgeInit {
  server: Server
  api: FerryApi
  /** The secret in the page URL; see createApiToken(). */
  token: string
  logger?: Logger
}

export interface WsBridge {
  /** Open sockets. */
  readonly clients: number
  /** Closes every socket, stops forwarding events, and detaches from the HTTP server. */
  close: () => void
}

/** 128 random bits, URL-safe. */
export function createApiToken (): string {
  return randomBytes(16).toString('base64url')
}

function sameSecret (a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function refuse (socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
}

const subscribers = (api: FerryApi): { [E in FerryEventName]: (listener: (payload: FerryEventMap[E]) => void) => Unsubscribe } => ({
  peers: api.onPeers, transfer: api.onTransfer, offer: api.onOffer, share: api.onShare,
  history: api.onHistory, settings: api.onSettings, device: api.onDevice, error: api.onError
})

export function attachWsBridge (init: WsBridgeInit): WsBridge {
  const logger = init.logger ?? silentLogger
  const { WebSocketServer, WebSocket } = loadWs()
  const wss: WsServer = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD, perMessageDeflate: false })
  const sockets = new Set<WsSocket>()

  const send = (ws: WsSocket, message: unknown): void => {
    if (ws.readyState !== WebSocket.OPEN) return
    if (ws.bufferedAmount > WS_MAX_BUFFERED_BYTES) {
      logger.warn('a page stopped reading; closing its socket')
      ws.terminate()
      return
    }
    ws.send(JSON.stringify(message))
  }

  const table = subscribers(init.api)
  const unsubscribes = ferryApiEvents.map((event) => (table[event] as (listener: (payload: unknown) => void) => Unsubscribe).call(init.api, (payload) => {
    for (const ws of sockets) send(ws, { event, payload })
  }))

  const serve = (ws: WsSocket): void => {
    sockets.add(ws)
    const calls = new Map<number, AbortController>()
    const badFrame = (): void => { ws.close(CLOSE_BAD_FRAME, 'bad frame') }
    ws.on('close', () => {
      sockets.delete(ws)
      for (const controller of calls.values()) controller.abort()
      calls.clear()
    })
    ws.on('error', (err) => { logger.debug('api socket error', err) })
    ws.on('message', (data, isBinary) => {
      if (isBinary) return badFrame()
      let message: unknown
      try {
        message = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8'))
      } catch {
        return badFrame()
      }
      if (typeof message !== 'object' || message === null || Array.isArray(message)) return badFrame()
      const frame = message as Record<string, unknown>
      if (Object.hasOwn(frame, 'cancel')) {
        if (typeof frame.cancel === 'number') calls.get(frame.cancel)?.abort()
        return
      }
      const id = frame.id
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return badFrame()
      const fail = (error: FerryErrorDto): void => { send(ws, { id, error }) }
      const invalid = (text: string): void => { fail({ name: 'InvalidArgumentError', code: apiErrorCodes.invalidArgument, message: text }) }
      const method = frame.method
      // Only names in the table are callable: never an arbitrary property of the service.
      if (typeof method !== 'string' || !Object.hasOwn(ferryApiMethods, method)) return invalid('Unknown method')
      const arity = ferryApiMethods[method as FerryMethodName]
      const args = frame.args ?? []
      if (!Array.isArray(args) || args.length > arity) return invalid(`${method} takes at most ${arity} arguments`)
      if (calls.has(id)) return invalid('That call id is in use')
      if (calls.size >= WS_MAX_CALLS_IN_FLIGHT) return invalid('Too many calls at once')
      const controller = new AbortController()
      calls.set(id, controller)
      const padded = [...args, ...new Array<undefined>(arity - args.length).fill(undefined)]
      const target = init.api[method as FerryMethodName] as (...a: unknown[]) => Promise<unknown>
      void (async () => {
        try {
          const result = await target.call(init.api, ...padded, { signal: controller.signal })
          if (!controller.signal.aborted) send(ws, result === undefined ? { id } : { id, result })
        } catch (err) {
          if (!controller.signal.aborted) fail(toErrorDto(err))
        } finally {
          calls.delete(id)
        }
      })()
    })
  }

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const port = (init.server.address() as AddressInfo | null)?.port
    const host = request.headers.host ?? ''
    const url = new URL(request.url ?? '/', 'http://placeholder')
    if (url.pathname !== WS_BRIDGE_PATH) return refuse(socket, 404, 'Not Found')
    const hostOk = port !== undefined && (host === `127.0.0.1:${port}` || host === `localhost:${port}`)
    // Another site's page (or a DNS-rebound name) gets nothing, not even a WebSocket.
    if (!hostOk || request.headers.origin !== `http://${host}`) return refuse(socket, 403, 'Forbidden')
    const authorised = sameSecret(url.searchParams.get('token') ?? '', init.token)
    wss.handleUpgrade(request, socket, head, (ws) => {
      if (authorised) serve(ws)
      else ws.close(CLOSE_UNAUTHORIZED, 'unauthorized')
    })
  }
  init.server.on('upgrade', onUpgrade)

  return {
    get clients () { return sockets.size },
    close: () => {
      init.server.off('upgrade', onUpgrade)
      for (const unsubscribe of unsubscribes) unsubscribe()
      for (const ws of sockets) ws.close(1001, 'server closing')
      sockets.clear()
      wss.close()
    }
  }
}
