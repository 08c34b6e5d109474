// Share links, as FerryApi sees them: one http-share server, started the first time a share is made, each
// ShareInfo projected onto a Share with a bounded log of its downloads. Browser uploads are handed to the
// transfers as offers, like offers from devices.

import { createShareServer, type DownloadEvent, type ShareInfo, type ShareOffer, type ShareServer } from '@ferry/http-share'
import type { HashPool, Logger } from '@ferry/p2p-core'
import type { CreateShareRequest, Party, Share } from '@ferry/api'
import type { EventHub } from './event-hub.ts'
import { readingSources } from './source-errors.ts'
import { notFound } from './transfers.ts'

/** Downloads logged per share, newest first. */
export const MAX_DOWNLOADS_LOGGED = 50

/**
 * Ended shares (revoked or expired) kept in the list, newest first, so the UI can still say what became of them;
 * older ones are dropped ('removed'), so a long-running `ferry ui` does not hold every share it ever made in its
 * state and in every snapshot it sends.
 */
export const MAX_ENDED_SHARES_KEPT = 20

export interface SharesInit {
  hub: EventHub
  logger: Logger
  /** Where the share server listens; default 0.0.0.0:0 (the LAN). */
  host?: string
  /** The engine's BLAKE3 workers, shared rather than a second pool. */
  hashPool: HashPool
  /** The recipient page's folder in a bundled app (ShareServerInit.pageDir). */
  pageDir?: URL
  onUpload: (offer: ShareOffer, from: Party) => void
  /** This device's name now, which the share page shows as who shares. */
  ownerName: () => string
}

/**
 * Who offers an upload through a share link: the name the visitor typed on the page (http-share cleans it; else it
 * names the browser, "Firefox on Android"), with the address it came from, since nothing proves the name. The
 * share it came through travels as `shareId`, so the UI names the share itself.
 */
export function visitorParty (offer: Pick<ShareOffer, 'from' | 'shareId'>): Party {
  const { host, port } = offer.from.address
  const said = offer.from.alias
  return { kind: 'browser', id: `${host}:${port}`, name: said === undefined ? `A browser at ${host}` : `${said} (browser at ${host})`, shareId: offer.shareId }
}

export class Shares {
  readonly #init: SharesInit
  readonly #shares = new Map<string, Share>()
  #server: Promise<ShareServer> | undefined

  constructor (init: SharesInit) {
    this.#init = init
  }

  list (): Share[] {
    return [...this.#shares.values()].map((s) => structuredClone(s)).sort((a, b) => b.createdAt - a.createdAt)
  }

  async create (request: CreateShareRequest, signal?: AbortSignal): Promise<Share> {
    const server = await this.#start()
    const info = await readingSources('Cannot share that', async () => await server.addShare({
      paths: request.paths, pin: request.pin, expiresInMs: request.expiresInMs, allowUpload: request.allowUpload, from: this.#init.ownerName(),
      ...(request.name === undefined ? {} : { name: request.name }), ...(signal === undefined ? {} : { signal })
    }))
    const share = this.#project(info)
    this.#put(share)
    return structuredClone(share)
  }

  async revoke (shareId: string): Promise<void> {
    const share = this.#shares.get(shareId)
    if (share === undefined || this.#server === undefined) throw notFound('That share')
    const server = await this.#server
    server.revoke(shareId)
    if (share.status === 'active') this.#put({ ...share, status: 'revoked' })
  }

  async close (): Promise<void> {
    const server = await this.#server?.catch(() => undefined)
    await server?.close()
  }

  async #start (): Promise<ShareServer> {
    this.#server ??= createShareServer({
      host: this.#init.host ?? '0.0.0.0', port: 0, logger: this.#init.logger, hashPool: this.#init.hashPool,
      ...(this.#init.pageDir === undefined ? {} : { pageDir: this.#init.pageDir })
    }).then((server) => {
      server.on('download', (event) => { this.#download(event) })
      server.on('share-end', ({ shareId, reason }) => {
        const share = this.#shares.get(shareId)
        if (share !== undefined && share.status === 'active') this.#put({ ...share, status: reason })
      })
      server.on('offer', (offer) => { this.#init.onUpload(offer, visitorParty(offer)) })
      return server
    })
    // A failed start is retried by the next createShare.
    this.#server.catch(() => { this.#server = undefined })
    return await this.#server
  }

  #download (event: DownloadEvent): void {
    const share = this.#shares.get(event.shareId)
    if (share === undefined) return
    const entry = { at: Date.now(), fileId: event.fileId, path: event.path, bytes: event.bytes, complete: event.complete, remoteAddress: event.remoteAddress }
    this.#put({ ...share, downloads: [entry, ...share.downloads].slice(0, MAX_DOWNLOADS_LOGGED) })
  }

  #project (info: ShareInfo): Share {
    return {
      id: info.id, name: info.name, urls: info.urls, ...(info.pin === undefined ? {} : { pin: info.pin }), expiresAt: info.expiresAt,
      allowUpload: info.allowUpload, files: info.files.map((f) => ({ id: f.id, path: f.path, size: f.size })), totalBytes: info.totalBytes,
      status: Date.now() >= info.expiresAt ? 'expired' : 'active', createdAt: Date.now(), downloads: [],
      ...(info.skippedCount === 0
        ? {}
        : { skipped: info.skipped.map((s) => ({ path: s.path, localPath: s.absolutePath, reason: s.reason, ...(s.detail === undefined ? {} : { detail: s.detail }) })), skippedCount: info.skippedCount })
    }
  }

  #put (share: Share): void {
    this.#shares.set(share.id, share)
    this.#init.hub.emit('share', { type: 'upsert', share: structuredClone(share) })
    if (share.status !== 'active') this.#forgetOldEnded()
  }

  #forgetOldEnded (): void {
    const ended = [...this.#shares.values()].filter((s) => s.status !== 'active').sort((a, b) => b.createdAt - a.createdAt)
    for (const old of ended.slice(MAX_ENDED_SHARES_KEPT)) {
      this.#shares.delete(old.id)
      this.#init.hub.emit('share', { type: 'removed', shareId: old.id })
    }
  }
}
