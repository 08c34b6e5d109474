// Small JSON files in the config dir, written atomically (atomic-file.ts: temp file, fsync, rename), so a crash
// leaves either the old file or the new one, never half of either.

import { mkdir, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { writeFileAtomic } from './trust/atomic-file.ts'

/** The parsed file, or undefined when it is missing or not JSON (the caller falls back to defaults). */
export async function readJsonFile (file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown
  } catch {
    return undefined
  }
}

export async function writeJsonFile (file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 })
  await writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n')
}

export interface SerialWriter {
  /** Saves a copy of `value` once the saves before it are done. */
  save: (value: unknown) => Promise<void>
  /** Resolves when every save asked for so far has finished. */
  flush: () => Promise<void>
}

/** Serialises writes to one file, in the order asked; a failed write is reported and the next one still runs. */
export function createSerialWriter (file: string, onError: (err: unknown) => void): SerialWriter {
  let chain: Promise<void> = Promise.resolve()
  return {
    save: async (value) => {
      const snapshot = JSON.parse(JSON.stringify(value)) as unknown
      chain = chain.then(async () => { await writeJsonFile(file, snapshot) }).catch(onError)
      await chain
    },
    flush: async () => { await chain }
  }
}
