// BLAKE3 of shared files, on request: computed on the hash pool's worker threads (never on the event loop), at most
// `maxConcurrentHashes` at once with at most `maxQueuedHashes` waiting, and remembered while the file keeps its size
// and modification time.

import { stat } from 'node:fs/promises'
import { SourceChangedError, type HashPool } from '@ferry/p2p-core'
import { FileNotInShareError, ShareBusyError } from './errors.ts'
import type { ShareFile } from './shared-files.ts'

interface Cached {
  size: number
  mtimeMs: number
  blake3: string
}

export class FileHashes {
  readonly #pool: HashPool
  readonly #maxRunning: number
  readonly #maxQueued: number
  readonly #cache = new Map<string, Cached>()
  readonly #inFlight = new Map<string, Promise<Cached>>()
  readonly #waiting: Array<() => void> = []
  #running = 0

  constructor (pool: HashPool, options: { maxConcurrentHashes: number, maxQueuedHashes: number }) {
    this.#pool = pool
    this.#maxRunning = options.maxConcurrentHashes
    this.#maxQueued = options.maxQueuedHashes
  }

  /** The file's BLAKE3 (hex) and the size and mtime it was computed for. */
  async get (file: ShareFile): Promise<Cached> {
    const now = await stat(file.absPath).catch(() => { throw new FileNotInShareError(`${file.path} is no longer on the sharing computer`) })
    const hit = this.#cache.get(file.absPath)
    if (hit !== undefined && hit.size === now.size && hit.mtimeMs === now.mtimeMs) return hit
    let running = this.#inFlight.get(file.absPath)
    if (running === undefined) {
      running = this.#compute(file.absPath)
      this.#inFlight.set(file.absPath, running)
      void running.finally(() => this.#inFlight.delete(file.absPath)).catch(() => {})
    }
    return await running
  }

  // One computation serves every request for the file, so no single request's disconnect cancels it.
  async #compute (absPath: string): Promise<Cached> {
    await this.#turn()
    try {
      const before = await stat(absPath)
      const hasher = this.#pool.create()
      let hex: string
      try {
        await hasher.updateFromFile(absPath, 0, before.size)
        hex = await hasher.digest()
      } catch (err) {
        hasher.dispose()
        throw err
      }
      const after = await stat(absPath)
      if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) throw new SourceChangedError('The file changed while it was hashed')
      const result = { size: before.size, mtimeMs: before.mtimeMs, blake3: hex }
      this.#cache.set(absPath, result)
      return result
    } finally {
      this.#running--
      this.#waiting.shift()?.()
    }
  }

  /** Waits for a free slot; refuses when too many already wait. */
  async #turn (): Promise<void> {
    if (this.#running < this.#maxRunning) {
      this.#running++
      return
    }
    if (this.#waiting.length >= this.#maxQueued) throw new ShareBusyError('Too many hashes are being computed; try again shortly')
    await new Promise<void>((resolve) => {
      this.#waiting.push(() => {
        this.#running++
        resolve()
      })
    })
  }
}
