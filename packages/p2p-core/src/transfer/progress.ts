// Coalesced progress: byte counts are added on the hot path for free, and a timer reports them at most
// `perSecond` times a second. Listeners run on the timer, never on the data path, so a slow listener cannot
// stall the bytes.

export interface TransferProgress {
  bytesDone: number
  totalBytes: number
  filesDone: number
  totalFiles: number
  /** Bytes a second over the recent window. */
  rate: number
  /** Seconds left at the current rate; null while unknown. */
  etaSeconds: number | null
}

export class ProgressMeter {
  readonly totalBytes: number
  readonly totalFiles: number
  bytesDone = 0
  filesDone = 0
  readonly #intervalMs: number
  readonly #onProgress: (progress: TransferProgress) => void
  #timer: NodeJS.Timeout | undefined
  #lastBytes = 0
  #lastAt = 0
  #rate = 0
  #dirty = true
  #lastActivityAt = performance.now()

  constructor (init: { totalBytes: number, totalFiles: number, perSecond: number, onProgress: (p: TransferProgress) => void }) {
    this.totalBytes = init.totalBytes
    this.totalFiles = init.totalFiles
    this.#intervalMs = Math.ceil(1000 / init.perSecond)
    this.#onProgress = init.onProgress
  }

  start (initialBytes = 0): void {
    this.bytesDone = initialBytes
    this.#lastBytes = initialBytes
    this.#lastAt = performance.now()
    this.#lastActivityAt = this.#lastAt
    this.#timer = setInterval(() => { this.#tick() }, this.#intervalMs)
    this.#timer.unref()
  }

  add (bytes: number): void {
    this.bytesDone += bytes
    this.#dirty = true
    this.#lastActivityAt = performance.now()
  }

  fileDone (): void {
    this.filesDone++
    this.#dirty = true
    this.#lastActivityAt = performance.now()
  }

  /** Milliseconds since a byte moved or a file completed. */
  idleMs (): number {
    return performance.now() - this.#lastActivityAt
  }

  /** Stops the timer and reports the final state once. */
  stop (): void {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
    this.#dirty = true
    this.#tick()
  }

  snapshot (): TransferProgress {
    const left = this.totalBytes - this.bytesDone
    return {
      bytesDone: this.bytesDone,
      totalBytes: this.totalBytes,
      filesDone: this.filesDone,
      totalFiles: this.totalFiles,
      rate: Math.round(this.#rate),
      etaSeconds: left <= 0 ? 0 : this.#rate > 0 ? Math.ceil(left / this.#rate) : null
    }
  }

  #tick (): void {
    const now = performance.now()
    const seconds = (now - this.#lastAt) / 1000
    if (seconds > 0) {
      const instant = (this.bytesDone - this.#lastBytes) / seconds
      // Exponential smoothing so the ETA does not jump with every burst.
      this.#rate = this.#rate === 0 ? instant : this.#rate * 0.7 + instant * 0.3
    }
    this.#lastAt = now
    this.#lastBytes = this.bytesDone
    if (!this.#dirty) return
    this.#dirty = false
    try {
      this.#onProgress(this.snapshot())
    } catch {
      // A listener's failure is its own; the transfer goes on.
    }
  }
}

/**
 * Calls `onIdle` once when nothing moved for `idleMs`: a live peer that stops sending (or reading) would otherwise
 * keep a transfer open forever, since QUIC keep-alives hold the connection itself up.
 */
export function watchIdle (meter: ProgressMeter, idleMs: number, onIdle: () => void): { stop: () => void } {
  const timer = setInterval(() => {
    if (meter.idleMs() < idleMs) return
    clearInterval(timer)
    onIdle()
  }, Math.max(10, Math.min(1000, Math.floor(idleMs / 4))))
  timer.unref()
  return { stop: () => { clearInterval(timer) } }
}
