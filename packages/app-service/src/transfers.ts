// Transfers both ways, as FerryApi sees them: sends started by the user and offers arriving from the engine
// (p2p-core) or from browsers (http-share). Engine results and progress become Transfer upserts and progress
// events; every ended transfer becomes a history entry. Offers wait here until the app answers them: the core
// asks, the app decides (STYLE.md rule 6).

import { randomUUID } from 'node:crypto'
import { resolve } from 'node:path'
import { reachAny, settleWithin, type FerryNode, type IncomingOffer, type Logger, type ReceiveResult, type TransferProgress } from '@ferry/p2p-core'
import {
  ApiError, apiErrorCodes, MAX_FINISHED_TRANSFERS, toErrorDto, type CancelledBy, type HistoryEntry, type IncomingOfferDto,
  type OfferDecisionDto, type OfferEndReason, type Party, type Settings, type Transfer, type TransferStatus
} from '@ferry/api'
import type { EventHub } from './event-hub.ts'
import type { HistoryStore } from './history-store.ts'
import { isLocalSendPeerId, type LocalSendSide } from './localsend.ts'
import type { PeerBook } from './peers.ts'
import { readingSources } from './source-errors.ts'
import { listSources } from './sources.ts'
import { invalid } from './validate.ts'
import { countHiddenPaths, decideOffer, isHiddenPath } from './trust/trust-policy.ts'

/** How long cancelTransfer waits for the transfer to end here before it answers anyway, in ms. */
const CANCEL_WAIT_MS = 5_000
/** How long closing waits for running transfers to end after cancelling them, in ms. */
const CLOSE_WAIT_MS = 3_000

interface Running {
  dto: Transfer
  controller?: AbortController
  done?: Promise<void>
  /** Sends only: what to offer again on retry, and whether links inside its folders are followed. */
  send?: { peerId: string, paths: string[], followLinks: boolean }
  localPaths?: Map<string, string>
}

interface Waiting {
  offer: IncomingOffer
  dto: IncomingOfferDto
}

export interface TransfersInit {
  node: FerryNode
  hub: EventHub
  peers: PeerBook
  history: HistoryStore
  settings: () => Settings
  logger: Logger
  /** LocalSend devices (ids `localsend:...`) are sent to over LocalSend's protocol; absent when LocalSend is off. */
  localsend?: () => LocalSendSide | undefined
}

export const notFound = (what: string): ApiError => new ApiError({ name: 'NotFoundError', code: apiErrorCodes.notFound, message: `${what} is not (or no longer) there` })

const ended = (status: TransferStatus): boolean => status !== 'waiting' && status !== 'running'

export class Transfers {
  readonly #init: TransfersInit
  readonly #transfers = new Map<string, Running>()
  readonly #offers = new Map<string, Waiting>()

  constructor (init: TransfersInit) {
    this.#init = init
  }

  list (): Transfer[] {
    return [...this.#transfers.values()].map((t) => structuredClone(t.dto)).sort((a, b) => b.startedAt - a.startedAt)
  }

  offers (): IncomingOfferDto[] {
    return [...this.#offers.values()].map((o) => structuredClone(o.dto))
  }

  // ---- sending ----

  async send (peerId: string, paths: string[], text?: string): Promise<string> {
    const peer = this.#init.peers.get(peerId)
    if (peer === undefined) throw notFound('That device')
    const followLinks = this.#init.settings().followLinks === true
    const listing = await readingSources('Cannot send that', async () => await listSources(paths, this.#init.node.limits, { followLinks }))
    const id = randomUUID()
    const dto: Transfer = {
      id, direction: 'send', peer: { kind: 'device', id: peer.id, shortCode: peer.shortCode, ...(peer.alias === undefined ? {} : { name: peer.alias }) },
      files: listing.files.map((f, i) => ({ id: i, path: f.path, size: f.size, bytesDone: 0, status: 'pending' })),
      fileCount: listing.count, bytesDone: 0, totalBytes: listing.totalBytes, rate: 0, etaSeconds: null, status: 'waiting',
      canRetry: false, startedAt: Date.now(), ...(text === undefined ? {} : { text }),
      ...(listing.skippedCount === 0 ? {} : { skipped: listing.skipped, skippedCount: listing.skippedCount })
    }
    const record: Running = { dto, send: { peerId, paths, followLinks }, localPaths: new Map(listing.files.map((f) => [f.path, f.localPath])) }
    this.#transfers.set(id, record)
    this.#upsert(record)
    this.#runSend(record)
    return id
  }

  retry (transferId: string): void {
    const record = this.#transfers.get(transferId)
    if (record === undefined) throw notFound('That transfer')
    if (!record.dto.canRetry || record.send === undefined) throw new ApiError({ name: 'InvalidArgumentError', code: apiErrorCodes.invalidArgument, message: 'This transfer cannot be retried' })
    const { error: _e, endedAt: _t, ...rest } = record.dto
    const { bytesResumed: _r, cancelledBy: _c, ...fresh } = rest
    record.dto = { ...fresh, status: 'waiting', canRetry: false, bytesDone: 0, rate: 0, etaSeconds: null }
    this.#upsert(record)
    this.#runSend(record)
  }

  #runSend (record: Running): void {
    const send = record.send
    const peer = send === undefined ? undefined : this.#init.peers.get(send.peerId)
    // Every address the device was seen at, the one it was last reached at first.
    const addresses = peer?.addresses ?? []
    const controller = new AbortController()
    record.controller = controller
    record.done = (async () => {
      try {
        if (send === undefined || addresses.length === 0) throw notFound('An address for that device')
        if (isLocalSendPeerId(send.peerId)) {
          const localsend = this.#init.localsend?.()
          if (localsend === undefined) throw notFound('LocalSend on this device (it is off, or its port was taken)')
          const result = await localsend.send(send.peerId, addresses[0], {
            paths: send.paths, followLinks: send.followLinks, signal: controller.signal, onProgress: (p) => { this.#progress(record, p) },
            ...(record.dto.text === undefined ? {} : { text: record.dto.text })
          })
          this.#finish(record, result.files === 0 && result.skippedByReceiver > 0 ? 'declined' : 'completed', undefined, result.bytesSent, 0)
          return
        }
        // The app's id is the protocol's too: the receiver's app shows the same id, and a retry under it within the
        // receiver's resume window continues without a new question. Each address is tried in turn (reachAny, as
        // the CLI does).
        const { value: result, address } = await reachAny(addresses, async (address) => await this.#init.node.send({
          address, peerId: send.peerId, paths: send.paths, followLinks: send.followLinks, signal: controller.signal, transferId: record.dto.id,
          ...(record.dto.text === undefined ? {} : { text: record.dto.text }),
          onProgress: (p) => { this.#progress(record, p) },
          onReconnect: (event) => {
            if (ended(record.dto.status)) return
            record.dto = { ...record.dto, status: 'running', rate: 0, etaSeconds: null, reconnecting: { attempt: event.attempt, of: event.of, at: Date.now() + event.delayMs } }
            this.#upsert(record)
          }
        }), controller.signal)
        this.#init.peers.seen({ peerId: send.peerId, addresses: [address], remember: true })
        this.#finish(record, 'completed', undefined, result.totalBytes, result.bytesResumed)
      } catch (err) {
        this.#finish(record, undefined, err)
      }
    })()
  }

  // ---- receiving ----

  /**
   * An offer from the engine (a device) or from a share link (a browser). `answerWithinMs`: the engine declines it
   * by itself after that long (p2p-core's answerTimeoutMs), so the UI says when, and the offer leaves as 'expired'.
   */
  offered (offer: IncomingOffer, from: Party, answerWithinMs?: number): void {
    const known = from.kind === 'device' ? this.#init.peers.get(from.id) : undefined
    const receivedAt = Date.now()
    const hiddenPaths = countHiddenPaths(offer.files)
    const dto: IncomingOfferDto = {
      id: offer.transferId, from, trust: known?.trust ?? 'unknown', identityChanged: known?.identityChanged ?? false,
      files: offer.files.map((f) => ({ id: f.id, path: f.path, size: f.size, ...(isHiddenPath(f.path) ? { hidden: true as const } : {}) })),
      totalBytes: offer.totalBytes, receivedAt, ...(hiddenPaths === 0 ? {} : { hiddenPaths }), ...(offer.text === undefined ? {} : { text: offer.text }),
      ...(answerWithinMs === undefined ? {} : { expiresAt: receivedAt + answerWithinMs })
    }
    // Policy lives here, not in the core. A reconnect of a transfer the user accepted goes on as decided then.
    if (offer.continues !== undefined && from.kind === 'device') {
      this.#accept(offer, dto, { accept: true, fileIds: [...offer.continues.fileIds] }, offer.continues.dir)
      return
    }
    // The one offer policy (trust-policy.ts): trusted devices may go straight in, flagged offers never do. The UI
    // can always ask.
    const settings = this.#init.settings()
    const trusted = known?.trust === 'trusted'
    const decision = decideOffer({
      trusted, identityChanged: dto.identityChanged, hiddenPaths,
      ...(trusted && (known.autoAccept || settings.autoAcceptTrusted) ? { autoAcceptDir: settings.downloadDir } : {})
    }, { yes: false, interactive: true, dir: settings.downloadDir })
    if (decision.action === 'accept') {
      this.#accept(offer, dto, { accept: true }, decision.dir)
      return
    }
    this.#offers.set(dto.id, { offer, dto })
    offer.withdrawn.addEventListener('abort', () => { this.#removeOffer(dto.id, 'withdrawn') }, { once: true })
    if (answerWithinMs !== undefined) setTimeout(() => { this.#removeOffer(dto.id, 'expired') }, answerWithinMs).unref()
    this.#init.hub.emit('offer', { type: 'added', offer: structuredClone(dto) })
  }

  async respond (offerId: string, decision: OfferDecisionDto): Promise<void> {
    const waiting = this.#offers.get(offerId)
    if (waiting === undefined) throw notFound('That offer')
    const offered = new Set(waiting.dto.files.map((f) => f.id))
    if (decision.accept && decision.fileIds?.some((id) => !offered.has(id)) === true) {
      throw invalid('decision.fileIds names a file the offer does not have')
    }
    this.#removeOffer(offerId, 'answered')
    if (!decision.accept) {
      await waiting.offer.respond({ accept: false }).catch((err: unknown) => { this.#init.logger.debug('declining failed', err) })
      void this.#record({
        id: randomUUID(), transferId: offerId, direction: 'received', peer: waiting.dto.from, status: 'declined',
        files: waiting.dto.files.map(({ path, size }) => ({ path, size })), totalBytes: waiting.dto.totalBytes, at: Date.now(),
        ...(waiting.dto.text === undefined ? {} : { text: waiting.dto.text })
      })
      return
    }
    if (decision.trust === true && waiting.dto.from.kind === 'device') {
      this.#init.peers.setTrust(waiting.dto.from.id, 'trusted', undefined, this.#init.settings().downloadDir)
        .catch((err: unknown) => { this.#init.logger.error('trusting failed', err) })
    }
    this.#accept(waiting.offer, waiting.dto, decision)
  }

  #accept (offer: IncomingOffer, dto: IncomingOfferDto, decision: OfferDecisionDto & { accept: true }, folder?: string): void {
    const taken = new Set(decision.fileIds ?? dto.files.map((f) => f.id))
    const files = dto.files.map((f) => ({ ...f, bytesDone: 0, status: taken.has(f.id) ? 'pending' as const : 'skipped' as const }))
    const record: Running = {
      dto: {
        id: dto.id, direction: 'receive', peer: dto.from, files, fileCount: files.length, bytesDone: 0,
        totalBytes: files.filter((f) => f.status !== 'skipped').reduce((s, f) => s + f.size, 0), rate: 0, etaSeconds: null,
        status: 'running', canRetry: false, startedAt: Date.now(), ...(dto.text === undefined ? {} : { text: dto.text })
      },
      controller: new AbortController()
    }
    this.#transfers.set(dto.id, record)
    this.#upsert(record)
    const dir = folder ?? this.#init.settings().downloadDir
    record.done = (async () => {
      try {
        const result = await offer.respond({
          accept: true, dir, files: [...taken], signal: record.controller?.signal, onProgress: (p) => { this.#progress(record, p) }
        })
        this.#received(record, dir, result)
      } catch (err) {
        this.#finish(record, undefined, err)
      }
    })()
  }

  #received (record: Running, dir: string, result: ReceiveResult): void {
    record.localPaths = new Map(result.files.map((f) => [f.path, resolve(dir, f.savedAs)]))
    if (record.dto.peer.kind === 'device') this.#init.peers.seen({ peerId: record.dto.peer.id, remember: true })
    this.#finish(record, result.status === 'declined' ? 'declined' : 'completed', undefined, result.bytesReceived + result.bytesResumed, result.bytesResumed)
  }

  #removeOffer (offerId: string, reason: OfferEndReason): void {
    if (!this.#offers.delete(offerId)) return
    this.#init.hub.emit('offer', { type: 'removed', offerId, reason })
  }

  // ---- both ways ----

  /** Takes ended transfers off the list (all ended ones without ids); resolves with the ids taken off. */
  dismiss (transferIds?: readonly string[]): string[] {
    const gone: string[] = []
    for (const [id, record] of this.#transfers) {
      if (!ended(record.dto.status) || (transferIds !== undefined && !transferIds.includes(id))) continue
      this.#transfers.delete(id)
      gone.push(id)
    }
    if (gone.length > 0) this.#init.hub.emit('transfer', { type: 'removed', transferIds: gone })
    return gone
  }

  async cancel (transferId: string): Promise<void> {
    const record = this.#transfers.get(transferId)
    if (record === undefined) throw notFound('That transfer')
    if (ended(record.dto.status)) return
    record.controller?.abort()
    // Resolves once it has ended here; an engine that hangs does not hang the caller.
    await settleWithin(record.done ?? Promise.resolve(), CANCEL_WAIT_MS)
  }

  #progress (record: Running, p: TransferProgress): void {
    if (ended(record.dto.status)) return
    const first = record.dto.status === 'waiting' || record.dto.reconnecting !== undefined
    if (record.dto.reconnecting !== undefined) {
      const { reconnecting: _r, ...rest } = record.dto
      record.dto = rest
    }
    // The engine lists only the files that changed (at most MAX_FILES_PER_REPORT); they are passed on as they are.
    const files = (p.files ?? []).map((f) => ({ id: f.id, bytesDone: f.bytesDone, status: f.done ? 'done' as const : 'running' as const }))
    const changed = new Map(files.map((f) => [f.id, f]))
    record.dto = {
      ...record.dto, status: 'running', bytesDone: p.bytesDone, totalBytes: p.totalBytes, rate: p.rate, etaSeconds: p.etaSeconds,
      ...(changed.size === 0 ? {} : { files: record.dto.files.map((f) => { const c = changed.get(f.id); return c === undefined || f.status === 'skipped' ? f : { ...f, ...c } }) })
    }
    if (first) this.#upsert(record)
    this.#init.hub.emit('transfer', {
      type: 'progress',
      progress: { id: record.dto.id, bytesDone: p.bytesDone, totalBytes: p.totalBytes, rate: p.rate, etaSeconds: p.etaSeconds, ...(files.length === 0 ? {} : { files }) }
    })
  }

  #finish (record: Running, status: TransferStatus | undefined, err: unknown, bytes?: number, resumed?: number): void {
    if (ended(record.dto.status)) return
    if (record.dto.reconnecting !== undefined) {
      const { reconnecting: _r, ...rest } = record.dto
      record.dto = rest
    }
    const error = err === undefined ? undefined : toErrorDto(err)
    const declined = error?.code === 'FERRY_ERR_PEER_DECLINED' || error?.code === 'FERRY_ERR_LOCALSEND_DECLINED'
    const final: TransferStatus = status ?? (declined ? 'declined' : error?.code === 'FERRY_ERR_CANCELLED' ? 'cancelled' : 'failed')
    // Cancelled here when this side's controller fired (the user's Cancel, or the app closing); else the other side did.
    const cancelledBy: CancelledBy | undefined = final === 'cancelled' ? (record.controller?.signal.aborted === true ? 'here' : 'peer') : undefined
    const isSend = record.dto.direction === 'send'
    const files = record.dto.files.map((f) => f.status === 'skipped' ? f : final === 'completed' ? { ...f, bytesDone: f.size, status: 'done' as const } : f)
    record.dto = {
      ...record.dto, files, status: final, rate: 0, etaSeconds: final === 'completed' ? 0 : null, endedAt: Date.now(),
      bytesDone: final === 'completed' ? (bytes ?? record.dto.totalBytes) : record.dto.bytesDone,
      canRetry: isSend && (final === 'failed' || final === 'cancelled'), ...(error === undefined ? {} : { error }),
      ...(cancelledBy === undefined ? {} : { cancelledBy }),
      ...(final === 'completed' && resumed !== undefined ? { bytesResumed: resumed } : {})
    }
    this.#upsert(record)
    this.#prune()
    const dto = record.dto
    void this.#record({
      id: randomUUID(), transferId: dto.id, direction: isSend ? 'sent' : 'received', peer: dto.peer,
      status: final === 'running' || final === 'waiting' ? 'failed' : final,
      files: dto.files.filter((f) => f.status !== 'skipped').map((f) => {
        const localPath = record.localPaths?.get(f.path)
        return { path: f.path, size: f.size, ...(localPath === undefined ? {} : { localPath }) }
      }),
      totalBytes: dto.totalBytes, at: Date.now(), ...(dto.text === undefined ? {} : { text: dto.text }), ...(error === undefined ? {} : { error }),
      ...(cancelledBy === undefined ? {} : { cancelledBy })
    })
  }

  async #record (entry: HistoryEntry): Promise<void> {
    let stored = entry
    try {
      stored = await this.#init.history.add(entry)
    } finally {
      this.#init.hub.emit('history', stored)
    }
  }

  #upsert (record: Running): void {
    this.#init.hub.emit('transfer', { type: 'upsert', transfer: structuredClone(record.dto) })
  }

  #prune (): void {
    const finished = [...this.#transfers.values()].filter((t) => ended(t.dto.status) && !t.dto.canRetry)
    for (const old of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED_TRANSFERS))) this.#transfers.delete(old.dto.id)
  }

  /** Cancels everything still running and declines waiting offers (the app is closing). */
  async close (): Promise<void> {
    for (const { offer } of this.#offers.values()) void offer.respond({ accept: false }).catch(() => {})
    this.#offers.clear()
    const running = [...this.#transfers.values()].filter((t) => !ended(t.dto.status))
    for (const t of running) t.controller?.abort()
    await settleWithin(Promise.allSettled(running.map(async (t) => { await t.done })), CLOSE_WAIT_MS)
  }
}
