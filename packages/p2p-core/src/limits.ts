// Limits and tunables of the engine: each a named option with its unit and default. docs/protocol.md lists the same
// defaults and a test compares the two, so the documentation cannot drift from the code.

export interface FerryLimits {
  /** Largest control frame accepted or sent, in bytes (length prefix excluded). */
  maxFrameBytes: number
  /** Most files one offer may carry; checked against the announced count before any list is read. */
  maxFilesPerOffer: number
  /** Longest path accepted, in UTF-8 bytes, for one relative path in an offer. */
  maxPathBytes: number
  /** Longest single path component (file or folder name), in UTF-8 bytes. */
  maxNameBytes: number
  /** Most components (folders and the name) in one offered path. */
  maxPathDepth: number
  /** Most UTF-8 bytes of all paths of one offer together, checked as the list arrives. */
  maxOfferPathBytes: number
  /**
   * Most memory held at once for the file lists of all offers being read, decided or received, from all peers,
   * counted as the UTF-8 bytes of their paths plus OFFER_FILE_BYTES a file.
   */
  maxHeldOfferBytes: number
  /** Offers waiting for the app's decision at once, from all peers together; more are refused as busy. */
  maxPendingOffers: number
  /** Inbound connections (transfers, pings, pairings) open at once, from all peers together; more are closed at once. */
  maxConnections: number
  /** Inbound connections open at once from one network address (one machine may make many peer ids). */
  maxConnectionsPerAddress: number
  /** How long the whole offer (hello, offer and every offer-files frame) may take to arrive, in ms. */
  offerTimeoutMs: number
  /** Longest text message in an offer, in UTF-8 bytes. */
  maxTextBytes: number
  /** Transfers one peer may have open with this device at once. */
  maxSessionsPerPeer: number
  /**
   * A peer's session silent this long, in ms (nothing read or written on its streams), is taken for the ghost of a
   * crashed sender: it gives way to a new one from that peer when the peer is at its session limit, and to a new
   * transfer of that peer that resumes the partials it holds.
   */
  staleSessionMs: number
  /** Data streams one transfer may open at once (receiver side check). */
  maxStreamsPerTransfer: number
  /**
   * Receive buffers (of 4 x chunkBytes each) shared by all incoming transfers: the most this device holds between the
   * network and the disk, whatever peers send. A stream that finds none free waits, and QUIC holds its peer back.
   */
  receiveBuffers: number
  /** Files the sender has in flight at once (a file = its own stream, or one batch of small files). */
  filesInFlight: number
  /** Size of each reusable read buffer, in bytes. */
  chunkBytes: number
  /** Files at or below this size are batched several to a stream, in bytes. */
  smallFileBytes: number
  /** Most files in one batch stream. */
  batchMaxFiles: number
  /**
   * Files at or below this size are read (sender) and written, linked and unlinked (receiver) with blocking calls on
   * the event loop, in bytes: tens of microseconds each, where an asynchronous call costs thread switches that take
   * longer than the file. At most smallFileBytes.
   */
  blockingFileBytes: number
  /** How long the sender waits for the receiver's answer, in ms (a person may be deciding). */
  answerTimeoutMs: number
  /** How long either side waits on a silent peer once bytes flow, in ms. */
  idleTimeoutMs: number
  /**
   * The slowest a sender is expected to hash, in bytes a second: before its first byte of a file that resumes (or
   * that the receiver has whole already), a sender hashes the part the receiver has, and the receiver waits
   * `offset / minHashBytesPerSecond` for it on top of `idleTimeoutMs`.
   */
  minHashBytesPerSecond: number
  /** Times a sender reconnects after a transfer it had under way was interrupted, before it gives up. */
  reconnectAttempts: number
  /** The first reconnect waits about this long, in ms; each next one twice as long (with jitter). */
  reconnectBaseMs: number
  /** The longest wait between two reconnects, in ms. */
  reconnectMaxMs: number
  /** How long a receiver remembers an interrupted transfer it accepted, so a reconnect continues it unasked, in ms. */
  resumeWindowMs: number
  /** Interrupted transfers a receiver remembers at once; the oldest is forgotten first. */
  maxInterruptedTransfers: number
  /**
   * Files a receiver remembers having saved (for `resumeWindowMs`), so the same sender sending them again is told
   * they are there; the oldest is forgotten first.
   */
  maxRecentSaves: number
  /** Most progress events a second per transfer. */
  progressPerSecond: number
  /** Wrong PINs one peer id may try before it must wait `pairingLockoutMs`. */
  pairingMaxFailuresPerPeer: number
  /** Wrong PINs from all peers together within `pairingLockoutMs` before pairing pauses for everyone (ids are free to make). */
  pairingMaxFailuresTotal: number
  /** How long a peer (or everyone, past the total) waits after too many wrong PINs, in ms. */
  pairingLockoutMs: number
}

export const defaultLimits: Readonly<FerryLimits> = Object.freeze({
  maxFrameBytes: 1024 * 1024,
  maxFilesPerOffer: 100_000,
  maxPathBytes: 4096,
  maxNameBytes: 255,
  maxPathDepth: 128,
  maxOfferPathBytes: 16 * 1024 * 1024,
  maxHeldOfferBytes: 96 * 1024 * 1024,
  maxPendingOffers: 16,
  maxConnections: 32,
  maxConnectionsPerAddress: 8,
  offerTimeoutMs: 30_000,
  maxTextBytes: 64 * 1024,
  maxSessionsPerPeer: 4,
  staleSessionMs: 1_000,
  maxStreamsPerTransfer: 64,
  receiveBuffers: 32,
  filesInFlight: 4,
  chunkBytes: 256 * 1024,
  smallFileBytes: 256 * 1024,
  batchMaxFiles: 256,
  blockingFileBytes: 64 * 1024,
  answerTimeoutMs: 10 * 60_000,
  idleTimeoutMs: 30_000,
  minHashBytesPerSecond: 20_000_000,
  reconnectAttempts: 5,
  reconnectBaseMs: 1_000,
  reconnectMaxMs: 15_000,
  resumeWindowMs: 10 * 60_000,
  maxInterruptedTransfers: 64,
  maxRecentSaves: 20_000,
  progressPerSecond: 10,
  pairingMaxFailuresPerPeer: 5,
  pairingMaxFailuresTotal: 20,
  pairingLockoutMs: 60_000
})

/** Fills missing limits with the defaults and rejects values that make no sense. */
export function resolveLimits (partial: Partial<FerryLimits> = {}): FerryLimits {
  const limits = { ...defaultLimits, ...partial }
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`Limit ${key} must be a positive integer, got ${String(value)}`)
    }
  }
  if (limits.smallFileBytes > limits.chunkBytes) {
    throw new RangeError('smallFileBytes must not exceed chunkBytes: a small file is read in one buffer')
  }
  if (limits.blockingFileBytes > limits.smallFileBytes) {
    throw new RangeError('blockingFileBytes must not exceed smallFileBytes: only small files are read and written whole')
  }
  return limits
}
