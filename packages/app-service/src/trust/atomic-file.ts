// Writes a file so that a crash at any moment leaves either the old content or the new, never a mix: write a
// temporary file beside it, fsync it, rename it over the old one (atomic on POSIX and NTFS), fsync the folder so
// the rename itself survives a power cut. Temporary files a crash left behind are swept up later.

import { open, readdir, rename, stat, unlink } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'

/** Suffix of temporary files; `<name>.<pid>.<random>.tmp`. */
const TMP_SUFFIX = '.tmp'
/** A temporary file older than this belongs to no live writer, in ms. */
const STALE_TMP_MS = 60_000

export async function writeFileAtomic (path: string, data: string | Uint8Array, options: { mode?: number } = {}): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}${TMP_SUFFIX}`
  const handle = await open(tmp, 'wx', options.mode ?? 0o600)
  try {
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(tmp, path)
  } catch (err) {
    await unlink(tmp).catch(() => {})
    throw err
  }
  await syncDir(dirname(path))
}

async function syncDir (dir: string): Promise<void> {
  // Windows cannot open a folder for fsync, and some filesystems refuse; the rename has happened either way.
  try {
    const handle = await open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch { /* best effort */ }
}

/** Removes temporary files of `path` that a crashed writer left (older than a minute, so no live writer's). */
export async function sweepStaleTemps (path: string, now = Date.now()): Promise<void> {
  const dir = dirname(path)
  const prefix = `${basename(path)}.`
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(TMP_SUFFIX)) continue
    const file = join(dir, name)
    const info = await stat(file).catch(() => undefined)
    if (info !== undefined && now - info.mtimeMs > STALE_TMP_MS) await unlink(file).catch(() => {})
  }
}
