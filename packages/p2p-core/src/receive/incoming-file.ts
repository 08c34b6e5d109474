// One received file's life, from plan to commit, in one place (DESIGN.md, "The receive boundary"): plan its partial
// (finding one an interrupted transfer left, for resume), create its folders and its partial (exclusively, never
// through a link), take its bytes, then either link the verified partial to its visible name ("name (1).ext" when
// taken, never over anything) or discard it. Every receive path (QUIC transfers, share-link uploads, ...) drives
// files through this class and the destination boundary, and nothing else writes a received byte.
// A file this device saved recently from the same sender (recent-saves.ts), still there unchanged, is planned as
// `present`: it takes no byte and no partial, and once the sender's hash equals the one remembered it counts as saved
// under the name it has.
//
//   planned --open--> open --close--> written --commit--> committed
//      \               \                \----discard/keep--> discarded / kept
//       \---------------\--discard/keep--> discarded / kept
//   present --commit (still the file saved)--> committed
//      \----discard/keep/refute (nothing on disk is touched)--> discarded / kept

import {
  closeSync, constants, fstatSync, ftruncateSync, linkSync, lstatSync, openSync, renameSync, unlinkSync,
  write, writeSync, type Stats
} from 'node:fs'
import { promisify } from 'node:util'
import { extname, join } from 'node:path'
import { DiskError, SavedFileMismatchError, UnsafePathError } from '../errors.ts'
import type { Hasher } from '../hash/hash-pool.ts'
import { ANCHORED_PATHS, removeQuietly, type Destination, type Folder } from './destination.ts'
import { claimKeyOf, sidecarOf, type ClaimHolder, type PartialClaims, type PartialNames } from './partial-names.ts'
import { identityOf, stillSaved, type RecentSaves, type SaveKey, type SavedCopy } from './recent-saves.ts'
import { readSidecar, type Sidecar } from './sidecar.ts'
import type { StalePartials } from './stale-partials.ts'

const { O_WRONLY, O_RDWR, O_CREAT, O_EXCL } = constants
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0
// An entry found at our names is opened without waiting: a fifo planted there must not freeze the receiver (on a
// regular file O_NONBLOCK changes nothing).
const O_NONBLOCK = constants.O_NONBLOCK ?? 0
const writeAsync = promisify(write)

/** Most names tried for a file whose name is taken: "name (1).ext" ... "name (999).ext". */
export const MAX_NAME_ATTEMPTS = 1000

export type IncomingFileState = 'planned' | 'present' | 'open' | 'written' | 'committed' | 'discarded' | 'kept'

export interface IncomingFileInit {
  destination: Destination
  names: PartialNames
  claims: PartialClaims
  /** Sanitised relative POSIX path (sanitizeRelativePath); the file is saved under it below the destination. */
  path: string
  size: number
  /**
   * What identifies a file that may resume (an interrupted transfer left its partial): the sender and the file's
   * mtime. Without it the partial gets a fresh name and is never looked for again.
   */
  resume?: { from: string, mtimeMs: number } | undefined
  /** The transfer's record of partials its sender left earlier: once this file is saved, its stale ones go. */
  stale?: StalePartials
  /** The transfer that claims the partial (so a later transfer of the same file can tell whether it is still alive). */
  holder?: ClaimHolder
  /**
   * The node's record of files it saved recently, with this file's sender and mtime: a file saved from the same
   * sender that is still there unchanged is planned as present; a file saved is recorded. Only for receive paths
   * that know who sent the file (a peer id) and its mtime.
   */
  recent?: { saves: RecentSaves, from: string, mtimeMs: number } | undefined
}

export class IncomingFile {
  readonly path: string
  readonly size: number
  /** Bytes the partial already holds (an interrupted transfer left them): the sender starts from here. */
  readonly offset: number
  readonly #destination: Destination
  readonly #names: PartialNames
  readonly #claims: PartialClaims
  readonly #stale: StalePartials | undefined
  /** The partial's name: planned for a resumable file, made up at open() for the others. */
  #partial: string | undefined
  /** The claim on the partial's name (resumable files only: fresh names are random and never shared). */
  readonly #claim: string | undefined
  readonly #sidecar: Sidecar | undefined
  #state: IncomingFileState = 'planned'
  #fd: number | undefined
  /** The partial this file created or reopened, so a swapped name is caught at commit. */
  #identity: { dev: number, ino: number } | undefined
  readonly #recent: { saves: RecentSaves, key: SaveKey } | undefined
  /** A present file: what this device made of it when it saved it. */
  readonly #present: SavedCopy | undefined

  private constructor (init: IncomingFileInit, planned?: { partial: string, claim: string, offset: number }, present?: SavedCopy) {
    this.path = init.path
    this.size = init.size
    this.offset = present === undefined ? planned?.offset ?? 0 : init.size
    this.#present = present
    if (present !== undefined) this.#state = 'present'
    this.#recent = init.recent === undefined
      ? undefined
      : { saves: init.recent.saves, key: { from: init.recent.from, root: init.destination.root, path: init.path, size: init.size, mtimeMs: init.recent.mtimeMs } }
    this.#destination = init.destination
    this.#names = init.names
    this.#claims = init.claims
    this.#stale = init.stale
    this.#partial = planned?.partial
    this.#claim = planned?.claim
    this.#sidecar = planned === undefined || init.resume === undefined
      ? undefined
      : { path: init.path, size: init.size, mtimeMs: init.resume.mtimeMs, from: init.resume.from }
  }

  /**
   * Plans the file, creating nothing: checks the folders on its way (UnsafePathError for a link or a file there) and,
   * for a resumable file, finds the partial an interrupted transfer left. Synchronous: metadata calls only.
   */
  static plan (init: IncomingFileInit): IncomingFile {
    const dirParts = init.path.split('/').slice(0, -1)
    const folder = init.destination.existing(dirParts)
    const present = savedBefore(init, folder)
    if (present !== undefined) return new IncomingFile(init, undefined, present)
    const resumable = IncomingFile.resumable(init)
    if (resumable !== undefined && init.resume !== undefined) {
      const { partial, claim } = resumable
      if (init.claims.claim(claim, init.holder)) {
        const sidecar = { path: init.path, size: init.size, mtimeMs: init.resume.mtimeMs, from: init.resume.from }
        return new IncomingFile(init, { partial, claim, offset: folder === undefined ? 0 : resumableBytes(folder, partial, sidecar) })
      }
      // Another transfer of this process is writing that partial: this one starts afresh under a name of its own.
    }
    return new IncomingFile(init)
  }

  /** A resumable file's partial name and the key of its claim; undefined for a file that never resumes. */
  static resumable (init: Pick<IncomingFileInit, 'destination' | 'names' | 'path' | 'size' | 'resume'>): { partial: string, claim: string } | undefined {
    if (init.resume === undefined) return undefined
    const partial = init.names.forKey(JSON.stringify([init.resume.from, init.path, init.size, init.resume.mtimeMs]))
    return { partial, claim: claimKeyOf(init.destination.root, init.path.split('/').slice(0, -1).join('/'), partial) }
  }

  /** The folder's path components below the destination. */
  get #dirParts (): string[] {
    return this.path.split('/').slice(0, -1)
  }

  /** The visible name. */
  get #name (): string {
    return this.path.slice(this.path.lastIndexOf('/') + 1)
  }

  get state (): IncomingFileState {
    return this.#state
  }

  /** For a present file, the BLAKE3 it had when this device saved it: the sender's hash must be this one. */
  get savedBlake3 (): string | undefined {
    return this.#present?.blake3
  }

  /**
   * Creates the file's folders and opens its partial: a resumed one is reopened (never through a link, and only if
   * it is still a plain file of at least `offset` bytes) and cut to `offset`; a new one is created exclusively, with
   * its sidecar when it may resume.
   */
  open (): void {
    this.#expect('planned', 'open')
    const partial = this.#partial ??= this.#names.fresh()
    try {
      if (this.offset > 0) {
        const fd = this.#destination.inFolder(this.#dirParts, (folder) => openSync(folder.path(partial), O_RDWR | O_NOFOLLOW | O_NONBLOCK))
        this.#fd = fd
        const info = fstatSync(fd)
        if (!info.isFile() || info.nlink !== 1 || info.size < this.offset) throw new Error('the partial file changed since the offer was answered')
        ftruncateSync(fd, this.offset)
      } else {
        const [fd, folder] = this.#destination.inFolder(this.#dirParts, (f) => [createExclusive(f.path(partial)), f] as const)
        this.#fd = fd
        if (this.#sidecar !== undefined) {
          const sidecar = createExclusive(folder.path(sidecarOf(partial)))
          try {
            writeSync(sidecar, JSON.stringify({ ...this.#sidecar, updated: new Date().toISOString() }))
          } finally {
            closeSync(sidecar)
          }
        }
      }
      const info = fstatSync(this.#fd)
      this.#identity = { dev: info.dev, ino: info.ino }
    } catch (err) {
      this.#closeFd()
      throw asDiskError(err, `Cannot write ${this.path}`)
    }
    this.#state = 'open'
  }

  /** Adds the bytes the partial already holds to `hasher`, read through this file's own handle. */
  async hashResumed (hasher: Hasher): Promise<void> {
    this.#expect('open', 'hash')
    if (this.offset === 0) return
    const path = ANCHORED_PATHS ? `/proc/self/fd/${this.#fd as number}` : this.#destination.folder(this.#dirParts).path(this.#partial as string)
    await hasher.updateFromFile(path, 0, this.offset)
  }

  /** Writes all of `chunk` at `position` of the partial. */
  async write (chunk: Uint8Array, position: number): Promise<void> {
    this.#expect('open', 'write')
    const fd = this.#fd as number
    let written = 0
    try {
      while (written < chunk.byteLength) {
        // A write may take fewer bytes than asked (a disk nearly full): loop until it took them all.
        const { bytesWritten } = await writeAsync(fd, chunk, written, chunk.byteLength - written, position + written)
        if (bytesWritten === 0) throw new Error('the disk took no more bytes')
        written += bytesWritten
      }
    } catch (err) {
      throw asDiskError(err, `Cannot write ${this.path}`)
    }
  }

  /** A small file in one call: open, write all of `data`, close, with blocking calls. */
  writeWhole (data: Uint8Array): void {
    this.open()
    const fd = this.#fd as number
    try {
      let written = 0
      while (written < data.byteLength) {
        const n = writeSync(fd, data, written, data.byteLength - written, written)
        if (n === 0) throw new Error('the disk took no more bytes')
        written += n
      }
    } catch (err) {
      throw asDiskError(err, `Cannot write ${this.path}`)
    } finally {
      this.close()
    }
  }

  /** All bytes are written: the partial's handle is closed. */
  close (): void {
    if (this.#state !== 'open') return
    this.#closeFd()
    this.#state = 'written'
  }

  /**
   * Links the verified partial to its visible name, or "name (1).ext", "name (2).ext", ... when that is taken (a link
   * never replaces anything), then removes the partial and sidecar. `stillWanted` is asked synchronously just before
   * the link: once the transfer has ended, nothing is committed. Returns the path it was saved under, or undefined
   * when it was no longer wanted (the partial then stays for the caller to discard or keep). With `blake3` (the
   * verified hash) a file with a sender identity is recorded in the node's recent saves. A present file is confirmed
   * instead (#confirmPresent).
   */
  commit (stillWanted: () => boolean, blake3?: string): string | undefined {
    if (this.#state === 'present') return this.#confirmPresent(stillWanted)
    this.#expect('written', 'commit')
    if (!stillWanted()) return undefined
    const partial = this.#partial as string
    // A folder removed (with the partial) and replaced by a link is refused (UnsafePathError) when found again.
    const [folder, [saved, copy]] = this.#destination.inFolder(this.#dirParts, (f) => [f, linkIntoPlace(f, partial, this.#name)] as const)
    // On Linux the names are resolved from the folder itself; elsewhere something may have been swapped in between
    // the check and the link. Either way: the visible name must be the very file this one wrote.
    const now = lstatOrUndefined(folder.path(saved))
    if (now === undefined || !now.isFile() || now.ino !== this.#identity?.ino || now.dev !== this.#identity.dev) {
      if (now !== undefined && !now.isDirectory()) removeQuietly(folder, saved)
      this.discard()
      throw new UnsafePathError(`${this.path} was replaced while it was being saved; it was not saved`)
    }
    removeQuietly(folder, partial)
    if (this.#sidecar !== undefined) removeQuietly(folder, sidecarOf(partial))
    this.#release()
    this.#state = 'committed'
    // Its identity once the partial's name is gone (that unlink moves the change time): what a later plan compares.
    if (this.#recent !== undefined && blake3 !== undefined) {
      const info = lstatOrUndefined(folder.path(saved))
      if (info !== undefined) this.#recent.saves.remember(this.#recent.key, { copy, blake3, identity: identityOf(info) })
    }
    try {
      this.#stale?.removeFor(this.#destination.root, folder, this.path, partial)
    } catch { /* leftovers of older transfers never fail a saved file */ }
    return join(this.#destination.root, ...this.#dirParts, saved)
  }

  /**
   * A present file whose sender's hash differs from the one remembered (another file with the same size and mtime):
   * the record is forgotten, so the next send transfers it whole; the saved file stays as it is.
   */
  refute (): void {
    this.#expect('present', 'refute')
    if (this.#recent !== undefined) this.#recent.saves.forget(this.#recent.key)
    this.#state = 'discarded'
  }

  /**
   * A present file whose sender's hash matched: it counts as saved under its name, if that is still the very file
   * this device saved (checked again now, never through a link). A file changed meanwhile fails with
   * SavedFileMismatchError, and its record goes, so the next send transfers it whole.
   */
  #confirmPresent (stillWanted: () => boolean): string | undefined {
    const present = this.#present as SavedCopy
    if (!stillWanted()) return undefined
    const name = nameOf(this.#name, present.copy)
    const folder = this.#destination.existing(this.#dirParts)
    const recent = this.#recent as { saves: RecentSaves, key: SaveKey }
    if (folder === undefined || !stillSaved(lstatOrUndefined(folder.path(name)), present.identity)) {
      recent.saves.forget(recent.key)
      this.#state = 'discarded'
      throw new SavedFileMismatchError(`${this.path} changed on this device while it was being sent; it was left as it is, and sending again transfers it whole`)
    }
    recent.saves.remember(recent.key, present)
    this.#state = 'committed'
    return join(this.#destination.root, ...this.#dirParts, name)
  }

  /** Drops the file: its partial and sidecar are removed (they are never followed if something was swapped in). */
  discard (): void {
    if (this.#state === 'committed' || this.#state === 'discarded') return
    this.#closeFd()
    const partial = this.#partial
    if (partial !== undefined) {
      try {
        const folder = this.#destination.existing(this.#dirParts)
        if (folder !== undefined) {
          removeQuietly(folder, partial)
          removeQuietly(folder, sidecarOf(partial))
        }
      } catch { /* a folder on the way was swapped for a link: nothing of ours is reachable there */ }
    }
    this.#release()
    this.#state = 'discarded'
  }

  /**
   * Leaves the partial for a later transfer to resume from. A partial without a sidecar (a small file, or a second
   * transfer of a file another one is writing) has a name nobody will look up again, nor has a retired one (its file
   * was saved since from another partial): it is discarded instead.
   */
  keep (): void {
    if (this.#state === 'committed' || this.#state === 'discarded' || this.#state === 'kept') return
    if (this.#sidecar === undefined || (this.#claim !== undefined && this.#claims.retired(this.#claim))) {
      this.discard()
      return
    }
    this.#closeFd()
    this.#release()
    this.#state = 'kept'
  }

  #release (): void {
    if (this.#claim !== undefined) this.#claims.release(this.#claim)
  }

  #expect (state: IncomingFileState, action: string): void {
    if (this.#state !== state) throw new Error(`Cannot ${action} ${this.path}: it is ${this.#state}, not ${state}`)
  }

  #closeFd (): void {
    if (this.#fd === undefined) return
    try {
      closeSync(this.#fd)
    } catch { /* already closed */ }
    this.#fd = undefined
  }
}

/**
 * What this device made of the file `init` names when it saved it recently from the same sender, if that file is
 * still there as it was saved (looked at in its folder, never through a link); undefined for any doubt, and a record
 * whose file changed, moved or went is forgotten.
 */
function savedBefore (init: IncomingFileInit, folder: Folder | undefined): SavedCopy | undefined {
  if (init.recent === undefined) return undefined
  const key = { from: init.recent.from, root: init.destination.root, path: init.path, size: init.size, mtimeMs: init.recent.mtimeMs }
  const saved = init.recent.saves.find(key)
  if (saved === undefined) return undefined
  const name = nameOf(init.path.slice(init.path.lastIndexOf('/') + 1), saved.copy)
  if (folder !== undefined && stillSaved(lstatOrUndefined(folder.path(name)), saved.identity)) return saved
  init.recent.saves.forget(key)
  return undefined
}

/** The name of copy `copy` of `name`: the name itself for 0, else "name (copy).ext". */
function nameOf (name: string, copy: number): string {
  return copy === 0 ? name : numbered(name, copy)
}

/** How many bytes of an existing partial can be resumed: 0 unless it is a plain file whose sidecar says it is this file. */
function resumableBytes (folder: Folder, partial: string, expected: Sidecar): number {
  const info = lstatOrUndefined(folder.path(partial))
  if (info === undefined || !info.isFile() || info.nlink !== 1) return 0
  const sidecar = readSidecar(folder.path(sidecarOf(partial)))
  if (sidecar === undefined || sidecar.path !== expected.path || sidecar.size !== expected.size ||
    sidecar.mtimeMs !== expected.mtimeMs || sidecar.from !== expected.from) return 0
  return Math.min(info.size, expected.size)
}

/**
 * Creates `path` exclusively and without following a link. Something already there (a partial a crash left, or
 * anything planted) is removed first: unlink() removes a link itself, never its target.
 */
function createExclusive (path: string): number {
  for (let attempt = 0; ; attempt++) {
    try {
      return openSync(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o666)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err
      unlinkSync(path)
    }
  }
}

/** Links `partial` to `name` or the first free "name (n).ext" in `folder`; the name it got, and its n (0: `name`). */
function linkIntoPlace (folder: Folder, partial: string, name: string): [string, number] {
  for (let n = 0; n < MAX_NAME_ATTEMPTS; n++) {
    const candidate = nameOf(name, n)
    try {
      linkSync(folder.path(partial), folder.path(candidate))
      return [candidate, n]
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EEXIST') continue
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV') {
        // Filesystems without hard links (FAT, some network shares): check the name is free, then rename.
        if (lstatOrUndefined(folder.path(candidate)) !== undefined) continue
        try {
          renameSync(folder.path(partial), folder.path(candidate))
        } catch (renameErr) {
          throw asDiskError(renameErr, `Cannot save ${folder.relative === '' ? name : `${folder.relative}/${name}`}`)
        }
        return [candidate, n]
      }
      throw asDiskError(err, `Cannot save ${folder.relative === '' ? name : `${folder.relative}/${name}`}`)
    }
  }
  throw new DiskError(`No free name for ${name} after ${MAX_NAME_ATTEMPTS} attempts`)
}

/** Longest name the filesystems Ferry saves to take (NAME_MAX on Linux and macOS, NTFS's 255 units), in UTF-8 bytes. */
const NAME_MAX_BYTES = 255

/**
 * "photo.jpg" -> "photo (2).jpg"; "archive" -> "archive (2)"; ".bashrc" -> ".bashrc (2)". A name that would then be
 * too long loses characters from the end of its base (then of its extension), never a byte of a character.
 */
export function numbered (name: string, n: number): string {
  const ext = extname(name)
  const base = ext === '' || ext === name ? name : name.slice(0, -ext.length)
  const fits = (text: string): boolean => Buffer.byteLength(text) <= NAME_MAX_BYTES
  const baseChars = [...base]
  while (!fits(`${baseChars.join('')} (${n})${ext}`) && baseChars.length > 0) baseChars.pop()
  const candidate = `${baseChars.join('')} (${n})${ext}`
  if (fits(candidate)) return candidate
  const chars = [...candidate]
  while (!fits(chars.join(''))) chars.pop()
  return chars.join('')
}

function lstatOrUndefined (path: string): Stats | undefined {
  try {
    return lstatSync(path)
  } catch {
    return undefined
  }
}


function asDiskError (err: unknown, what: string): Error {
  if (err instanceof DiskError || err instanceof UnsafePathError) return err
  return new DiskError(`${what}: ${(err as Error).message}`, { cause: err })
}
