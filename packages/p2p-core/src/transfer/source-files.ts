// Turns the paths a user asked to send into the offer's file list: files as themselves, folders walked recursively,
// each with the relative POSIX path the receiver will see (the folder's own name first). This is the one walker of
// sent files (the app lists a send with it too). Nothing is read yet; only names, sizes and mtimes are collected,
// so a 1,000,000-file folder costs one small record per file. Small files are read here too, whole and with
// blocking calls, when they are sent.
//
// Links (docs/protocol.md, "What the sender offers"): a path named by the user is followed, as `cp -H` does; inside a
// folder a symlink is skipped unless `followLinks` is set, and then followed only to a regular file or a folder,
// never into a folder it is already inside. Whatever is left out is listed with its reason, never dropped silently.
// What was listed is what is read: a file is opened without following a link where the policy did not follow
// one, and its device and inode must be those listed (FERRY_ERR_SOURCE_CHANGED otherwise).

import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs'
import { lstat, open, opendir, readlink, stat, type FileHandle } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { setImmediate } from 'node:timers/promises'
import { type FerryError, InvalidPathError, OfferTooLargeError, SourceChangedError, SourceNotFoundError } from '../errors.ts'
import type { FerryLimits } from '../limits.ts'
import { ANCHORED_PATHS } from '../platform/anchored-paths.ts'
import { MAX_MTIME_MS } from '../protocol/messages.ts'
import { OfferedPaths, sanitizeRelativePath } from '../protocol/paths.ts'

export interface SourceFile {
  id: number
  /** Relative POSIX path shown to and used by the receiver. */
  path: string
  /** Where to read it on this machine. */
  absolutePath: string
  size: number
  /** As offered: whole ms, clamped to 0 ... MAX_MTIME_MS (offeredMtime). */
  mtimeMs: number
  /** Device and inode listed: the file opened later must be this one. */
  dev: number
  ino: number
  /**
   * Change time listed, as the system gives it (sub-ms): a rewrite whose mtime was put back (`touch -r`, `cp -p`,
   * `rsync -t`) still moves it, so the file is not sent as unchanged.
   */
  ctimeMs: number
  /** The last component of absolutePath is a link the policy followed; otherwise it is opened with O_NOFOLLOW. */
  viaLink: boolean
}

/** Why an entry inside a sent folder is not offered. */
export type SkipReason = 'symlink' | 'fifo' | 'socket' | 'device' | 'loop' | 'unreadable' | 'invalid-name'

export interface SkippedEntry {
  /** Where it is on this machine. */
  absolutePath: string
  /** The path it would have had in the offer. */
  path: string
  reason: SkipReason
  /** For people: a link's target, or what went wrong. */
  detail?: string
}

export interface SourceListing {
  files: SourceFile[]
  /** The first MAX_LISTED_SKIPS entries left out, in walking order. */
  skipped: SkippedEntry[]
  /** How many entries were left out in all. */
  skippedCount: number
}

export interface SourceOptions {
  signal?: AbortSignal
  /** Inside sent folders, follow links to regular files and folders (never to anything else, never into a loop). */
  followLinks?: boolean
}

/** Skipped entries kept with their reasons; past this only `skippedCount` grows, so a folder of fifos stays small. */
export const MAX_LISTED_SKIPS = 1_000

/** Folder entries looked up between two turns of the event loop while walking. */
const STAT_BATCH = 64

/** An mtime as the offer carries it: whole ms from 0 (earlier ones are 0) to MAX_MTIME_MS. */
export function offeredMtime (mtimeMs: number): number {
  return Math.min(MAX_MTIME_MS, Math.max(0, Math.floor(mtimeMs)))
}

type Looked =
  | { kind: 'entry', info: Stats, viaLink: boolean }
  | { kind: 'skip', reason: SkipReason, detail?: string }

/** The type of what `info` describes, as a reason to skip it, or undefined for a file or folder. */
function specialReason (info: Stats): SkipReason | undefined {
  if (info.isFile() || info.isDirectory()) return undefined
  if (info.isFIFO()) return 'fifo'
  if (info.isSocket()) return 'socket'
  if (info.isBlockDevice() || info.isCharacterDevice()) return 'device'
  return 'unreadable'
}

const uid = process.getuid?.()
const groups = new Set(process.getgroups?.() ?? [])

/** Whether the permission bits let this process read the file (ACLs aside); without uids (Windows), yes. */
function mayRead (info: Stats): boolean {
  if (uid === undefined || uid === 0) return true
  if (info.uid === uid) return (info.mode & 0o400) !== 0
  if (groups.has(info.gid)) return (info.mode & 0o040) !== 0
  return (info.mode & 0o004) !== 0
}

const folderKey = (info: Stats): string => `${info.dev}:${info.ino}`

export async function collectSourceFiles (
  paths: readonly string[],
  limits: Pick<FerryLimits, 'maxFilesPerOffer' | 'maxPathBytes' | 'maxNameBytes' | 'maxPathDepth'>,
  options: SourceOptions = {}
): Promise<SourceListing> {
  const listing: SourceListing = { files: [], skipped: [], skippedCount: 0 }
  const { files } = listing
  const offered = new OfferedPaths()
  const skip = (absolutePath: string, path: string, reason: SkipReason, detail?: string): void => {
    listing.skippedCount++
    if (listing.skipped.length < MAX_LISTED_SKIPS) listing.skipped.push({ absolutePath, path, reason, ...(detail === undefined ? {} : { detail }) })
  }
  /** The path as the receiver will check it, or the reason it would refuse it. */
  const checked = (relative: string): string[] | { problem: string } => {
    try {
      return sanitizeRelativePath(relative, limits)
    } catch (err) {
      return { problem: (err as Error).message }
    }
  }
  const add = (absolutePath: string, relative: string, parts: string[] | { problem: string }, info: Stats, viaLink: boolean): void => {
    try {
      if (!Array.isArray(parts)) throw new InvalidPathError(parts.problem)
      offered.add(parts)
    } catch (err) {
      throw new InvalidPathError(`Cannot send ${absolutePath}: ${(err as Error).message}`, { cause: err })
    }
    if (files.length >= limits.maxFilesPerOffer) {
      throw new OfferTooLargeError(`More than ${limits.maxFilesPerOffer} files in one transfer`)
    }
    files.push({ id: files.length, path: relative, absolutePath, size: info.size, mtimeMs: offeredMtime(info.mtimeMs), dev: info.dev, ino: info.ino, ctimeMs: info.ctimeMs, viaLink })
  }

  /**
   * lstat, and for a link either its reason to skip or (followLinks) what it points at. The lstat blocks: through
   * the thread pool it cost 10 times as much (promise, hand-over and wake-up), 110 of the 210 ms a 10,000-file walk
   * took before its offer could go out (issue 17); the walk yields to the event loop after each STAT_BATCH entries.
   */
  const look = async (absolute: string): Promise<Looked> => {
    let info: Stats
    try {
      info = lstatSync(absolute)
    } catch (err) {
      return { kind: 'skip', reason: 'unreadable', detail: (err as Error).message }
    }
    if (!info.isSymbolicLink()) return { kind: 'entry', info, viaLink: false }
    if (options.followLinks !== true) {
      const target = await readlink(absolute).catch(() => undefined)
      return { kind: 'skip', reason: 'symlink', ...(target === undefined ? {} : { detail: `-> ${target}` }) }
    }
    try {
      return { kind: 'entry', info: await stat(absolute), viaLink: true }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      return code === 'ELOOP'
        ? { kind: 'skip', reason: 'loop', detail: 'the link leads back to itself' }
        : { kind: 'skip', reason: 'unreadable', detail: `a broken link: ${(err as Error).message}` }
    }
  }

  // `inside`: the folders being walked (device and inode), so a link or a bind mount back into one is a loop.
  // `seen`: the folder as it was looked at (lstat, or stat for a path the user named): the one whose entries are read.
  const walk = async (dir: string, relative: string, inside: Set<string>, seen: Stats, named: boolean): Promise<void> => {
    options.signal?.throwIfAborted()
    const entries = await readFolder(dir, seen, named)
    entries.sort()
    // The entries of a folder are looked up STAT_BATCH at a time, in order, the event loop running in between.
    for (let at = 0; at < entries.length; at += STAT_BATCH) {
      if (at > 0) await setImmediate()
      const names = entries.slice(at, at + STAT_BATCH)
      const looked = await Promise.all(names.map(async (name) => await look(join(dir, name))))
      for (const [i, name] of names.entries()) {
        const absolute = join(dir, name)
        const path = `${relative}/${name}`
        const entry = looked[i] as Looked
        if (entry.kind === 'skip') { skip(absolute, path, entry.reason, entry.detail); continue }
        const { info, viaLink } = entry
        const special = specialReason(info)
        if (special !== undefined) { skip(absolute, path, special, viaLink ? 'what the link points to' : undefined); continue }
        // A name the receiver would refuse (a partial's `.ferry-` prefix, a `?` on Windows...) is left out, not fatal.
        const parts = checked(path)
        if (!Array.isArray(parts)) { skip(absolute, path, 'invalid-name', parts.problem); continue }
        if (info.isFile()) {
          if (mayRead(info)) add(absolute, path, parts, info, viaLink)
          else skip(absolute, path, 'unreadable', 'no permission to read it')
          continue
        }
        const key = folderKey(info)
        if (inside.has(key)) { skip(absolute, path, 'loop', 'a folder it is already inside'); continue }
        inside.add(key)
        try {
          await walk(absolute, path, inside, info, viaLink)
        } catch (err) {
          if (err instanceof FolderSwappedError) skip(absolute, path, err.now === 'link' ? 'symlink' : 'unreadable', err.message)
          else if (!isFsError(err)) throw err
          else skip(absolute, path, 'unreadable', (err as Error).message)
        } finally {
          inside.delete(key)
        }
      }
    }
  }

  for (const path of paths) {
    // A path the user named is followed if it is a link (cp -H); what it leads to must be a file or a folder.
    const [own, info] = await Promise.all([lstat(path), stat(path)]).catch((err: unknown) => {
      throw new SourceNotFoundError(`Cannot read ${path}: ${(err as Error).message}`, { cause: err })
    })
    const name = basename(path)
    if (info.isDirectory()) {
      const parts = checked(name)
      if (!Array.isArray(parts)) throw new InvalidPathError(`Cannot send ${path}: ${parts.problem}`)
      await walk(path, name, new Set([folderKey(info)]), info, true).catch((err: unknown) => {
        if (err instanceof FolderSwappedError) throw new SourceNotFoundError(`Cannot read ${path}: ${err.message}`, { cause: err })
        if (!isFsError(err)) throw err
        throw new SourceNotFoundError(`Cannot read ${path}: ${(err as Error).message}`, { cause: err })
      })
    } else if (info.isFile()) {
      add(path, name, checked(name), info, own.isSymbolicLink())
    } else {
      throw new SourceNotFoundError(`${path} is neither a file nor a folder`)
    }
  }
  return listing
}

/** A folder was swapped (for a link, or another folder) between being looked at and being read. */
class FolderSwappedError extends Error {
  readonly now: 'link' | 'other'
  constructor (now: 'link' | 'other') {
    super(now === 'link' ? 'it became a link while it was being read; not followed' : 'it was replaced while it was being read')
    this.name = 'FolderSwappedError'
    this.now = now
  }
}

/**
 * The names in the folder `dir`, read from the very folder `seen` describes. On Linux the folder is opened first
 * (without following a link, unless the user named it) and its device and inode checked, then read through that
 * handle; elsewhere it is read by path and looked at again afterwards (a swap there and back while it is read
 * goes unseen). Either way, a folder swapped for a link after it was looked at never has its target listed.
 */
export async function readFolder (dir: string, seen: Stats, named: boolean): Promise<string[]> {
  const names: string[] = []
  if (ANCHORED_PATHS) {
    let fd: number
    try {
      fd = openSync(dir, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0) | (named ? 0 : NO_FOLLOW))
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      // A link opened with O_NOFOLLOW | O_DIRECTORY fails with ELOOP or ENOTDIR, as a file does with ENOTDIR.
      if (code === 'ELOOP' || code === 'ENOTDIR') throw new FolderSwappedError(isLink(dir) ? 'link' : 'other')
      throw err
    }
    try {
      const info = fstatSync(fd)
      if (info.dev !== seen.dev || info.ino !== seen.ino) throw new FolderSwappedError('other')
      const handle = await opendir(`/proc/self/fd/${fd}`)
      for await (const entry of handle) names.push(entry.name)
    } finally {
      closeSync(fd)
    }
    return names
  }
  const handle = await opendir(dir)
  for await (const entry of handle) names.push(entry.name)
  const now = named ? await stat(dir) : await lstat(dir)
  if (now.isSymbolicLink()) throw new FolderSwappedError('link')
  if (now.dev !== seen.dev || now.ino !== seen.ino) throw new FolderSwappedError('other')
  return names
}

function isLink (path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink()
  } catch {
    return false
  }
}

function isFsError (err: unknown): boolean {
  return typeof (err as NodeJS.ErrnoException | undefined)?.syscall === 'string'
}

// O_NOFOLLOW: a file listed as itself is never read through a link put in its place. O_NONBLOCK: a fifo put in its
// place opens at once (and is then refused by its type) instead of blocking until some writer comes.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0
const NON_BLOCK = constants.O_NONBLOCK ?? 0

/** Flags for opening a listed file. */
function openFlags (file: SourceFile): number {
  return constants.O_RDONLY | NON_BLOCK | (file.viaLink ? 0 : NO_FOLLOW)
}

/**
 * Why a listed file cannot be read, said without the system's message: that names the file's path on this machine,
 * and the error goes to the peer too (only the path as offered does).
 */
function cannotRead (file: SourceFile, err: unknown): FerryError {
  const code = (err as NodeJS.ErrnoException).code
  const why = code === 'ELOOP' ? 'it was replaced by a symbolic link'
    : code === 'ENOENT' ? 'it was deleted or moved'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
        : code === 'EISDIR' || code === 'ENOTDIR' ? 'it was replaced by a folder, or a folder on its way by a file'
          : `the system said ${code ?? 'it cannot'}`
  return new SourceChangedError(`${file.path} can no longer be read: ${why}`, { cause: err })
}

/** Throws SourceChangedError unless `now` is the very file listed (device, inode, type). */
function checkSameFile (file: SourceFile, now: Stats): void {
  if (!now.isFile() || now.dev !== file.dev || now.ino !== file.ino) {
    throw new SourceChangedError(`${file.path} was replaced by another file after it was listed`)
  }
}

/** Throws SourceChangedError unless `now` is the file listed, with the size and mtime offered and its change time. */
export function checkUnchangedStats (file: SourceFile, now: Stats): void {
  checkSameFile(file, now)
  if (now.size !== file.size || offeredMtime(now.mtimeMs) !== file.mtimeMs || now.ctimeMs !== file.ctimeMs) {
    throw new SourceChangedError(`${file.path} changed while it was being sent`)
  }
}

/** Opens a listed file for reading, by the link policy, and checks it is the file listed. */
export async function openSource (file: SourceFile): Promise<FileHandle> {
  const handle = await open(file.absolutePath, openFlags(file)).catch((err: unknown) => { throw cannotRead(file, err) })
  try {
    checkSameFile(file, await handle.stat())
    return handle
  } catch (err) {
    await handle.close()
    throw err
  }
}

/**
 * Reads a small file whole with blocking calls (see blockingFileBytes) into `into` at `at`, then checks it is still
 * the file that was offered: another file in its place, or one whose size or mtime changed, is reported, never sent
 * as if whole.
 */
export function readSourceBlocking (file: SourceFile, into: Buffer, at: number): void {
  let fd: number
  try {
    fd = openSync(file.absolutePath, openFlags(file))
  } catch (err) {
    throw cannotRead(file, err)
  }
  try {
    let filled = 0
    while (filled < file.size) {
      let bytesRead: number
      try {
        bytesRead = readSync(fd, into, at + filled, file.size - filled, filled)
      } catch (err) {
        throw cannotRead(file, err)
      }
      if (bytesRead === 0) break
      filled += bytesRead
    }
    // One fstat after reading: another file (even a fifo or a device) in its place shows here, before any byte is sent.
    checkUnchangedStats(file, fstatSync(fd))
    if (filled < file.size) throw new SourceChangedError(`${file.path} shrank while it was being sent`)
  } finally {
    closeSync(fd)
  }
}
