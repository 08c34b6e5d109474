// Bounds of the receiving side across all peers together (peer ids are free to make, so per-peer limits alone bound
// nothing): offers waiting for a decision, and the bytes of offered paths held in memory by offers being read,
// decided or received. A reservation that does not fit is refused before anything is allocated for it.

import type { FerryLimits } from '../limits.ts'

export type BudgetLimits = Pick<FerryLimits, 'maxPendingOffers' | 'maxHeldOfferBytes'>

/**
 * What one offered file costs beside its path while its offer is held, in bytes (its record, and once accepted its
 * place in the transfer): measured about 300 undecided and 450 accepted.
 */
export const OFFER_FILE_BYTES = 512

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

  /** Reserves `bytes` of an offer's list; false when that would pass `maxHeldOfferBytes`. */
  holdPathBytes (bytes: number): boolean {
    if (this.#pathBytes + bytes > this.#limits().maxHeldOfferBytes) return false
    this.#pathBytes += bytes
    return true
  }

  releasePathBytes (bytes: number): void {
    this.#pathBytes = Math.max(0, this.#pathBytes - bytes)
  }
}
