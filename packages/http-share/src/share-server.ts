// The share server: one HTTP server (express for the page and downloads, ws for uploads) holding any number of
// shares. Built by the app from injected parts (limits, logger, hash pool); it decides nothing itself: each upload
// is an `offer` event the app answers, and with nobody listening an upload is declined.

import { EventEmitter } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CancelledError, HashPool, formatHostPort, reachableHosts, silentLogger, toListenError, type Logger } from '@ferry/p2p-core'
import { capConnectionsPerIp } from './connection-cap.ts'
import { ShareExpiredError, ShareRevokedError } from './errors.ts'
import { FileHashes } from './file-hashes.ts'
import { formatDuration } from './duration.ts'
import { createHostCheck } from './host-check.ts'
import { createHttpApp } from './http-app.ts'
import { resolveShareLimits, type ShareLimits } from './limits.ts'
import type { ManifestFile } from './routes/manifest.ts'
import { loadPageAssets } from './routes/page.ts'
import type { DownloadEvent } from './routes/route-deps.ts'
import { ShareActivity } from './share-activity.ts'
import { generatePin, PIN_PATTERN, ShareRegistry, type Share } from './share-registry.ts'
import { collectShareFiles, type SkippedEntry } from './shared-files.ts'
import type { ShareOffer, UploadEndEvent } from './upload-session.ts'
import { UploadSockets } from './upload-socket.ts'

export interface ShareServerInit {
  /** Address to listen on; default 0.0.0.0 (the LAN). */
  host?: string
  /** Port to listen on; default 0 (a free one). */
  port?: number
  limits?: Partial<ShareLimits>
  logger?: Logger
  /** BLAKE3 workers shared with the rest of the engine; when omitted the server makes its own and closes it. */
  hashPool?: HashPool
  /** Host names to answer to besides this computer's addresses and localhost (e.g. its mDNS name). */
  allowedHosts?: readonly string[]
  /** Folder holding the recipient page's files when the app is bundled (see sharePageFiles()); default the workspace's. */
  pageDir?: URL
  signal?: AbortSignal
}

export interface AddShareOptions {
  /** Files and folders to share. */
  paths: readonly string[]
  /** Shown on the page and used for the zip's name; default: the single path's name, or "Ferry share". */
  name?: string
  /** true: a random 6-digit PIN; a string: that PIN (6 digits); default: none. */
  pin?: boolean | string
  /** Lifetime in ms; default `limits.shareTtlMs`. */
  expiresInMs?: number
  /** Whether the page offers the drop zone; default false. */
  allowUpload?: boolean
  /** Who shares, as the page says it ("Shared by Ada’s laptop"): the device's name; none when omitted. */
  from?: string
  signal?: AbortSignal
}

export interface ShareInfo {
  id: string
  name: string
  token: string
  /** One link per address a browser can use: the one other devices reach first (p2p-core's reachableHosts), 127.0.0.1 last. */
  urls: string[]
  pin?: string
  expiresAt: number
  allowUpload: boolean
  files: ManifestFile[]
  totalBytes: number
  /**
   * Entries inside shared folders that are not shared: symbolic links (never followed inside a folder) and sockets,
   * devices or pipes, with where they are on this computer (for the share's creator, never for a browser). At most
   * `limits.maxSkippedReported` are listed; `skippedCount` counts them all.
   */
  skipped: SkippedEntry[]
  skippedCount: number
}

export interface ShareServerEvents {
  /** A browser offers files; answer with `respond()`. Nobody listening means declined. */
  offer: [offer: ShareOffer]
  /** A download (file or zip) ended, complete or not. */
  download: [event: DownloadEvent]
  /** An answered upload ended, however it ended. */
  'upload-end': [event: UploadEndEvent]
  /** A share stopped: it expired or was revoked. */
  'share-end': [event: { shareId: string, reason: 'expired' | 'revoked' }]
}

/** setTimeout cannot wait longer than this (about 24.8 days); longer expiries re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1

export class ShareServer extends EventEmitter<ShareServerEvents> {
  readonly host: string
  readonly port: number
  readonly limits: ShareLimits
  readonly #http: Server
  readonly #registry: ShareRegistry
  readonly #activity: ShareActivity
  readonly #uploads: UploadSockets
  readonly #hashPool: HashPool
  readonly #ownsHashPool: boolean
  readonly #expiryTimers = new Map<string, NodeJS.Timeout>()
  readonly #pins = new Map<string, string>()
  #closed = false

  private constructor (init: { http: Server, host: string, port: number, limits: ShareLimits, registry: ShareRegistry, activity: ShareActivity, uploads: UploadSockets, hashPool: HashPool, ownsHashPool: boolean }) {
    super()
    this.#http = init.http
    this.host = init.host
    this.port = init.port
    this.limits = init.limits
    this.#registry = init.registry
    this.#activity = init.activity
    this.#uploads = init.uploads
    this.#hashPool = init.hashPool
    this.#ownsHashPool = init.ownsHashPool
  }

  /** Starts a share server listening on `init.host`:`init.port`. */
  static async create (init: ShareServerInit = {}): Promise<ShareServer> {
    const limits = resolveShareLimits(init.limits)
    const logger = init.logger ?? silentLogger
    const hashPool = init.hashPool ?? new HashPool()
    const registry = new ShareRegistry({ maxShares: limits.maxShares })
    const activity = new ShareActivity()
    const hashes = new FileHashes(hashPool, limits)
    // The Host check needs the port, known only after listen(); until then (no request can arrive) it refuses all.
    let check = (_host: string | undefined): boolean => false
    const hostAllowed = (host: string | undefined): boolean => check(host)
    // Events go to whichever server object exists by then; requests arrive only after listen().
    const ref: { server?: ShareServer } = {}
    // A download or upload-end listener of the app that throws must not end the process (the second is called from a
    // socket's close event, where a throw is an uncaught exception): it is logged.
    const guarded = (what: string, run: () => void): void => {
      try {
        run()
      } catch (err) {
        logger.error('a %s listener of the share server threw: %s', what, err instanceof Error ? err.stack : String(err))
      }
    }
    const app = createHttpApp({
      registry, limits, logger, hashes, activity, hostAllowed, assets: loadPageAssets(init.pageDir),
      onDownload: (event) => { guarded('download', () => ref.server?.emit('download', event)) }
    })
    const http = createServer({
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks the two timeouts above only this often (default 30 s, which let a connection live up to twice
      // headersTimeout); a quarter of the shorter one cuts each at most 25% late.
      connectionsCheckingInterval: Math.max(1, Math.floor(limits.headersTimeoutMs / 4))
    }, app)
    http.maxConnections = limits.maxConnections
    capConnectionsPerIp(http, limits.maxConnectionsPerIp)
    const uploads = new UploadSockets({
      server: http, registry, limits, logger, activity, hostAllowed,
      emitOffer: (offer) => {
        const server = ref.server
        if (server === undefined || server.listenerCount('offer') === 0) void offer.respond({ accept: false }).catch(() => {})
        // A throwing offer listener fails that upload (its error goes to the browser as an internal one).
        else server.emit('offer', offer)
      },
      onUploadEnd: (event) => { guarded('upload-end', () => ref.server?.emit('upload-end', event)) }
    })
    const host = init.host ?? '0.0.0.0'
    const aborted = (): boolean => init.signal?.aborted === true
    try {
      if (aborted()) throw new CancelledError('Starting the share server was cancelled')
      await new Promise<void>((resolve, reject) => {
        const failed = (err: Error): void => { reject(toListenError(err, host, init.port ?? 0)) }
        http.once('error', failed)
        http.listen({ host, port: init.port ?? 0 }, () => {
          http.off('error', failed)
          // Errors of the listening socket later (accept failing with EMFILE when out of file descriptors) are logged,
          // never thrown at the process; Node keeps accepting once descriptors are free.
          http.on('error', (err) => { logger.error('share server socket error: %s', err.message) })
          resolve()
        })
      })
      // The signal cancels starting, not the server: aborted during listen(), the server closes again.
      if (aborted()) {
        await new Promise<void>((resolve) => { http.close(() => { resolve() }) })
        throw new CancelledError('Starting the share server was cancelled')
      }
    } catch (err) {
      uploads.close()
      if (init.hashPool === undefined) await hashPool.close()
      throw err
    }
    const port = (http.address() as AddressInfo).port
    check = createHostCheck({ port, allowedHosts: init.allowedHosts })
    ref.server = new ShareServer({ http, host, port, limits, registry, activity, uploads, hashPool, ownsHashPool: init.hashPool === undefined })
    return ref.server
  }

  /** Links for a share token on this server, one per usable address. */
  urlsFor (token: string): string[] {
    // The link other devices open first (a phone scans the first one's QR code); 127.0.0.1 last, for this computer.
    return reachableHosts(this.host, { withLoopback: 'last' }).map((host) => `http://${formatHostPort({ host, port: this.port })}/s/${token}/`)
  }

  /** Collects the files under `paths` and publishes them under a new token. */
  async addShare (options: AddShareOptions): Promise<ShareInfo> {
    if (this.#closed) throw new CancelledError('The share server is closed')
    const expiresInMs = options.expiresInMs ?? this.limits.shareTtlMs
    if (!Number.isSafeInteger(expiresInMs) || expiresInMs <= 0) throw new RangeError('expiresInMs must be a positive whole number of ms')
    if (expiresInMs > this.limits.maxShareTtlMs) throw new RangeError(`A share lasts at most ${formatDuration(this.limits.maxShareTtlMs, 'long')}`)
    if (typeof options.pin === 'string' && !PIN_PATTERN.test(options.pin)) throw new RangeError('A PIN is exactly 6 digits')
    const { files, skipped, skippedCount } = await collectShareFiles(options.paths, {
      maxFiles: this.limits.maxFilesPerShare, maxSkippedReported: this.limits.maxSkippedReported, signal: options.signal
    })
    if (options.signal?.aborted === true) throw new CancelledError('Adding the share was cancelled')
    const pin = options.pin === true ? generatePin() : typeof options.pin === 'string' ? options.pin : undefined
    const name = options.name ?? (options.paths.length === 1 ? (files[0]?.path.split('/')[0] ?? 'Ferry share') : 'Ferry share')
    // Expired shares still answer 410 until they are revoked or make room for a new one.
    const now = Date.now()
    for (const old of this.#registry.list()) {
      if (now >= old.expiresAt) {
        this.#registry.revoke(old.id)
        this.#pins.delete(old.id)
      }
    }
    const from = options.from?.trim()
    const share = this.#registry.add({
      name, files, skipped, skippedCount, allowUpload: options.allowUpload === true, expiresAt: Date.now() + expiresInMs, pin,
      ...(from === undefined || from === '' ? {} : { from })
    })
    if (pin !== undefined) this.#pins.set(share.id, pin)
    this.#armExpiry(share)
    return this.#info(share)
  }

  /** The live and expired shares this server holds. */
  shares (): ShareInfo[] {
    return this.#registry.list().map((s) => this.#info(s))
  }

  /** Ends a share now: its link stops working and its running downloads and uploads are cut. */
  revoke (id: string): boolean {
    const share = this.#registry.revoke(id)
    if (share === undefined) return false
    clearTimeout(this.#expiryTimers.get(id))
    this.#expiryTimers.delete(id)
    this.#pins.delete(id)
    this.#activity.endShare(id, new ShareRevokedError())
    this.emit('share-end', { shareId: id, reason: 'revoked' })
    return true
  }

  /** Open upload sockets over all shares. */
  get uploadSockets (): number {
    return this.#uploads.size
  }

  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const timer of this.#expiryTimers.values()) clearTimeout(timer)
    this.#expiryTimers.clear()
    this.#activity.endAll(new ShareRevokedError('The sharing computer stopped sharing'))
    this.#uploads.close()
    const closed = new Promise<void>((resolve) => { this.#http.close(() => { resolve() }) })
    this.#http.closeAllConnections()
    await closed
    if (this.#ownsHashPool) await this.#hashPool.close()
  }

  #armExpiry (share: Share): void {
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, share.expiresAt - Date.now()))
    const timer = setTimeout(() => {
      if (Date.now() < share.expiresAt) {
        this.#armExpiry(share)
        return
      }
      this.#expiryTimers.delete(share.id)
      this.#activity.endShare(share.id, new ShareExpiredError())
      this.emit('share-end', { shareId: share.id, reason: 'expired' })
    }, wait)
    timer.unref()
    this.#expiryTimers.set(share.id, timer)
  }

  #info (share: Share): ShareInfo {
    const pin = this.#pins.get(share.id)
    return {
      id: share.id,
      name: share.name,
      token: share.token,
      urls: this.urlsFor(share.token),
      ...(pin === undefined ? {} : { pin }),
      expiresAt: share.expiresAt,
      allowUpload: share.allowUpload,
      files: share.files.map((f) => ({ id: f.id, path: f.path, size: f.size, mtimeMs: f.mtimeMs })),
      totalBytes: share.totalBytes,
      skipped: share.skipped.map((s) => ({ ...s })),
      skippedCount: share.skippedCount
    }
  }
}

/** Starts a share server (see ShareServerInit for the defaults). */
export async function createShareServer (init: ShareServerInit = {}): Promise<ShareServer> {
  return await ShareServer.create(init)
}
