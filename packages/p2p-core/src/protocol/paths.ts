// Sanitising paths that arrive from a peer. Every path in an offer goes through here before it is joined to a
// folder or handed to any filesystem call: the result is a relative POSIX path that stays inside the destination
// on Linux, macOS and Windows alike.

import { InvalidPathError } from '../errors.ts'

// Windows refuses these names with any extension (CON.txt), in any case.
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i
// Characters Windows forbids in names, plus control characters everywhere: C0, DEL and C1 (a terminal acts on
// them), and the bidi controls that make a name read otherwise than it is (`photo\u202Egpj.exe` shows as
// "photoexe.jpg"): embeddings and overrides U+202A-202E, isolates U+2066-2069, marks U+200E, U+200F and U+061C.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069<>:"|?*\\]/
// Half of a UTF-16 surrogate pair alone: no file name can hold it (it would be saved as U+FFFD, another name).
const LONE_SURROGATE = /\p{Surrogate}/u
/**
 * The receiver's own files beside a download (partials and their sidecars) start with this, in any case; an offered
 * name that did too could be taken for, or collide with, one of them.
 */
export const RESERVED_PREFIX = '.ferry-'
const RESERVED_PREFIX_RE = /^\.ferry-/i

const encoder = new TextEncoder()

export interface PathLimits {
  maxPathBytes: number
  maxNameBytes: number
}

/**
 * Returns the path as NFC-normalised components, or throws InvalidPathError naming what is wrong.
 * Accepts only relative POSIX paths: no empty, `.` or `..` components, no absolute paths or drive letters,
 * no backslashes, no control or bidi characters, no lone surrogates, no reserved Windows names, no names starting with
 * `.ferry-`, no names ending in a dot or space, and byte limits per name and path.
 */
export function sanitizeRelativePath (raw: unknown, limits: PathLimits): string[] {
  if (typeof raw !== 'string' || raw.length === 0) throw new InvalidPathError('Path must be a non-empty string')
  if (LONE_SURROGATE.test(raw)) throw new InvalidPathError(`Path is not valid Unicode (a lone surrogate): ${JSON.stringify(raw)}`)
  const path = raw.normalize('NFC')
  if (encoder.encode(path).byteLength > limits.maxPathBytes) {
    throw new InvalidPathError(`Path is longer than ${limits.maxPathBytes} bytes`)
  }
  if (path.startsWith('/')) throw new InvalidPathError(`Absolute path refused: ${JSON.stringify(raw)}`)
  if (/^[a-zA-Z]:/.test(path)) throw new InvalidPathError(`Drive letter refused: ${JSON.stringify(raw)}`)
  const parts = path.split('/')
  for (const part of parts) {
    if (part === '' || part === '.' || part === '..') {
      throw new InvalidPathError(`Path component ${JSON.stringify(part)} refused in ${JSON.stringify(raw)}`)
    }
    if (FORBIDDEN.test(part)) throw new InvalidPathError(`Forbidden character in ${JSON.stringify(part)}`)
    if (RESERVED.test(part)) throw new InvalidPathError(`Reserved name refused: ${JSON.stringify(part)}`)
    if (RESERVED_PREFIX_RE.test(part)) throw new InvalidPathError(`Names starting with ${RESERVED_PREFIX} are Ferry's own: ${JSON.stringify(part)}`)
    if (/[. ]$/.test(part)) throw new InvalidPathError(`Name may not end in a dot or space: ${JSON.stringify(part)}`)
    if (encoder.encode(part).byteLength > limits.maxNameBytes) {
      throw new InvalidPathError(`Name is longer than ${limits.maxNameBytes} bytes`)
    }
  }
  return parts
}

/** A key under which two paths collide on a case-insensitive, normalisation-insensitive filesystem. */
export function collisionKey (parts: readonly string[]): string {
  return parts.join('/').normalize('NFC').toLowerCase()
}

/**
 * The paths of one offer, checked as a set: two files may not share a name on a case- or normalisation-insensitive
 * filesystem, and no file may sit where another path needs a folder (`a` and `a/b`).
 */
export class OfferedPaths {
  readonly #files = new Set<string>()
  readonly #dirs = new Set<string>()

  /** Adds a sanitised path, or throws InvalidPathError naming the clash. */
  add (parts: readonly string[]): void {
    const key = collisionKey(parts)
    if (this.#files.has(key) || this.#dirs.has(key)) throw new InvalidPathError(`Two offered paths clash at ${JSON.stringify(parts.join('/'))}`)
    for (let i = 1; i < parts.length; i++) {
      const dir = collisionKey(parts.slice(0, i))
      if (this.#files.has(dir)) throw new InvalidPathError(`${JSON.stringify(parts.join('/'))} needs a folder where a file is offered`)
      this.#dirs.add(dir)
    }
    this.#files.add(key)
  }
}
