// "Wait at most N ms", written once: withTimeout when running out of time is a failure (a peer that does not
// answer), settleWithin when it only ends the wait (closing: let the last frames go, then close anyway). Both on
// p-timeout, which clears its timer as soon as the promise settles. sleep is the plain wait, cut short by a signal.

import pTimeout from 'p-timeout'
import { TimeoutError } from '../errors.ts'

/** Settles as `promise` does, or rejects with TimeoutError(message) once `ms` have passed first. */
export async function withTimeout<T> (promise: PromiseLike<T>, ms: number, message: string): Promise<T> {
  return await pTimeout(Promise.resolve(promise), { milliseconds: Math.max(1, ms), fallback: () => { throw new TimeoutError(message) } })
}

/**
 * Waits until `promise` settles (either way) or `ms` have passed, whichever comes first; true when it settled in
 * time. Never rejects on its own: the caller goes on either way, and the promise's own failure is its owner's to
 * handle. Only `signal` ends the wait with a rejection (its reason), as soon as it aborts.
 */
export async function settleWithin (promise: PromiseLike<unknown>, ms: number, options: { signal?: AbortSignal } = {}): Promise<boolean> {
  options.signal?.throwIfAborted()
  const settled = Promise.resolve(promise).then(() => true, () => true)
  if (ms <= 0) return await Promise.race([settled, false])
  return await pTimeout(settled, { milliseconds: ms, fallback: () => false, ...(options.signal === undefined ? {} : { signal: options.signal }) })
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export async function sleep (ms: number, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted()
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => { clearTimeout(timer); reject(signal?.reason) }
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve() }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** One point in time several waits share: each waits at most its own bound, and never past the deadline. */
export class Deadline {
  readonly #at: number

  constructor (ms: number) {
    this.#at = performance.now() + ms
  }

  /** Milliseconds left (0 once passed). */
  get left (): number {
    return Math.max(0, this.#at - performance.now())
  }

  /** Like withTimeout, with the smaller of `ms` and what is left of the deadline. */
  async wait<T> (promise: PromiseLike<T>, ms: number, message: string): Promise<T> {
    return await withTimeout(promise, Math.min(ms, this.left), message)
  }
}
