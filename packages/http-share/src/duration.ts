// Durations as people type them for a share's expiry: "90s", "30m", "1h", "2d", or a bare number of seconds.

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Milliseconds for "90s" / "30m" / "1h" / "2d" / "45" (seconds); throws RangeError on anything else. */
export function parseDuration (text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/i.exec(text)
  if (match === null) throw new RangeError(`Not a duration: ${JSON.stringify(text)} (try 30m, 1h or 2d)`)
  const ms = Math.round(Number(match[1]) * (UNITS[(match[2] ?? '').toLowerCase() || 's'] ?? 1000))
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new RangeError(`A duration must be longer than zero: ${JSON.stringify(text)}`)
  return ms
}
