// Time to first byte, the same way for every tool: how long after the run's start the first non-empty file appears
// anywhere under the destination folder. Partial and temporary files count (Ferry's `.ferry-*.part`, rsync's
// `.name.XXXXXX`, Chromium's download in progress); metadata written before any byte of data does not
// (Ferry's `.part.json` sidecar).
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'

const POLL_MS = 3
/** Written before the data, so not a byte of it. */
const NOT_DATA = [/\.part\.json$/]

async function firstNonEmpty(dir: string): Promise<boolean> {
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch {
    return false // not made yet
  }
  for (const e of entries) {
    const path = join(dir, e.name)
    if (e.isDirectory()) {
      if (await firstNonEmpty(path)) return true
    } else if (e.isFile() && !NOT_DATA.some((re) => re.test(e.name))) {
      const size = await stat(path).then((s) => s.size, () => 0)
      if (size > 0) return true
    }
  }
  return false
}

/** Polls `dir` from now until a byte lands or `stop()` is called; `at` is the performance.now() of that poll. */
export class FirstByteWatch {
  private at: number | undefined
  private stopped = false
  private readonly done: Promise<void>

  constructor(dir: string) {
    this.done = (async () => {
      while (!this.stopped) {
        const polledAt = performance.now()
        if (await firstNonEmpty(dir)) {
          this.at = polledAt
          return
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS))
      }
    })()
  }

  /** Milliseconds from `startedAt` (a performance.now() value), or undefined if nothing landed while watched. */
  async stop(startedAt: number): Promise<number | undefined> {
    this.stopped = true
    await this.done
    return this.at === undefined ? undefined : Math.max(0, this.at - startedAt)
  }
}
