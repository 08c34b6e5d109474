// Walking a file tree and hashing files in a streaming way, shared by the TCP baseline sender and the verifier.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'

export interface TreeEntry {
  /** POSIX path relative to the parent of the root, so it starts with the root's basename. */
  rel: string
  abs: string
  size: number
}

/** Every regular file under root (or root itself if it is a file), sorted by path; anything else is an error. */
export async function listTree(root: string): Promise<TreeEntry[]> {
  const out: TreeEntry[] = []
  const rootStat = await stat(root)
  if (rootStat.isFile()) return [{ rel: basename(root), abs: root, size: rootStat.size }]
  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true })
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of entries) {
      const abs = join(dir, e.name)
      const childRel = `${rel}/${e.name}`
      if (e.isDirectory()) await walk(abs, childRel)
      else if (e.isFile()) out.push({ rel: childRel, abs, size: (await stat(abs)).size })
      // A symlink or socket in a received tree means the transfer produced something it should not have.
      else throw new Error(`not a regular file or folder: ${abs}`)
    }
  }
  await walk(root, basename(root))
  return out
}

/** sha256 of a file read as a stream, so a 1 GiB file never sits in memory. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Runs fn over items with at most `limit` in flight, keeping results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
