// The composition of Ferry's app layer: one FerryNode (p2p-core), one lazily started share server (http-share),
// settings, history and the peer list, driven through FerryApi. Electron main and `ferry ui` each build exactly
// one FerryService in their composition root and put a bridge in front of it; the bridge forwards arguments
// untouched, and every method here validates them first (validate.ts).

import {
  FerryNode, createQuicTransport, ferryLink, loadOrCreateIdentity, parsePeerTarget, reachableHosts, silentLogger, type DiscoveredPeer,
  type Discovery, type DiscoveryOptions, type FerryLimits, type Transport, type Logger
} from '@ferry/p2p-core'
import {
  ApiError, abortedError, apiErrorCodes, SNAPSHOT_HISTORY_ENTRIES, type CallOptions, type CreateShareRequest,
  type DeviceInfo, type FerryApi, type FerryEventMap, type FerrySnapshot, type FolderListing, type OfferDecisionDto, type Peer,
  type PeerAddressDto, type Settings, type Share, type Trust, type Unsubscribe
} from '@ferry/api'
import { startDiscovery } from './discovery.ts'
import { checkDownloadDir } from './download-dir.ts'
import { EventHub } from './event-hub.ts'
import { listFolder, type FolderBrowserLimits } from './folder-browser.ts'
import { openHistoryStore, type HistoryStore } from './history-store.ts'
import { openablePath } from './open-policy.ts'
import { LocalSendSide, type LocalSendOptions } from './localsend.ts'
import { PeerBook } from './peers.ts'
import { defaultSettings, openSettingsStore, type SettingsStore } from './settings-store.ts'
import { Shares } from './shares.ts'
import { Transfers, notFound } from './transfers.ts'
import { TrustStore } from './trust/trust-store.ts'
import {
  checkAddress, checkDecision, checkId, checkIds, checkOptionalBoolean, checkPath, checkPaths, checkPeerId, checkSettingsPatch,
  checkShareRequest, checkText, checkTrust
} from './validate.ts'

/** What the host can do that a plain server cannot: native dialogs and the shell. Omitted ones are unsupported. */
export interface HostHooks {
  pickFiles?: () => Promise<string[]>
  pickFolder?: () => Promise<string | null>
  openPath?: (path: string) => Promise<void>
  showInFolder?: (path: string) => Promise<void>
}

export interface FerryServiceInit extends HostHooks {
  /** Holds identity.key, settings.json and history.json. */
  configDir: string
  /** downloadDir until the user changes it in settings. Default ~/Downloads/Ferry. */
  downloadDir?: string
  /** Where the engine listens (QUIC, UDP). Default host 0.0.0.0; default port the one in settings. */
  listen?: { host: string, port?: number }
  /** Where share links are served (TCP). Default 0.0.0.0. */
  shareHost?: string
  /**
   * Announce this device and look for others over mDNS. Remembered devices and those added by address are probed
   * directly either way. No default: every composition root decides (tests and loopback-only hosts say false, so
   * nothing is multicast onto a real network).
   */
  mdns: boolean
  /**
   * Where a bundled app (Electron) put the files that otherwise sit beside the workspace's sources: the BLAKE3
   * worker built from p2p-core's hash-worker.ts, and a folder with http-share's sharePageFiles().
   */
  bundled?: { hashWorkerUrl: URL, sharePageDir: URL }
  /**
   * Speak LocalSend too (issue 18): a LocalSend server beside the engine, and its discovery. Off when omitted; a taken
   * port is logged and Ferry goes on without it.
   */
  localsend?: LocalSendOptions
  /** For tests: wraps the engine's QUIC transport (fault injection with @ferry/p2p-core/testing). */
  wrapTransport?: (transport: Transport) => Transport
  /** p2p-core limits besides filesInFlight (which settings hold); p2p-core's defaults otherwise. For tests. */
  engineLimits?: Partial<FerryLimits>
  /** Discovery's timings (probe interval, peer TTL); p2p-core's defaults otherwise. For tests. */
  discoveryTuning?: Partial<DiscoveryOptions>
  /**
   * Answer listFolder, for the UI's own file browser: a host without native dialogs (`ferry ui`) says true. Default
   * false (listFolder is FERRY_ERR_API_UNSUPPORTED and the UI uses pickFiles/pickFolder).
   */
  browseFolders?: boolean
  /** listFolder's bounds; defaultFolderBrowserLimits otherwise. */
  folderBrowserLimits?: Partial<FolderBrowserLimits>
  /** How long a message's text stays in History, in ms; TEXT_RETENTION_MS (24 hours) otherwise. */
  textRetentionMs?: number
  logger?: Logger
}

export interface FerryService extends FerryApi {
  /** Where LocalSend devices reach this one (its server's port, protocol and certificate), when LocalSend is on. */
  localSendInfo: () => { port: number, protocol: 'http' | 'https', fingerprint: string } | undefined
  /** Stops the engine and the share server; running transfers are cancelled, waiting offers declined. */
  close: () => Promise<void>
}

const unsupported = (what: string): ApiError => new ApiError({ name: 'UnsupportedError', code: apiErrorCodes.unsupported, message: `This host cannot ${what}` })

/** Runs `work` unless the signal fires first; the signal is also handed to work that can stop early. */
async function guarded<T> (options: CallOptions | undefined, work: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  const signal = options?.signal
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new ApiError({ name: 'InvalidArgumentError', code: apiErrorCodes.invalidArgument, message: 'options.signal must be an AbortSignal' })
  if (signal?.aborted === true) throw abortedError()
  if (signal === undefined) return await work(undefined)
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => { reject(abortedError()) }
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([work(signal), aborted])
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort)
  }
}

export async function createFerryService (init: FerryServiceInit): Promise<FerryService> {
  const logger = init.logger ?? silentLogger
  const report = (err: unknown): void => { logger.error('saving failed', err) }
  const settings = await openSettingsStore(init.configDir, defaultSettings(init.downloadDir), report)
  const hub = new EventHub(logger)
  const history = await openHistoryStore(init.configDir, report, {
    ...(init.textRetentionMs === undefined ? {} : { textRetentionMs: init.textRetentionMs }),
    onTextRemoved: (entry) => { hub.emit('history', entry) }
  })
  const identity = await loadOrCreateIdentity(init.configDir)
  const store = await TrustStore.open(init.configDir)
  if (store.warning !== undefined) logger.warn(store.warning)
  const start = settings.get()
  const node = await FerryNode.create({
    identity, alias: start.alias, deviceType: 'desktop', logger,
    listen: { host: init.listen?.host ?? '0.0.0.0', port: init.listen?.port ?? start.port },
    limits: { ...init.engineLimits, filesInFlight: start.filesInFlight },
    ...(init.wrapTransport === undefined ? {} : { transport: init.wrapTransport(await createQuicTransport({ identity })) }),
    ...(init.bundled === undefined ? {} : { hashWorkerUrl: init.bundled.hashWorkerUrl })
  })
  const service = new Service(init, { logger, hub, settings, history, node, store })
  await service.startLocalSend()
  return service
}

class Service implements FerryService {
  readonly #init: FerryServiceInit
  readonly #node: FerryNode
  readonly #settings: SettingsStore
  readonly #history: HistoryStore
  readonly #hub: EventHub
  readonly #peers: PeerBook
  readonly #transfers: Transfers
  readonly #shares: Shares
  readonly #discovery: Discovery
  readonly #logger: Logger
  #localsend: LocalSendSide | undefined
  #device: DeviceInfo
  #closed = false

  constructor (init: FerryServiceInit, parts: { logger: Logger, hub: EventHub, settings: SettingsStore, history: HistoryStore, node: FerryNode, store: TrustStore }) {
    this.#init = init
    this.#node = parts.node
    this.#settings = parts.settings
    this.#history = parts.history
    this.#hub = parts.hub
    this.#peers = new PeerBook({ hub: this.#hub, store: parts.store, logger: parts.logger })
    this.#logger = parts.logger
    this.#transfers = new Transfers({
      node: this.#node, hub: this.#hub, peers: this.#peers, history: this.#history, settings: () => this.#settings.get(), logger: parts.logger,
      localsend: () => this.#localsend
    })
    this.#shares = new Shares({
      hub: this.#hub, logger: parts.logger, hashPool: this.#node.hashPool, ...(init.shareHost === undefined ? {} : { host: init.shareHost }),
      ...(init.bundled === undefined ? {} : { pageDir: init.bundled.sharePageDir }),
      onUpload: (offer, from) => { this.#transfers.offered(offer, from) },
      ownerName: () => this.#settings.get().alias
    })
    // Where other devices can reach this one (p2p-core's rule, the CLI's too); the link shows the first.
    const { port } = this.#node.address
    const addresses: PeerAddressDto[] = reachableHosts(this.#node.address.host).map((host) => ({ host, port }))
    const first = addresses[0]
    this.#device = {
      peerId: this.#node.peerId, shortCode: this.#node.shortCode, alias: this.#settings.get().alias, deviceType: this.#node.deviceType, addresses,
      ...(first === undefined ? {} : { link: ferryLink({ address: first, peerId: this.#node.peerId }) })
    }
    this.#discovery = startDiscovery(this.#node, parts.store, {
      advertise: init.mdns, browse: init.mdns, ...(init.discoveryTuning === undefined ? {} : { tuning: init.discoveryTuning })
    })
    const sighted = (peer: DiscoveredPeer): void => {
      this.#peers.seen({
        peerId: peer.peerId, addresses: peer.addresses,
        ...(peer.alias === undefined ? {} : { alias: peer.alias }), ...(peer.deviceType === undefined ? {} : { deviceType: peer.deviceType })
      })
    }
    this.#discovery.on('appeared', sighted)
    this.#discovery.on('updated', sighted)
    this.#discovery.on('gone', (peer) => { this.#peers.lost(peer.peerId) })
    this.#node.on('offer', (offer) => {
      const from = offer.from
      this.#peers.seen({ peerId: from.peerId, ...(from.alias === undefined ? {} : { alias: from.alias }), ...(from.deviceType === undefined ? {} : { deviceType: from.deviceType }) })
      this.#transfers.offered(offer, { kind: 'device', id: from.peerId, shortCode: from.shortCode, ...(from.alias === undefined ? {} : { name: from.alias }) }, this.#node.limits.answerTimeoutMs)
    })
  }

  /** The LocalSend side, when asked for: its devices are peers, its offers go to the same policy. */
  async startLocalSend (): Promise<void> {
    const options = this.#init.localsend
    if (options === undefined) return
    try {
      this.#localsend = await LocalSendSide.start({
        configDir: this.#init.configDir,
        alias: () => this.#settings.get().alias,
        options,
        logger: this.#logger,
        onSeen: (sighting) => { this.#peers.seen(sighting) },
        onOffer: (offer) => {
          const from = offer.from
          this.#peers.seen({ peerId: from.peerId, addresses: [from.address], ...(from.alias === undefined ? {} : { alias: from.alias }), ...(from.deviceType === undefined ? {} : { deviceType: from.deviceType }) })
          this.#transfers.offered(offer, { kind: 'device', id: from.peerId, shortCode: from.shortCode, ...(from.alias === undefined ? {} : { name: from.alias }) })
        }
      })
    } catch (err) {
      this.#logger.warn('LocalSend is off:', (err as Error).message)
    }
  }

  localSendInfo = (): { port: number, protocol: 'http' | 'https', fingerprint: string } | undefined => {
    const server = this.#localsend?.server
    return server === undefined ? undefined : { port: server.port, protocol: server.protocol, fingerprint: server.info.fingerprint }
  }

  /** Every method starts here: refuses calls after close(). */
  #open (): void {
    if (this.#closed) throw new ApiError({ name: 'DisconnectedError', code: apiErrorCodes.disconnected, message: 'Ferry has been closed' })
  }

  getState = async (options?: CallOptions): Promise<FerrySnapshot> => await guarded(options, async () => {
    this.#open()
    return {
      device: structuredClone(this.#device), peers: this.#peers.list(), transfers: this.#transfers.list(), offers: this.#transfers.offers(),
      shares: this.#shares.list(), history: this.#history.list().slice(0, SNAPSHOT_HISTORY_ENTRIES), settings: this.#settings.get()
    }
  })

  sendFiles = async (peerId: string, paths: string[], options?: CallOptions): Promise<{ transferId: string }> => await guarded(options, async () => {
    const id = checkPeerId(peerId)
    const checked = checkPaths(paths)
    this.#open()
    return { transferId: await this.#transfers.send(id, checked) }
  })

  sendText = async (peerId: string, text: string, options?: CallOptions): Promise<{ transferId: string }> => await guarded(options, async () => {
    const id = checkPeerId(peerId)
    const checked = checkText(text)
    this.#open()
    return { transferId: await this.#transfers.send(id, [], checked) }
  })

  addPeerByAddress = async (text: string, options?: CallOptions): Promise<Peer> => await guarded(options, async (signal) => {
    const typed = checkAddress(text)
    this.#open()
    let target: ReturnType<typeof parsePeerTarget>
    try {
      target = parsePeerTarget(typed)
    } catch (err) {
      throw new ApiError({ name: 'BadAddressError', code: apiErrorCodes.badAddress, message: err instanceof Error ? err.message : 'Not an address' })
    }
    // Discovery keeps probing it from now on, so it shows online and offline like a discovered device.
    const found = await this.#discovery.addManual(target, signal === undefined ? {} : { signal })
    return this.#peers.seen({
      peerId: found.peerId, addresses: [target.address], remember: true,
      ...(found.alias === undefined ? {} : { alias: found.alias }), ...(found.deviceType === undefined ? {} : { deviceType: found.deviceType })
    })
  })

  respondToOffer = async (offerId: string, decision: OfferDecisionDto, options?: CallOptions): Promise<void> => await guarded(options, async () => {
    const id = checkId(offerId, 'offerId')
    const checked = checkDecision(decision)
    this.#open()
    await this.#transfers.respond(id, checked)
  })

  cancelTransfer = async (transferId: string, options?: CallOptions): Promise<void> => await guarded(options, async () => {
    const id = checkId(transferId, 'transferId')
    this.#open()
    await this.#transfers.cancel(id)
  })

  retryTransfer = async (transferId: string, options?: CallOptions): Promise<void> => await guarded(options, async () => {
    const id = checkId(transferId, 'transferId')
    this.#open()
    this.#transfers.retry(id)
  })

  setTrust = async (peerId: string, trust: Trust, autoAccept?: boolean, options?: CallOptions): Promise<Peer> => await guarded(options, async () => {
    const id = checkPeerId(peerId)
    const level = checkTrust(trust)
    const auto = checkOptionalBoolean(autoAccept, 'autoAccept')
    this.#open()
    const peer = await this.#peers.setTrust(id, level, auto, this.#settings.get().downloadDir)
    if (peer === undefined) throw notFound('That device')
    return peer
  })

  createShare = async (request: CreateShareRequest, options?: CallOptions): Promise<Share> => await guarded(options, async (signal) => {
    const checked = checkShareRequest(request)
    this.#open()
    return await this.#shares.create(checked, signal)
  })

  revokeShare = async (shareId: string, options?: CallOptions): Promise<void> => await guarded(options, async () => {
    const id = checkId(shareId, 'shareId')
    this.#open()
    await this.#shares.revoke(id)
  })

  updateSettings = async (patch: Partial<Settings>, options?: CallOptions): Promise<Settings> => await guarded(options, async () => {
    const checked = checkSettingsPatch(patch)
    this.#open()
    if (checked.downloadDir !== undefined) await checkDownloadDir(checked.downloadDir)
    const saved = await this.#settings.update(checked)
    this.#hub.emit('settings', saved)
    // Name and files in flight apply at once; a new port only when the engine next starts (it is bound now).
    if (saved.filesInFlight !== this.#node.limits.filesInFlight) this.#node.setLimits({ filesInFlight: saved.filesInFlight })
    if (saved.alias !== this.#device.alias) {
      this.#node.setAlias(saved.alias)
      await this.#discovery.setAlias(this.#node.alias)
      this.#device = { ...this.#device, alias: this.#node.alias }
      this.#hub.emit('device', structuredClone(this.#device))
    }
    return saved
  })

  openFile = async (path: string, options?: CallOptions): Promise<void> => await guarded(options, async () => {
    const checked = checkPath(path)
    this.#open()
    if (this.#init.openPath === undefined) throw unsupported('open files')
    await this.#init.openPath(await openablePath(this.#history.list(), checked, 'open'))
  })

  showInFolder = async (path: string, options?: CallOptions): Promise<void> => await guarded(options, async () => {
    const checked = checkPath(path)
    this.#open()
    if (this.#init.showInFolder === undefined) throw unsupported('show files in a folder')
    await this.#init.showInFolder(await openablePath(this.#history.list(), checked, 'show'))
  })

  pickFiles = async (options?: CallOptions): Promise<string[]> => await guarded(options, async () => {
    this.#open()
    if (this.#init.pickFiles === undefined) throw unsupported('show a file dialog')
    return await this.#init.pickFiles()
  })

  pickFolder = async (options?: CallOptions): Promise<string | null> => await guarded(options, async () => {
    this.#open()
    if (this.#init.pickFolder === undefined) throw unsupported('show a folder dialog')
    return await this.#init.pickFolder()
  })

  listFolder = async (path: string | null, options?: CallOptions): Promise<FolderListing> => await guarded(options, async (signal) => {
    const checked = path === null ? null : checkPath(path)
    this.#open()
    if (this.#init.browseFolders !== true) throw unsupported('list folders: it shows its own file dialogs')
    return await listFolder(checked, {
      downloadDir: this.#settings.get().downloadDir, ...(this.#init.folderBrowserLimits === undefined ? {} : { limits: this.#init.folderBrowserLimits }),
      ...(signal === undefined ? {} : { signal })
    })
  })

  dismissTransfers = async (transferIds?: string[], options?: CallOptions): Promise<void> => await guarded(options, async () => {
    const ids = transferIds === undefined ? undefined : checkIds(transferIds, 'transferIds')
    this.#open()
    this.#transfers.dismiss(ids)
  })

  clearHistory = async (entryIds?: string[], options?: CallOptions): Promise<void> => await guarded(options, async () => {
    const ids = entryIds === undefined ? undefined : checkIds(entryIds, 'entryIds')
    this.#open()
    const gone = await this.#history.remove(ids)
    if (gone.length > 0) this.#hub.emit('historyRemoved', { entryIds: gone })
  })

  removePeer = async (peerId: string, options?: CallOptions): Promise<void> => await guarded(options, async () => {
    const id = checkPeerId(peerId)
    this.#open()
    this.#discovery.forget(id)
    if (!await this.#peers.remove(id)) throw notFound('That device')
  })

  #on = <E extends keyof FerryEventMap>(event: E) => (listener: (payload: FerryEventMap[E]) => void): Unsubscribe => {
    if (typeof listener !== 'function') throw new TypeError('A listener must be a function')
    return this.#hub.on(event, listener)
  }

  onPeers = this.#on('peers')
  onTransfer = this.#on('transfer')
  onOffer = this.#on('offer')
  onShare = this.#on('share')
  onHistory = this.#on('history')
  onHistoryRemoved = this.#on('historyRemoved')
  onSettings = this.#on('settings')
  onDevice = this.#on('device')
  onError = this.#on('error')

  close = async (): Promise<void> => {
    if (this.#closed) return
    this.#closed = true
    await this.#transfers.close()
    await this.#shares.close()
    await this.#localsend?.close()
    await this.#discovery.close()
    await this.#node.close()
    this.#history.close()
    await Promise.all([this.#settings.flush(), this.#history.flush(), this.#peers.flush()])
    this.#hub.close()
  }
}
