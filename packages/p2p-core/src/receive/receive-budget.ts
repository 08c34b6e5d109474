// Bounds of the receiving side across all peers together (peer ids are free to make, so per-peer limits alone bound
// nothing): offers waiting for a decision, and the bytes of offered paths held in memory by offers being read,
// decided or received. A reservation that does not fit is refused before anything is allocated for it.

import type { FerryLimits } from '../limits.ts'

export type BudgetLimits = Pick<FerryLimits, 'maxPendingOffers' | 'maxHeldPathBytes'>

export class ReceiveBudget {
  readonly #limits: () => BudgetLimits
  #pendingOffers = 0
  #pathBytes = 0

  constructor (limits: () => BudgetLimits) {
    this.#limits = limits
  }

  /** Offers waiting for a decision now. */
  get pendingOffers (): number {
    return this.#pendingOffers
  }

  /** Bytes of offered paths held now. */
  get pathBytes (): number {
    return this.#pathBytes
  }

  /** Reserves a place for one undecided offer; false when `maxPendingOffers` are already waiting. */
  holdOffer (): boolean {
    if (this.#pendingOffers >= this.#limits().maxPendingOffers) return false
    this.#pendingOffers++
    return true
  }

  releaseOffer (): void {
    this.#pendingOffers = Math.max(0, this.#pendingOffers - 1)
  }

  /** Reserves `bytes` of offered paths; false when that would pass `maxHeldPathBytes`. */
  holdPathBytes (bytes: number): boolean {
    if (this.#pathBytes + bytes > this.#limits().maxHeldPathBytes) return false
    this.#pathBytes += bytes
    return true
  }

  releasePathBytes (bytes: number): void {
    this.#pathBytes = Math.max(0, this.#pathBytes - bytes)
  }
}
