// Limits of the share server: each a named option with its unit and default. docs/http-share.md lists the same
// defaults and a test compares the two, so the documentation cannot drift from the code.

export interface ShareLimits {
  /** Largest WebSocket message accepted (ws `maxPayload`), in bytes; a larger one closes the socket with 1009. */
  maxFrameBytes: number
  /** Upload bytes the browser may send before the server acknowledges them as written (the credit window), in bytes. */
  uploadWindowBytes: number
  /** Interval between pings on each WebSocket, in ms; a socket that has not answered the previous ping is terminated. */
  pingIntervalMs: number
  /** WebSockets open at once to one share. */
  maxSocketsPerShare: number
  /** WebSockets open at once from one client IP address, over all shares. */
  maxSocketsPerIp: number
  /** TCP connections the HTTP server holds at once (Node's `server.maxConnections`); more are dropped. */
  maxConnections: number
  /** Wrong PINs one IP address may send in `pinWindowMs` before every PIN attempt gets 429. */
  maxPinAttempts: number
  /** The window of `maxPinAttempts`, in ms. */
  pinWindowMs: number
  /** Files in one upload offer. */
  maxUploadFiles: number
  /** Bytes in one upload offer, all files together. */
  maxUploadBytes: number
  /** How long an upload offer waits for the app's decision, in ms (a person may be deciding). */
  answerTimeoutMs: number
  /** How long an accepted upload may go without a byte or message before it fails, in ms. */
  uploadIdleTimeoutMs: number
  /** Files one share may list, folders expanded. */
  maxFilesPerShare: number
  /** Shares one server holds at once (expired ones count until they are revoked or replaced). */
  maxShares: number
  /** Lifetime of a share when the app names none, in ms. */
  shareTtlMs: number
  /** Read buffer of each download stream, in bytes. */
  readChunkBytes: number
  /** BLAKE3 hashes of shared files computed at once. */
  maxConcurrentHashes: number
  /** Hash requests waiting for a turn before more get 503. */
  maxQueuedHashes: number
}

export const defaultShareLimits: Readonly<ShareLimits> = Object.freeze({
  maxFrameBytes: 256 * 1024,
  uploadWindowBytes: 1024 * 1024,
  pingIntervalMs: 30_000,
  maxSocketsPerShare: 32,
  maxSocketsPerIp: 8,
  maxConnections: 512,
  maxPinAttempts: 5,
  pinWindowMs: 10 * 60_000,
  maxUploadFiles: 1000,
  maxUploadBytes: 64 * 1024 * 1024 * 1024,
  answerTimeoutMs: 10 * 60_000,
  uploadIdleTimeoutMs: 30_000,
  maxFilesPerShare: 10_000,
  maxShares: 64,
  shareTtlMs: 60 * 60_000,
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
  return limits
}
