// BLAKE3 of shared files, on request: the file is opened as listed (listed-file.ts: no link, same inode) and read
// here, its bytes hashed on the hash pool's worker threads (never on the event loop), at most `maxConcurrentHashes`
// at once with at most `maxQueuedHashes` waiting. A hash is remembered only for the state the file had while it
// was read (size, modification and change time in ns, inode): any write changes the change time, which `touch`
// cannot put back, so the hash shown is always that of the current content.

import { SourceChangedError, type HashPool } from '@ferry/p2p-core'
import { ShareBusyError } from './errors.ts'
import { etagOf, openListed, readChecked, type FileState, type OpenedFile } from './listed-file.ts'
import type { ShareFile } from './shared-files.ts'

/** Bytes read per step while hashing a shared file. */
const HASH_READ_BYTES = 1024 * 1024

interface Cached {
  size: number
  blake3: string
}

export class FileHashes {
  readonly #pool: HashPool
  readonly #maxRunning: number
  readonly #maxQueued: number
  /** By absolute path: the state it was computed for (its entity tag) and the hash. */
  readonly #cache = new Map<string, { tag: string } & Cached>()
  /** By absolute path and state: one computation serves every request for the same content. */
  readonly #inFlight = new Map<string, Promise<Cached>>()
  readonly #waiting: Array<() => void> = []
  #running = 0

  constructor (pool: HashPool, options: { maxConcurrentHashes: number, maxQueuedHashes: number }) {
    this.#pool = pool
    this.#maxRunning = options.maxConcurrentHashes
    this.#maxQueued = options.maxQueuedHashes
  }

  /** The BLAKE3 (hex) of the listed file's current content, and its size. */
  async get (file: ShareFile): Promise<Cached> {
    const opened = await openListed(file)
    const tag = etagOf(opened.state)
    const hit = this.#cache.get(file.absPath)
    if (hit?.tag === tag) {
      await opened.close()
      return { size: hit.size, blake3: hit.blake3 }
    }
    const key = `${file.absPath}\n${tag}`
    let running = this.#inFlight.get(key)
    if (running === undefined) {
      running = this.#compute(opened, tag)
      this.#inFlight.set(key, running)
      void running.finally(() => this.#inFlight.delete(key)).catch(() => {})
    } else {
      await opened.close()
    }
    return await running
  }

  // One computation serves every request for the file, so no single request's disconnect cancels it.
  async #compute (opened: OpenedFile, tag: string): Promise<Cached> {
    try {
      await this.#turn()
    } catch (err) {
      await opened.close()
      throw err
    }
    const hasher = this.#pool.create()
    try {
      const state: FileState = opened.state
      for await (const piece of readChecked(opened, 0, state.size, HASH_READ_BYTES)) await hasher.update(piece)
      const result = { size: state.size, blake3: await hasher.digest() }
      this.#cache.set(opened.file.absPath, { tag, ...result })
      return result
    } catch (err) {
      hasher.dispose()
      if (err instanceof SourceChangedError) throw new SourceChangedError(`${opened.file.path} changed while its hash was computed; ask again`)
      throw err
    } finally {
      await opened.close()
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
