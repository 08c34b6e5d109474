// Where a file lives while it arrives: a hidden partial file beside its destination (same folder, so the final
// rename is atomic and never crosses filesystems) plus a JSON sidecar that says what it is. The partial's name is
// derived from the sender, path, size and mtime, so the same file offered again finds its partial and resumes; a
// changed file gets a fresh one. Only a verified file is moved to a visible name, and never over an existing file.

import { linkSync, renameSync, statSync, unlinkSync } from 'node:fs'
import { link, mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { dirname, extname, join } from 'node:path'
import { blake3Hex } from '../hash/blake3.ts'

export const PARTIAL_PREFIX = '.ferry-'
export const PARTIAL_SUFFIX = '.part'
export const SIDECAR_SUFFIX = '.part.json'

export interface PartialKey {
  senderPeerId: string
  /** Sanitised relative path components. */
  parts: readonly string[]
  size: number
  mtimeMs: number
}

export interface PartialPlan {
  /** Whether this file can resume (large files); small ones are rewritten whole and keep no sidecar. */
  resumable: boolean
  /** Whether the file is written and moved into place with blocking calls (a small file; see blockingFileBytes). */
  blocking: boolean
  /** Final destination (before collision renaming). */
  target: string
  partial: string
  sidecar: string
  /** Bytes already present in the partial, where the sender may resume. */
  offset: number
}

/**
 * Finds or plans the partial file for one offered file under `dir`. Only `resumable` files look for an existing
 * partial: a small file costs less to send again than a stat per file of a 10,000-file offer.
 */
export async function planPartial (dir: string, key: PartialKey, mode: { resumable: boolean, blocking?: boolean }): Promise<PartialPlan> {
  const { resumable } = mode
  const target = join(dir, ...key.parts)
  const id = blake3Hex(new TextEncoder().encode(JSON.stringify([key.senderPeerId, key.parts.join('/'), key.size, key.mtimeMs])))
  const partial = join(dirname(target), `${PARTIAL_PREFIX}${id.slice(0, 24)}${PARTIAL_SUFFIX}`)
  const present = resumable ? await stat(partial).then((s) => s.isFile() ? s.size : 0, () => 0) : 0
  return { resumable, blocking: !resumable && mode.blocking === true, target, partial, sidecar: partial.replace(/\.part$/, SIDECAR_SUFFIX), offset: Math.min(present, key.size) }
}

/**
 * Creates the file's folders (once per folder: `made` remembers them for the transfer) and, for a resumable file,
 * the sidecar, before the first byte is written.
 */
export async function prepareParent (plan: PartialPlan, key: PartialKey, made: Set<string>): Promise<void> {
  const parent = dirname(plan.target)
  if (!made.has(parent)) {
    await mkdir(parent, { recursive: true })
    made.add(parent)
  }
  if (!plan.resumable) return
  const sidecar = { path: key.parts.join('/'), size: key.size, mtimeMs: key.mtimeMs, from: key.senderPeerId, updated: new Date().toISOString() }
  await writeFile(plan.sidecar, JSON.stringify(sidecar))
}

/**
 * Moves a verified partial to its visible name, or to "name (1).ext", "name (2).ext", ... when that name is taken.
 * link() never replaces an existing file, so a file that appeared meanwhile is never overwritten.
 */
export async function commitPartial (plan: PartialPlan, options: { maxAttempts?: number } = {}): Promise<string> {
  const maxAttempts = options.maxAttempts ?? 1000
  const fs = plan.blocking ? blockingCalls : asyncCalls
  for (let n = 0; n < maxAttempts; n++) {
    const candidate = n === 0 ? plan.target : numbered(plan.target, n)
    try {
      await fs.link(plan.partial, candidate)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EEXIST') continue
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV') {
        // Filesystems without hard links (FAT, some network shares): check, then rename.
        if (await fs.exists(candidate)) continue
        await fs.rename(plan.partial, candidate)
        await unlink(plan.sidecar).catch(() => {})
        return candidate
      }
      throw err
    }
    await fs.unlink(plan.partial)
    if (plan.resumable) await unlink(plan.sidecar).catch(() => {})
    return candidate
  }
  throw new Error(`No free name for ${plan.target} after ${maxAttempts} attempts`)
}

/** The calls that move a partial into place, as promises either way; the blocking ones finish before they return. */
interface MoveCalls {
  link: (from: string, to: string) => Promise<void>
  rename: (from: string, to: string) => Promise<void>
  unlink: (path: string) => Promise<void>
  exists: (path: string) => Promise<boolean>
}

const asyncCalls: MoveCalls = {
  link,
  rename,
  unlink,
  exists: async (path) => await stat(path).then(() => true, () => false)
}

const blockingCalls: MoveCalls = {
  link: async (from, to) => { linkSync(from, to) },
  rename: async (from, to) => { renameSync(from, to) },
  unlink: async (path) => { unlinkSync(path) },
  exists: async (path) => statSync(path, { throwIfNoEntry: false }) !== undefined
}

export async function discardPartial (plan: Pick<PartialPlan, 'partial' | 'sidecar'>): Promise<void> {
  await unlink(plan.partial).catch(() => {})
  await unlink(plan.sidecar).catch(() => {})
}

/** "photo.jpg" -> "photo (2).jpg"; "archive" -> "archive (2)"; ".bashrc" -> ".bashrc (2)". */
export function numbered (target: string, n: number): string {
  const ext = extname(target)
  const base = ext === '' || ext === target ? target : target.slice(0, -ext.length)
  return `${base} (${n})${ext}`
}
