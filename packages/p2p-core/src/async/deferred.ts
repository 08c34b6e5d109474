// A promise with its resolve and reject at hand, for a result that another part of the code delivers (an answer
// the app gives later, a frame the transport takes).

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
