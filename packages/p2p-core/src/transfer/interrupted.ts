// The receiver's memory of accepted transfers that were interrupted (the connection was lost or went silent), so
// that the sender reconnecting with the same transfer id and the same files can be continued without asking the
// user again: the app gets the earlier decision as `IncomingOffer.continues` and decides (STYLE.md rule 6).
// Bounded in count (`maxInterruptedTransfers`, oldest dropped first) and in time (`resumeWindowMs`).

import { createHash } from 'node:crypto'
import { settleWithin } from '../async/deadline.ts'
import type { FerryLimits } from '../limits.ts'
import type { Continuation, OfferedFileInfo } from './incoming-offer.ts'

export interface InterruptedKey {
  transferId: string
  peerId: string
  files: readonly OfferedFileInfo[]
}

interface Entry {
  peerId: string
  fingerprint: string
  continuation: Continuation
  until: number
}

interface Running {
  peerId: string
  fingerprint: string
  /** Ends it as interrupted (its connection is stale: the sender already reconnected). */
  supersede: () => void
  ended: Promise<void>
}

/** How long a reconnect waits for the transfer it replaces to let go of its partial files, in ms. */
const TAKE_OVER_WAIT_MS = 5_000

/** Entries are per device: a transfer id another device also uses (by chance or on purpose) is another entry. */
const slot = (transferId: string, peerId: string): string => `${peerId}/${transferId}`

/** One string for an offer's file list: a continued offer must list exactly the same files. */
function fingerprint (files: readonly OfferedFileInfo[]): string {
  const hash = createHash('sha256')
  for (const f of files) hash.update(JSON.stringify([f.id, f.path, f.size, f.mtimeMs]))
  return hash.digest('base64url')
}

export class InterruptedTransfers {
  readonly #entries = new Map<string, Entry>()
  readonly #running = new Map<string, Running>()
  readonly #limits: () => Pick<FerryLimits, 'maxInterruptedTransfers' | 'resumeWindowMs'>
  readonly #now: () => number

  constructor (limits: () => Pick<FerryLimits, 'maxInterruptedTransfers' | 'resumeWindowMs'>, now: () => number = Date.now) {
    this.#limits = limits
    this.#now = now
  }

  remember (key: InterruptedKey, continuation: Continuation): void {
    const { maxInterruptedTransfers, resumeWindowMs } = this.#limits()
    const at = slot(key.transferId, key.peerId)
    this.#entries.delete(at)
    this.#entries.set(at, { peerId: key.peerId, fingerprint: fingerprint(key.files), continuation, until: this.#now() + resumeWindowMs })
    while (this.#entries.size > maxInterruptedTransfers) {
      const oldest = this.#entries.keys().next().value
      if (oldest === undefined) break
      this.#entries.delete(oldest)
    }
  }

  /**
   * Records an accepted transfer while it runs, so that a reconnect arriving before this side noticed the break can
   * take over from it. Call the returned function once it has ended (and remember() first if it was interrupted).
   */
  running (key: InterruptedKey, supersede: () => void): () => void {
    let end!: () => void
    const ended = new Promise<void>((resolve) => { end = resolve })
    const entry = { peerId: key.peerId, fingerprint: fingerprint(key.files), supersede, ended }
    const at = slot(key.transferId, key.peerId)
    this.#running.set(at, entry)
    return () => {
      if (this.#running.get(at) === entry) this.#running.delete(at)
      end()
    }
  }

  /**
   * The earlier decision for an offer that continues a transfer of the same device and files. A transfer still
   * running under that id here (its break not yet noticed) is ended as interrupted first, and waited for, so the
   * two never write the same partial file.
   */
  async takeOver (key: InterruptedKey): Promise<Continuation | undefined> {
    const run = this.#running.get(slot(key.transferId, key.peerId))
    if (run !== undefined && run.peerId === key.peerId && run.fingerprint === fingerprint(key.files)) {
      run.supersede()
      await settleWithin(run.ended, TAKE_OVER_WAIT_MS)
    }
    return this.match(key)
  }

  /** The earlier decision, when this offer continues an interrupted transfer of the same device and files. */
  match (key: InterruptedKey): Continuation | undefined {
    const at = slot(key.transferId, key.peerId)
    const entry = this.#entries.get(at)
    if (entry === undefined) return undefined
    if (entry.until < this.#now()) {
      this.#entries.delete(at)
      return undefined
    }
    if (entry.peerId !== key.peerId || entry.fingerprint !== fingerprint(key.files)) return undefined
    return entry.continuation
  }

  /** Forgets the interrupted transfer `transferId` of `peerId` (another peer using that id forgets nothing). */
  forget (transferId: string, peerId: string): void {
    this.#entries.delete(slot(transferId, peerId))
  }
}
