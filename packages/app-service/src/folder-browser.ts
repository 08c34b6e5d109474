// FerryApi's listFolder: one folder of this computer for the UI's own file browser, on a host that has no native
// file dialog (`ferry ui`: a page cannot learn where a file the browser's picker chose lives). What it gives a page:
// the names in one folder, each one's kind and, for files, size and modification time. Never a byte of a file, and
// nothing is written. Whoever holds the page's session could already send any path anywhere (sendFiles), so a
// listing adds no reach; it is still bounded: at most `maxEntries` entries are listed and at most `maxScanned` names
// read per call, so a folder of a million files costs a bounded amount of memory and time.

import type { Dirent } from 'node:fs'
import { opendir, realpath, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join, parse, sep } from 'node:path'
import { ApiError, apiErrorCodes, type FolderEntry, type FolderListing, type FolderPlace } from '@ferry/api'

export interface FolderBrowserLimits {
  /** Entries listed per folder (folders first, then by name); the rest are counted in `more`. */
  maxEntries: number
  /** Names read per call; a folder with more gets `more` counted up to here and no further. */
  maxScanned: number
}

export const defaultFolderBrowserLimits: FolderBrowserLimits = { maxEntries: 2_000, maxScanned: 100_000 }

/** The folders under home a file browser offers as places, when they exist. */
const HOME_PLACES = ['Desktop', 'Documents', 'Downloads', 'Pictures', 'Music', 'Videos']

const failure = (code: string, name: string, message: string): ApiError => new ApiError({ name, code, message })

/** A filesystem error about the folder asked for, as the UI's codes. */
function folderError (err: unknown, path: string): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code
  if (code === 'ENOENT' || code === 'ENOTDIR') return failure(apiErrorCodes.notFound, 'NotFoundError', `There is no folder ${path}`)
  if (code === 'EACCES' || code === 'EPERM') return failure(apiErrorCodes.unreadable, 'UnreadableError', `Ferry may not read the folder ${path}`)
  return err
}

async function isFolder (path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true
}

async function places (home: string, downloadDir: string | undefined): Promise<FolderPlace[]> {
  const found: FolderPlace[] = [{ name: 'Home', path: home }]
  for (const name of HOME_PLACES) {
    const path = join(home, name)
    if (await isFolder(path)) found.push({ name, path })
  }
  if (downloadDir !== undefined && !found.some((p) => p.path === downloadDir) && await isFolder(downloadDir)) found.push({ name: 'Ferry downloads', path: downloadDir })
  const root = parse(home).root
  found.push({ name: root === '/' ? 'This computer (/)' : root, path: root })
  return found
}

/** What a directory entry is, following a symbolic link to see what it leads to. */
async function describe (folder: string, entry: Dirent): Promise<FolderEntry> {
  const hidden = entry.name.startsWith('.') ? { hidden: true as const } : {}
  const link = entry.isSymbolicLink()
  const info = link || entry.isFile() ? await stat(join(folder, entry.name)).catch(() => undefined) : undefined
  const isDir = link ? info?.isDirectory() === true : entry.isDirectory()
  const isFile = link ? info?.isFile() === true : entry.isFile()
  const kind: FolderEntry['kind'] = isDir ? 'folder' : isFile ? 'file' : 'other'
  return {
    name: entry.name, kind, ...(link ? { link: true as const } : {}), ...hidden,
    ...(isFile && info !== undefined ? { size: info.size, modifiedAt: Math.trunc(info.mtimeMs) } : {})
  }
}

export interface ListFolderOptions {
  limits?: Partial<FolderBrowserLimits>
  /** Ferry's download folder, offered as a place. */
  downloadDir?: string
  /** For tests: the folder `null` lists. */
  home?: string
  signal?: AbortSignal
}

/** Lists `path` (an absolute path, already checked; null: the home folder). */
export async function listFolder (path: string | null, options: ListFolderOptions = {}): Promise<FolderListing> {
  const limits = { ...defaultFolderBrowserLimits, ...options.limits }
  const home = options.home ?? homedir()
  const asked = path ?? home
  let folder: string
  try {
    folder = await realpath(asked)
    if (!(await stat(folder)).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' })
  } catch (err) {
    throw folderError(err, asked)
  }
  const kept: Dirent[] = []
  let scanned = 0
  try {
    const dir = await opendir(folder, { bufferSize: 256 })
    for await (const entry of dir) {
      options.signal?.throwIfAborted()
      scanned++
      kept.push(entry)
      // Only the best `maxEntries` by the listing's order are kept: sort and cut now and then, never holding more.
      if (kept.length >= limits.maxEntries * 2) trim(kept, limits.maxEntries)
      // Leaving the loop closes the directory.
      if (scanned >= limits.maxScanned) break
    }
  } catch (err) {
    throw folderError(err, folder)
  }
  trim(kept, limits.maxEntries)
  const entries = await Promise.all(kept.map(async (entry) => await describe(folder, entry)))
  const parent = dirname(folder)
  return {
    path: folder, ...(parent === folder ? {} : { parent }), entries, more: scanned - entries.length,
    places: await places(home, options.downloadDir), separator: sep === '\\' ? '\\' : '/'
  }
}

/** Folders first, then by name as a person sorts them (numbers by value, case aside); keeps the first `max`. */
function trim (entries: Dirent[], max: number): void {
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })
  entries.sort((a, b) => Number(b.isDirectory()) - Number(a.isDirectory()) || collator.compare(a.name, b.name))
  entries.length = Math.min(entries.length, max)
}
