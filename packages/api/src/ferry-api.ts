// FerryApi: the one contract between Ferry's UI and its host. Electron main implements it behind IPC (the preload
// hands the renderer `window.ferry`), `ferry ui` behind a local WebSocket (ws-client.ts), tests and the UI's demo page in
// memory (testing/fake-ferry-api.ts). The UI cannot tell them apart (DESIGN.md).
//
// Rules for every implementation:
// - Everything that crosses is plain JSON: no class instances, functions, Dates, Maps or undefined-in-arrays. Times
//   are epoch milliseconds, sizes bytes, rates bytes a second. Optional fields are omitted, not null, unless a type
//   says `| null`.
// - Methods return promises. A failure rejects with an error carrying `{ name, code, message }` (STYLE.md rule 9);
//   the UI matches on `code` (messages.ts), never on `message`. Hosts refuse bad arguments with
//   FERRY_ERR_API_INVALID_ARGUMENT before doing anything: the renderer is untrusted (STYLE.md rule 4).
// - `options.signal` abandons a call (STYLE.md rule 10); it never crosses as data: bridges send a cancel message
//   instead (ws-client.ts), and `ferryApiMethods` says where each method's options argument sits.
// - Events are `onXxx(listener) => unsubscribe`. Events and answers travel in order on one channel, and the
//   snapshot getState() answers with includes every event sent before that answer. So the UI subscribes first,
//   applies events as they come, and lets the snapshot replace everything when it arrives; events carry whole
//   objects (upserts) or absolute numbers, never deltas, so none depends on one the UI may have missed.
// - This file and ferry-dtos.ts hold types and two tables only, no React and no DOM access, so the host side may
//   import them.

import type {
  AppErrorEvent, CreateShareRequest, DeviceInfo, FerrySnapshot, FolderListing, HistoryEntry, HistoryRemovedEvent, OfferDecisionDto,
  OfferEvent, Peer, Settings, Share, ShareEvent, TransferEvent, Trust
} from './ferry-dtos.ts'

export type * from './ferry-dtos.ts'

/** The last argument of every method that can take a while. */
export interface CallOptions {
  signal?: AbortSignal
}

/** Returned by every `onXxx`; stops that listener. Calling it twice is harmless. */
export type Unsubscribe = () => void

/** For hosts whose link can break (the WebSocket bridge); IPC hosts need not implement it. */
export type ConnectionStatus = 'connecting' | 'open' | 'closed'

/** Turns files dropped from the OS into absolute paths on the host; [] when it cannot. */
export type DropResolver = (files: readonly File[]) => Promise<string[]>

export interface FerryApi {
  /** Everything the UI shows, now. Called at start and after the bridge reconnects. */
  getState: (options?: CallOptions) => Promise<FerrySnapshot>

  /** Offers files and folders (absolute paths on the host) to a peer; resolves with the transfer's id once it is queued (progress arrives through onTransfer). */
  sendFiles: (peerId: string, paths: string[], options?: CallOptions) => Promise<{ transferId: string }>

  /** Sends a text message (at most 64 KiB of UTF-8) to a peer; resolves with the transfer's id once it is queued. */
  sendText: (peerId: string, text: string, options?: CallOptions) => Promise<{ transferId: string }>

  /**
   * Adds a device by what the user typed: `HOST:PORT`, `HOST:PORT/PEER_ID` or a `ferry://` link. Resolves with the
   * peer once it answered (and proved PEER_ID when given); it then stays in the list as remembered.
   * Rejects with FERRY_ERR_API_BAD_ADDRESS, FERRY_ERR_UNREACHABLE or FERRY_ERR_IDENTITY_MISMATCH.
   */
  addPeerByAddress: (text: string, options?: CallOptions) => Promise<Peer>

  /** Answers an offer; saves into settings.downloadDir. Rejects with FERRY_ERR_API_NOT_FOUND when it is gone. */
  respondToOffer: (offerId: string, decision: OfferDecisionDto, options?: CallOptions) => Promise<void>

  /** Cancels a waiting or running transfer on both sides; resolves once it is cancelled here. */
  cancelTransfer: (transferId: string, options?: CallOptions) => Promise<void>

  /** Offers a failed or cancelled send again under the same id; the receiver resumes from its partial files. */
  retryTransfer: (transferId: string, options?: CallOptions) => Promise<void>

  /** Sets the app's trust in a peer (and clears identityChanged); `autoAccept` unchanged when omitted. */
  setTrust: (peerId: string, trust: Trust, autoAccept?: boolean, options?: CallOptions) => Promise<Peer>

  /** Starts a share link for files and folders on the host. */
  createShare: (request: CreateShareRequest, options?: CallOptions) => Promise<Share>

  /** Ends a share at once; open downloads are cut. */
  revokeShare: (shareId: string, options?: CallOptions) => Promise<void>

  /** Changes some settings; resolves with all settings as saved (the host may normalise values). */
  updateSettings: (patch: Partial<Settings>, options?: CallOptions) => Promise<Settings>

  /**
   * Opens a file Ferry received (a completed received history entry's localPath) with its default application.
   * Rejects with FERRY_ERR_API_NOT_FOUND for any other path, FERRY_ERR_API_NOT_OPENABLE for a file Ferry sent or a
   * program (shown in its folder instead).
   */
  openFile: (path: string, options?: CallOptions) => Promise<void>

  /** Shows the folder of a file Ferry received or sent (a history entry's localPath) in the host's file manager. */
  showInFolder: (path: string, options?: CallOptions) => Promise<void>

  /** Asks the user for files with the host's native dialog; [] when dismissed. FERRY_ERR_API_UNSUPPORTED without a dialog. */
  pickFiles: (options?: CallOptions) => Promise<string[]>

  /** Asks the user for one folder with the host's native dialog; null when dismissed. */
  pickFolder: (options?: CallOptions) => Promise<string | null>

  /**
   * One folder of the host's disk for the UI's own file browser, where the host has no native dialog (`ferry ui`:
   * the page cannot learn paths from the browser's picker). `null` lists the home folder. Names, kinds, sizes and
   * times only, never contents. FERRY_ERR_API_UNSUPPORTED where the host does not offer it (it has native dialogs),
   * FERRY_ERR_API_UNREADABLE for a folder it cannot read, FERRY_ERR_API_NOT_FOUND for one that is not there.
   */
  listFolder: (path: string | null, options?: CallOptions) => Promise<FolderListing>

  /** Takes ended transfers off the list (all ended ones when `transferIds` is omitted); running ones stay. */
  dismissTransfers: (transferIds?: string[], options?: CallOptions) => Promise<void>

  /** Deletes history entries (all of them when `entryIds` is omitted), from memory and from disk. */
  clearHistory: (entryIds?: string[], options?: CallOptions) => Promise<void>

  /**
   * Forgets a device: off the list and out of devices.json (trust, auto-accept, remembered address), no longer probed.
   * It comes back only if it is seen again (discovery, an offer from it). FERRY_ERR_API_NOT_FOUND for an unknown id.
   */
  removePeer: (peerId: string, options?: CallOptions) => Promise<void>

  /** The whole peer list whenever it changes (it is bounded by the engine's maxPeers). */
  onPeers: (listener: (peers: Peer[]) => void) => Unsubscribe
  /** Transfers appearing, changing state and progressing. */
  onTransfer: (listener: (event: TransferEvent) => void) => Unsubscribe
  /** Offers arriving and leaving the queue. */
  onOffer: (listener: (event: OfferEvent) => void) => Unsubscribe
  /** Shares created, downloaded from, ended. */
  onShare: (listener: (event: ShareEvent) => void) => Unsubscribe
  /** A history entry written (upsert by id). */
  onHistory: (listener: (entry: HistoryEntry) => void) => Unsubscribe
  /** History entries deleted (cleared by the user, or a message's text gone at its textExpiresAt). */
  onHistoryRemoved: (listener: (event: HistoryRemovedEvent) => void) => Unsubscribe
  /** All settings after any change, whoever made it. */
  onSettings: (listener: (settings: Settings) => void) => Unsubscribe
  /** This device's info after it changed (alias, addresses). */
  onDevice: (listener: (device: DeviceInfo) => void) => Unsubscribe
  /** Problems not tied to a call. */
  onError: (listener: (event: AppErrorEvent) => void) => Unsubscribe

  /**
   * Optional: the bridge's link state. Calls the listener at once with the current state, then on every change;
   * when the link opens again after a break, the UI asks getState() for a fresh snapshot.
   */
  onConnection?: (listener: (status: ConnectionStatus) => void) => Unsubscribe

  /**
   * Optional, local to the renderer and never forwarded over a bridge: paths of files dropped from the OS. Electron's
   * preload implements it with `webUtils.getPathForFile`; a browser cannot know them, so the UI falls back to pickFiles().
   */
  resolveDroppedFiles?: DropResolver
}

/**
 * Every method that crosses a bridge, with the number of data arguments before its `options`. A bridge sends
 * exactly that many arguments and nothing else; a host refuses unknown names and other counts.
 */
export const ferryApiMethods = {
  getState: 0,
  sendFiles: 2,
  sendText: 2,
  addPeerByAddress: 1,
  respondToOffer: 2,
  cancelTransfer: 1,
  retryTransfer: 1,
  setTrust: 3,
  createShare: 1,
  revokeShare: 1,
  updateSettings: 1,
  openFile: 1,
  showInFolder: 1,
  pickFiles: 0,
  pickFolder: 0,
  listFolder: 1,
  dismissTransfers: 1,
  clearHistory: 1,
  removePeer: 1
} as const satisfies Record<FerryMethodName, number>

/** The methods that cross a bridge: everything but the events and the renderer-local hooks. */
export type FerryMethodName = Exclude<keyof FerryApi, `on${string}` | 'resolveDroppedFiles'>

/** The payload type of each event, by its name on the wire (`onPeers` is `peers`). */
export interface FerryEventMap {
  peers: Peer[]
  transfer: TransferEvent
  offer: OfferEvent
  share: ShareEvent
  history: HistoryEntry
  historyRemoved: HistoryRemovedEvent
  settings: Settings
  device: DeviceInfo
  error: AppErrorEvent
}

export type FerryEventName = keyof FerryEventMap

/** Every event a bridge forwards, by its wire name. */
export const ferryApiEvents = ['peers', 'transfer', 'offer', 'share', 'history', 'historyRemoved', 'settings', 'device', 'error'] as const satisfies readonly FerryEventName[]
