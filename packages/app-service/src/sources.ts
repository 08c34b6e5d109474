// What a send will offer, listed before it is queued: relative POSIX paths and sizes of the files under the
// given paths, so the transfer shows its files at once. The sender lists them again itself (and checks them).

import { lstat, readdir } from 'node:fs/promises'
import { basename, join, relative, sep } from 'node:path'
import { SourceNotFoundError } from '@ferry/p2p-core'

/** Files listed per transfer; `count` still says how many there are. */
export const MAX_LISTED_FILES = 1_000

export interface SourceListing {
  files: Array<{ path: string, size: number, localPath: string }>
  count: number
  totalBytes: number
}

export async function listSources (paths: readonly string[]): Promise<SourceListing> {
  const listing: SourceListing = { files: [], count: 0, totalBytes: 0 }
  const add = (path: string, size: number, localPath: string): void => {
    listing.count++
    listing.totalBytes += size
    if (listing.files.length < MAX_LISTED_FILES) listing.files.push({ path, size, localPath })
  }
  for (const root of paths) {
    const stat = await lstat(root).catch(() => undefined)
    if (stat === undefined) throw new SourceNotFoundError(`${root} does not exist or cannot be read`)
    const name = basename(root)
    if (stat.isFile()) {
      add(name, stat.size, root)
    } else if (stat.isDirectory()) {
      for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue
        const abs = join(entry.parentPath, entry.name)
        const size = (await lstat(abs).catch(() => undefined))?.size ?? 0
        add([name, ...relative(root, abs).split(sep)].join('/'), size, abs)
      }
    }
  }
  return listing
}
