// Figures a benchmark reads from a finished command: its peak RSS and the p99 delay of its event loop.

import { monitorEventLoopDelay } from 'node:perf_hooks'

export interface ProcessStats {
  maxRssBytes: number
  eventLoopDelayP99Ms: number
}

export function startProcessStats (): () => ProcessStats {
  const histogram = monitorEventLoopDelay({ resolution: 10 })
  histogram.enable()
  return () => {
    histogram.disable()
    return {
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      eventLoopDelayP99Ms: Math.round(histogram.percentile(99) / 1e4) / 100
    }
  }
}
