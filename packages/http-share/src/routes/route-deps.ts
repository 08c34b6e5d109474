// What the routes are built from: the share server passes these in; routes keep no state of their own.

import type { Logger } from '@ferry/p2p-core'
import type { FileHashes } from '../file-hashes.ts'
import type { ShareLimits } from '../limits.ts'
import type { ShareActivity } from '../share-activity.ts'
import type { ShareRegistry } from '../share-registry.ts'

export interface DownloadEvent {
  shareId: string
  /** The file's id, or null for the zip of the whole share. */
  fileId: number | null
  /** The file's path in the share, or the zip's file name. */
  path: string
  /** Body bytes sent (the range's length for a 206). */
  bytes: number
  /** Whether the whole body reached the connection. */
  complete: boolean
  range: { start: number, end: number } | null
  remoteAddress: string
}

export interface RouteDeps {
  registry: ShareRegistry
  limits: ShareLimits
  logger: Logger
  hashes: FileHashes
  activity: ShareActivity
  onDownload: (event: DownloadEvent) => void
}
