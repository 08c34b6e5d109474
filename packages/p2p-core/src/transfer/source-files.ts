// Turns the paths a user asked to send into the offer's file list: files as themselves, folders walked recursively,
// each with the relative POSIX path the receiver will see (the folder's own name first). Nothing is read yet; only
// names, sizes and mtimes are collected, so a 1,000,000-file folder costs one small record per file. Small files are
// read here too, whole and with blocking calls, when they are sent.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { lstat, opendir, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { InvalidPathError, OfferTooLargeError, SourceChangedError, SourceNotFoundError } from '../errors.ts'
import type { FerryLimits } from '../limits.ts'
import { OfferedPaths, sanitizeRelativePath } from '../protocol/paths.ts'

export interface SourceFile {
  id: number
  /** Relative POSIX path shown to and used by the receiver. */
  path: string
  /** Where to read it on this machine. */
  absolutePath: string
  size: number
  mtimeMs: number
}

/** Folder entries looked up at once while walking (the thread pool runs four at a time). */
const STAT_BATCH = 64

export async function collectSourceFiles (
  paths: readonly string[],
  limits: Pick<FerryLimits, 'maxFilesPerOffer' | 'maxPathBytes' | 'maxNameBytes'>,
  options: { signal?: AbortSignal } = {}
): Promise<SourceFile[]> {
  const files: SourceFile[] = []
  const offered = new OfferedPaths()
  const add = (absolutePath: string, relative: string, size: number, mtimeMs: number): void => {
    try {
      offered.add(sanitizeRelativePath(relative, limits))
    } catch (err) {
      throw new InvalidPathError(`Cannot send ${absolutePath}: ${(err as Error).message}`, { cause: err })
    }
    if (files.length >= limits.maxFilesPerOffer) {
      throw new OfferTooLargeError(`More than ${limits.maxFilesPerOffer} files in one transfer`)
    }
    files.push({ id: files.length, path: relative, absolutePath, size, mtimeMs: Math.floor(mtimeMs) })
  }

  const walk = async (dir: string, relative: string): Promise<void> => {
    options.signal?.throwIfAborted()
    const handle = await opendir(dir)
    const entries: string[] = []
    for await (const entry of handle) entries.push(entry.name)
    entries.sort()
    // The entries of a folder are looked up STAT_BATCH at a time, in order: one at a time, a 10,000-file folder
    // spent most of its walk waiting on the thread pool.
    for (let at = 0; at < entries.length; at += STAT_BATCH) {
      const names = entries.slice(at, at + STAT_BATCH)
      const infos = await Promise.all(names.map(async (name) => {
        const absolute = join(dir, name)
        const info = await lstat(absolute)
        // Symlinked files are sent as files; symlinked folders are skipped so a link loop cannot walk forever.
        const target = info.isSymbolicLink() ? await stat(absolute).catch(() => undefined) : info
        return { name, absolute, info, target }
      }))
      for (const { name, absolute, info, target } of infos) {
        if (target === undefined) continue
        if (target.isDirectory() && !info.isSymbolicLink()) await walk(absolute, `${relative}/${name}`)
        else if (target.isFile()) add(absolute, `${relative}/${name}`, target.size, target.mtimeMs)
      }
    }
  }

  for (const path of paths) {
    const info = await stat(path).catch((err: unknown) => {
      throw new SourceNotFoundError(`Cannot read ${path}: ${(err as Error).message}`, { cause: err })
    })
    const name = basename(path)
    if (info.isDirectory()) await walk(path, name)
    else if (info.isFile()) add(path, name, info.size, info.mtimeMs)
    else throw new SourceNotFoundError(`${path} is neither a file nor a folder`)
  }
  return files
}

/**
 * Reads a small file whole with blocking calls (see blockingFileBytes) into `into` at `at`, then checks it is still
 * the file that was offered: a file whose size or mtime changed is reported, never sent as if whole.
 */
export function readSourceBlocking (file: SourceFile, into: Buffer, at: number): void {
  let fd: number
  try {
    fd = openSync(file.absolutePath, 'r')
  } catch (err) {
    throw new SourceChangedError(`${file.path} can no longer be read: ${(err as Error).message}`, { cause: err })
  }
  try {
    let filled = 0
    while (filled < file.size) {
      const bytesRead = readSync(fd, into, at + filled, file.size - filled, filled)
      if (bytesRead === 0) throw new SourceChangedError(`${file.path} shrank while it was being sent`)
      filled += bytesRead
    }
    const now = fstatSync(fd)
    if (now.size !== file.size || Math.floor(now.mtimeMs) !== file.mtimeMs) {
      throw new SourceChangedError(`${file.path} changed while it was being sent`)
    }
  } finally {
    closeSync(fd)
  }
}
