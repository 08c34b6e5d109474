// Wrong PINs for one share from all addresses together. The per-address limit (express-rate-limit in routes/pin.ts)
// alone bounds nothing: addresses cost little on a LAN (one host can hold many; 127.0.0.0/8 is all loopback), and
// every new one guessed anew. Past `maxPinFailuresPerShare` wrong PINs within `pinWindowMs`, the share's PIN form
// answers 429 to everyone, the right PIN included, until the oldest of them is that old. A try is counted when it
// starts and given back when it turns out right or was refused unanswered, so tries in flight at once cannot pass
// the cap (express-rate-limit counts the same way).

import type { Share } from './share-registry.ts'

export type PinTry = { ok: true, giveBack: () => void } | { ok: false, retryAfterMs: number }

export class SharePinFailures {
  readonly #max: number
  readonly #windowMs: number
  /** When each counted try of a share came, oldest first (monotonic ms); never more than `max` entries. */
  readonly #byShare = new WeakMap<Share, number[]>()

  constructor (limits: { maxPinFailuresPerShare: number, pinWindowMs: number }) {
    this.#max = limits.maxPinFailuresPerShare
    this.#windowMs = limits.pinWindowMs
  }

  /** Counts a PIN try for `share`, or says how long until one is taken again. */
  take (share: Share, now = performance.now()): PinTry {
    const recent = (this.#byShare.get(share) ?? []).filter((at) => at > now - this.#windowMs)
    this.#byShare.set(share, recent)
    if (recent.length >= this.#max) return { ok: false, retryAfterMs: (recent[0] as number) + this.#windowMs - now }
    recent.push(now)
    let given = false
    return {
      ok: true,
      giveBack: () => {
        if (given) return
        given = true
        const list = this.#byShare.get(share)
        const at = list?.indexOf(now) ?? -1
        if (at >= 0) list?.splice(at, 1)
      }
    }
  }
}
