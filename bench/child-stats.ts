// The `stats` line the TCP baseline children print last, measured the way the Ferry CLI measures itself,
// so the two tools' peak RSS and event-loop figures are comparable.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { SideStats } from './types.ts'

/** Starts sampling the event loop; the returned function stops it and reads the figures. */
export function startChildStats(): () => SideStats {
  const delay = monitorEventLoopDelay({ resolution: 10 })
  delay.enable()
  return () => {
    delay.disable()
    return {
      // resourceUsage().maxRSS is in KiB.
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      eventLoopDelayP99Ms: delay.percentile(99) / 1e6
    }
  }
}

/** One JSON line on stdout; stdout to a pipe is synchronous on Linux, so nothing is lost at exit. */
export function printLine(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`)
}
