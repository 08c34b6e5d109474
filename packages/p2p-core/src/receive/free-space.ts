// Refusing an offer the destination's filesystem has no room for, before a byte is written.

import { statfs } from 'node:fs/promises'
import { NoSpaceError } from '../errors.ts'

export async function checkFreeSpace (dir: string, needed: number): Promise<void> {
  const info = await statfs(dir).catch(() => undefined)
  if (info === undefined) return // some filesystems cannot tell; the writes themselves will say
  const free = info.bavail * info.bsize
  if (needed > free) {
    throw new NoSpaceError(`Not enough space in ${dir}: the transfer needs ${needed} bytes and ${free} are free`)
  }
}
