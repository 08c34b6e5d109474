// What the app sees of an incoming transfer: who offers what, and `respond()` for its decision. The core never
// decides on its own (STYLE.md rule 6): auto-accept and trust are the app's policy.

import type { DeviceType } from '../protocol/messages.ts'
import type { PeerAddress } from '../transport/types.ts'
import type { TransferProgress } from './progress.ts'

export interface RemotePeer {
  peerId: string
  shortCode: string
  alias?: string
  deviceType?: DeviceType
  address: PeerAddress
}

export interface OfferedFileInfo {
  id: number
  /** Sanitised relative POSIX path. */
  path: string
  size: number
  mtimeMs: number
}

/** What the user decided the first time about an interrupted transfer: which files, saved under which folder. */
export interface Continuation {
  fileIds: readonly number[]
  dir: string
}

export type OfferDecision =
  | {
    accept: true
    /** Folder the files are saved under; created if missing. */
    dir: string
    /** Ids of the files to take; all when omitted. */
    files?: readonly number[]
    onProgress?: (progress: TransferProgress) => void
    /** Cancels the transfer from the receiving side. */
    signal?: AbortSignal
  }
  | { accept: false }

export interface SavedFile {
  path: string
  savedAs: string
  size: number
  blake3: string
}

export interface ReceiveResult {
  transferId: string
  status: 'completed' | 'declined'
  files: SavedFile[]
  bytesReceived: number
  bytesResumed: number
  seconds: number
  text?: string
}

export interface IncomingOffer {
  transferId: string
  from: RemotePeer
  files: readonly OfferedFileInfo[]
  totalBytes: number
  text?: string
  /**
   * Set when this offer continues a transfer this device accepted and that was interrupted (the same device, transfer
   * id and files, within `resumeWindowMs`): what was decided then. The app may accept it again with these files and
   * this folder without asking; the partials resume.
   */
  continues?: Continuation
  /** Aborted when the sender withdraws the offer before it was answered. */
  withdrawn: AbortSignal
  /** Answers the offer; resolves when the accepted transfer ends, rejects with its typed error. Call once. */
  respond: (decision: OfferDecision) => Promise<ReceiveResult>
}
