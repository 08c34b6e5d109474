// QUIC transport over quinn (through quic-napi.ts). Both sides prove their Ed25519 peer id in the TLS handshake;
// dial() refuses a peer whose proven id differs from the one asked for, before any stream opens.

import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { ConnectionLostError, IdentityMismatchError, UnreachableError, toFerryError, toListenError } from '../errors.ts'
import type { Identity } from '../identity/identity.ts'
import type { DialOptions, FerryConnection, FerryListener, FerryStream, PeerAddress, Transport } from './types.ts'
import {
  addressFromMultiaddr, createQuinnConfig, defaultQuinnOptions, loadNapi, peerIdFromMultiaddr,
  type NapiClient, type NapiConnection, type NapiStream, type QuinnOptions
} from './quic-napi.ts'

export interface QuicTransportInit {
  identity: Identity
  quinn?: Partial<QuinnOptions>
}

export async function createQuicTransport (init: QuicTransportInit): Promise<Transport> {
  const napi = await loadNapi()
  const config = await createQuinnConfig(init.identity.privateKey, { ...defaultQuinnOptions, ...init.quinn })
  const clients = new Map<0 | 1, NapiClient>()
  const listeners = new Set<FerryListener>()
  const connections = new Set<NapiConnection>()
  const client = (family: 0 | 1): NapiClient => {
    let c = clients.get(family)
    if (c === undefined) {
      c = new napi.Client(config, family)
      clients.set(family, c)
    }
    return c
  }

  return {
    peerId: init.identity.peerId,

    async listen (address: PeerAddress): Promise<FerryListener> {
      let server: InstanceType<typeof napi.Server>
      try {
        server = new napi.Server(config, address.host, address.port)
      } catch (err) {
        throw toListenError(err, address.host, address.port)
      }
      let closed = false
      const listener: FerryListener = {
        address: { host: address.host, port: server.port() },
        async accept () {
          for (;;) {
            if (closed) throw new ConnectionLostError('Listener closed')
            let raw: NapiConnection
            try {
              raw = await server.inboundConnection()
            } catch (err) {
              if (closed) throw new ConnectionLostError('Listener closed', { cause: err })
              continue // a failed handshake from one client must not stop the listener
            }
            const peerId = peerIdFromMultiaddr(raw.remoteMultiaddr())
            if (peerId === undefined) {
              raw.abort()
              continue
            }
            connections.add(raw)
            return wrapConnection(raw, peerId, () => connections.delete(raw))
          }
        },
        async close () {
          if (closed) return
          closed = true
          listeners.delete(listener)
          await server.abort()
        }
      }
      listeners.add(listener)
      return listener
    },

    async dial (address: PeerAddress, options: DialOptions = {}): Promise<FerryConnection> {
      const { signal } = options
      signal?.throwIfAborted()
      const host = isIP(address.host) !== 0 ? address.host : (await lookupHost(address.host, signal))
      const family = isIP(host) === 6 ? 1 : 0
      let raw: NapiConnection
      try {
        raw = await raceAbort(client(family).outboundConnection(host, address.port), signal, (late) => late.abort())
      } catch (err) {
        if (signal?.aborted === true) throw err
        throw toFerryError(err, (m, o) => new UnreachableError(`Could not reach ${address.host}:${address.port}: ${m}`, o))
      }
      const peerId = peerIdFromMultiaddr(raw.remoteMultiaddr())
      if (peerId === undefined || (options.expectedPeerId !== undefined && peerId !== options.expectedPeerId)) {
        raw.abort()
        throw new IdentityMismatchError(
          `${address.host}:${address.port} proved identity ${peerId ?? '(none)'}, not the expected ${options.expectedPeerId ?? ''}`)
      }
      connections.add(raw)
      return wrapConnection(raw, peerId, () => connections.delete(raw))
    },

    async close () {
      await Promise.all([...listeners].map(async (l) => await l.close()))
      for (const c of connections) c.abort()
      connections.clear()
      for (const c of clients.values()) c.abort()
      clients.clear()
    }
  }
}

async function lookupHost (host: string, signal: AbortSignal | undefined): Promise<string> {
  try {
    const result = await raceAbort(lookup(host), signal)
    return result.address
  } catch (err) {
    if (signal?.aborted === true) throw err
    throw new UnreachableError(`Cannot resolve host ${host}`, { cause: err })
  }
}

function wrapConnection (raw: NapiConnection, remotePeerId: string, onClose: () => void): FerryConnection {
  const closed = raw.closed().then(() => {}, () => {}).finally(onClose)
  let isClosed = false
  void closed.then(() => { isClosed = true })
  const lost = (err: unknown): Error => toFerryError(err, (m, o) => new ConnectionLostError(`Connection lost: ${m}`, o))
  return {
    remotePeerId,
    remoteAddress: addressFromMultiaddr(raw.remoteMultiaddr()),
    async openStream () {
      if (isClosed) throw new ConnectionLostError()
      try {
        return wrapStream(await raw.outboundStream())
      } catch (err) {
        throw lost(err)
      }
    },
    async acceptStream () {
      try {
        return wrapStream(await raw.inboundStream())
      } catch (err) {
        throw lost(err)
      }
    },
    close () {
      raw.abort()
    },
    closed
  }
}

function wrapStream (raw: NapiStream): FerryStream {
  const lost = (err: unknown): Error => toFerryError(err, (m, o) => new ConnectionLostError(`Stream ended abruptly: ${m}`, o))
  return {
    async read (maxBytes) {
      try {
        return (await raw.read(maxBytes)) ?? null
      } catch (err) {
        throw lost(err)
      }
    },
    async write (data) {
      try {
        await raw.write(data)
      } catch (err) {
        throw lost(err)
      }
    },
    async finish () {
      try {
        await raw.finishWrite()
      } catch (err) {
        throw lost(err)
      }
    },
    reset () {
      raw.resetWrite().catch(() => {})
      raw.stopRead().catch(() => {})
    }
  }
}

/** Races a promise against an abort signal; a result that arrives after the abort is handed to `dispose`. */
export async function raceAbort<T> (promise: Promise<T>, signal: AbortSignal | undefined, dispose?: (late: T) => void): Promise<T> {
  if (signal === undefined) return await promise
  signal.throwIfAborted()
  return await new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(signal.reason)
      promise.then((late) => dispose?.(late), () => {})
    }
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value) },
      (err: unknown) => { signal.removeEventListener('abort', onAbort); reject(err) }
    )
  })
}
