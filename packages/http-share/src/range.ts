// The Range header of a download, read the way RFC 9110 asks: one `bytes=` range is served as 206; a header this
// server does not serve (another unit, several ranges, a malformed spec) is ignored and the whole file is sent
// with 200, which the RFC allows; a well-formed range wholly outside the file is 416.

export type RangeAnswer =
  | { kind: 'full' }
  | { kind: 'partial', start: number, end: number }
  | { kind: 'unsatisfiable' }

const SPEC = /^(\d*)-(\d*)$/

/** `end` is inclusive, as in Content-Range. */
export function parseRange (header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return { kind: 'full' }
  const eq = header.indexOf('=')
  if (eq < 0 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return { kind: 'full' }
  const specs = header.slice(eq + 1).split(',')
  if (specs.length !== 1) return { kind: 'full' }
  const match = SPEC.exec((specs[0] ?? '').trim())
  if (match === null) return { kind: 'full' }
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return { kind: 'full' }
  if (first === '') {
    // Suffix range: the last N bytes.
    const n = Number(last)
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' }
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(first)
  if (last !== '' && Number(last) < start) return { kind: 'full' }
  if (start >= size) return { kind: 'unsatisfiable' }
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  return { kind: 'partial', start, end }
}

/**
 * If-Range: the range applies only while the file is the one the browser started with, which only a strong entity
 * tag can tell (a weak one never matches). A date never does: a modification time can be put back (`touch -r`) or
 * stay within the same second, so it cannot prove the bytes are the same, and a range of a changed file would
 * splice old and new bytes; the whole file is sent instead (RFC 9110 lets a server treat the condition as false).
 */
export function ifRangeHolds (ifRange: string | undefined, etag: string): boolean {
  if (ifRange === undefined) return true
  return ifRange.trim() === etag
}

/** If-None-Match with weak comparison, for 304 answers. */
export function noneMatch (header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  if (header.trim() === '*') return true
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
}
