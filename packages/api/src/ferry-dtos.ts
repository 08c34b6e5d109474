// The data FerryApi carries (ferry-api.ts states the rules): plain JSON objects, times in epoch ms, sizes in
// bytes, rates in bytes a second. The main types name the engine object they are projected from, so the engine
// side can map p2p-core and http-share values onto them in one place.

/** What a device says it is; mirrors p2p-core's `deviceTypes`. */
export type DeviceType = 'desktop' | 'laptop' | 'phone' | 'server' | 'unknown'

/** The app's trust in a peer: 'unknown' never dealt with, 'known' dealt with before, 'trusted' chosen by the user. */
export type Trust = 'unknown' | 'known' | 'trusted'

/** An error as it crosses a bridge: matched on `code` (FERRY_ERR_*); `message` is the engine's English detail. */
export interface FerryErrorDto {
  name: string
  code: string
  message: string
}

export interface PeerAddressDto {
  host: string
  port: number
}

/** This computer as other devices see it. */
export interface DeviceInfo {
  peerId: string
  /** `shortCodeFor(peerId)`, e.g. `K7Q2-9MXD`: what people compare by eye. */
  shortCode: string
  alias: string
  deviceType: DeviceType
  /** Where the engine listens (LAN addresses, not 0.0.0.0). */
  addresses: PeerAddressDto[]
  /** A `ferry://HOST:PORT/PEER_ID` link another device can paste into "Add device". */
  link?: string
}

/** A device nearby or remembered (p2p-core: DiscoveredPeer, plus the app's trust). */
export interface Peer {
  /** Its peer id (`12D3KooW...`), proven by TLS on every connection. */
  id: string
  alias?: string
  deviceType: DeviceType
  /** The maker's model name, when the device says it (LocalSend devices do: "Pixel 7", "iPhone"); never proven. */
  model?: string
  shortCode: string
  /** Dialable addresses, where it was last reached first. */
  addresses: PeerAddressDto[]
  trust: Trust
  /** Offers from this peer are accepted without asking (only honoured while `trust` is 'trusted'). */
  autoAccept: boolean
  /**
   * A device the user knew under this alias or address now proves a different key: a reinstalled device, or
   * someone pretending. Cleared when the user sets a trust level for this id.
   */
  identityChanged: boolean
  /** Seen by discovery or a probe within the engine's peer TTL. */
  online: boolean
  /** Epoch ms of the latest sighting; omitted when never seen in this run. */
  lastSeen?: number
}

/** The other side of an offer, transfer or history entry: a Ferry device, or a browser on a share link. */
export interface Party {
  kind: 'device' | 'browser'
  /** Peer id for a device; for a browser, an id the host makes up for that upload (e.g. its address). */
  id: string
  /** What to call it: a device's alias, or e.g. "Firefox on 192.168.1.23" for a browser. */
  name?: string
  /** Devices only. */
  shortCode?: string
  /** Browsers only: the share the upload came through. */
  shareId?: string
}

export type TransferDirection = 'send' | 'receive'

export type TransferStatus = 'waiting' | 'running' | 'completed' | 'declined' | 'cancelled' | 'failed'

/** Who cancelled a transfer: this device (its user, or the app closing) or the other side. */
export type CancelledBy = 'here' | 'peer'

/** 'skipped': the receiver did not take it. 'done': verified by its BLAKE3 hash. */
export type TransferFileStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed'

export interface TransferFile {
  /** The file id of the offer (0, 1, 2, ...). */
  id: number
  /** Relative POSIX path as offered, e.g. `album/a.jpg`. */
  path: string
  size: number
  bytesDone: number
  status: TransferFileStatus
}

/** Why a send left an entry of a folder out; mirrors p2p-core's `SkipReason`. */
export type SkippedSourceReason = 'symlink' | 'fifo' | 'socket' | 'device' | 'loop' | 'unreadable' | 'invalid-name'

/** An entry inside a sent folder that is not offered (links are followed only with the followLinks setting). */
export interface SkippedSource {
  /** The path it would have had in the offer, e.g. `album/passwd`. */
  path: string
  /** Where it is on this computer. */
  localPath: string
  reason: SkippedSourceReason
  /** A link's target (`-> /etc/passwd`) or what went wrong. */
  detail?: string
}

/**
 * One transfer, either way (p2p-core: a send, or an accepted IncomingOffer, with its TransferProgress). Its `id` is
 * the app's and stays the same across retries (protocol transfer ids do not).
 */
export interface Transfer {
  id: string
  direction: TransferDirection
  peer: Party
  /** Large transfers may list only a window of files; `fileCount` is the real number. */
  files: TransferFile[]
  fileCount: number
  /** A text message sent with (or instead of) files. */
  text?: string
  bytesDone: number
  totalBytes: number
  /** Bytes a second over the recent window. */
  rate: number
  /** Seconds left at the current rate; null while unknown. */
  etaSeconds: number | null
  status: TransferStatus
  /** Set when status is 'failed' (and for 'cancelled' / 'declined' when the engine has a code for it). */
  error?: FerryErrorDto
  /** Set while a send whose connection broke waits to reconnect by itself (`at`: epoch ms of the next try). */
  reconnecting?: { attempt: number, of: number, at: number }
  /** Bytes the receiving side already had from an interrupted attempt, so they did not cross again; set when it completes. */
  bytesResumed?: number
  /** Sends only: entries of the sent folders left out, with why (at most 1,000 listed); `skippedCount` counts them all. */
  skipped?: SkippedSource[]
  skippedCount?: number
  /** Whether retryTransfer() can pick it up again (a failed or cancelled send; resumes from what arrived). */
  canRetry: boolean
  /** Set when status is 'cancelled': on this device ('here') or by the other side ('peer'). */
  cancelledBy?: CancelledBy
  startedAt: number
  endedAt?: number
}

/** A change to one running transfer; sent at most 10 times a second per transfer. */
export interface TransferProgressDto {
  id: string
  bytesDone: number
  totalBytes: number
  rate: number
  etaSeconds: number | null
  /** Only the files whose numbers changed since the previous event (bounded, not the whole list). */
  files?: Array<{ id: number, bytesDone: number, status: TransferFileStatus }>
}

/**
 * 'upsert': a transfer appeared or changed state (status, error, files); replaces what the UI had.
 * 'progress': numbers of a transfer the UI already has; ignored for unknown ids.
 * 'removed': ended transfers taken off the list (dismissTransfers).
 */
export type TransferEvent =
  | { type: 'upsert', transfer: Transfer }
  | { type: 'progress', progress: TransferProgressDto }
  | { type: 'removed', transferIds: string[] }

export interface OfferedFile {
  id: number
  /** Sanitised relative POSIX path. */
  path: string
  size: number
  /** It creates or enters a hidden folder, or is a hidden file (a part starts with "."): `.ssh/authorized_keys`. */
  hidden?: true
}

/** An offer waiting for this user's decision (core: IncomingOffer; http-share: ShareOffer for browser uploads). */
export interface IncomingOfferDto {
  id: string
  from: Party
  /** The app's trust in the sender at the time of the offer ('unknown' for browsers). */
  trust: Trust
  /** See Peer.identityChanged. */
  identityChanged: boolean
  files: OfferedFile[]
  totalBytes: number
  /**
   * How many files are `hidden` (omitted when none). Such an offer is never accepted without asking: saved into a
   * home folder, `.ssh/authorized_keys` would merge into the real `~/.ssh`.
   */
  hiddenPaths?: number
  text?: string
  receivedAt: number
  /** When the engine stops waiting and declines on its own (its answer timeout). */
  expiresAt?: number
}

/** Why an offer left the queue: answered (here or by policy), withdrawn by the sender, or timed out. */
export type OfferEndReason = 'answered' | 'withdrawn' | 'expired'

export type OfferEvent =
  | { type: 'added', offer: IncomingOfferDto }
  | { type: 'removed', offerId: string, reason: OfferEndReason }

/** The answer to an offer. `fileIds` omitted means all files; `trust: true` also trusts the sender. */
export type OfferDecisionDto =
  | { accept: true, fileIds?: number[], trust?: boolean }
  | { accept: false }

export interface SharedFile {
  id: number
  path: string
  size: number
}

/** One download (a file or the zip) from a share link, logged when it ends (http-share: DownloadEvent). */
export interface ShareDownload {
  at: number
  /** null for the zip of the whole share. */
  fileId: number | null
  path: string
  bytes: number
  complete: boolean
  remoteAddress: string
}

export type ShareStatus = 'active' | 'expired' | 'revoked'

/** A share link (http-share: ShareInfo, with its DownloadEvents logged). */
export interface Share {
  id: string
  name: string
  /** One link per address a browser can use; the first is the one to show. */
  urls: string[]
  /** The 6-digit PIN a visitor must type; omitted when the share has none. */
  pin?: string
  expiresAt: number
  allowUpload: boolean
  files: SharedFile[]
  totalBytes: number
  status: ShareStatus
  createdAt: number
  /** Newest first; the host keeps a bounded number. */
  downloads: ShareDownload[]
  /**
   * Entries inside the shared folders that are not shared: links (never followed inside a folder) and special files,
   * with why (http-share: ShareInfo.skipped, at most 1,000 listed); `skippedCount` counts them all.
   */
  skipped?: SkippedSource[]
  skippedCount?: number
}

/** 'upsert' replaces the whole share (also when a download is logged); 'removed' drops it from the list. */
export type ShareEvent =
  | { type: 'upsert', share: Share }
  | { type: 'removed', shareId: string }

export interface CreateShareRequest {
  /** Absolute paths of files and folders on the host. */
  paths: string[]
  /** true: the host makes a random 6-digit PIN. */
  pin: boolean
  expiresInMs: number
  allowUpload: boolean
  /** Shown on the page; defaults to the single path's name or "Ferry share". */
  name?: string
}

export interface HistoryFile {
  /** Relative path as transferred. */
  path: string
  size: number
  /** Absolute path on this computer: where a received file was saved (after any "name (1)" rename), or where a sent file was read from. */
  localPath?: string
}

/** A finished transfer, kept across restarts (the app's record of a SendResult or ReceiveResult). */
export interface HistoryEntry {
  id: string
  /** The transfer it records. */
  transferId: string
  direction: 'sent' | 'received'
  peer: Party
  status: 'completed' | 'failed' | 'cancelled' | 'declined'
  files: HistoryFile[]
  totalBytes: number
  text?: string
  /**
   * Set while the entry holds a message's text: when the host deletes the text (a Wi-Fi password should not stay in
   * History for good). After that the entry stays, without `text`, with `textRemoved`.
   */
  textExpiresAt?: number
  textRemoved?: true
  at: number
  error?: FerryErrorDto
  /** Set when status is 'cancelled' (see Transfer.cancelledBy). */
  cancelledBy?: CancelledBy
}

/** History entries deleted, by id. */
export interface HistoryRemovedEvent {
  entryIds: string[]
}

/** The app's settings (apps own them; p2p-core gets alias, port and filesInFlight as FerryNodeInit). */
export interface Settings {
  /** Name other devices see (at most 64 characters). */
  alias: string
  /** Absolute folder received files are saved under. */
  downloadDir: string
  /** Accept offers from trusted devices without asking (per-peer `autoAccept` can narrow it). */
  autoAcceptTrusted: boolean
  /** QUIC port to listen on; 0 picks a free one. Takes effect after the engine restarts its listener. */
  port: number
  /** Units (a large file or a batch) sent at once; p2p-core's `filesInFlight`, 1 to 64. */
  filesInFlight: number
  /** Follow symbolic links inside sent folders to files and folders (never fifos or devices, never a loop); default false. */
  followLinks: boolean
}

/** One entry of a listed folder: a name in it, never a path from the page. */
export interface FolderEntry {
  name: string
  /** A symbolic link is listed as what it leads to ('other' when that is neither, or nothing), with `link`. */
  kind: 'folder' | 'file' | 'other'
  link?: true
  /** Files only, in bytes. */
  size?: number
  modifiedAt?: number
  /** The name starts with "." (the browser hides these unless asked). */
  hidden?: true
}

/** A place to start browsing from: the home folder, its Desktop, Documents, Downloads..., Ferry's download folder, the roots. */
export interface FolderPlace {
  name: string
  path: string
}

/** A folder of the host as listFolder() answers it. */
export interface FolderListing {
  /** Absolute, resolved path of the folder. */
  path: string
  /** Its parent; omitted at a root. */
  parent?: string
  /** Folders first, then the rest, each by name; at most the host's limit (see `more`). */
  entries: FolderEntry[]
  /** Entries left out beyond the limit. */
  more: number
  places: FolderPlace[]
  /** The host's path separator, to join a name to `path`. */
  separator: '/' | '\\'
}

/** A problem not tied to a call the UI made (discovery failed, a port is taken, an auto-accepted transfer failed). */
export interface AppErrorEvent {
  error: FerryErrorDto
  /** What the host was doing, in a few words, e.g. "discovery". */
  context?: string
}

/** Everything the UI shows, at one moment. */
export interface FerrySnapshot {
  device: DeviceInfo
  peers: Peer[]
  /** Newest first. */
  transfers: Transfer[]
  offers: IncomingOfferDto[]
  shares: Share[]
  /** Newest first; the host sends a bounded number. */
  history: HistoryEntry[]
  settings: Settings
}
