// A fixed pool of reusable read buffers. The sender never allocates per chunk: it borrows a buffer, fills it, waits
// until the transport has taken the bytes, and gives it back. acquire() waits when all are out, which bounds the
// sender's memory to `count x size` however many files are offered.

export class BufferPool {
  readonly size: number
  readonly count: number
  readonly #free: Buffer[] = []
  readonly #waiters: Array<(buffer: Buffer) => void> = []
  #created = 0

  constructor (count: number, size: number) {
    if (!Number.isSafeInteger(count) || count <= 0) throw new RangeError('BufferPool count must be a positive integer')
    if (!Number.isSafeInteger(size) || size <= 0) throw new RangeError('BufferPool size must be a positive integer')
    this.count = count
    this.size = size
  }

  /** Buffers ever allocated; never more than `count`. */
  get allocated (): number {
    return this.#created
  }

  /** Buffers currently lent out. */
  get inUse (): number {
    return this.#created - this.#free.length
  }

  async acquire (signal?: AbortSignal): Promise<Buffer> {
    signal?.throwIfAborted()
    const free = this.#free.pop()
    if (free !== undefined) return free
    if (this.#created < this.count) {
      this.#created++
      // Its own memory, outside Node's shared slab: the pool keeps it for the whole transfer.
      return Buffer.allocUnsafeSlow(this.size)
    }
    return await new Promise<Buffer>((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.#waiters.indexOf(give)
        if (at >= 0) this.#waiters.splice(at, 1)
        reject(signal?.reason)
      }
      const give = (buffer: Buffer): void => {
        signal?.removeEventListener('abort', onAbort)
        resolve(buffer)
      }
      this.#waiters.push(give)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  release (buffer: Buffer): void {
    if (buffer.byteLength !== this.size) throw new RangeError('Buffer does not belong to this pool')
    const waiter = this.#waiters.shift()
    if (waiter !== undefined) waiter(buffer)
    else this.#free.push(buffer)
  }
}
