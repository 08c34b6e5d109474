// What the app asks of a send and what it gets back (sender.ts does the sending): the request, with its callbacks
// for the listing, the offer, progress and reconnects, the result, and the engine's parts the sender uses.

import type { FerryError } from '../errors.ts'
import type { FerryLimits } from '../limits.ts'
import type { Logger } from '../logger.ts'
import type { DeviceType } from '../protocol/messages.ts'
import type { PeerAddress, Transport } from '../transport/types.ts'
import type { TransferProgress } from './progress.ts'
import type { SourceListing } from './source-files.ts'

export interface SendRequest {
  address: PeerAddress
  /** When given, the transfer fails with IdentityMismatchError unless the peer proves this id. */
  peerId?: string
  paths: readonly string[]
  /**
   * Inside sent folders, follow symlinks to regular files and folders (never to fifos, sockets or devices, never
   * into a loop). Default false: links inside folders are skipped and reported. Paths in `paths` are always followed.
   */
  followLinks?: boolean
  /** Called once the paths are walked, before dialling (again on each reconnect): what is offered and what is left out. */
  onListed?: (listing: SourceListing) => void
  text?: string
  signal?: AbortSignal
  onProgress?: (progress: TransferProgress) => void
  /**
   * Continues an earlier, interrupted transfer under its id: a receiver that accepted it continues without asking
   * again (IncomingOffer.continues). Default: a new id.
   */
  transferId?: string
  /**
   * Reconnect after an interruption once the receiver had accepted (up to `reconnectAttempts` times, with backoff
   * and jitter); default true. False fails at the first interruption.
   */
  reconnect?: boolean
  /** Called before each reconnect, with the wait ahead and the failure that caused it. */
  onReconnect?: (event: ReconnectEvent) => void
  /** Called once the peer is reached and the whole offer is sent, before its answer (again on each reconnect). */
  onOffered?: () => void
}

export interface ReconnectEvent {
  /** 1 for the first reconnect. */
  attempt: number
  /** `reconnectAttempts`. */
  of: number
  delayMs: number
  error: FerryError
}

/** What a send attempt got to; FerryNode.send reconnects only transfers that had been accepted. */
export interface AttemptState {
  accepted: boolean
}

export interface SendResult {
  transferId: string
  peerId: string
  files: number
  /** Bytes sent now (resumed bytes excluded). */
  bytesSent: number
  /** Bytes the receiver already had from an earlier, interrupted transfer. */
  bytesResumed: number
  totalBytes: number
  /** From the start of the last attempt (listing, dialling, waiting for the answer) to the receiver's verification. */
  seconds: number
  /** From the receiver's accept to its verification of the last file (the time the bytes took), in the last attempt. */
  transferSeconds: number
}

export interface SenderComponents {
  transport: Transport
  limits: FerryLimits
  logger: Logger
  alias: string
  deviceType: DeviceType
}
