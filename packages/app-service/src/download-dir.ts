// The download folder as it is on disk, checked when the user sets it (validate.ts checks the value's form; this
// checks what is at that path now).

import { lstat, stat } from 'node:fs/promises'
import { invalid } from './validate.ts'

/**
 * A download folder must be a folder (or a link to one), or not be there yet: the receiver creates it on the first
 * receive. A file, a device or a link to nowhere would only fail later, at the first accepted offer.
 */
export async function checkDownloadDir (path: string): Promise<void> {
  try {
    if ((await stat(path)).isDirectory()) return
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const dangling = code === 'ENOENT' && await lstat(path).then(() => true, () => false)
    if (code === 'ENOENT' && !dangling) return
  }
  throw invalid(`The download folder ${path} is not a folder Ferry can save into`)
}
