// Loads the `ws` package for the WebSocket bridge, typed as the small part of its API the bridge and its tests
// use (so the bridge's code and tests depend on that surface, not on all of ws).

import { createRequire } from 'node:module'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'

export interface WsSocket {
  readonly readyState: number
  readonly bufferedAmount: number
  send: (data: string, callback?: (err?: Error) => void) => void
  close: (code?: number, reason?: string) => void
  terminate: () => void
  ping: () => void
  on: ((event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void) => void) &
    ((event: 'close', listener: () => void) => void) &
    ((event: 'pong', listener: () => void) => void) &
    ((event: 'error', listener: (err: Error) => void) => void)
  // Browser-style handlers: what @ferry/api's ws-client expects of a socket (SocketLike).
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: { code: number }) => void) | null
  onerror: ((event: unknown) => void) | null
}

export interface WsServer {
  handleUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer, callback: (ws: WsSocket) => void) => void
  close: () => void
}

export interface WsModule {
  WebSocket: (new (url: string, options?: { origin?: string, headers?: Record<string, string>, maxPayload?: number }) => WsSocket) & { readonly OPEN: number }
  WebSocketServer: new (options: { noServer: true, maxPayload: number, perMessageDeflate?: boolean }) => WsServer
}

let loaded: WsModule | undefined

export function loadWs (): WsModule {
  if (loaded !== undefined) return loaded
  loaded = createRequire(import.meta.url)('ws') as WsModule
  return loaded
}
