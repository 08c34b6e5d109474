// Per-file progress for a transfer's reports: each started file's absolute numbers, and which files changed since
// they were last listed, so a report carries only what moved and a file that changed many times between two reports
// is listed once, with its latest numbers. Memory is one small record per started file and one set of ids waiting
// to be listed; nothing grows with the number of reports.

/** One file's progress, as listed in a TransferProgress report. */
export interface FileProgress {
  /** The file's id in the offer. */
  id: number
  /** Bytes of this file done, counted from the file's first byte: a resumed file starts at its offset. Never a delta. */
  bytesDone: number
  /** The file arrived whole and verified: the receiver saved it (on the sender: the receiver said it did). */
  done: boolean
}

/**
 * Most files one progress report lists (the default of ProgressMeter's `maxFilesPerReport`). Files whose change did
 * not fit wait for the next report, oldest change first, so every change is reported in the end and no report grows
 * with the size of the offer. Files that change faster than reports list them (tens of thousands of tiny files) are
 * listed late, never dropped, and ProgressMeter.stop() lists whatever is still waiting.
 */
export const MAX_FILES_PER_REPORT = 256

interface FileNumbers {
  bytesDone: number
  done: boolean
}

export class FileProgressLog {
  readonly #files = new Map<number, FileNumbers>()
  /** Ids changed since they were last listed, in the order of their oldest unlisted change. */
  readonly #changed = new Set<number>()

  /** Files changed since they were last listed. */
  get pending (): number {
    return this.#changed.size
  }

  /** The file starts (again) at `offset`, the bytes it already has. */
  started (id: number, offset: number): void {
    const file = this.#files.get(id)
    if (file !== undefined && file.bytesDone === offset) return
    this.#mark(id, { bytesDone: offset, done: file?.done ?? false })
  }

  add (id: number, bytes: number): void {
    const file = this.#get(id)
    file.bytesDone += bytes
    this.#mark(id, file)
  }

  /** Marks the file done; true the first time, false when it already was. */
  done (id: number): boolean {
    const file = this.#get(id)
    if (file.done) return false
    file.done = true
    this.#mark(id, file)
    return true
  }

  /** Lists (and forgets as changed) at most `max` changed files, oldest change first. */
  take (max: number): FileProgress[] {
    const out: FileProgress[] = []
    for (const id of this.#changed) {
      if (out.length >= max) break
      const file = this.#files.get(id)
      this.#changed.delete(id)
      if (file !== undefined) out.push({ id, bytesDone: file.bytesDone, done: file.done })
    }
    return out
  }

  #get (id: number): FileNumbers {
    return this.#files.get(id) ?? { bytesDone: 0, done: false }
  }

  #mark (id: number, file: FileNumbers): void {
    this.#files.set(id, file)
    this.#changed.add(id)
  }
}
