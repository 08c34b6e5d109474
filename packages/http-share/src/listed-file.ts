// Opening a listed file to serve it (download, zip, hash): never through a link, and only the very file that was
// listed. Every folder from the share's root down to the file must still be a real folder (lstat), the file is
// opened with O_NOFOLLOW (and O_NONBLOCK, so a pipe swapped in cannot hang the open), and what was opened must have
// the device, inode and type recorded at listing time. Node has no openat(), so a folder swapped for a link between
// the lstat and the open is not seen by the folder check; the inode check still refuses any other file it leads to.
//
// Reading is checked too: a file that shrinks fails the read, and after the last read an fstat must show the size,
// modification time and change time seen at open, else the read fails before its last piece is handed out. So a
// reader that stops at the first error never delivers a whole body that matches neither version of the file.

import { constants, type BigIntStats } from 'node:fs'
import { lstat, open, type FileHandle } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { SourceChangedError } from '@ferry/p2p-core'
import { FileNotInShareError, FileReplacedError } from './errors.ts'
import type { ShareFile } from './shared-files.ts'

/** O_NOFOLLOW where the platform has it (not Windows; there the inode check alone refuses another file). */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0)

/** What an open file looked like when it was opened: the validator of everything read from it. */
export interface FileState {
  size: number
  mtimeNs: bigint
  ctimeNs: bigint
  mtimeMs: number
  dev: bigint
  ino: bigint
}

export interface OpenedFile {
  file: ShareFile
  handle: FileHandle
  state: FileState
  close: () => Promise<void>
}

function stateOf (info: BigIntStats): FileState {
  return { size: Number(info.size), mtimeNs: info.mtimeNs, ctimeNs: info.ctimeNs, mtimeMs: Number(info.mtimeMs), dev: info.dev, ino: info.ino }
}

/** A strong entity tag that changes whenever the bytes may have: size, modification and change time (ns), inode. */
export function etagOf (state: FileState): string {
  return `"${state.size.toString(36)}-${state.mtimeNs.toString(36)}-${state.ctimeNs.toString(36)}-${state.ino.toString(36)}"`
}

/** Same size, modification time and change time: nothing wrote to the file in between (as far as the clock can tell). */
export function sameState (a: FileState, b: FileState): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino && a.dev === b.dev
}

function gone (file: ShareFile): Error {
  return new FileNotInShareError(`${file.path} is no longer on the sharing computer`)
}

function replaced (file: ShareFile): Error {
  return new FileReplacedError(`${file.path} was replaced on the sharing computer after it was shared`)
}

function openError (file: ShareFile, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return gone(file)
  // ELOOP: the file is now a link (O_NOFOLLOW); ENOTDIR: a folder on the way is now something else.
  if (code === 'ELOOP' || code === 'ENOTDIR' || code === 'EMLINK') return replaced(file)
  return new FileNotInShareError(`${file.path} cannot be read on the sharing computer`)
}

/**
 * Checks that every folder from the share's root down to the file is still a real folder. `checked` remembers the
 * folders already seen by one request (a zip of 10,000 files in one folder checks it once).
 */
export async function checkFolders (file: ShareFile, checked?: Set<string>): Promise<void> {
  const parts = relative(file.root, file.absPath).split(sep)
  let dir = file.root
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) dir = join(dir, parts[i - 1] as string)
    if (checked?.has(dir) === true) continue
    const info = await lstat(dir).catch((err: unknown) => { throw openError(file, err) })
    if (!info.isDirectory()) throw replaced(file)
    checked?.add(dir)
  }
}

/** Checks, without opening it, that the listed file is still there as listed (folders, type, device and inode). */
export async function checkListed (file: ShareFile, checked?: Set<string>): Promise<void> {
  await checkFolders(file, checked)
  const info = await lstat(file.absPath, { bigint: true }).catch((err: unknown) => { throw openError(file, err) })
  if (!info.isFile() || info.dev !== file.dev || info.ino !== file.ino) throw replaced(file)
}

/** Opens the listed file for reading, or throws FileNotInShareError (404: gone) or FileReplacedError (410). */
export async function openListed (file: ShareFile): Promise<OpenedFile> {
  await checkFolders(file)
  const handle = await open(file.absPath, OPEN_FLAGS).catch((err: unknown) => { throw openError(file, err) })
  try {
    const info = await handle.stat({ bigint: true })
    if (!info.isFile() || info.dev !== file.dev || info.ino !== file.ino) throw replaced(file)
    let closed = false
    return {
      file,
      handle,
      state: stateOf(info),
      close: async () => {
        if (closed) return
        closed = true
        await handle.close().catch(() => {})
      }
    }
  } catch (err) {
    await handle.close().catch(() => {})
    throw err
  }
}

/**
 * Yields bytes [start, end) of an opened file in fresh buffers of at most `chunkBytes`. Throws SourceChangedError if
 * the file ends early, or if after the last read it no longer has the size, times and inode it had when opened;
 * that check runs before the last piece is yielded, so a consumer never gets all the bytes of a changed file.
 */
export async function * readChecked (opened: OpenedFile, start: number, end: number, chunkBytes: number, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const { handle, file } = opened
  let position = start
  while (position < end) {
    signal?.throwIfAborted()
    const want = Math.min(chunkBytes, end - position)
    const chunk = Buffer.allocUnsafe(want)
    let filled = 0
    while (filled < want) {
      const { bytesRead } = await handle.read(chunk, filled, want - filled, position + filled)
      if (bytesRead === 0) throw new SourceChangedError(`${file.path} shrank while it was being sent`)
      filled += bytesRead
    }
    position += want
    if (position >= end) await assertUnchanged(opened)
    yield chunk
  }
  if (start >= end) await assertUnchanged(opened)
}

/** Throws SourceChangedError when the open file's size, times or inode differ from those seen at open. */
export async function assertUnchanged (opened: OpenedFile): Promise<void> {
  const now = stateOf(await opened.handle.stat({ bigint: true }))
  if (!sameState(now, opened.state)) throw new SourceChangedError(`${opened.file.path} changed while it was being sent`)
}
