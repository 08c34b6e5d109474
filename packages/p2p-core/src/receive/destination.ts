// The destination boundary (DESIGN.md, "The receive boundary"): every filesystem call that writes a received byte
// goes through here. The root is the folder the user chose (trusted, and may itself be a link); below it, every
// existing path component must be a real folder, never a link and never a file, and nothing is created through one.
//
// On Linux each folder is held open (O_DIRECTORY | O_NOFOLLOW, one component at a time from the root) and names
// inside it are reached as /proc/self/fd/<fd>/<name>: the kernel resolves them from the open folder, as openat(2)
// would, so a folder swapped for a link after it was checked is never entered, and no race window remains. Where
// that is not available (macOS, Windows) each component is lstat()ed before every use: a window remains between
// that check and the call that follows it (docs/guarantees.md says so).
//
// Calls here are synchronous: they are metadata operations of microseconds, and a folder's handle can then never be
// closed (and its number reused) between resolving a name and using it.

import {
  closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, realpathSync, rmdirSync, unlinkSync, type Stats
} from 'node:fs'
import { join } from 'node:path'
import { DiskError, UnsafePathError } from '../errors.ts'
import { ANCHORED_PATHS } from '../platform/anchored-paths.ts'

const { O_RDONLY } = constants
// Undefined off Linux/macOS; the checked (lstat) mode is used there, which needs neither.
const O_DIRECTORY = constants.O_DIRECTORY ?? 0
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0

export { ANCHORED_PATHS }

/**
 * Folder handles kept open per destination; the least recently used is closed beyond this. Twice the deepest path
 * an offer may have (maxPathDepth), so resolving a folder never evicts the folders on its own way.
 */
const MAX_OPEN_FOLDERS = 256

/** A folder under the destination, ready for one synchronous call: `path(name)` names an entry inside it. */
export interface Folder {
  /** The folder's own path relative to the root, for messages ('' for the root). */
  readonly relative: string
  /** A path for `name` inside this folder that the kernel resolves from the folder itself (Linux) or after a check. */
  path: (name: string) => string
}

/** Removes `name` in `folder` if it is there (a link is removed itself, never followed); anything else is left. */
export function removeQuietly (folder: Folder, name: string): void {
  try {
    unlinkSync(folder.path(name))
  } catch { /* already gone, or not ours to remove */ }
}

interface OpenFolder {
  fd: number
}

function errno (err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code
}

function unsafe (relative: string, what: string): Error {
  return new UnsafePathError(`"${relative}" in the destination is ${what}; nothing is written through it`)
}

export class Destination {
  /** The real path of the folder the user chose. */
  readonly root: string
  readonly #rootFd: number | undefined
  /** Open folders by relative path ('a', 'a/b'), in least-recently-used order. */
  readonly #open = new Map<string, OpenFolder>()
  /** Folders this destination created (relative paths), in the order made. */
  readonly #made: string[] = []
  /**
   * Folders existing() found missing while nothing was created yet (planning thousands of files into a folder the
   * transfer will make costs one failed open, not one a file). Only a hint: folder() checks every component again.
   */
  readonly #missing = new Set<string>()
  #closed = false

  private constructor (root: string, rootFd: number | undefined) {
    this.root = root
    this.#rootFd = rootFd
  }

  /** Opens (creating it if missing) the folder the user chose; everything received goes below it. */
  static open (root: string): Destination {
    try {
      mkdirSync(root, { recursive: true })
      const real = realpathSync(root)
      const fd = ANCHORED_PATHS ? openSync(real, O_RDONLY | O_DIRECTORY) : undefined
      if (fd === undefined && !lstatSync(real).isDirectory()) throw new Error('not a folder')
      return new Destination(real, fd)
    } catch (err) {
      throw new DiskError(`Cannot use the folder ${root}: ${(err as Error).message}`, { cause: err })
    }
  }

  /**
   * Checks, creating nothing, that every existing folder on the way to `dirParts` is a real folder (a missing one is
   * fine: it will be created), and returns the folder if it exists. Throws UnsafePathError naming the first link or
   * non-folder.
   */
  existing (dirParts: readonly string[]): Folder | undefined {
    this.#assertOpen()
    const relative = dirParts.join('/')
    if (ANCHORED_PATHS) {
      const fd = this.#resolve(dirParts, false)
      return fd === undefined ? undefined : { relative, path: (name) => `/proc/self/fd/${fd}/${name}` }
    }
    let at = ''
    for (const part of dirParts) {
      at = at === '' ? part : `${at}/${part}`
      const info = lstatOrUndefined(join(this.root, at))
      if (info === undefined) return undefined
      assertFolder(info, at)
    }
    const absolute = join(this.root, ...dirParts)
    return { relative, path: (name) => join(absolute, name) }
  }

  /**
   * Runs `use` on the folder `dirParts` (created if missing, as folder() does). A held folder's handle is used without
   * a check each time; if the call finds its folder gone (ENOENT: another transfer removed it once it was empty, or
   * the user did), the handles on the way are checked, the removed ones dropped, and `use` runs once more on the
   * folder resolved again from its parent through the same checks. `use` must have done nothing when it throws ENOENT.
   */
  inFolder<T> (dirParts: readonly string[], use: (folder: Folder) => T): T {
    try {
      // Making a missing folder below a held one that was removed fails with ENOENT here too.
      return use(this.folder(dirParts))
    } catch (err) {
      if (!isMissing(err) || !this.#dropRemoved(dirParts)) throw err
      return use(this.folder(dirParts))
    }
  }

  /** The folder `dirParts` below the root, creating missing folders one at a time, never through a link. */
  folder (dirParts: readonly string[]): Folder {
    this.#assertOpen()
    this.#missing.clear()
    const relative = dirParts.join('/')
    if (ANCHORED_PATHS) {
      const fd = this.#resolve(dirParts, true) as number
      return { relative, path: (name) => `/proc/self/fd/${fd}/${name}` }
    }
    let at = ''
    for (const part of dirParts) {
      at = at === '' ? part : `${at}/${part}`
      const absolute = join(this.root, at)
      let info = lstatOrUndefined(absolute)
      if (info === undefined) {
        if (mkdirOnce(absolute, at)) this.#made.push(at)
        info = lstatSync(absolute)
      }
      assertFolder(info, at)
    }
    const absolute = join(this.root, ...dirParts)
    return { relative, path: (name) => join(absolute, name) }
  }

  /**
   * Removes the folders this destination created that are empty now, deepest first (after a cancelled or failed
   * transfer, so it leaves no trace). A folder that holds anything stays.
   */
  removeEmptyFolders (): void {
    if (this.#closed) return
    for (const relative of [...this.#made].reverse()) {
      const parts = relative.split('/')
      try {
        const parent = this.existing(parts.slice(0, -1))
        if (parent !== undefined) rmdirSync(parent.path(parts[parts.length - 1] as string))
      } catch { /* not empty, or gone: it stays as it is */ }
    }
    this.#made.length = 0
    // A removed folder's handle would now name a deleted folder: let the next use open the path afresh.
    for (const { fd } of this.#open.values()) closeQuietly(fd)
    this.#open.clear()
  }

  /** Closes every folder handle; the destination cannot be used after. */
  close (): void {
    if (this.#closed) return
    this.#closed = true
    for (const { fd } of this.#open.values()) closeQuietly(fd)
    this.#open.clear()
    if (this.#rootFd !== undefined) closeQuietly(this.#rootFd)
  }

  #assertOpen (): void {
    if (this.#closed) throw new DiskError('The destination was closed')
  }

  /**
   * The fd of the folder `dirParts`, opened component by component from the root with O_NOFOLLOW. Missing folders
   * are created when `create`, else resolution stops there (undefined).
   */
  #resolve (dirParts: readonly string[], create: boolean): number | undefined {
    if (dirParts.length === 0) return this.#rootFd as number
    // Most files go where the one before went: that folder is open already. A held handle is trusted here; a call
    // that finds its folder removed is retried by inFolder() after #dropRemoved().
    const whole = dirParts.join('/')
    const known = this.#open.get(whole)
    if (known !== undefined) {
      this.#open.delete(whole)
      this.#open.set(whole, known)
      return known.fd
    }
    let fd = this.#rootFd as number
    let relative = ''
    for (const part of dirParts) {
      relative = relative === '' ? part : `${relative}/${part}`
      if (!create && this.#missing.has(relative)) return undefined
      const cached = this.#open.get(relative)
      if (cached !== undefined) {
        // Most recently used last.
        this.#open.delete(relative)
        this.#open.set(relative, cached)
        fd = cached.fd
        continue
      }
      const path = `/proc/self/fd/${fd}/${part}`
      let child: number
      try {
        child = openSync(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
      } catch (err) {
        const code = errno(err)
        if (code === 'ENOENT') {
          if (!create) {
            this.#missing.add(relative)
            return undefined
          }
          if (mkdirOnce(path, relative)) this.#made.push(relative)
          child = openFolderOrThrow(path, relative)
        } else if (code === 'ENOTDIR' || code === 'ELOOP') {
          throw unsafe(relative, describe(lstatOrUndefined(path)))
        } else {
          throw new DiskError(`Cannot open the folder "${relative}": ${(err as Error).message}`, { cause: err })
        }
      }
      this.#remember(relative, child)
      fd = child
    }
    return fd
  }

  /**
   * Drops the held handles on the way to `dirParts` whose folder has no name any more, with the handles below them;
   * true if there was one. Nobody owns a folder's existence but the disk: the transfer that made it removes it once it
   * is empty again (removeEmptyFolders), and the user may too, while another transfer, which planned a file into it,
   * still holds its handle. Rather than make transfers agree on who may remove what, a call that finds its folder gone
   * lands here, and the folder is resolved again from its parent like any other, through the same checks (created
   * anew, never through a link, FERRY_ERR_UNSAFE_PATH if its name now holds one). A folder that was moved, not
   * removed, keeps its handle.
   */
  #dropRemoved (dirParts: readonly string[]): boolean {
    let relative = ''
    for (const part of dirParts) {
      relative = relative === '' ? part : `${relative}/${part}`
      const held = this.#open.get(relative)
      if (held === undefined || hasName(held.fd)) continue
      for (const [path, { fd }] of [...this.#open]) {
        if (path === relative || path.startsWith(`${relative}/`)) {
          this.#open.delete(path)
          closeQuietly(fd)
        }
      }
      return true
    }
    return false
  }

  #remember (relative: string, fd: number): void {
    this.#open.set(relative, { fd })
    while (this.#open.size > MAX_OPEN_FOLDERS) {
      const [oldest, entry] = this.#open.entries().next().value as [string, OpenFolder]
      this.#open.delete(oldest)
      closeQuietly(entry.fd)
    }
  }
}

/** Whether the folder open as `fd` still has a name (a removed folder has no links left). */
function hasName (fd: number): boolean {
  try {
    return fstatSync(fd).nlink > 0
  } catch {
    return false
  }
}

/** ENOENT, thrown as it is or as the cause of one of our errors. */
function isMissing (err: unknown): boolean {
  return errno(err) === 'ENOENT' || errno((err as { cause?: unknown } | undefined)?.cause) === 'ENOENT'
}

/** Makes one folder; false when something already had the name (the caller checks it is a folder). */
function mkdirOnce (path: string, relative: string): boolean {
  try {
    mkdirSync(path)
    return true
  } catch (err) {
    // Made meanwhile by another transfer: fine if it is a folder, which the caller checks next.
    if (errno(err) !== 'EEXIST') throw new DiskError(`Cannot create the folder "${relative}": ${(err as Error).message}`, { cause: err })
    return false
  }
}

function openFolderOrThrow (path: string, relative: string): number {
  try {
    return openSync(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
  } catch (err) {
    const code = errno(err)
    if (code === 'ENOTDIR' || code === 'ELOOP') throw unsafe(relative, describe(lstatOrUndefined(path)))
    throw new DiskError(`Cannot open the folder "${relative}": ${(err as Error).message}`, { cause: err })
  }
}

function assertFolder (info: Stats, relative: string): void {
  if (!info.isDirectory()) throw unsafe(relative, describe(info))
}

function describe (info: Stats | undefined): string {
  if (info === undefined) return 'gone'
  if (info.isSymbolicLink()) return 'a link'
  if (info.isFile()) return 'a file, not a folder'
  return 'not a folder'
}

function lstatOrUndefined (path: string): Stats | undefined {
  try {
    return lstatSync(path)
  } catch (err) {
    if (errno(err) === 'ENOENT') return undefined
    throw new DiskError(`Cannot check ${path}: ${(err as Error).message}`, { cause: err })
  }
}

function closeQuietly (fd: number): void {
  try {
    closeSync(fd)
  } catch { /* already closed */ }
}
