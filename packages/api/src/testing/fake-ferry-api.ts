// An in-memory FerryApi: no engine, no timers, no randomness. Component tests drive it like an engine would
// (`fake.emitOffer(...)`, `fake.progress(...)`, `fake.completeTransfer(...)`) and read what the UI asked of it in
// `fake.calls`; the UI's demo page (packages/ui/src/demo) seeds it and moves it along with a timer. Every value it hands out
// goes through a JSON round trip, so a non-JSON DTO would show up here first.

import { ApiError, abortedError, apiErrorCodes } from '../api-error.ts'
import type {
  AppErrorEvent, CallOptions, ConnectionStatus, CreateShareRequest, DeviceInfo, DropResolver, FerryApi, FerryErrorDto, FolderEntry, FolderListing,
  FerryEventMap, FerryEventName, FerryMethodName, FerrySnapshot, HistoryEntry, IncomingOfferDto, OfferDecisionDto,
  OfferEndReason, Peer, Settings, Share, ShareDownload, Transfer, TransferFile, TransferProgressDto, Trust
} from '../ferry-api.ts'
import { FAKE_NOW, fakeDevice, fakeOffer, fakeSettings, fakeTransfer, partyOf } from './fake-fixtures.ts'

export interface FakeFerryInit {
  device?: DeviceInfo
  peers?: Peer[]
  transfers?: Transfer[]
  offers?: IncomingOfferDto[]
  shares?: Share[]
  history?: HistoryEntry[]
  settings?: Settings
  /** Clock for startedAt/expiresAt; fixed at FAKE_NOW unless given. */
  now?: () => number
  /** Size the fake gives a file it is asked to send; deterministic by default. */
  sizeOf?: (path: string) => number
}

export interface FakeCall {
  method: FerryMethodName
  args: unknown[]
}

type Listeners = { [E in FerryEventName]: Set<(payload: FerryEventMap[E]) => void> }

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T
const baseName = (path: string): string => path.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? path
const fail = (code: string, message: string): ApiError => new ApiError({ name: 'FerryError', code, message })

export class FakeFerryApi implements FerryApi {
  /** Every method call, in order, with its data arguments (options left out). */
  readonly calls: FakeCall[] = []
  pickFilesResult: string[] = []
  pickFolderResult: string | null = null
  /**
   * The host disk listFolder() reads, by absolute folder path (a test or the demo sets it, with pickFiles failing as
   * FERRY_ERR_API_UNSUPPORTED, to play `ferry ui`). Unset: listFolder is unsupported, like a host with native dialogs.
   */
  disk?: Record<string, FolderEntry[]>
  /** Unset, like a browser host; a test sets it to play Electron's webUtils. */
  resolveDroppedFiles?: DropResolver

  readonly #now: () => number
  readonly #sizeOf: (path: string) => number
  readonly #listeners: Listeners = {
    peers: new Set(), transfer: new Set(), offer: new Set(), share: new Set(), history: new Set(), historyRemoved: new Set(), settings: new Set(), device: new Set(), error: new Set()
  }

  readonly #connectionListeners = new Set<(status: ConnectionStatus) => void>()
  readonly #failures = new Map<FerryMethodName, FerryErrorDto>()
  #device: DeviceInfo
  #peers: Peer[]
  #transfers: Transfer[]
  #offers: IncomingOfferDto[]
  #shares: Share[]
  #history: HistoryEntry[]
  #settings: Settings
  #nextId = 1
  #connection: ConnectionStatus = 'open'

  constructor (init: FakeFerryInit = {}) {
    this.#now = init.now ?? (() => FAKE_NOW)
    this.#sizeOf = init.sizeOf ?? ((path) => 250_000 * (path.length % 9 + 1))
    this.#device = json(init.device ?? fakeDevice())
    this.#peers = json(init.peers ?? [])
    this.#transfers = json(init.transfers ?? [])
    this.#offers = json(init.offers ?? [])
    this.#shares = json(init.shares ?? [])
    this.#history = json(init.history ?? [])
    this.#settings = json(init.settings ?? fakeSettings({ alias: this.#device.alias }))
  }

  // ---- what tests read ----

  /** The data arguments of every call to `method`, in order. */
  callsTo (method: FerryMethodName): unknown[][] {
    return this.calls.filter((call) => call.method === method).map((call) => call.args)
  }

  listenerCount (event: FerryEventName): number {
    return this.#listeners[event].size
  }

  transfer (id: string): Transfer | undefined {
    return this.#transfers.find((t) => t.id === id)
  }

  transfers (): Transfer[] {
    return json(this.#transfers)
  }

  // ---- FerryApi ----

  async getState (options?: CallOptions): Promise<FerrySnapshot> {
    this.#begin('getState', [], options)
    return json({
      device: this.#device, peers: this.#peers, transfers: this.#transfers, offers: this.#offers,
      shares: this.#shares, history: this.#history, settings: this.#settings
    })
  }

  async sendFiles (peerId: string, paths: string[], options?: CallOptions): Promise<{ transferId: string }> {
    this.#begin('sendFiles', [peerId, paths], options)
    const peer = this.#peer(peerId)
    if (paths.length === 0) throw fail('FERRY_ERR_NOTHING_TO_SEND', 'Nothing to send')
    const files: TransferFile[] = paths.map((path, id) => ({ id, path: baseName(path), size: this.#sizeOf(path), bytesDone: 0, status: 'pending' }))
    const transfer = this.startTransfer({ id: this.#id('t'), direction: 'send', peer: partyOf(peer), files, fileCount: files.length, status: 'waiting', totalBytes: files.reduce((s, f) => s + f.size, 0) })
    return { transferId: transfer.id }
  }

  async sendText (peerId: string, text: string, options?: CallOptions): Promise<{ transferId: string }> {
    this.#begin('sendText', [peerId, text], options)
    const peer = this.#peer(peerId)
    if (text.trim() === '') throw fail('FERRY_ERR_NOTHING_TO_SEND', 'Nothing to send')
    const transfer = this.startTransfer({ id: this.#id('t'), direction: 'send', peer: partyOf(peer), files: [], fileCount: 0, totalBytes: 0, text, status: 'waiting' })
    return { transferId: transfer.id }
  }

  async addPeerByAddress (text: string, options?: CallOptions): Promise<Peer> {
    this.#begin('addPeerByAddress', [text], options)
    const match = /^(?:ferry:\/\/)?([^:/\s]+):(\d{1,5})(?:\/([1-9A-HJ-NP-Za-km-z]{40,100}))?\/?$/.exec(text.trim())
    if (match === null) throw fail(apiErrorCodes.badAddress, `"${text}" is not HOST:PORT[/DEVICE_ID]`)
    const [, host = '', port = '0', id] = match
    const peer: Peer = {
      id: id ?? `12D3KooWManualPeer${String(this.#nextId++).padStart(32, '0')}`,
      deviceType: 'unknown', shortCode: 'MANU-AL00', addresses: [{ host, port: Number(port) }],
      trust: 'unknown', autoAccept: false, identityChanged: false, online: true, lastSeen: this.#now()
    }
    this.upsertPeer(peer)
    return json(peer)
  }

  async respondToOffer (offerId: string, decision: OfferDecisionDto, options?: CallOptions): Promise<void> {
    this.#begin('respondToOffer', [offerId, decision], options)
    const offer = this.#offers.find((o) => o.id === offerId)
    if (offer === undefined) throw fail(apiErrorCodes.notFound, 'That offer is gone')
    this.withdrawOffer(offerId, 'answered')
    if (!decision.accept) {
      this.emitHistory({ id: this.#id('h'), transferId: offer.id, direction: 'received', peer: offer.from, status: 'declined', files: offer.files.map(({ path, size }) => ({ path, size })), totalBytes: offer.totalBytes, at: this.#now(), ...(offer.text === undefined ? {} : { text: offer.text }) })
      return
    }
    if (decision.trust === true && offer.from.kind === 'device') this.#setTrust(offer.from.id, 'trusted')
    const taken = new Set(decision.fileIds ?? offer.files.map((f) => f.id))
    const files: TransferFile[] = offer.files.map((f) => ({ ...f, bytesDone: 0, status: taken.has(f.id) ? 'pending' : 'skipped' }))
    this.startTransfer({
      id: offer.id, direction: 'receive', peer: offer.from, files, fileCount: files.length, status: 'running',
      totalBytes: files.filter((f) => f.status !== 'skipped').reduce((s, f) => s + f.size, 0),
      ...(offer.text === undefined ? {} : { text: offer.text })
    })
  }

  async cancelTransfer (transferId: string, options?: CallOptions): Promise<void> {
    this.#begin('cancelTransfer', [transferId], options)
    const t = this.#transfer(transferId)
    this.#upsertTransfer({ ...t, status: 'cancelled', rate: 0, etaSeconds: null, canRetry: t.direction === 'send', endedAt: this.#now(), error: { name: 'CancelledError', code: 'FERRY_ERR_CANCELLED', message: 'The transfer was cancelled' } })
  }

  async retryTransfer (transferId: string, options?: CallOptions): Promise<void> {
    this.#begin('retryTransfer', [transferId], options)
    const { error: _error, endedAt: _endedAt, ...t } = this.#transfer(transferId)
    if (!t.canRetry) throw fail(apiErrorCodes.invalidArgument, 'This transfer cannot be retried')
    this.#upsertTransfer({ ...t, status: 'waiting', canRetry: false })
  }

  async setTrust (peerId: string, trust: Trust, autoAccept?: boolean, options?: CallOptions): Promise<Peer> {
    this.#begin('setTrust', autoAccept === undefined ? [peerId, trust] : [peerId, trust, autoAccept], options)
    this.#peer(peerId)
    return json(this.#setTrust(peerId, trust, autoAccept))
  }

  async createShare (request: CreateShareRequest, options?: CallOptions): Promise<Share> {
    this.#begin('createShare', [request], options)
    if (request.paths.length === 0) throw fail('FERRY_ERR_NOTHING_TO_SEND', 'Nothing to share')
    const id = this.#id('s')
    const token = `tok${id}`.padEnd(22, 'x')
    const files = request.paths.map((path, fileId) => ({ id: fileId, path: baseName(path), size: this.#sizeOf(path) }))
    const share: Share = {
      id, name: request.name ?? (request.paths.length === 1 ? baseName(request.paths[0] as string) : 'Ferry share'),
      urls: [`http://192.168.1.10:47000/s/${token}`, `http://127.0.0.1:47000/s/${token}`],
      ...(request.pin ? { pin: '482913' } : {}),
      expiresAt: this.#now() + request.expiresInMs, allowUpload: request.allowUpload, files,
      totalBytes: files.reduce((s, f) => s + f.size, 0), status: 'active', createdAt: this.#now(), downloads: []
    }
    this.upsertShare(share)
    return json(share)
  }

  async revokeShare (shareId: string, options?: CallOptions): Promise<void> {
    this.#begin('revokeShare', [shareId], options)
    const share = this.#shares.find((s) => s.id === shareId)
    if (share === undefined) throw fail(apiErrorCodes.notFound, 'No such share')
    this.upsertShare({ ...share, status: 'revoked' })
  }

  async updateSettings (patch: Partial<Settings>, options?: CallOptions): Promise<Settings> {
    this.#begin('updateSettings', [patch], options)
    const next = { ...this.#settings, ...patch }
    const invalid = next.alias.trim() === '' || next.alias.length > 64 || !Number.isInteger(next.port) || next.port < 0 ||
      next.port > 65535 || !Number.isInteger(next.filesInFlight) || next.filesInFlight < 1 || next.filesInFlight > 64
    if (invalid) throw fail(apiErrorCodes.invalidArgument, 'A setting is out of range')
    this.#settings = next
    this.#emit('settings', next)
    if (next.alias !== this.#device.alias) this.emitDevice({ ...this.#device, alias: next.alias })
    return json(next)
  }

  async openFile (path: string, options?: CallOptions): Promise<void> {
    this.#begin('openFile', [path], options)
  }

  async showInFolder (path: string, options?: CallOptions): Promise<void> {
    this.#begin('showInFolder', [path], options)
  }

  async pickFiles (options?: CallOptions): Promise<string[]> {
    this.#begin('pickFiles', [], options)
    return [...this.pickFilesResult]
  }

  async pickFolder (options?: CallOptions): Promise<string | null> {
    this.#begin('pickFolder', [], options)
    return this.pickFolderResult
  }

  async listFolder (path: string | null, options?: CallOptions): Promise<FolderListing> {
    this.#begin('listFolder', [path], options)
    const disk = this.disk
    if (disk === undefined) throw fail(apiErrorCodes.unsupported, 'This host shows native dialogs')
    const home = '/home/user'
    const at = path ?? home
    const entries = disk[at]
    if (entries === undefined) throw fail(apiErrorCodes.notFound, `No folder ${at}`)
    const cut = at.lastIndexOf('/')
    const parent = at === '/' ? undefined : cut <= 0 ? '/' : at.slice(0, cut)
    return json({
      path: at, ...(parent === undefined ? {} : { parent }), entries, more: 0, separator: '/',
      places: [{ name: 'Home', path: home }, ...Object.keys(disk).filter((p) => p.startsWith(`${home}/`) && p.split('/').length === 4).map((p) => ({ name: baseName(p), path: p }))]
    })
  }

  async dismissTransfers (transferIds?: string[], options?: CallOptions): Promise<void> {
    this.#begin('dismissTransfers', [transferIds], options)
    const ids = this.#transfers.filter((t) => t.status !== 'waiting' && t.status !== 'running' && (transferIds === undefined || transferIds.includes(t.id))).map((t) => t.id)
    this.#transfers = this.#transfers.filter((t) => !ids.includes(t.id))
    if (ids.length > 0) this.#emit('transfer', { type: 'removed', transferIds: ids })
  }

  async clearHistory (entryIds?: string[], options?: CallOptions): Promise<void> {
    this.#begin('clearHistory', [entryIds], options)
    const ids = this.#history.filter((h) => entryIds === undefined || entryIds.includes(h.id)).map((h) => h.id)
    this.#history = this.#history.filter((h) => !ids.includes(h.id))
    if (ids.length > 0) this.#emit('historyRemoved', { entryIds: ids })
  }

  async removePeer (peerId: string, options?: CallOptions): Promise<void> {
    this.#begin('removePeer', [peerId], options)
    this.#peer(peerId)
    this.setPeers(this.#peers.filter((p) => p.id !== peerId))
  }

  onPeers (listener: (peers: Peer[]) => void): () => void { return this.#on('peers', listener) }
  onTransfer (listener: (event: FerryEventMap['transfer']) => void): () => void { return this.#on('transfer', listener) }
  onOffer (listener: (event: FerryEventMap['offer']) => void): () => void { return this.#on('offer', listener) }
  onShare (listener: (event: FerryEventMap['share']) => void): () => void { return this.#on('share', listener) }
  onHistory (listener: (entry: HistoryEntry) => void): () => void { return this.#on('history', listener) }
  onHistoryRemoved (listener: (event: FerryEventMap['historyRemoved']) => void): () => void { return this.#on('historyRemoved', listener) }
  onSettings (listener: (settings: Settings) => void): () => void { return this.#on('settings', listener) }
  onDevice (listener: (device: DeviceInfo) => void): () => void { return this.#on('device', listener) }
  onError (listener: (event: AppErrorEvent) => void): () => void { return this.#on('error', listener) }

  onConnection (listener: (status: ConnectionStatus) => void): () => void {
    this.#connectionListeners.add(listener)
    listener(this.#connection)
    return () => { this.#connectionListeners.delete(listener) }
  }

  // ---- what tests and the demo drive, as the engine would ----

  /** The next call to `method` rejects with this error (once). */
  failNext (method: FerryMethodName, error: FerryErrorDto): void {
    this.#failures.set(method, error)
  }

  setPeers (peers: Peer[]): void {
    this.#peers = json(peers)
    this.#emit('peers', this.#peers)
  }

  upsertPeer (peer: Peer): void {
    const others = this.#peers.filter((p) => p.id !== peer.id)
    this.setPeers(this.#peers.some((p) => p.id === peer.id) ? this.#peers.map((p) => p.id === peer.id ? peer : p) : [...others, peer])
  }

  emitOffer (patch: Partial<IncomingOfferDto> = {}): IncomingOfferDto {
    const offer = json(fakeOffer({ id: this.#id('offer'), receivedAt: this.#now(), ...patch }))
    this.#offers = [...this.#offers, offer]
    this.#emit('offer', { type: 'added', offer })
    return offer
  }

  withdrawOffer (offerId: string, reason: OfferEndReason = 'withdrawn'): void {
    this.#offers = this.#offers.filter((o) => o.id !== offerId)
    this.#emit('offer', { type: 'removed', offerId, reason })
  }

  /** A transfer appears (or is replaced), as when a send starts or an offer is accepted. */
  startTransfer (patch: Partial<Transfer> = {}): Transfer {
    const transfer = json(fakeTransfer({ id: this.#id('t'), startedAt: this.#now(), ...patch }))
    this.#upsertTransfer(transfer)
    return transfer
  }

  /** Progress of a transfer: overall bytes, and optionally per-file numbers. */
  progress (id: string, bytesDone: number, extra: Partial<Omit<TransferProgressDto, 'id' | 'bytesDone'>> = {}): void {
    const t = this.#transfer(id)
    const event: TransferProgressDto = { id, bytesDone, totalBytes: t.totalBytes, rate: extra.rate ?? 0, etaSeconds: extra.etaSeconds ?? null, ...(extra.files === undefined ? {} : { files: extra.files }) }
    const files = t.files.map((f) => ({ ...f, ...extra.files?.find((p) => p.id === f.id) }))
    if (t.status === 'waiting') this.#upsertTransfer({ ...t, status: 'running' })
    this.#transfers = this.#transfers.map((x) => x.id === id ? { ...x, status: 'running', bytesDone, rate: event.rate, etaSeconds: event.etaSeconds, files } : x)
    this.#emit('transfer', { type: 'progress', progress: json(event) })
  }

  completeTransfer (id: string): void {
    const t = this.#transfer(id)
    const files = t.files.map((f) => f.status === 'skipped' ? f : { ...f, bytesDone: f.size, status: 'done' as const })
    const done: Transfer = { ...t, files, bytesDone: t.totalBytes, rate: 0, etaSeconds: 0, status: 'completed', endedAt: this.#now() }
    this.#upsertTransfer(done)
    const dir = this.#settings.downloadDir
    this.emitHistory({
      id: this.#id('h'), transferId: id, direction: t.direction === 'send' ? 'sent' : 'received', peer: t.peer, status: 'completed',
      files: files.filter((f) => f.status === 'done').map((f) => ({ path: f.path, size: f.size, localPath: t.direction === 'receive' ? `${dir}/${f.path}` : `/home/user/${f.path}` })),
      totalBytes: t.totalBytes, at: this.#now(), ...(t.text === undefined ? {} : { text: t.text })
    })
  }

  failTransfer (id: string, error: FerryErrorDto, canRetry = this.#transfer(id).direction === 'send'): void {
    const t = this.#transfer(id)
    this.#upsertTransfer({ ...t, status: 'failed', error, canRetry, rate: 0, etaSeconds: null, endedAt: this.#now() })
  }

  upsertShare (share: Share): void {
    const known = this.#shares.some((s) => s.id === share.id)
    this.#shares = known ? this.#shares.map((s) => s.id === share.id ? share : s) : [...this.#shares, share]
    this.#emit('share', { type: 'upsert', share: json(share) })
  }

  recordDownload (shareId: string, download: ShareDownload): void {
    const share = this.#shares.find((s) => s.id === shareId)
    if (share !== undefined) this.upsertShare({ ...share, downloads: [download, ...share.downloads] })
  }

  emitHistory (entry: HistoryEntry): void {
    this.#history = [entry, ...this.#history.filter((h) => h.id !== entry.id)]
    this.#emit('history', json(entry))
  }

  emitDevice (device: DeviceInfo): void {
    this.#device = json(device)
    this.#emit('device', this.#device)
  }

  emitError (error: FerryErrorDto, context?: string): void {
    this.#emit('error', { error, ...(context === undefined ? {} : { context }) })
  }

  setConnection (status: ConnectionStatus): void {
    this.#connection = status
    for (const listener of [...this.#connectionListeners]) listener(status)
  }

  // ---- internals ----

  #begin (method: FerryMethodName, args: unknown[], options: CallOptions | undefined): void {
    this.calls.push({ method, args: json(args) })
    if (options?.signal?.aborted === true) throw abortedError()
    const failure = this.#failures.get(method)
    if (failure !== undefined) {
      this.#failures.delete(method)
      throw new ApiError(failure)
    }
  }

  #id (prefix: string): string {
    return `${prefix}${this.#nextId++}`
  }

  #peer (peerId: string): Peer {
    const peer = this.#peers.find((p) => p.id === peerId)
    if (peer === undefined) throw fail(apiErrorCodes.notFound, 'No such device')
    return peer
  }

  #transfer (id: string): Transfer {
    const t = this.#transfers.find((x) => x.id === id)
    if (t === undefined) throw fail(apiErrorCodes.notFound, 'No such transfer')
    return t
  }

  #setTrust (peerId: string, trust: Trust, autoAccept?: boolean): Peer {
    const peer = this.#peer(peerId)
    const next: Peer = { ...peer, trust, identityChanged: false, ...(autoAccept === undefined ? {} : { autoAccept }) }
    this.upsertPeer(next)
    return next
  }

  #upsertTransfer (transfer: Transfer): void {
    const known = this.#transfers.some((t) => t.id === transfer.id)
    this.#transfers = known ? this.#transfers.map((t) => t.id === transfer.id ? transfer : t) : [transfer, ...this.#transfers]
    this.#emit('transfer', { type: 'upsert', transfer: json(transfer) })
  }

  #on<E extends FerryEventName> (event: E, listener: (payload: FerryEventMap[E]) => void): () => void {
    const set = this.#listeners[event] as Set<(payload: FerryEventMap[E]) => void>
    set.add(listener)
    return () => { set.delete(listener) }
  }

  #emit<E extends FerryEventName> (event: E, payload: FerryEventMap[E]): void {
    const set = this.#listeners[event] as Set<(payload: FerryEventMap[E]) => void>
    for (const listener of [...set]) listener(json(payload))
  }
}

export function createFakeFerryApi (init: FakeFerryInit = {}): FakeFerryApi {
  return new FakeFerryApi(init)
}
