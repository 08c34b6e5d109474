// Small promise helpers shared by the sender and the receiver.

import { TimeoutError } from '../errors.ts'
import type { FerryConnection } from '../transport/types.ts'

export interface Deferred<T> {
  promise: Promise<T>
  resolve: (value: T) => void
  reject: (err: unknown) => void
}

export function deferred<T> (): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (err: unknown) => void
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej })
  promise.catch(() => {}) // observed by whoever awaits it; never an unhandled rejection on its own
  return { promise, resolve, reject }
}

/** Rejects with TimeoutError(message) unless `promise` settles within `ms`. */
export async function withTimeout<T> (promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new TimeoutError(message)) }, ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** A random id of 16 url-safe characters (96 bits). */
export function randomId (): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString('base64url')
}

/** Waits up to `ms` for the peer to close (so our last frames reach it), then closes. */
export async function closeGracefully (connection: FerryConnection, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([connection.closed, new Promise<void>((resolve) => { timer = setTimeout(resolve, ms) })])
  clearTimeout(timer)
  connection.close()
}
