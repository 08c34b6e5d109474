// Limits of the share server: each a named option with its unit and default. docs/http-share.md lists the same
// defaults and a test compares the two, so the documentation cannot drift from the code.

export interface ShareLimits {
  /** Largest WebSocket message accepted (ws `maxPayload`), in bytes; a larger one closes the socket with 1009. */
  maxFrameBytes: number
  /** Upload bytes the browser may send before the server acknowledges them as written (the credit window), in bytes. */
  uploadWindowBytes: number
  /** Interval between pings on each WebSocket, in ms; a socket that has not answered the previous ping is terminated. */
  pingIntervalMs: number
  /**
   * Frames of one upload waiting to be written, or messages waiting to be sent to a browser that is not reading them,
   * before the server stops reading that socket (until half are done). One socket read (64 KiB) can still add frames.
   */
  maxUploadBacklog: number
  /** WebSockets open at once to one share. */
  maxSocketsPerShare: number
  /** WebSockets open at once from one client IP address, over all shares. */
  maxSocketsPerIp: number
  /** TCP connections the HTTP server holds at once (Node's `server.maxConnections`); more are dropped. */
  maxConnections: number
  /**
   * TCP connections one client IP address may hold at once, so one host cannot take all of `maxConnections`; more
   * from that address are closed at once.
   */
  maxConnectionsPerIp: number
  /**
   * How long a connection may take to send a request's headers, counted from its first byte or, on a new connection,
   * from its opening, in ms (Node's `headersTimeout`); then 408 and the connection closes.
   */
  headersTimeoutMs: number
  /** How long a connection may take to send a whole request, body included, in ms (Node's `requestTimeout`). */
  requestTimeoutMs: number
  /**
   * How long an idle keep-alive connection stays open after a response, in ms (Node's `keepAliveTimeout`, sent in
   * the `Keep-Alive` header; Node closes the socket 1 s later, its `keepAliveTimeoutBuffer`, to beat the client's race).
   */
  keepAliveTimeoutMs: number
  /** Wrong PINs one IP address may send in `pinWindowMs` before every PIN attempt gets 429. */
  maxPinAttempts: number
  /** The window of `maxPinAttempts` and `maxPinFailuresPerShare`, in ms. */
  pinWindowMs: number
  /**
   * Wrong PINs for one share from all addresses together within `pinWindowMs`; once reached, every PIN attempt for
   * that share gets 429, the right PIN included, until the oldest of them is that old (addresses cost little on a
   * LAN, so the per-address limit alone bounds nothing).
   */
  maxPinFailuresPerShare: number
  /** Files in one upload offer. */
  maxUploadFiles: number
  /** Bytes in one upload offer, all files together. */
  maxUploadBytes: number
  /** How long an upload socket may stay open without sending its offer, in ms; then it is closed. */
  offerTimeoutMs: number
  /** How long an upload offer waits for the app's decision, in ms (a person may be deciding). */
  answerTimeoutMs: number
  /** How long an accepted upload may go without a byte or message before it fails, in ms. */
  uploadIdleTimeoutMs: number
  /** Files one share may list, folders expanded. */
  maxFilesPerShare: number
  /** Entries left out of a share (links and special files inside shared folders) listed by name to its creator; all are counted. */
  maxSkippedReported: number
  /** Shares one server holds at once (expired ones count until they are revoked or replaced). */
  maxShares: number
  /** Lifetime of a share when the app names none, in ms. */
  shareTtlMs: number
  /** Longest lifetime a share may be given (`ferry share --expires`, the app's createShare), in ms. */
  maxShareTtlMs: number
  /** Read buffer of each download stream, in bytes. */
  readChunkBytes: number
  /** BLAKE3 hashes of shared files computed at once. */
  maxConcurrentHashes: number
  /** Hash requests waiting for a turn before more get 503. */
  maxQueuedHashes: number
}

export const defaultShareLimits: Readonly<ShareLimits> = Object.freeze({
  maxFrameBytes: 512 * 1024,
  uploadWindowBytes: 4 * 1024 * 1024,
  pingIntervalMs: 30_000,
  maxUploadBacklog: 64,
  maxSocketsPerShare: 32,
  maxSocketsPerIp: 8,
  maxConnections: 512,
  maxConnectionsPerIp: 64,
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5000,
  maxPinAttempts: 5,
  pinWindowMs: 10 * 60_000,
  maxPinFailuresPerShare: 20,
  maxUploadFiles: 1000,
  maxUploadBytes: 64 * 1024 * 1024 * 1024,
  offerTimeoutMs: 30_000,
  answerTimeoutMs: 10 * 60_000,
  uploadIdleTimeoutMs: 30_000,
  maxFilesPerShare: 10_000,
  maxSkippedReported: 1000,
  maxShares: 64,
  shareTtlMs: 60 * 60_000,
  maxShareTtlMs: 30 * 24 * 60 * 60_000,
  readChunkBytes: 256 * 1024,
  maxConcurrentHashes: 2,
  maxQueuedHashes: 64
})

/** Fills missing limits with the defaults and rejects values that make no sense. */
export function resolveShareLimits (partial: Partial<ShareLimits> = {}): ShareLimits {
  const limits = { ...defaultShareLimits, ...partial }
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`Limit ${key} must be a positive integer, got ${String(value)}`)
    }
  }
  if (limits.uploadWindowBytes < limits.maxFrameBytes) {
    throw new RangeError('uploadWindowBytes must be at least maxFrameBytes: the browser must be able to send one full frame')
  }
  if (limits.shareTtlMs > limits.maxShareTtlMs) {
    throw new RangeError('shareTtlMs must not exceed maxShareTtlMs: the default lifetime is one a share may have')
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new RangeError('headersTimeoutMs must not exceed requestTimeoutMs: the headers are part of the request')
  }
  return limits
}
