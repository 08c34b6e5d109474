// The transport seen by the rest of p2p-core: authenticated connections carrying plain byte streams. The QUIC
// implementation lives in quic-transport.ts; tests may wrap these interfaces to inject faults.

export interface PeerAddress {
  host: string
  port: number
}

export interface FerryStream {
  /** Resolves with up to `maxBytes` bytes, or null once the peer has finished its side. Pull-based: nothing is read ahead. */
  read: (maxBytes: number) => Promise<Uint8Array | null>
  /** Resolves once the transport has taken the bytes; the caller may then reuse the buffer. */
  write: (data: Uint8Array) => Promise<void>
  /** Finishes our side (FIN) after everything written so far. */
  finish: () => Promise<void>
  /** Abandons the stream in both directions. */
  reset: () => void
}

export interface FerryConnection {
  /** Peer id proven by the TLS handshake. */
  readonly remotePeerId: string
  readonly remoteAddress: PeerAddress
  openStream: () => Promise<FerryStream>
  /** Resolves with the next stream the peer opens; rejects once the connection is closed. */
  acceptStream: () => Promise<FerryStream>
  close: () => void
  /** Settles when the connection ends, whoever ended it. */
  readonly closed: Promise<void>
}

export interface FerryListener {
  readonly address: PeerAddress
  /** Resolves with the next authenticated inbound connection; rejects once the listener is closed. */
  accept: () => Promise<FerryConnection>
  close: () => Promise<void>
}

export interface DialOptions {
  /** When given, the dial fails with IdentityMismatchError unless the peer proves this id. */
  expectedPeerId?: string
  signal?: AbortSignal
}

export interface Transport {
  readonly peerId: string
  listen: (address: PeerAddress) => Promise<FerryListener>
  dial: (address: PeerAddress, options?: DialOptions) => Promise<FerryConnection>
  close: () => Promise<void>
}
