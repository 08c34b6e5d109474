// Builds source trees for tests and compares received trees byte for byte.

import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'

export async function writeTree (root: string, files: Record<string, Uint8Array | string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true })
    await writeFile(join(root, path), content)
  }
}

/** Deterministic-enough random bytes for a test file. */
export function bytes (size: number): Uint8Array {
  return randomBytes(size)
}

/** Every regular file under `root`, as relative POSIX path -> sha256, dotfiles included. */
export async function treeDigest (root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  for (const entry of entries) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    out[relative(root, path).split('\\').join('/')] = await sha256(path)
  }
  return out
}

export async function sha256 (path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

export async function readText (path: string): Promise<string> {
  return await readFile(path, 'utf8')
}

/**
 * Leaves what an interrupted transfer would have left for `path` from `from` under `dest`: the first bytes of the
 * file in its partial, and the sidecar that says what it is. Only the receiver's own key can name them.
 */
export async function plantPartial (
  dest: string,
  names: { forKey: (key: string) => string },
  file: { from: string, path: string, size: number, mtimeMs: number },
  data: Uint8Array
): Promise<string> {
  const partial = names.forKey(JSON.stringify([file.from, file.path, file.size, file.mtimeMs]))
  const folder = join(dest, ...file.path.split('/').slice(0, -1))
  await mkdir(folder, { recursive: true })
  await writeFile(join(folder, partial), data)
  await writeFile(join(folder, `${partial.slice(0, -'.part'.length)}.part.json`), JSON.stringify({ path: file.path, size: file.size, mtimeMs: file.mtimeMs, from: file.from }))
  return join(folder, partial)
}
