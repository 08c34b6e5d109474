// What a send will offer, listed before it is queued so the transfer shows its files at once. The listing is
// p2p-core's walker, the one the sender itself uses, with the same link policy; here it is only trimmed to what
// the UI shows. The sender walks again when it connects (and on each reconnect), so it offers what is on disk then.

import { collectSourceFiles, type FerryLimits } from '@ferry/p2p-core'
import type { SkippedSource } from '@ferry/api'

/** Files listed per transfer; `count` still says how many there are. */
export const MAX_LISTED_FILES = 1_000

export interface SourceListing {
  files: Array<{ path: string, size: number, localPath: string }>
  count: number
  totalBytes: number
  /** What the walk left out, with why (p2p-core keeps at most MAX_LISTED_SKIPS); `skippedCount` counts them all. */
  skipped: SkippedSource[]
  skippedCount: number
}

export async function listSources (
  paths: readonly string[],
  limits: Pick<FerryLimits, 'maxFilesPerOffer' | 'maxPathBytes' | 'maxNameBytes' | 'maxPathDepth'>,
  options: { followLinks: boolean, signal?: AbortSignal }
): Promise<SourceListing> {
  const walked = await collectSourceFiles(paths, limits, options)
  return {
    files: walked.files.slice(0, MAX_LISTED_FILES).map((f) => ({ path: f.path, size: f.size, localPath: f.absolutePath })),
    count: walked.files.length,
    totalBytes: walked.files.reduce((n, f) => n + f.size, 0),
    skipped: walked.skipped.map((s) => ({ path: s.path, localPath: s.absolutePath, reason: s.reason, ...(s.detail === undefined ? {} : { detail: s.detail }) })),
    skippedCount: walked.skippedCount
  }
}
