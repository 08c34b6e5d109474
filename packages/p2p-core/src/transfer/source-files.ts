// Turns the paths a user asked to send into the offer's file list: files as themselves, folders walked recursively,
// each with the relative POSIX path the receiver will see (the folder's own name first). Nothing is read yet; only
// names, sizes and mtimes are collected, so a 1,000,000-file folder costs one small record per file.

import { lstat, opendir, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { InvalidPathError, OfferTooLargeError, SourceNotFoundError } from '../errors.ts'
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
    for (const name of entries) {
      const absolute = join(dir, name)
      const info = await lstat(absolute)
      // Symlinked files are sent as files; symlinked folders are skipped so a link loop cannot walk forever.
      const target = info.isSymbolicLink() ? await stat(absolute).catch(() => undefined) : info
      if (target === undefined) continue
      if (target.isDirectory() && !info.isSymbolicLink()) await walk(absolute, `${relative}/${name}`)
      else if (target.isFile()) add(absolute, `${relative}/${name}`, target.size, target.mtimeMs)
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
