// The files of a share, collected once when it is created: each gets a numeric id, and the browser addresses files
// only by that id, never by a path. Folders are walked without following symbolic links, so a link inside a shared
// folder cannot expose anything outside it; only regular files are listed.

import { lstat, readdir, stat } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { CancelledError, NothingToSendError, SourceNotFoundError } from '@ferry/p2p-core'
import { ShareLimitError } from './errors.ts'

export interface ShareFile {
  id: number
  /** Relative POSIX path shown to the browser and used inside the zip ("folder/sub/name.txt"). */
  path: string
  /** Absolute path on this computer; never sent to the browser. */
  absPath: string
  size: number
  mtimeMs: number
}

interface Found {
  path: string
  absPath: string
  size: number
  mtimeMs: number
}

/** Lists the regular files under `paths` (files as themselves, folders recursively), at most `maxFiles`. */
export async function collectShareFiles (paths: readonly string[], options: { maxFiles: number, signal?: AbortSignal }): Promise<ShareFile[]> {
  if (paths.length === 0) throw new NothingToSendError('Nothing to share: give at least one file or folder')
  const found: Found[] = []
  const taken = new Set<string>()
  const push = (item: Found): void => {
    if (found.length >= options.maxFiles) throw new ShareLimitError(`A share lists at most ${options.maxFiles} files`)
    found.push(item)
  }
  for (const raw of paths) {
    const absPath = resolve(raw)
    // The paths the user named are followed if they are links: naming them is the user's choice.
    const info = await stat(absPath).catch((err: unknown) => {
      throw new SourceNotFoundError(`Cannot share ${raw}: ${(err as Error).message}`, { cause: err })
    })
    const top = uniqueTopName(basename(absPath) || 'share', taken)
    if (info.isFile()) push({ path: top, absPath, size: info.size, mtimeMs: info.mtimeMs })
    else if (info.isDirectory()) await walk(absPath, top, push, options.signal)
    else throw new SourceNotFoundError(`Cannot share ${raw}: not a file or folder`)
  }
  return found.map((f, id) => ({ id, ...f }))
}

async function walk (dir: string, prefix: string, push: (item: Found) => void, signal: AbortSignal | undefined): Promise<void> {
  // An explicit stack, not recursion: a deep tree costs a list entry per folder, not a stack frame.
  const stack: Array<[string, string]> = [[dir, prefix]]
  while (stack.length > 0) {
    if (signal?.aborted === true) throw new CancelledError('Collecting the shared files was cancelled')
    const [abs, rel] = stack.pop() as [string, string]
    const entries = await readdir(abs, { withFileTypes: true })
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    const subdirs: Array<[string, string]> = []
    for (const entry of entries) {
      const childAbs = join(abs, entry.name)
      const childRel = `${rel}/${entry.name}`
      if (entry.isDirectory()) subdirs.push([childAbs, childRel])
      else if (entry.isFile()) {
        const info = await lstat(childAbs)
        if (info.isFile()) push({ path: childRel, absPath: childAbs, size: info.size, mtimeMs: info.mtimeMs })
      }
      // Symbolic links, sockets, devices: skipped.
    }
    // Reversed onto the stack so folders come out in name order: a folder's files, then its folders, depth first.
    stack.push(...subdirs.reverse())
  }
}

/** Two shared paths with the same last name ("a/x.txt", "b/x.txt") become "x.txt" and "x (1).txt". */
function uniqueTopName (name: string, taken: Set<string>): string {
  let candidate = name
  for (let n = 1; taken.has(candidate.toLowerCase()); n++) {
    const dot = name.lastIndexOf('.')
    candidate = dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`
  }
  taken.add(candidate.toLowerCase())
  return candidate
}
