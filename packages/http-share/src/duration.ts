// Durations as people type them for a share's expiry: "90s", "30m", "1h", "2d", or a bare number of seconds.

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/**
 * Milliseconds for "90s" / "30m" / "1h" / "2d" / "45" (seconds), at most `maxMs`; throws RangeError on anything else,
 * saying whether the duration is not one, zero, or too long.
 */
export function parseDuration (text: string, maxMs = Number.MAX_SAFE_INTEGER): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/i.exec(text)
  if (match === null) throw new RangeError(`Not a duration: ${JSON.stringify(text)} (try 30m, 1h or 2d)`)
  const ms = Math.round(Number(match[1]) * (UNITS[(match[2] ?? '').toLowerCase() || 's'] ?? 1000))
  if (ms === 0) throw new RangeError(`A duration must be longer than zero: ${JSON.stringify(text)}`)
  if (!Number.isSafeInteger(ms)) throw new RangeError(`A duration of ${JSON.stringify(text)} is too long`)
  if (ms > maxMs) throw new RangeError(`A duration of ${JSON.stringify(text)} is too long: at most ${formatDuration(maxMs)}`)
  return ms
}

/** "30d", "12h", "90m", "45s" (the largest unit that divides it), or in words ("30 days") with `long`. */
export function formatDuration (ms: number, style: 'short' | 'long' = 'short'): string {
  const words: Record<string, string> = { d: 'day', h: 'hour', m: 'minute', s: 'second' }
  for (const [unit, size] of Object.entries(UNITS).reverse()) {
    if (ms % size !== 0) continue
    const n = ms / size
    return style === 'short' ? `${n}${unit}` : `${n} ${words[unit] ?? unit}${n === 1 ? '' : 's'}`
  }
  return style === 'short' ? `${ms / 1000}s` : `${ms} ms`
}
