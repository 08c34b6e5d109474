// Limits and tunables of Ferry's LocalSend side: each a named option with its unit and default. docs/localsend.md
// lists the same defaults and a test compares the two. Every limit is checked before anything is allocated for it.

export interface LocalSendLimits {
  /** Largest JSON body accepted (register, prepare-upload), in bytes; read no further than this. */
  maxJsonBodyBytes: number
  /** Most files one prepare-upload may offer. */
  maxFilesPerSession: number
  /** Longest `fileName` (a relative path when a folder is sent), in UTF-8 bytes. */
  maxPathBytes: number
  /** Longest single path component, in UTF-8 bytes. */
  maxNameBytes: number
  /** Most components (folders and the name) in one `fileName`. */
  maxPathDepth: number
  /** Longest text message (a `text/plain` file's `preview`), in UTF-8 bytes. */
  maxTextBytes: number
  /**
   * Upload sessions open at once (waiting for a decision or receiving), from all senders together. LocalSend apps
   * hold one and answer 409 to the next; so does Ferry by default.
   */
  maxSessions: number
  /** Uploads of one session running at once; more are answered 409. */
  maxParallelUploads: number
  /** Wrong PINs one address may try before it is answered 429. */
  maxPinAttempts: number
  /** How long an address that used up its PIN attempts is answered 429, in ms. */
  pinLockoutMs: number
  /** Addresses whose wrong PINs are remembered at once; the oldest is forgotten first. */
  maxPinTrackedAddresses: number
  /**
   * Wrong PINs from all addresses together within `pinLockoutMs`; once reached, every address is answered 429 until
   * the oldest of them is that old (addresses cost little on a LAN, so the per-address limit alone bounds nothing).
   */
  maxPinFailuresTotal: number
  /** How long a prepare-upload waits for the decision before it is answered 403, in ms. */
  decisionTimeoutMs: number
  /** A session none of whose uploads moved a byte for this long is ended, in ms. */
  idleTimeoutMs: number
  /**
   * How long stopping the server waits for the requests under way to be answered and their answers to reach the
   * sender (an upload's 200, the 403 that ends an offer still waiting) before it closes every connection, in ms.
   */
  closeWaitMs: number
  /** TCP connections the server holds at once; more are closed at once. */
  maxConnections: number
  /** Devices remembered from discovery at once; the one seen longest ago is forgotten first. */
  maxDevices: number
  /** Largest multicast datagram read, in bytes. */
  maxDatagramBytes: number
  /** Uploads the sender runs at once (LocalSend's own app sends two). */
  sendParallel: number
  /** How long the sender waits for the receiver's decision, in ms (a person may be deciding). */
  answerTimeoutMs: number
  /** How long the sender waits on a silent receiver once bytes flow, in ms. */
  sendIdleTimeoutMs: number
}

export const defaultLocalSendLimits: Readonly<LocalSendLimits> = Object.freeze({
  maxJsonBodyBytes: 4 * 1024 * 1024,
  maxFilesPerSession: 10_000,
  maxPathBytes: 4096,
  maxNameBytes: 255,
  maxPathDepth: 128,
  maxTextBytes: 64 * 1024,
  maxSessions: 1,
  maxParallelUploads: 8,
  maxPinAttempts: 3,
  pinLockoutMs: 60_000,
  maxPinTrackedAddresses: 1024,
  maxPinFailuresTotal: 20,
  decisionTimeoutMs: 300_000,
  idleTimeoutMs: 60_000,
  closeWaitMs: 2_000,
  maxConnections: 64,
  maxDevices: 256,
  maxDatagramBytes: 64 * 1024,
  sendParallel: 2,
  answerTimeoutMs: 300_000,
  sendIdleTimeoutMs: 60_000
})

export function resolveLocalSendLimits (overrides: Partial<LocalSendLimits> = {}): LocalSendLimits {
  const limits = { ...defaultLocalSendLimits, ...overrides }
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`LocalSend limit ${name} must be a positive integer, got ${String(value)}`)
  }
  return limits
}
