// The one place that touches @chainsafe/libp2p-quic's napi module. The package exports only its libp2p Transport,
// whose streams read ahead without backpressure; its napi layer (quinn) gives pull-based streams and connections
// whose peer id the TLS handshake proves. The module is not in the package's `exports`, so it is loaded by path
// from the pinned version (package.json pins it exactly); test/quic-napi.test.ts pins the behaviour relied on here.

import type { PrivateKey } from '@libp2p/interface'
import { privateKeyToProtobuf } from '@libp2p/crypto/keys'

export interface NapiStream {
  read: (maxBytes: number) => Promise<Uint8Array | null | undefined>
  write: (data: Uint8Array) => Promise<void>
  finishWrite: () => Promise<void>
  resetWrite: () => Promise<void>
  stopRead: () => Promise<void>
}

export interface NapiConnection {
  id: () => string
  remoteMultiaddr: () => string
  inboundStream: () => Promise<NapiStream>
  outboundStream: () => Promise<NapiStream>
  closed: () => Promise<void>
  abort: () => void
}

export interface NapiServer {
  port: () => number
  inboundConnection: () => Promise<NapiConnection>
  abort: () => Promise<void> | void
}

export interface NapiClient {
  outboundConnection: (host: string, port: number) => Promise<NapiConnection>
  abort: () => void
}

export interface QuinnOptions {
  /** ms to complete the QUIC + TLS handshake. */
  handshakeTimeout: number
  /** ms without any packet before a connection is dropped: how long a crashed or vanished peer takes to notice. */
  maxIdleTimeout: number
  /** ms between keep-alive pings on an idle connection. */
  keepAliveInterval: number
  /** Concurrent streams the peer may open on a connection. */
  maxConcurrentStreamLimit: number
  /**
   * Receive window of one stream, in bytes: what a peer may send on it that nobody has read yet.
   */
  maxStreamData: number
  /**
   * Receive window of the whole connection, in bytes. It bounds what one peer can make this device buffer unread
   * (a hostile peer pushes exactly that much), so memory across peers is `maxConnections` times this at most; a
   * LAN's round trip needs far less than it to run at line rate.
   */
  maxConnectionData: number
  /** UDP socket buffers, in bytes. */
  receiveBufferSize: number
  sendBufferSize: number
}

export const defaultQuinnOptions: Readonly<QuinnOptions> = Object.freeze({
  handshakeTimeout: 5_000,
  maxIdleTimeout: 6_000,
  keepAliveInterval: 2_000,
  maxConcurrentStreamLimit: 256,
  maxStreamData: 524_288,
  maxConnectionData: 1_048_576,
  receiveBufferSize: 4_000_000,
  sendBufferSize: 4_000_000
})

interface NapiModule {
  QuinnConfig: new (config: Record<string, unknown>) => object
  Server: new (config: object, host: string, port: number) => NapiServer
  Client: new (config: object, family: 0 | 1) => NapiClient
}

let loaded: Promise<NapiModule> | undefined

export async function loadNapi (): Promise<NapiModule> {
  loaded ??= import(new URL('./napi.js', import.meta.resolve('@chainsafe/libp2p-quic')).href) as Promise<NapiModule>
  return await loaded
}

export async function createQuinnConfig (privateKey: PrivateKey, options: QuinnOptions): Promise<object> {
  const napi = await loadNapi()
  return new napi.QuinnConfig({ ...options, privateKeyProto: privateKeyToProtobuf(privateKey) })
}

/** The peer id at the end of a connection's remote multiaddr (`.../p2p/<id>`), put there by the TLS handshake. */
export function peerIdFromMultiaddr (multiaddr: string): string | undefined {
  const match = /\/p2p\/([^/]+)$/.exec(multiaddr)
  return match?.[1]
}

/** Host and port from `/ip4/1.2.3.4/udp/5/quic-v1/...` or `/ip6/::1/udp/5/...`. */
export function addressFromMultiaddr (multiaddr: string): { host: string, port: number } {
  const match = /^\/ip[46]\/([^/]+)\/udp\/(\d+)/.exec(multiaddr)
  return { host: match?.[1] ?? '', port: Number(match?.[2] ?? 0) }
}
