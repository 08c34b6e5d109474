// The receive PIN (protocol 2.1): `?pin=` on prepare-upload, 401 without it or when wrong, and 429 for an address
// that got it wrong `maxPinAttempts` times, until `pinLockoutMs` passed. The table of addresses is bounded
// (`maxPinTrackedAddresses`, oldest forgotten first), so a flood of addresses costs a fixed amount of memory. Since a
// new address (or a forgotten one) may guess anew, wrong PINs from all addresses together are capped as well
// (`maxPinFailuresTotal` within `pinLockoutMs`, as Ferry's pairing caps them): past it every address gets 429.

import { timingSafeEqual } from 'node:crypto'
import { LocalSendPinRateLimitedError, LocalSendPinRequiredError } from './errors.ts'
import type { LocalSendLimits } from './limits.ts'

interface Failures {
  count: number
  lockedUntil: number
}

type PinLimits = Pick<LocalSendLimits, 'maxPinAttempts' | 'pinLockoutMs' | 'maxPinTrackedAddresses' | 'maxPinFailuresTotal'>

export class PinGuard {
  readonly #limits: PinLimits
  readonly #failures = new Map<string, Failures>()
  /** When each recent wrong PIN came, oldest first; never more than `maxPinFailuresTotal` (check() refuses first). */
  #recent: number[] = []
  #pin: string | undefined

  constructor (limits: PinLimits, pin?: string) {
    this.#limits = limits
    this.#pin = pin
  }

  set pin (pin: string | undefined) {
    this.#pin = pin === '' ? undefined : pin
    this.#failures.clear()
    this.#recent = []
  }

  get required (): boolean {
    return this.#pin !== undefined
  }

  /** Addresses remembered now (for tests of the bound). */
  get tracked (): number {
    return this.#failures.size
  }

  /** Throws 401 / 429 unless `given` is the PIN (or none is set). */
  check (ip: string, given: string | undefined): void {
    const pin = this.#pin
    if (pin === undefined) return
    const now = performance.now()
    const failures = this.#failures.get(ip)
    if (failures !== undefined && failures.lockedUntil > now) throw new LocalSendPinRateLimitedError()
    this.#recent = this.#recent.filter((at) => at > now - this.#limits.pinLockoutMs)
    if (this.#recent.length >= this.#limits.maxPinFailuresTotal) throw new LocalSendPinRateLimitedError()
    if (given === undefined || given === '') throw new LocalSendPinRequiredError('PIN required')
    const a = Buffer.from(given)
    const b = Buffer.from(pin)
    if (a.byteLength === b.byteLength && timingSafeEqual(a, b)) {
      this.#failures.delete(ip)
      return
    }
    this.#recent.push(now)
    const count = (failures === undefined || failures.lockedUntil !== 0 ? 0 : failures.count) + 1
    this.#failures.delete(ip) // re-inserted last: the Map's order is the order of last failure
    this.#failures.set(ip, { count, lockedUntil: count >= this.#limits.maxPinAttempts ? now + this.#limits.pinLockoutMs : 0 })
    while (this.#failures.size > this.#limits.maxPinTrackedAddresses) {
      const oldest = this.#failures.keys().next().value as string
      this.#failures.delete(oldest)
    }
    throw new LocalSendPinRequiredError('Invalid PIN')
  }
}
