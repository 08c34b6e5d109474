// The receiver's memory of the files it saved recently, so that a sender killed mid-folder and started again (a new
// transfer, the same files) is not made to send, nor this device to save a second time as "name (1).ext", the files
// already here. A file is remembered by who sent it and what it was (sender, destination, path, size, mtime) with
// what this device made of it: the name it got, its BLAKE3, and its identity on disk right after it was saved.
// IncomingFile plans a file found here, and still the very file saved, as already saved; the sender's hash of its
// file must then equal the one remembered.
//
// In memory only (a restarted receiver takes the files again), bounded in count (`maxRecentSaves`, oldest dropped
// first) and in time (`resumeWindowMs`). An entry costs about the same whatever a peer names: the key is a digest,
// the name is kept as its "(n)" number.

import { createHash } from 'node:crypto'
import type { Stats } from 'node:fs'
import type { FerryLimits } from '../limits.ts'

/** What a file sent to this device is known by: its sender, where it went, and what the sender said it was. */
export interface SaveKey {
  /** The sender's peer id (proven by TLS). */
  from: string
  /** The destination's real path. */
  root: string
  /** The sanitised relative path offered. */
  path: string
  size: number
  mtimeMs: number
}

/** A saved file's identity on disk: a file with another one has been replaced, rewritten, or touched since. */
export interface SavedIdentity {
  dev: number
  ino: number
  size: number
  mtimeMs: number
  ctimeMs: number
}

/** What this device made of a file it saved. */
export interface SavedCopy {
  /** 0: saved under the offered name; n: under "name (n).ext". */
  copy: number
  blake3: string
  identity: SavedIdentity
}

interface Entry extends SavedCopy {
  until: number
}

export function identityOf (info: Stats): SavedIdentity {
  return { dev: info.dev, ino: info.ino, size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs }
}

/**
 * Whether `info` (an lstat, never following a link) is still the very file saved: a regular file with one name,
 * the same device and inode, size, modification and change time.
 */
export function stillSaved (info: Stats | undefined, identity: SavedIdentity): boolean {
  return info !== undefined && info.isFile() && info.nlink === 1 && info.dev === identity.dev && info.ino === identity.ino &&
    info.size === identity.size && info.mtimeMs === identity.mtimeMs && info.ctimeMs === identity.ctimeMs
}

/** One fixed-size string for a key, whatever the length of its path or root. */
function digest (key: SaveKey): string {
  return createHash('sha256').update(JSON.stringify([key.from, key.root, key.path, key.size, key.mtimeMs])).digest('base64url')
}

export class RecentSaves {
  /** In the order remembered (a file remembered again moves to the end), so the oldest are first. */
  readonly #entries = new Map<string, Entry>()
  readonly #limits: () => Pick<FerryLimits, 'maxRecentSaves' | 'resumeWindowMs'>
  readonly #now: () => number

  constructor (limits: () => Pick<FerryLimits, 'maxRecentSaves' | 'resumeWindowMs'>, now: () => number = Date.now) {
    this.#limits = limits
    this.#now = now
  }

  /** Files remembered now. */
  get size (): number {
    return this.#entries.size
  }

  remember (key: SaveKey, saved: SavedCopy): void {
    const { maxRecentSaves, resumeWindowMs } = this.#limits()
    const at = digest(key)
    const now = this.#now()
    this.#entries.delete(at)
    this.#entries.set(at, { copy: saved.copy, blake3: saved.blake3, identity: { ...saved.identity }, until: now + resumeWindowMs })
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= maxRecentSaves && entry.until >= now) break
      this.#entries.delete(oldest)
    }
  }

  /** What this device made of the file `key` names, if it saved it within `resumeWindowMs`. */
  find (key: SaveKey): SavedCopy | undefined {
    // Asked for every file planned: a receiver that saved nothing recently spends no digest on it.
    if (this.#entries.size === 0) return undefined
    const at = digest(key)
    const entry = this.#entries.get(at)
    if (entry === undefined) return undefined
    if (entry.until < this.#now()) {
      this.#entries.delete(at)
      return undefined
    }
    return { copy: entry.copy, blake3: entry.blake3, identity: entry.identity }
  }

  forget (key: SaveKey): void {
    this.#entries.delete(digest(key))
  }
}
