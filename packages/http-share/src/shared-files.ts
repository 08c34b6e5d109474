// The files of a share, collected once when it is created: each gets a numeric id, and the browser addresses files
// only by that id, never by a path. The policy on links is `cp -H`'s: a path the user names is followed if it is a
// link (naming it is the user's choice), but nothing inside a shared folder is: links there, and sockets, devices
// and pipes, are skipped and reported to whoever made the share. Each listed file keeps its identity (device and
// inode) so that serving it later can check that what it opens is what was listed (listed-file.ts).

import type { Stats } from 'node:fs'
import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { CancelledError, NothingToSendError, SourceNotFoundError, type SkipReason } from '@ferry/p2p-core'
import { ShareLimitError } from './errors.ts'

export interface ShareFile {
  id: number
  /** Relative POSIX path shown to the browser and used inside the zip ("folder/sub/name.txt"). */
  path: string
  /** Absolute path on this computer, links in the named path resolved; never sent to the browser. */
  absPath: string
  /**
   * The real folder this file was found under: every folder between it and the file (it included) must still be a
   * real folder, not a link, when the file is served.
   */
  root: string
  size: number
  mtimeMs: number
  /** Device and inode at listing time: serving opens only this very file. */
  dev: bigint
  ino: bigint
}

/** An entry inside a shared folder that is not in the share, with why (p2p-core's reasons, as `ferry send` reports). */
export interface SkippedEntry {
  /** Relative POSIX path, as it would have been listed. */
  path: string
  /** Where it is on this computer (for the share's creator; never sent to a browser). */
  absolutePath: string
  /** 'symlink'; for a special file 'fifo', 'socket' or 'device'; 'unreadable' for one that cannot be read back (a name that is not UTF-8). */
  reason: SkipReason
  /** A link's target (`-> /etc/passwd`). */
  detail?: string
}

export interface CollectedFiles {
  files: ShareFile[]
  /** The first `maxSkippedReported` entries that were left out, in walking order. */
  skipped: SkippedEntry[]
  /** How many entries were left out in all (may exceed `skipped.length`). */
  skippedCount: number
}

/** The reason a special file (neither file, folder nor link) is left out. */
function specialReason (info: Pick<Stats, 'isFIFO' | 'isSocket' | 'isBlockDevice' | 'isCharacterDevice'> | null): SkipReason {
  if (info === null) return 'unreadable'
  if (info.isFIFO()) return 'fifo'
  if (info.isSocket()) return 'socket'
  if (info.isBlockDevice() || info.isCharacterDevice()) return 'device'
  return 'unreadable'
}

type Found = Omit<ShareFile, 'id'>

interface Collector {
  push: (item: Found) => void
  skip: (absolutePath: string, path: string, reason: SkipReason) => Promise<void>
}

/** Lists the regular files under `paths` (files as themselves, folders recursively), at most `maxFiles`. */
export async function collectShareFiles (
  paths: readonly string[],
  options: { maxFiles: number, maxSkippedReported: number, signal?: AbortSignal }
): Promise<CollectedFiles> {
  if (paths.length === 0) throw new NothingToSendError('Nothing to share: give at least one file or folder')
  const found: Found[] = []
  const skipped: SkippedEntry[] = []
  let skippedCount = 0
  const taken = new Set<string>()
  const collector: Collector = {
    push: (item) => {
      if (found.length >= options.maxFiles) throw new ShareLimitError(`A share lists at most ${options.maxFiles} files`)
      found.push(item)
    },
    skip: async (absolutePath, path, reason) => {
      skippedCount++
      if (skipped.length >= options.maxSkippedReported) return
      const target = reason === 'symlink' ? await readlink(absolutePath).catch(() => undefined) : undefined
      skipped.push({ path, absolutePath, reason, ...(target === undefined ? {} : { detail: `-> ${target}` }) })
    }
  }
  for (const raw of paths) {
    const named = resolve(raw)
    // The paths the user named are followed if they are links (like `cp -H`): naming them is the user's choice.
    const real = await realpath(named).catch((err: unknown) => {
      throw new SourceNotFoundError(`Cannot share ${raw}: ${(err as Error).message}`, { cause: err })
    })
    const info = await stat(real, { bigint: true }).catch((err: unknown) => {
      throw new SourceNotFoundError(`Cannot share ${raw}: ${(err as Error).message}`, { cause: err })
    })
    const top = uniqueTopName(basename(named) || 'share', taken)
    if (info.isFile()) {
      collector.push({ path: top, absPath: real, root: dirname(real), size: Number(info.size), mtimeMs: Number(info.mtimeMs), dev: info.dev, ino: info.ino })
    } else if (info.isDirectory()) {
      await walk(real, top, collector, options.signal)
    } else {
      throw new SourceNotFoundError(`Cannot share ${raw}: not a file or folder`)
    }
  }
  return { files: found.map((f, id) => ({ id, ...f })), skipped, skippedCount }
}

async function walk (root: string, prefix: string, collector: Collector, signal: AbortSignal | undefined): Promise<void> {
  // An explicit stack, not recursion: a deep tree costs a list entry per folder, not a stack frame.
  const stack: Array<[string, string]> = [[root, prefix]]
  while (stack.length > 0) {
    if (signal?.aborted === true) throw new CancelledError('Collecting the shared files was cancelled')
    const [abs, rel] = stack.pop() as [string, string]
    // A folder inside the share that cannot be named again (gone since it was listed, or a name that is not UTF-8,
    // which Node reads back with U+FFFD) is left out and reported, not fatal to the whole share.
    const entries = await readdir(abs, { withFileTypes: true }).catch(async (err: unknown) => {
      if (abs === root || !cannotBeNamedAgain(err)) throw err
      await collector.skip(abs, rel, 'unreadable')
      return []
    })
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    const subdirs: Array<[string, string]> = []
    for (const entry of entries) {
      const childAbs = join(abs, entry.name)
      const childRel = `${rel}/${entry.name}`
      if (entry.isSymbolicLink()) {
        await collector.skip(childAbs, childRel, 'symlink')
      } else if (entry.isDirectory()) {
        subdirs.push([childAbs, childRel])
      } else if (entry.isFile()) {
        // lstat, not stat: an entry swapped for a link since readdir is not followed either.
        const info = await lstat(childAbs, { bigint: true }).catch((err: unknown) => {
          if (cannotBeNamedAgain(err)) return null
          throw err
        })
        if (info === null) {
          await collector.skip(childAbs, childRel, 'unreadable')
        } else if (info.isFile()) {
          collector.push({ path: childRel, absPath: childAbs, root, size: Number(info.size), mtimeMs: Number(info.mtimeMs), dev: info.dev, ino: info.ino })
        } else {
          await collector.skip(childAbs, childRel, info.isSymbolicLink() ? 'symlink' : specialReason(info))
        }
      } else {
        await collector.skip(childAbs, childRel, specialReason(await lstat(childAbs).catch(() => null)))
      }
    }
    // Reversed onto the stack so folders come out in name order: a folder's files, then its folders, depth first.
    stack.push(...subdirs.reverse())
  }
}

/**
 * An entry that cannot be named again (ENOENT: gone since its folder was listed, or a name that is not UTF-8, which
 * Node reads back with U+FFFD). Anything else, a folder closed to this user (EACCES) included, still fails the
 * share with the path named (guarantees.md, "Errors users meet are typed").
 */
function cannotBeNamedAgain (err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT'
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
