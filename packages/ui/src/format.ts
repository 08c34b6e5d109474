// Numbers as people read them: sizes and rates in decimal units (as file managers show them), durations in
// words, times in the user's locale.

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB']

export function formatBytes (bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–'
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000
    unit++
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1
  return `${value.toFixed(digits)} ${UNITS[unit] as string}`
}

export function formatRate (bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`
}

/** "45 s", "3 min 5 s", "2 h 10 min"; null (not known yet) reads as "estimating…". */
/** Past this, an estimate says nothing (a stalled transfer's rate near zero): shown as still estimating. */
const MAX_ESTIMATE_SECONDS = 7 * 24 * 3600

export function formatDuration (seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds > MAX_ESTIMATE_SECONDS) return 'estimating…'
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s} s`
  const minutes = Math.floor(s / 60)
  if (minutes < 60) return s % 60 === 0 ? `${minutes} min` : `${minutes} min ${s % 60} s`
  const hours = Math.floor(minutes / 60)
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`
}

export function formatTime (epochMs: number): string {
  return new Date(epochMs).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

/** A time of day, e.g. 14:05, for moments within the next hours. */
export function formatClock (epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString(undefined, { timeStyle: 'short' })
}

/** Percent done, 0 to 100, for labels; an empty transfer is done. */
export function percent (done: number, total: number): number {
  return total <= 0 ? 100 : Math.min(100, Math.floor((done / total) * 100))
}

/**
 * Characters that reorder or hide text: bidirectional embeddings, overrides, isolates and marks, zero-width spaces
 * and joiners, the BOM. In a name or path from another device they can make "gpj.exe" read as "exe.jpg".
 */
const HIDDEN_FORMATTING = /[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g

/**
 * A string from another device (alias, file path) as shown: each reordering or invisible character becomes a
 * visible `[U+202E]`, so the text reads in the order it is stored. Messages are shown isolated instead (<bdi>).
 */
export function peerText (text: string): string {
  return text.replace(HIDDEN_FORMATTING, (c) => `[U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`)
}

/** A device's name as shown in titles and sentences: its alias made visible (peerText), or 'Unnamed device'. */
export function peerName (peer: { alias?: string }): string {
  return peer.alias === undefined ? 'Unnamed device' : peerText(peer.alias)
}

/** "1 file", "3 files", "0 files"; `many` for irregular plurals ("entries"). */
export function plural (count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`
}
