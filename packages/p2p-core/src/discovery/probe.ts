// Probes addresses directly, for networks that drop multicast: addresses the user typed (`manual`) and devices
// remembered from earlier sessions (`known`). A probe is a `ping` session (engine/ping.ts): a QUIC dial that proves
// the peer id, hello, ping, pong, close. A remembered device may have several addresses; a probe tries them in turn
// the way a send does (reachAny), and the one that answered is tried first next time. A target that answers is
// probed again every `intervalMs`; one that does not is probed less and less often, up to every `backoffMaxMs`. A
// typed address without an id is pinned to the id its first answer proved.

import { formatHostPort } from '../engine/peer-target.ts'
import { reachAny } from '../engine/reach.ts'
import { FerryError, UnreachableError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { PingRequest, PingResult } from '../engine/ping.ts'
import type { PeerAddress } from '../transport/types.ts'

export type PingFn = (request: PingRequest) => Promise<PingResult>

export interface ProbeTarget {
  /** Where to probe, in order (one for a typed address; a remembered device's, most recent first). Never empty. */
  addresses: PeerAddress[]
  peerId?: string
  source: 'manual' | 'known'
}

export interface PeerProberInit {
  ping: PingFn
  intervalMs: number
  timeoutMs: number
  backoffMaxMs: number
  maxTargets: number
  logger: Logger
  /** A probe got an answer at `address` (one of the target's). */
  onAlive: (target: ProbeTarget, result: PingResult, address: PeerAddress) => void
}

interface TargetState {
  /** The key the target is listed under: its first address when it was added. */
  key: string
  target: ProbeTarget
  failures: number
  timer?: NodeJS.Timeout
  running?: AbortController
}

export function targetKey (address: PeerAddress): string {
  return `${address.host}|${address.port}`
}

export class PeerProber {
  readonly #init: PeerProberInit
  readonly #targets = new Map<string, TargetState>()
  #closed = false

  constructor (init: PeerProberInit) {
    this.#init = init
  }

  /**
   * Starts probing `target` now (or updates it: a manual target outranks a known one, an id pins it). False when
   * the list is full.
   */
  add (target: ProbeTarget): boolean {
    if (this.#closed) return false
    const key = keyOf(target)
    const existing = this.#targets.get(key)
    if (existing !== undefined) {
      if (target.source === 'manual') existing.target.source = 'manual'
      if (target.peerId !== undefined) existing.target.peerId = target.peerId
      return true
    }
    if (this.#targets.size >= this.#init.maxTargets) return false
    const state: TargetState = { key, target: { ...target, addresses: [...target.addresses] }, failures: 0 }
    this.#targets.set(key, state)
    this.#schedule(state, 0)
    return true
  }

  /** Probes a target once now, outside its schedule; rejects with the probe's error. */
  async probeNow (target: ProbeTarget, signal?: AbortSignal): Promise<PingResult> {
    const state = this.#targets.get(keyOf(target))
    const { value: result, address } = await this.#ping(state?.target ?? target, signal)
    if (state !== undefined) state.target.peerId ??= result.peerId
    this.#init.onAlive(state?.target ?? target, result, address)
    return result
  }

  /** Stops probing every address pinned to `peerId` (the user forgot that device). */
  removePeer (peerId: string): void {
    for (const state of [...this.#targets.values()]) if (state.target.peerId === peerId) this.#remove(state.key)
  }

  #remove (key: string): void {
    const state = this.#targets.get(key)
    if (state === undefined) return
    this.#targets.delete(key)
    clearTimeout(state.timer)
    state.running?.abort()
  }

  close (): void {
    this.#closed = true
    for (const state of this.#targets.values()) {
      clearTimeout(state.timer)
      state.running?.abort()
    }
    this.#targets.clear()
  }

  #schedule (state: TargetState, delayMs: number): void {
    if (this.#closed) return
    state.timer = setTimeout(() => { void this.#run(state) }, delayMs)
    state.timer.unref()
  }

  async #run (state: TargetState): Promise<void> {
    const running = new AbortController()
    state.running = running
    try {
      const { value: result, address } = await this.#ping(state.target, running.signal)
      state.failures = 0
      state.target.peerId ??= result.peerId
      // Where it answered is where it is likely to answer next time: try that address first from now on.
      state.target.addresses = [address, ...state.target.addresses.filter((a) => a !== address)]
      if (this.#targets.get(state.key) === state) this.#init.onAlive(state.target, result, address)
    } catch (err) {
      state.failures++
      this.#init.logger.debug(`probe of ${state.target.addresses.map(formatHostPort).join(', ')} failed`, err)
    } finally {
      state.running = undefined
    }
    if (this.#targets.get(state.key) !== state) return
    const delay = state.failures === 0
      ? this.#init.intervalMs
      : Math.min(this.#init.intervalMs * 2 ** state.failures, this.#init.backoffMaxMs)
    this.#schedule(state, delay)
  }

  /** Pings the target's addresses in turn (the one way to reach a device), each with its own `timeoutMs`. */
  async #ping (target: ProbeTarget, signal?: AbortSignal): Promise<{ value: PingResult, address: PeerAddress }> {
    return await reachAny(target.addresses, async (address) => await this.#pingAt(target, address, signal), signal)
  }

  async #pingAt (target: ProbeTarget, address: PeerAddress, signal?: AbortSignal): Promise<PingResult> {
    const timeout = AbortSignal.timeout(this.#init.timeoutMs)
    try {
      return await this.#init.ping({
        address,
        ...(target.peerId === undefined ? {} : { peerId: target.peerId }),
        signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
        timeoutMs: this.#init.timeoutMs
      })
    } catch (err) {
      // The caller gave up (its reason stands), or the peer said why (a typed error): passed on as they are. Anything
      // else, above all our own timeout's DOMException, means nobody answered there.
      if (signal?.aborted === true || err instanceof FerryError) throw err
      throw new UnreachableError(`No Ferry device answered at ${formatHostPort(address)} within ${Math.round(this.#init.timeoutMs / 1000)} s`, { cause: err })
    }
  }
}

function keyOf (target: ProbeTarget): string {
  const first = target.addresses[0]
  if (first === undefined) throw new RangeError('A probe target needs at least one address')
  return targetKey(first)
}
