// FerryApi over a WebSocket: what the UI uses when `ferry ui` serves it to a local browser. The server side
// (apps/cli) is written against the wire format below; both sides share the method table in ferry-api.ts.
//
// Wire format, version 1. One WebSocket per page, text frames only, each frame one JSON object.
//
//   URL      ws(s)://<the page's own host>/api
//            The server listens on 127.0.0.1, checks that Origin is its own page and that the browser is signed in
//            (an HttpOnly session cookie the browser sends by itself; `ferry ui`'s sessions.ts) before anything
//            else, and otherwise closes with 4401 (the client then stops reconnecting). Frames are at most 1 MiB
//            (the server's maxPayload); a frame it cannot parse closes the socket with 4400. A page that does not
//            read what it is sent has its calls wait, and is cut when it stops reading altogether.
//
//   client -> server
//     call     { "id": 7, "method": "sendFiles", "args": ["12D3KooW...", ["/home/ada/a.txt"]] }
//              `id` a positive integer, new for each call on this socket. `method` a key of `ferryApiMethods`;
//              `args` its data arguments in order, at most `ferryApiMethods[method]` of them: trailing omitted
//              arguments are left out (never null), and the options object never travels.
//     cancel   { "cancel": 7 }
//              Call 7's signal fired: the server aborts the signal it passed to the engine. The client has already
//              rejected the call with FERRY_ERR_CANCELLED and ignores any answer that still comes.
//
//   server -> client
//     result   { "id": 7, "result": <JSON> }                      ("result" omitted for methods returning void)
//     error    { "id": 7, "error": { "name": "...", "code": "FERRY_ERR_...", "message": "..." } }
//     event    { "event": "transfer", "payload": <FerryEventMap["transfer"]> }
//              Every event in `ferryApiEvents`, to every open socket, from the moment it opens; no subscription.
//
// Answers may come in any order. When the socket drops, calls awaiting an answer reject with
// FERRY_ERR_API_DISCONNECTED (the engine may still have done them); calls made while (re)connecting wait for the
// socket, at most MAX_QUEUED_CALLS of them. The client reconnects with a growing delay and reports 'open' through
// onConnection, and the store then asks for a fresh snapshot (events sent while the socket was down are lost).

import { methodsOverCall } from './methods-over-call.ts'
import { ApiError, abortedError, apiErrorCodes } from './api-error.ts'
import {
  ferryApiMethods, type CallOptions, type ConnectionStatus, type FerryApi, type FerryErrorDto, type FerryEventMap,
  type FerryEventName, type FerryMethodName
} from './ferry-api.ts'

/** The part of the browser's WebSocket this client uses; tests pass a fake. */
export interface SocketLike {
  send: (data: string) => void
  close: (code?: number, reason?: string) => void
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: { code: number }) => void) | null
  onerror: ((event: unknown) => void) | null
}

export interface WsClientInit {
  /** Full URL of the API socket; see apiSocketUrl(). */
  url: string
  /** Opens a socket; default `new WebSocket(url)`. */
  connect?: (url: string) => SocketLike
  /** Delay before reconnect attempt n (0-based); default 500 ms doubling to 10 s. */
  reconnectDelayMs?: (attempt: number) => number
}

export interface WsFerryApi extends FerryApi {
  onConnection: NonNullable<FerryApi['onConnection']>
  /** Closes the socket for good; pending and later calls reject with FERRY_ERR_API_DISCONNECTED. */
  close: () => void
}

/** Calls made while (re)connecting that may wait for the socket; more are refused at once. */
export const MAX_QUEUED_CALLS = 100
/** Close code the server uses for a wrong token or origin. */
export const CLOSE_UNAUTHORIZED = 4401

const defaultDelay = (attempt: number): number => Math.min(10_000, 500 * 2 ** attempt)

/** The API socket's URL on the page's own origin. */
export function apiSocketUrl (location: { protocol: string, host: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${location.host}/api`
}

interface Pending {
  resolve: (value: unknown) => void
  reject: (error: ApiError) => void
  cleanup: () => void
}

const disconnected = (message: string): ApiError => new ApiError({ name: 'DisconnectedError', code: apiErrorCodes.disconnected, message })

function isErrorDto (value: unknown): value is FerryErrorDto {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.code === 'string' && typeof v.message === 'string'
}

export function createWsFerryApi (init: WsClientInit): WsFerryApi {
  const connect = init.connect ?? ((url: string) => new WebSocket(url) as unknown as SocketLike)
  const delayFor = init.reconnectDelayMs ?? defaultDelay
  const listeners = new Map<FerryEventName, Set<(payload: never) => void>>()
  const connectionListeners = new Set<(status: ConnectionStatus) => void>()
  const pending = new Map<number, Pending>()
  const queue: Array<{ id: number, frame: string }> = []
  let socket: SocketLike | undefined
  let status: ConnectionStatus = 'connecting'
  let nextId = 1
  let attempt = 0
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let closedForGood = false

  const on = <E extends FerryEventName>(event: E) => (listener: (payload: FerryEventMap[E]) => void): (() => void) => {
    let set = listeners.get(event)
    if (set === undefined) listeners.set(event, set = new Set())
    const entry = listener as (payload: never) => void
    set.add(entry)
    return () => { set.delete(entry) }
  }

  // One subscribe function per event; also the table of event names a frame may carry.
  const eventMethods = {
    peers: on('peers'), transfer: on('transfer'), offer: on('offer'), share: on('share'),
    history: on('history'), historyRemoved: on('historyRemoved'), settings: on('settings'), device: on('device'), error: on('error')
  } satisfies { [E in FerryEventName]: unknown }

  const setStatus = (next: ConnectionStatus): void => {
    if (next === status) return
    status = next
    for (const listener of [...connectionListeners]) listener(next)
  }

  const dispatch = (event: FerryEventName, payload: unknown): void => {
    for (const listener of [...(listeners.get(event) ?? [])]) {
      try {
        (listener as (p: unknown) => void)(payload)
      } catch (err) {
        // One broken listener must not starve the others; rethrown outside so it is still seen.
        setTimeout(() => { throw err })
      }
    }
  }

  const onMessage = (data: unknown): void => {
    if (typeof data !== 'string') return
    let message: Record<string, unknown>
    try {
      const parsed: unknown = JSON.parse(data)
      if (typeof parsed !== 'object' || parsed === null) return
      message = parsed as Record<string, unknown>
    } catch {
      return
    }
    if (typeof message.event === 'string') {
      if (Object.hasOwn(eventMethods, message.event)) dispatch(message.event as FerryEventName, message.payload)
      return
    }
    if (typeof message.id !== 'number') return
    const call = pending.get(message.id)
    if (call === undefined) return
    pending.delete(message.id)
    call.cleanup()
    if (message.error !== undefined) {
      call.reject(new ApiError(isErrorDto(message.error)
        ? { name: typeof message.error.name === 'string' ? message.error.name : 'Error', code: message.error.code, message: message.error.message }
        : { name: 'Error', code: apiErrorCodes.internal, message: 'The host sent an error without a code' }))
    } else {
      call.resolve(message.result)
    }
  }

  const shutDown = (message: string): void => {
    closedForGood = true
    if (retryTimer !== undefined) clearTimeout(retryTimer)
    queue.length = 0
    for (const [id, call] of pending) {
      pending.delete(id)
      call.cleanup()
      call.reject(disconnected(message))
    }
    const ws = socket
    socket = undefined
    ws?.close(1000, 'closed by the page')
    setStatus('closed')
  }

  const open = (): void => {
    if (closedForGood) return
    setStatus('connecting')
    const ws = connect(init.url)
    socket = ws
    ws.onopen = () => {
      attempt = 0
      setStatus('open')
      for (const { id, frame } of queue.splice(0)) if (pending.has(id)) ws.send(frame)
    }
    ws.onmessage = (event) => { onMessage(event.data) }
    ws.onerror = () => {}
    ws.onclose = (event) => {
      if (socket !== ws) return
      socket = undefined
      // Calls already sent may or may not have run; only the caller can decide whether to repeat them.
      const queued = new Set(queue.map((q) => q.id))
      for (const [id, call] of pending) {
        if (queued.has(id)) continue
        pending.delete(id)
        call.cleanup()
        call.reject(disconnected('The connection to Ferry was lost'))
      }
      if (event.code === CLOSE_UNAUTHORIZED) {
        dispatch('error', { error: { name: 'UnauthorizedError', code: apiErrorCodes.unauthorized, message: 'The server refused this page' }, context: 'connection' })
        shutDown('The server refused this page')
        return
      }
      if (closedForGood) return
      setStatus('connecting')
      retryTimer = setTimeout(open, delayFor(attempt++))
    }
  }

  const call = async (method: FerryMethodName, args: unknown[], options?: CallOptions): Promise<unknown> => {
    if (closedForGood) throw disconnected('The connection to Ferry is closed')
    const signal = options?.signal
    if (signal?.aborted === true) throw abortedError()
    let trimmed = args.slice(0, ferryApiMethods[method])
    while (trimmed.length > 0 && trimmed[trimmed.length - 1] === undefined) trimmed = trimmed.slice(0, -1)
    const id = nextId++
    const frame = JSON.stringify({ id, method, args: trimmed })
    return await new Promise<unknown>((resolve, reject) => {
      const onAbort = (): void => {
        if (!pending.delete(id)) return
        const queuedAt = queue.findIndex((q) => q.id === id)
        if (queuedAt >= 0) queue.splice(queuedAt, 1)
        else socket?.send(JSON.stringify({ cancel: id }))
        reject(abortedError())
      }
      const cleanup = (): void => { signal?.removeEventListener('abort', onAbort) }
      signal?.addEventListener('abort', onAbort, { once: true })
      if (status === 'open' && socket !== undefined) {
        pending.set(id, { resolve, reject, cleanup })
        socket.send(frame)
      } else if (queue.length < MAX_QUEUED_CALLS) {
        pending.set(id, { resolve, reject, cleanup })
        queue.push({ id, frame })
      } else {
        cleanup()
        reject(disconnected('Not connected to Ferry yet'))
      }
    })
  }

  const api: WsFerryApi = {
    ...methodsOverCall(call),
    onPeers: eventMethods.peers,
    onTransfer: eventMethods.transfer,
    onOffer: eventMethods.offer,
    onShare: eventMethods.share,
    onHistory: eventMethods.history,
    onHistoryRemoved: eventMethods.historyRemoved,
    onSettings: eventMethods.settings,
    onDevice: eventMethods.device,
    onError: eventMethods.error,
    onConnection: (listener) => {
      connectionListeners.add(listener)
      listener(status)
      return () => { connectionListeners.delete(listener) }
    },
    close: () => { shutDown('The connection to Ferry was closed') }
  }

  open()
  return api
}
