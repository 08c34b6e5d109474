// Durations, rates and counts as the CLI prints them, croc's way: short, rounded, in human units ("3 B in 12 ms",
// "1.2 GB in 9.8 s (125 MB/s)", "2 files"), never a raw float.

import { formatBytes } from './output.ts'

/** "12 ms", "3.4 s", "42 s", "2 min 5 s", "1 h 3 min". */
export function formatDuration (seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?'
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`
  if (seconds < 10) return `${(Math.round(seconds * 10) / 10).toFixed(1)} s`
  const whole = Math.round(seconds)
  if (whole < 60) return `${whole} s`
  const minutes = Math.floor(whole / 60)
  if (minutes < 60) return whole % 60 === 0 ? `${minutes} min` : `${minutes} min ${whole % 60} s`
  const hours = Math.floor(minutes / 60)
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`
}

/**
 * Below this a transfer is too short for its rate to mean anything (a few bytes take a round trip, not bandwidth),
 * in seconds: the rate is left out.
 */
export const MIN_RATE_SECONDS = 0.2

/** "125 MB/s", or undefined when the time is too short to say. */
export function formatRate (bytes: number, seconds: number): string | undefined {
  if (!(seconds >= MIN_RATE_SECONDS) || bytes <= 0) return undefined
  return `${formatBytes(bytes / seconds)}/s`
}

/** "1 file", "2 files". */
export function count (n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

/** "3 B in 12 ms", "1.2 GB in 9.8 s (125 MB/s)". */
export function amountInTime (bytes: number, seconds: number): string {
  const rate = formatRate(bytes, seconds)
  return `${formatBytes(bytes)} in ${formatDuration(seconds)}${rate === undefined ? '' : ` (${rate})`}`
}
