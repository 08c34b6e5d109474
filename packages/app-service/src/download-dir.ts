// The download folder as it is on disk, checked when the user sets it (validate.ts checks the value's form; this
// checks what is at that path now).

import { constants } from 'node:fs'
import { access, lstat, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { invalid } from './validate.ts'

/**
 * A download folder must be a folder (or a link to one), or not be there yet and be one the receiver can create on
 * the first receive: its nearest existing parent is a folder this process may write into. A file, a device, a link to
 * nowhere or a folder on a read-only disk would only fail later, at the first accepted offer.
 */
export async function checkDownloadDir (path: string): Promise<void> {
  try {
    if ((await stat(path)).isDirectory()) return
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const dangling = code === 'ENOENT' && await lstat(path).then(() => true, () => false)
    if (code === 'ENOENT' && !dangling && await creatable(path)) return
  }
  throw invalid(`The download folder ${path} is not a folder Ferry can save into`)
}

/** Whether the nearest existing parent of `path` is a folder this process may create entries in. */
async function creatable (path: string): Promise<boolean> {
  let parent = dirname(path)
  for (;;) {
    const info = await stat(parent).catch((err: NodeJS.ErrnoException) => err.code === 'ENOENT' ? undefined : null)
    if (info === null) return false
    if (info !== undefined) return info.isDirectory() && await access(parent, constants.W_OK | constants.X_OK).then(() => true, () => false)
    const up = dirname(parent)
    if (up === parent) return false
    parent = up
  }
}
