// Rate limit on PIN guesses. Each pairing exchange lets the peer test exactly one PIN (pin-exchange.ts), so the
// guard counts exchanges, not messages: an attempt counts as a failure from the moment the receiver shows its
// proof, and is taken back only when the sender's proof matches. A peer id with `pairingMaxFailuresPerPeer`
// failures inside `pairingLockoutMs` waits until the oldest of them is that old; since peer ids cost nothing to
// make, failures from everyone together have the same kind of cap (`pairingMaxFailuresTotal`).

import { PairingRateLimitedError } from '../errors.ts'

export interface PairingGuardLimits {
  pairingMaxFailuresPerPeer: number
  pairingMaxFailuresTotal: number
  pairingLockoutMs: number
}

interface Failure {
  at: number
}

export class PairingGuard {
  readonly #limits: PairingGuardLimits
  readonly #now: () => number
  // Bounded: check() refuses once the total cap is reached and attempt() follows check() without an await,
  // so neither holds more than pairingMaxFailuresTotal failures.
  readonly #byPeer = new Map<string, Failure[]>()
  #total: Failure[] = []

  constructor (limits: PairingGuardLimits, now: () => number = () => performance.now()) {
    this.#limits = limits
    this.#now = now
  }

  /** Throws PairingRateLimitedError when this peer, or everyone, must wait. */
  check (peerId: string): void {
    const now = this.#now()
    this.#prune(now)
    const { pairingMaxFailuresPerPeer: perPeer, pairingMaxFailuresTotal: total, pairingLockoutMs: lockout } = this.#limits
    const own = this.#byPeer.get(peerId) ?? []
    let until = 0
    if (own.length >= perPeer) until = Math.max(until, (own[own.length - perPeer] as Failure).at + lockout)
    if (this.#total.length >= total) until = Math.max(until, (this.#total[this.#total.length - total] as Failure).at + lockout)
    if (until > now) throw new PairingRateLimitedError(`Too many wrong PINs: try again in ${Math.ceil((until - now) / 1000)} s`)
  }

  /** Counts one attempt as failed from now; the returned function takes it back when the attempt succeeds. */
  attempt (peerId: string): () => void {
    const failure: Failure = { at: this.#now() }
    const own = this.#byPeer.get(peerId) ?? []
    own.push(failure)
    this.#byPeer.set(peerId, own)
    this.#total.push(failure)
    return () => {
      this.#total = this.#total.filter((f) => f !== failure)
      // The right PIN clears the peer's slate: the person at that device can read this one's screen.
      this.#byPeer.delete(peerId)
    }
  }

  #prune (now: number): void {
    const since = now - this.#limits.pairingLockoutMs
    this.#total = this.#total.filter((f) => f.at > since)
    for (const [peerId, failures] of this.#byPeer) {
      const recent = failures.filter((f) => f.at > since)
      if (recent.length === 0) this.#byPeer.delete(peerId)
      else this.#byPeer.set(peerId, recent)
    }
  }
}
