// The sidecar beside a resumable partial (`.ferry-<h>.part.json`): which file the partial holds the start of. It is
// read back as untrusted input: never through a link, never from a fifo, and never more than MAX_SIDECAR_BYTES.

import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'

const { O_RDONLY } = constants
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0
const O_NONBLOCK = constants.O_NONBLOCK ?? 0

/** Largest sidecar read back, in bytes; a bigger one is not ours. */
const MAX_SIDECAR_BYTES = 16 * 1024

export interface Sidecar {
  path: string
  size: number
  mtimeMs: number
  from: string
}

/** The sidecar at `path`, or undefined when there is none, it is not a plain file, too large, or not JSON. */
export function readSidecar (path: string): Sidecar | undefined {
  let fd: number
  try {
    fd = openSync(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
  } catch {
    return undefined
  }
  try {
    const info = fstatSync(fd)
    if (!info.isFile() || info.size > MAX_SIDECAR_BYTES) return undefined
    const buffer = Buffer.alloc(info.size)
    const n = readSync(fd, buffer, 0, info.size, 0)
    const value = JSON.parse(buffer.subarray(0, n).toString('utf8')) as Partial<Sidecar>
    return typeof value === 'object' && value !== null ? value as Sidecar : undefined
  } catch {
    return undefined
  } finally {
    closeSync(fd)
  }
}
