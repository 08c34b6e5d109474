// FerryApi over a WebSocket: the server half of packages/api/src/ws-client.ts (its header is the wire format).
// Attached to an HTTP server that listens on 127.0.0.1; an upgrade is refused unless its Host is this server's
// own 127.0.0.1:PORT or localhost:PORT and its Origin is that same page, then the host's `authorize` decides (the
// `ferry ui` server checks its session cookie; a page of ours that is not signed in is told 4401 so it stops
// reconnecting). Calls are dispatched only through the `ferryApiMethods` table, each checked by the one validator
// (validate.ts) before the service sees it; events go to every open socket. What is held for the sockets is
// bounded for all of them together (ws-outbox.ts).

import { randomBytes } from 'node:crypto'
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { Logger } from '@ferry/p2p-core'
import { silentLogger } from '@ferry/p2p-core'
import {
  CLOSE_UNAUTHORIZED, apiErrorCodes, ferryApiEvents, toErrorDto, type FerryApi, type FerryErrorDto, type FerryEventMap,
  type FerryEventName, type Unsubscribe
} from '@ferry/api'
import { checkCall } from './validate.ts'
import { loadWs, type WsServer, type WsSocket } from './ws-module.ts'
import { defaultWsBridgeLimits, Outbox, type OutboxClient, type WsBridgeLimits } from './ws-outbox.ts'

export const WS_BRIDGE_PATH = '/api'
/** Largest frame a page may send, in bytes (ws `maxPayload`). */
export const WS_MAX_PAYLOAD = 1024 * 1024
/** Calls one socket may have running at once; more are refused with FERRY_ERR_API_INVALID_ARGUMENT. */
export const WS_MAX_CALLS_IN_FLIGHT = 64
/** Close code for a frame that is not a call or a cancel. */
export const CLOSE_BAD_FRAME = 4400

export interface WsBridgeInit {
  server: Server
  api: FerryApi
  /**
   * Whether an upgrade whose Host and Origin passed may use the API: the name of the session it belongs to, or
   * undefined (the socket is closed with 4401).
   */
  authorize: (request: IncomingMessage) => string | undefined
  /** defaultWsBridgeLimits otherwise. */
  limits?: Partial<WsBridgeLimits>
  logger?: Logger
}

export interface WsBridge {
  /** Open sockets. */
  readonly clients: number
  /** Bytes waiting to be sent, all sockets together. */
  readonly bufferedBytes: number
  /** Closes the sockets of `session` (every socket when omitted) with 4401: that page is signed out. */
  signOut: (session?: string) => void
  /** Closes every socket, stops forwarding events, and detaches from the HTTP server. */
  close: () => void
}

/** 128 random bits, URL-safe. */
export function createApiToken (): string {
  return randomBytes(16).toString('base64url')
}

function refuse (socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
}

const subscribers = (api: FerryApi): { [E in FerryEventName]: (listener: (payload: FerryEventMap[E]) => void) => Unsubscribe } => ({
  peers: api.onPeers, transfer: api.onTransfer, offer: api.onOffer, share: api.onShare,
  history: api.onHistory, historyRemoved: api.onHistoryRemoved, settings: api.onSettings, device: api.onDevice, error: api.onError
})

export function attachWsBridge (init: WsBridgeInit): WsBridge {
  const logger = init.logger ?? silentLogger
  const { WebSocketServer, WebSocket } = loadWs()
  const wss: WsServer = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD, perMessageDeflate: false })
  const outbox = new Outbox({ ...defaultWsBridgeLimits, ...init.limits }, logger, WebSocket.OPEN)
  const sessions = new Map<OutboxClient, string>()

  const table = subscribers(init.api)
  const unsubscribes = ferryApiEvents.map((event) => (table[event] as (listener: (payload: unknown) => void) => Unsubscribe).call(init.api, (payload) => {
    if (sessions.size === 0) return
    const text = JSON.stringify({ event, payload })
    for (const client of sessions.keys()) outbox.send(client, text)
  }))

  const serve = (ws: WsSocket, session: string): void => {
    const client = outbox.add(ws)
    sessions.set(client, session)
    const calls = new Map<number, AbortController>()
    const send = (message: unknown): void => { outbox.send(client, JSON.stringify(message)) }
    const badFrame = (): void => { ws.close(CLOSE_BAD_FRAME, 'bad frame') }
    ws.on('close', () => {
      sessions.delete(client)
      outbox.remove(client)
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
      const fail = (error: FerryErrorDto): void => { send({ id, error }) }
      const invalid = (text: string): void => { fail({ name: 'InvalidArgumentError', code: apiErrorCodes.invalidArgument, message: text }) }
      // Only names in the table are callable (never an arbitrary property of the service), with arguments that
      // pass the one validator (validate.ts).
      let call: ReturnType<typeof checkCall>
      try {
        call = checkCall(frame.method, frame.args ?? [])
      } catch (err) {
        return fail(toErrorDto(err))
      }
      const { method, args: padded } = call
      if (calls.has(id)) return invalid('That call id is in use')
      if (calls.size >= WS_MAX_CALLS_IN_FLIGHT) return invalid('Too many calls at once')
      const controller = new AbortController()
      calls.set(id, controller)
      const target = init.api[method] as (...a: unknown[]) => Promise<unknown>
      // Started only once the page has read enough of what it was sent (ws-outbox.ts); the answer is serialised
      // inside, so a snapshot is built and queued while no other one is.
      void outbox.whenRoom(client, method === 'getState', async () => {
        try {
          const result = await target.call(init.api, ...padded, { signal: controller.signal })
          return controller.signal.aborted ? undefined : JSON.stringify(result === undefined ? { id } : { id, result })
        } catch (err) {
          return controller.signal.aborted ? undefined : JSON.stringify({ id, error: toErrorDto(err) })
        }
      }).finally(() => { calls.delete(id) })
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
    const session = init.authorize(request)
    if (session !== undefined && outbox.size >= outbox.limits.maxSockets) return refuse(socket, 503, 'Service Unavailable')
    wss.handleUpgrade(request, socket, head, (ws) => {
      if (session !== undefined) serve(ws, session)
      else ws.close(CLOSE_UNAUTHORIZED, 'unauthorized')
    })
  }
  init.server.on('upgrade', onUpgrade)

  const signOut = (session?: string): void => {
    for (const [client, name] of [...sessions]) {
      if (session !== undefined && name !== session) continue
      sessions.delete(client)
      outbox.remove(client)
      client.ws.close(CLOSE_UNAUTHORIZED, 'signed out')
    }
  }

  return {
    get clients () { return outbox.size },
    get bufferedBytes () { return outbox.total() },
    signOut,
    close: () => {
      init.server.off('upgrade', onUpgrade)
      for (const unsubscribe of unsubscribes) unsubscribe()
      for (const client of sessions.keys()) client.ws.close(1001, 'server closing')
      sessions.clear()
      outbox.close()
      wss.close()
    }
  }
}
