// Coalesced progress: byte counts are added on the hot path for free, and a timer reports them at most
// `perSecond` times a second. Listeners run on the timer, never on the data path, so a slow listener cannot
// stall the bytes. Each report also lists the files whose numbers changed since the last one (file-progress.ts).

import { FileProgressLog, MAX_FILES_PER_REPORT, type FileProgress } from './file-progress.ts'

export interface TransferProgress {
  bytesDone: number
  totalBytes: number
  filesDone: number
  totalFiles: number
  /** Bytes a second over the recent window. */
  rate: number
  /** Seconds left at the current rate; null while unknown. */
  etaSeconds: number | null
  /**
   * The files whose numbers changed since the previous report, each with its absolute numbers; absent when none
   * did. A file is listed from the moment its data starts (at its resumed offset), never before, and files that
   * were not accepted never appear. At most `MAX_FILES_PER_REPORT` files a report: the rest follow in the next.
   */
  files?: FileProgress[]
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
  /** Until then the peer said it works without moving bytes (quietFor). */
  #quietUntil = 0
  readonly #files = new FileProgressLog()
  readonly #maxFilesPerReport: number

  constructor (init: {
    totalBytes: number
    totalFiles: number
    perSecond: number
    onProgress: (p: TransferProgress) => void
    /** Most files listed in one report; MAX_FILES_PER_REPORT when omitted. */
    maxFilesPerReport?: number
  }) {
    this.totalBytes = init.totalBytes
    this.totalFiles = init.totalFiles
    this.#intervalMs = Math.ceil(1000 / init.perSecond)
    this.#onProgress = init.onProgress
    this.#maxFilesPerReport = init.maxFilesPerReport ?? MAX_FILES_PER_REPORT
    if (!Number.isSafeInteger(this.#maxFilesPerReport) || this.#maxFilesPerReport <= 0) {
      throw new RangeError(`maxFilesPerReport must be a positive integer, got ${String(init.maxFilesPerReport)}`)
    }
  }

  start (initialBytes = 0): void {
    this.bytesDone = initialBytes
    this.#lastBytes = initialBytes
    this.#lastAt = performance.now()
    this.#lastActivityAt = this.#lastAt
    this.#timer = setInterval(() => { this.#tick() }, this.#intervalMs)
    this.#timer.unref()
  }

  /** Counts `bytes` moved, to the file `fileId` too when given (without it only the transfer's total moves). */
  add (bytes: number, fileId?: number): void {
    this.bytesDone += bytes
    if (fileId !== undefined) this.#files.add(fileId, bytes)
    this.#dirty = true
    this.#lastActivityAt = performance.now()
  }

  /**
   * The file's data starts, at `offset` when it resumes: its bytesDone starts there. The transfer's own bytesDone
   * is untouched, since start(initialBytes) already counts every resumed byte.
   */
  fileStarted (fileId: number, offset = 0): void {
    this.#files.started(fileId, offset)
    this.#lastActivityAt = performance.now()
  }

  /** Counts one file done; with its id, that file is listed as done, and a second call for it counts nothing. */
  fileDone (fileId?: number): void {
    if (fileId !== undefined && !this.#files.done(fileId)) return
    this.filesDone++
    this.#dirty = true
    this.#lastActivityAt = performance.now()
  }

  /** This side is at work for the transfer without moving a byte (hashing what the peer has already): not idle. */
  working (): void {
    this.#lastActivityAt = performance.now()
  }

  /**
   * The peer announced work that moves no byte for up to `ms` (it hashes the part of a file this side already has,
   * before the rest): not idle until then.
   */
  quietFor (ms: number): void {
    this.#quietUntil = Math.max(this.#quietUntil, performance.now() + ms)
  }

  /** Milliseconds since a byte moved, a file completed or work was announced, or since an announced quiet ended. */
  idleMs (): number {
    return Math.max(0, performance.now() - Math.max(this.#lastActivityAt, this.#quietUntil))
  }

  /**
   * Stops the timer and reports the final state. When more files changed than one report lists, it goes on
   * reporting at once, each report within the bound and with the same totals, until every change is out.
   */
  stop (): void {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
    this.#dirty = true
    this.#tick()
    while (this.#files.pending > 0) this.#report()
  }

  /** The transfer's numbers now; per-file changes are listed only in reports. */
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
    if (this.#dirty || this.#files.pending > 0) this.#report()
  }

  #report (): void {
    this.#dirty = false
    const progress = this.snapshot()
    const files = this.#files.take(this.#maxFilesPerReport)
    if (files.length > 0) progress.files = files
    try {
      this.#onProgress(progress)
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
