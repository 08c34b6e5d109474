// Sanitising paths that arrive from a peer. Every path in an offer goes through here before it is joined to a
// folder or handed to any filesystem call: the result is a relative POSIX path that stays inside the destination
// on Linux, macOS and Windows alike.

import { InvalidPathError } from '../errors.ts'

// Windows refuses these device names with any extension (CON.txt), in any case, with spaces before the extension
// (`NUL .txt`) too; CONIN$, CONOUT$ and CLOCK$ are devices as well.
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$|clock\$) *(\..*)?$/i
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

/** Printable ASCII only: already NFC and NFKC, no surrogates, one byte a character, folded by toLowerCase alone. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

/** Bytes of `text` in UTF-8, as TextEncoder would write it (a lone surrogate as U+FFFD), counted without encoding it. */
export function utf8ByteLength (text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

export interface PathLimits {
  maxPathBytes: number
  maxNameBytes: number
  /** Most components (folders and the name) in one path. */
  maxPathDepth: number
}

/**
 * Returns the path as NFC-normalised components, or throws InvalidPathError naming what is wrong.
 * Accepts only relative POSIX paths: no empty, `.` or `..` components, no absolute paths or drive letters,
 * no backslashes, no control or bidi characters, no lone surrogates, no reserved Windows names, no names starting with
 * `.ferry-`, no names ending in a dot or space, and byte limits per name and path.
 */
export function sanitizeRelativePath (raw: unknown, limits: PathLimits): string[] {
  if (typeof raw !== 'string' || raw.length === 0) throw new InvalidPathError('Path must be a non-empty string')
  // Most paths are plain ASCII: they skip the Unicode work (10,000 of them are offered before the first byte moves).
  const ascii = PRINTABLE_ASCII.test(raw)
  if (!ascii && LONE_SURROGATE.test(raw)) throw new InvalidPathError(`Path is not valid Unicode (a lone surrogate): ${JSON.stringify(raw)}`)
  const path = ascii ? raw : raw.normalize('NFC')
  const bytes = ascii ? (text: string): number => text.length : utf8ByteLength
  if (bytes(path) > limits.maxPathBytes) {
    throw new InvalidPathError(`Path is longer than ${limits.maxPathBytes} bytes`)
  }
  if (path.startsWith('/')) throw new InvalidPathError(`Absolute path refused: ${JSON.stringify(raw)}`)
  if (/^[a-zA-Z]:/.test(path)) throw new InvalidPathError(`Drive letter refused: ${JSON.stringify(raw)}`)
  const parts = path.split('/')
  if (parts.length > limits.maxPathDepth) throw new InvalidPathError(`Path is more than ${limits.maxPathDepth} folders deep`)
  for (const part of parts) {
    if (part === '' || part === '.' || part === '..') {
      throw new InvalidPathError(`Path component ${JSON.stringify(part)} refused in ${JSON.stringify(raw)}`)
    }
    if (FORBIDDEN.test(part)) throw new InvalidPathError(`Forbidden character in ${JSON.stringify(part)}`)
    if (RESERVED.test(part)) throw new InvalidPathError(`Reserved name refused: ${JSON.stringify(part)}`)
    if (RESERVED_PREFIX_RE.test(part)) throw new InvalidPathError(`Names starting with ${RESERVED_PREFIX} are Ferry's own: ${JSON.stringify(part)}`)
    if (/[. ]$/.test(part)) throw new InvalidPathError(`Name may not end in a dot or space: ${JSON.stringify(part)}`)
    if (bytes(part) > limits.maxNameBytes) {
      throw new InvalidPathError(`Name is longer than ${limits.maxNameBytes} bytes`)
    }
  }
  return parts
}

/**
 * The form under which two names collide on a case-insensitive, normalisation-insensitive filesystem: compatibility
 * normalised, then case folded (lower, upper, then lower case folds ß and ẞ to ss and ſ to s; a final sigma is a sigma).
 */
export function foldName (name: string): string {
  if (PRINTABLE_ASCII.test(name)) return name.toLowerCase()
  return name.normalize('NFKC').toLowerCase().toUpperCase().toLowerCase().replaceAll('ς', 'σ')
}

/** A key under which two paths collide on a case-insensitive, normalisation-insensitive filesystem. */
export function collisionKey (parts: readonly string[]): string {
  return parts.map(foldName).join('/')
}

/**
 * The paths of one offer, checked as a set: two files may not share a name on a case- or normalisation-insensitive
 * filesystem, and no file may sit where another path needs a folder (`a` and `a/b`). Kept as a tree of folded names
 * (each entry keyed by its parent's number and its own name), so a path costs its own length, however deep it is.
 */
export class OfferedPaths {
  /** `${parent}/${folded name}` -> entry number; entry 0 is the root. */
  readonly #entries = new Map<string, number>()
  /** Entry numbers that are files (the others are folders). */
  readonly #files = new Set<number>()

  /** Adds a sanitised path, or throws InvalidPathError naming the clash. */
  add (parts: readonly string[]): void {
    let parent = 0
    for (let i = 0; i < parts.length; i++) {
      const key = `${parent}/${foldName(parts[i] as string)}`
      const found = this.#entries.get(key)
      const last = i === parts.length - 1
      if (last) {
        if (found !== undefined) throw new InvalidPathError(`Two offered paths clash at ${JSON.stringify(parts.join('/'))}`)
        const id = this.#entries.size + 1
        this.#entries.set(key, id)
        this.#files.add(id)
        return
      }
      if (found !== undefined && this.#files.has(found)) throw new InvalidPathError(`${JSON.stringify(parts.join('/'))} needs a folder where a file is offered`)
      if (found !== undefined) {
        parent = found
        continue
      }
      const id = this.#entries.size + 1
      this.#entries.set(key, id)
      parent = id
    }
  }
}
