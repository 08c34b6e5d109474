// A small pool of BLAKE3 worker threads, so hashing a whole large file (a share link's hashes) never blocks the
// event loop; transfers hash on their own thread (createInlineHasher), in the pieces they read and write. A hashing
// session sticks to one worker (BLAKE3 state is sequential); sessions are spread across workers round-robin. Each
// session has at most `maxQueuedChunks` chunks outstanding: update() waits beyond that, which is the backpressure.

import { open } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { Blake3Hasher } from '@napi-rs/blake-hash'
import type { WorkerReply, WorkerRequestBody } from './hash-messages.ts'
import { toBuffer } from './blake3.ts'

export interface Hasher {
  /**
   * Adds bytes; the caller may reuse `chunk` as soon as this returns. Bytes in a SharedArrayBuffer are hashed in
   * place (no copy; returns once hashed); others are copied to the worker and queued (returns once queued).
   */
  update: (chunk: Uint8Array) => Promise<void>
  /** Adds bytes [start, end) of a file, read by the worker (used for the already-present part of a resumed file). */
  updateFromFile: (path: string, start: number, end: number) => Promise<void>
  /** The hex digest of everything added; the hasher cannot be used after. */
  digest: () => Promise<string>
  /** Abandons the session. */
  dispose: () => void
}

export interface HashPoolOptions {
  /** Worker threads; default: half the cores, at least 1, at most 4. */
  workers?: number
  /** Chunks a session may have queued at its worker before update() waits; default 8. */
  maxQueuedChunks?: number
  /**
   * The worker's module; default hash-worker.ts beside this file (the workspace runs TypeScript sources). A bundled
   * app (Electron) passes the file its bundler emitted for hash-worker.ts.
   */
  workerUrl?: URL
}

const DEFAULT_WORKER_URL = new URL('./hash-worker.ts', import.meta.url)

interface Pending {
  resolve: (reply: WorkerReply) => void
  reject: (err: Error) => void
}

class WorkerHandle {
  readonly worker: Worker
  readonly pending = new Map<number, Pending>()
  #seq = 0
  /** Why the worker is gone (it failed to start, crashed or exited): every request fails with it at once. */
  dead: Error | undefined

  constructor (url: URL) {
    this.worker = new Worker(url)
    this.worker.unref()
    this.worker.on('message', (reply: WorkerReply) => {
      const waiter = this.pending.get(reply.seq)
      if (waiter === undefined) return
      this.pending.delete(reply.seq)
      if (reply.error !== undefined) waiter.reject(new Error(reply.error))
      else waiter.resolve(reply)
    })
    this.worker.on('error', (err) => this.#failAll(err))
    this.worker.on('exit', (code) => this.#failAll(new Error(`hash worker exited with code ${code}`)))
  }

  request (message: WorkerRequestBody): Promise<WorkerReply> {
    const seq = ++this.#seq
    return new Promise((resolve, reject) => {
      if (this.dead !== undefined) {
        reject(this.dead)
        return
      }
      this.pending.set(seq, { resolve, reject })
      this.worker.postMessage({ ...message, seq })
    })
  }

  #failAll (err: Error): void {
    this.dead ??= err
    for (const waiter of this.pending.values()) waiter.reject(err)
    this.pending.clear()
  }
}

export class HashPool {
  readonly #size: number
  readonly #maxQueued: number
  readonly #workerUrl: URL
  readonly #workers: WorkerHandle[] = []
  #next = 0
  #sessions = 0

  constructor (options: HashPoolOptions = {}) {
    this.#size = options.workers ?? Math.min(4, Math.max(1, Math.floor(availableParallelism() / 2)))
    this.#maxQueued = options.maxQueuedChunks ?? 8
    this.#workerUrl = options.workerUrl ?? DEFAULT_WORKER_URL
  }

  /** A hasher on a worker thread. */
  create (): Hasher {
    // A worker that is gone is replaced for new sessions (its own sessions have failed already).
    for (let i = this.#workers.length - 1; i >= 0; i--) if (this.#workers[i]?.dead !== undefined) this.#workers.splice(i, 1)
    if (this.#workers.length < this.#size) this.#workers.push(new WorkerHandle(this.#workerUrl))
    const worker = this.#workers[this.#next++ % this.#workers.length] as WorkerHandle
    const session = ++this.#sessions
    const inFlight = new Set<Promise<WorkerReply>>()
    let failure: Error | undefined
    const track = (promise: Promise<WorkerReply>): Promise<WorkerReply> => {
      inFlight.add(promise)
      promise.then(() => inFlight.delete(promise), (err: Error) => { failure ??= err; inFlight.delete(promise) })
      return promise
    }
    return {
      update: async (chunk) => {
        if (failure !== undefined) throw failure
        if (chunk.buffer instanceof SharedArrayBuffer) {
          // Shared memory crosses to the worker without a copy; the worker reads the caller's bytes in place,
          // so the caller gets its buffer back only once the worker has hashed them.
          await track(worker.request({ op: 'update', session, data: chunk }))
          if (failure !== undefined) throw failure
          return
        }
        // postMessage copies the bytes, so the caller's buffer is free once this returns.
        // Structured clone copies a view's whole backing buffer: send an exact-size copy when the view is a slice.
        const data = chunk.byteLength === chunk.buffer.byteLength ? chunk : chunk.slice()
        void track(worker.request({ op: 'update', session, data }))
        while (inFlight.size >= this.#maxQueued) await Promise.race(inFlight).catch(() => {})
        if (failure !== undefined) throw failure
      },
      updateFromFile: async (path, start, end) => {
        if (end <= start) return
        await track(worker.request({ op: 'update-file', session, path, start, end }))
      },
      digest: async () => {
        const reply = await track(worker.request({ op: 'digest', session }))
        if (failure !== undefined) throw failure
        return reply.hex as string
      },
      dispose: () => { void worker.request({ op: 'drop', session }).catch(() => {}) }
    }
  }

  async close (): Promise<void> {
    const workers = this.#workers.splice(0)
    await Promise.all(workers.map(async (w) => await w.worker.terminate()))
  }
}

/** Largest read of createInlineHasher().updateFromFile, in bytes. */
const INLINE_READ_BYTES = 1024 * 1024

/**
 * A hasher on the calling thread. BLAKE3 takes about 0.2-0.3 ms a MiB here, less than a round trip to a worker, so
 * transfers hash the pieces they read and write (at most 1 MiB each) this way (issue 17); a file range is read and
 * hashed in pieces of at most INLINE_READ_BYTES, so the prefix of a resumed file of any size is never held whole.
 */
export function createInlineHasher (): Hasher {
  const hasher = new Blake3Hasher()
  return {
    update: async (chunk) => { hasher.update(toBuffer(chunk)) },
    updateFromFile: async (path, start, end) => {
      if (end <= start) return
      const handle = await open(path, 'r')
      try {
        const buffer = Buffer.allocUnsafe(Math.min(end - start, INLINE_READ_BYTES))
        for (let position = start; position < end;) {
          const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.byteLength, end - position), position)
          if (bytesRead === 0) throw new Error(`${path} ended at ${position}, before ${end}`)
          hasher.update(buffer.subarray(0, bytesRead))
          position += bytesRead
        }
      } finally {
        await handle.close()
      }
    },
    digest: async () => hasher.digest('hex'),
    dispose: () => {}
  }
}
