// A file or folder the user chose to send or share that cannot be read (no permission, gone, a loop) becomes
// FERRY_ERR_SOURCE_NOT_FOUND with a sentence naming the path, instead of a raw `EACCES ... scandir` with no code
// (which the UI and the CLI could only call an internal error). Typed errors pass through untouched.

import { FerryError, SourceNotFoundError } from '@ferry/p2p-core'

const reasons: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'it does not exist',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
  EIO: 'the disk reported an error'
}

/** `err` as a SourceNotFoundError when it is a filesystem error about a path; else `err` itself. */
export function sourceError (err: unknown, doing: string): unknown {
  if (err instanceof FerryError || typeof err !== 'object' || err === null) return err
  const { code, path } = err as NodeJS.ErrnoException
  const reason = code === undefined ? undefined : reasons[code]
  if (reason === undefined) return err
  return new SourceNotFoundError(`${doing}: Ferry cannot read ${path ?? 'a file or folder'} (${reason})`, { cause: err })
}

/** Runs `work`, turning a filesystem error about a path into SourceNotFoundError (see sourceError). */
export async function readingSources<T> (doing: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (err) {
    throw sourceError(err, doing)
  }
}
