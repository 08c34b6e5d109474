// One browser upload over one WebSocket (upload-protocol.ts): read and check the offer, hand it to the app as an
// IncomingOffer (nothing touches the disk before the app accepts), then write each file straight into a hidden
// partial beside its destination while hashing it, and rename it into place ("name (1).ext" on a collision) only
// after its size and BLAKE3 match what the browser sent. Every byte is acknowledged only once it is on disk, a
// browser that sends beyond its credit is cut off, and a socket with `maxUploadBacklog` frames or messages waiting is
// not read until they are done: memory per upload stays within `uploadWindowBytes` plus that backlog (that
// accounting: upload-credit.ts).

import { randomBytes } from 'node:crypto'
import { relative, sep } from 'node:path'
import {
  CancelledError, ConnectionLostError, Destination, DiskError, FerryError, HashMismatchError, IncomingFile,
  InvalidPathError, OfferedPaths, PartialClaims, PartialNames, ProgressMeter, TimeoutError, UnsafePathError,
  createInlineHasher, defaultLimits, sanitizeRelativePath, toFerryError, type Hasher, type IncomingOffer,
  type Logger, type OfferDecision, type OfferedFileInfo, type ReceiveResult, type SavedFile
} from '@ferry/p2p-core'
import type { RawData, WebSocket } from 'ws'
import {
  ShareExpiredError, ShareInternalError, ShareRevokedError, UploadProtocolError, UploadTooLargeError
} from './errors.ts'
import type { ShareLimits } from './limits.ts'
import type { Share } from './share-registry.ts'
import { UploadCredit } from './upload-credit.ts'
import { parseClientMessage, UPLOAD_PROTOCOL, type ClientMessage, type ServerMessage } from './upload-protocol.ts'
import { cleanAlias, describeUserAgent, deviceTypeOf } from './user-agent.ts'

/** An upload offer as the app sees it: p2p-core's IncomingOffer plus the share it came through. */
export interface ShareOffer extends IncomingOffer {
  shareId: string
}

export interface UploadEndEvent {
  shareId: string
  transferId: string
  result?: ReceiveResult
  error?: FerryError
}

export interface UploadSessionInit {
  ws: WebSocket
  share: Share
  remote: { ip: string, port: number, userAgent: string | undefined }
  limits: ShareLimits
  logger: Logger
  emitOffer: (offer: ShareOffer) => void
  onEnd: (event: UploadEndEvent) => void
}

interface UploadFile {
  info: OfferedFileInfo
  /** Its life on disk: partial, verification, commit (p2p-core's one owner of a received file). */
  file: IncomingFile
  state: 'waiting' | 'open' | 'done'
  received: number
  hasher?: Hasher
}

type State = 'offer' | 'deciding' | 'receiving' | 'ended'

/**
 * Errors whose messages are built here from what the browser itself sent (its names, sizes, hashes) or say nothing
 * of this computer; any other error's message may name a folder on this computer and never reaches the browser.
 */
const BROWSER_SAFE: ReadonlyArray<new (...args: never[]) => FerryError> = [
  UploadProtocolError, UploadTooLargeError, InvalidPathError, HashMismatchError, TimeoutError, CancelledError,
  ConnectionLostError, ShareRevokedError, ShareExpiredError
]

/** What the browser is told of a failure: the error's own message only when it is browser-safe, never a path here. */
function messageForBrowser (error: FerryError, dir: string): string {
  if (error instanceof DiskError || error instanceof UnsafePathError) return 'The sharing computer could not save the upload'
  if (!BROWSER_SAFE.some((cls) => error instanceof cls)) return 'The sharing computer could not take the upload'
  return dir === '' ? error.message : error.message.split(dir).join('the folder')
}

/** WebSocket close codes: the client broke a rule (1008), the share is gone (1001), this side failed (1011). */
function closeCodeFor (err: FerryError): number {
  if (err instanceof UploadProtocolError || err instanceof UploadTooLargeError || err instanceof InvalidPathError) return 1008
  if (err instanceof ShareRevokedError || err instanceof ShareExpiredError) return 1001
  if (err instanceof DiskError || err instanceof UnsafePathError || err instanceof ShareInternalError) return 1011
  return 1000
}

export class UploadSession {
  readonly transferId = randomBytes(12).toString('base64url')
  readonly #init: UploadSessionInit
  readonly #ws: WebSocket
  readonly #withdrawn = new AbortController()
  readonly #outcome: Promise<ReceiveResult>
  #settle!: { resolve: (r: ReceiveResult) => void, reject: (e: unknown) => void }
  #state: State = 'offer'
  #offered: OfferedFileInfo[] = []
  readonly #files = new Map<number, UploadFile>()
  #current: UploadFile | undefined
  /** The browser's credit and the socket's backlog: when an ack is due, when the socket is read (upload-credit.ts). */
  readonly #credit: UploadCredit
  #queue: Promise<void> = Promise.resolve()
  #lastActivity = performance.now()
  #timer: NodeJS.Timeout | undefined
  #meter: ProgressMeter | undefined
  #dir = ''
  #destination: Destination | undefined
  readonly #saved: SavedFile[] = []
  readonly #started = performance.now()
  #responded = false
  #stopAbortListener: (() => void) | undefined

  constructor (init: UploadSessionInit) {
    this.#init = init
    this.#ws = init.ws
    this.#credit = new UploadCredit(init.ws, init.limits, (bytes) => { this.#send({ type: 'ack', bytes }) })
    this.#outcome = new Promise<ReceiveResult>((resolve, reject) => { this.#settle = { resolve, reject } })
    this.#outcome.catch(() => {}) // observed by respond()'s caller; never unhandled on its own
    this.#ws.on('message', (data, isBinary) => { this.#onMessage(data, isBinary) })
    this.#ws.on('error', (err) => { init.logger.debug('upload socket error: %s', err.message) })
    this.#ws.on('close', () => { this.#fail(new ConnectionLostError('The browser closed the upload')) })
    const { limits } = init
    this.#send({ type: 'hello', protocol: UPLOAD_PROTOCOL, maxFrameBytes: limits.maxFrameBytes, maxUploadFiles: limits.maxUploadFiles, maxUploadBytes: limits.maxUploadBytes })
    // A socket that never offers anything would hold one of the share's and the address's upload slots for ever.
    this.#timer = setTimeout(() => { this.#fail(new TimeoutError(`No offer within ${limits.offerTimeoutMs} ms`)) }, limits.offerTimeoutMs)
    this.#timer.unref()
  }

  /** Ends the upload from this side: the share was revoked or expired, or the server is closing. */
  end (reason: Error): void {
    this.#fail(reason)
  }

  #onMessage (data: RawData, isBinary: boolean): void {
    if (this.#state === 'ended') return
    this.#lastActivity = performance.now()
    try {
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)
      if (isBinary) this.#onData(bytes)
      else this.#onControl(parseClientMessage(bytes.toString('utf8')))
    } catch (err) {
      this.#fail(err)
    }
  }

  #onControl (message: ClientMessage): void {
    if (message.type === 'cancel') {
      throw new CancelledError(this.#state === 'receiving' ? 'The browser cancelled the upload' : 'The browser withdrew the offer')
    }
    switch (this.#state) {
      case 'offer':
        if (message.type !== 'offer') throw new UploadProtocolError(`Expected an offer, got ${message.type}`)
        this.#receiveOffer(message)
        return
      case 'receiving':
        if (message.type === 'file') this.#startFile(message.id)
        else if (message.type === 'file-end') this.#endFile(message.id, message.blake3)
        else throw new UploadProtocolError(`Unexpected ${message.type} during the upload`)
        return
      default:
        throw new UploadProtocolError(`Unexpected ${message.type} before the offer was answered`)
    }
  }

  #receiveOffer (message: Extract<ClientMessage, { type: 'offer' }>): void {
    const { limits, share, remote } = this.#init
    if (message.files.length === 0) throw new UploadProtocolError('An offer needs at least one file')
    if (message.files.length > limits.maxUploadFiles) throw new UploadTooLargeError(`An upload has at most ${limits.maxUploadFiles} files`)
    const paths = new OfferedPaths()
    let total = 0
    this.#offered = message.files.map((file, id) => {
      const parts = sanitizeRelativePath(file.path, defaultLimits)
      paths.add(parts)
      total += file.size
      return { id, path: parts.join('/'), size: file.size, mtimeMs: file.lastModified }
    })
    if (total > limits.maxUploadBytes) throw new UploadTooLargeError(`An upload has at most ${limits.maxUploadBytes} bytes`)
    this.#state = 'deciding'
    const offer: ShareOffer = {
      shareId: share.id,
      transferId: this.transferId,
      from: {
        peerId: `browser:${remote.ip}`,
        shortCode: '',
        alias: cleanAlias(message.alias) ?? describeUserAgent(remote.userAgent),
        deviceType: deviceTypeOf(remote.userAgent),
        address: { host: remote.ip, port: remote.port }
      },
      files: this.#offered,
      totalBytes: total,
      withdrawn: this.#withdrawn.signal,
      respond: async (decision) => await this.#respond(decision)
    }
    this.#send({ type: 'waiting' })
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => { this.#fail(new TimeoutError('Nobody answered the upload in time')) }, limits.answerTimeoutMs)
    this.#timer.unref()
    this.#init.emitOffer(offer)
  }

  async #respond (decision: OfferDecision): Promise<ReceiveResult> {
    if (this.#responded) throw new Error('This offer was already answered')
    this.#responded = true
    if (this.#state !== 'deciding') return await this.#outcome
    clearTimeout(this.#timer)
    if (!decision.accept) {
      this.#send({ type: 'answer', accepted: false })
      this.#finish({ transferId: this.transferId, status: 'declined', files: [], bytesReceived: 0, bytesResumed: 0, seconds: 0 })
      return await this.#outcome
    }
    if (decision.signal?.aborted === true) {
      this.#fail(new CancelledError('The upload was cancelled on this computer'))
      return await this.#outcome
    }
    try {
      await this.#accept(decision)
    } catch (err) {
      this.#fail(err)
    }
    return await this.#outcome
  }

  async #accept (decision: Extract<OfferDecision, { accept: true }>): Promise<void> {
    const { limits } = this.#init
    const destination = Destination.open(decision.dir)
    this.#destination = destination
    this.#dir = destination.root
    const wanted = decision.files === undefined ? null : new Set(decision.files)
    // Uploads never resume: each file's partial gets a fresh, random name.
    const names = new PartialNames()
    const claims = new PartialClaims()
    for (const info of this.#offered) {
      if (wanted !== null && !wanted.has(info.id)) continue
      const file = IncomingFile.plan({ destination, names, claims, path: info.path, size: info.size })
      this.#files.set(info.id, { info, file, state: 'waiting', received: 0 })
    }
    if (this.#state !== 'deciding') return // the browser left while the folder was made
    const signal = decision.signal
    if (signal !== undefined) {
      const onAbort = (): void => { this.#fail(new CancelledError('The upload was cancelled on this computer')) }
      signal.addEventListener('abort', onAbort, { once: true })
      this.#stopAbortListener = () => { signal.removeEventListener('abort', onAbort) }
    }
    const files = [...this.#files.values()]
    this.#meter = new ProgressMeter({
      totalBytes: files.reduce((n, f) => n + f.info.size, 0),
      totalFiles: files.length,
      perSecond: defaultLimits.progressPerSecond,
      onProgress: decision.onProgress ?? (() => {})
    })
    this.#meter.start()
    this.#state = 'receiving'
    this.#send({ type: 'answer', accepted: true, files: files.map((f) => f.info.id), creditBytes: limits.uploadWindowBytes })
    this.#lastActivity = performance.now()
    const idleMs = limits.uploadIdleTimeoutMs
    this.#timer = setInterval(() => {
      if (performance.now() - this.#lastActivity > idleMs) this.#fail(new TimeoutError('The browser stopped sending'))
    }, Math.max(10, Math.min(1000, Math.floor(idleMs / 4))))
    this.#timer.unref()
    if (files.length === 0) this.#complete()
  }

  #startFile (id: number): void {
    const file = this.#files.get(id)
    if (file === undefined || file.state !== 'waiting') throw new UploadProtocolError(`File ${id} is not an accepted file waiting to start`)
    if (this.#current !== undefined) throw new UploadProtocolError('A file started before the previous one ended')
    file.state = 'open'
    this.#current = file
    this.#enqueue(async () => {
      file.file.open()
      // Native BLAKE3 on this thread (about 0.1 ms a 256 KiB frame): handing every frame to a hash worker copied it
      // twice and cost more main-thread time in postMessage and garbage collection than the hashing itself
      // (measured: about 1 s less CPU per 512 MiB uploaded from Chromium).
      file.hasher = createInlineHasher()
    })
  }

  #onData (chunk: Buffer): void {
    const file = this.#current
    if (this.#state !== 'receiving' || file === undefined) throw new UploadProtocolError('File bytes arrived outside a file')
    this.#credit.spend(chunk.byteLength)
    if (file.received + chunk.byteLength > file.info.size) throw new UploadProtocolError(`More bytes than the ${file.info.size} offered for ${file.info.path}`)
    const position = file.received
    file.received += chunk.byteLength
    this.#enqueue(async () => {
      const { hasher } = file
      if (hasher === undefined) throw new ShareInternalError('A file was written before it was opened')
      await Promise.all([file.file.write(chunk, position), hasher.update(chunk)])
      this.#meter?.add(chunk.byteLength)
      this.#lastActivity = performance.now()
      this.#credit.written(chunk.byteLength)
    })
  }

  #endFile (id: number, blake3: string): void {
    const file = this.#current
    if (file === undefined || file.info.id !== id) throw new UploadProtocolError(`file-end for ${id}, which is not the open file`)
    if (file.received !== file.info.size) throw new UploadProtocolError(`file-end after ${file.received} of ${file.info.size} bytes of ${file.info.path}`)
    this.#current = undefined
    this.#enqueue(async () => { await this.#finalize(file, blake3) })
  }

  async #finalize (file: UploadFile, expected: string): Promise<void> {
    const { hasher } = file
    if (hasher === undefined) throw new ShareInternalError('A file ended before it was opened')
    file.hasher = undefined
    const actual = await hasher.digest()
    file.file.close()
    if (actual !== expected) {
      file.file.discard()
      file.state = 'done'
      throw new HashMismatchError(`${file.info.path} arrived damaged: its BLAKE3 does not match the browser's`)
    }
    // Committed only while the upload is still running: once it has ended, nothing more appears.
    const savedAs = file.file.commit(() => this.#state === 'receiving')
    if (savedAs === undefined) return
    file.state = 'done'
    this.#saved.push({ path: file.info.path, savedAs, size: file.info.size, blake3: actual })
    this.#meter?.fileDone()
    this.#send({ type: 'verified', id: file.info.id, savedAs: relative(this.#dir, savedAs).split(sep).join('/'), blake3: actual })
    if (this.#saved.length === this.#files.size) this.#complete()
  }

  #enqueue (task: () => Promise<void>): void {
    // One task at a time, in arrival order: a file's bytes are written in order and its end comes after them.
    this.#credit.taskQueued()
    this.#queue = this.#queue
      .then(async () => { if (this.#state !== 'ended') await task() })
      .catch((err: unknown) => { this.#fail(err) })
      .finally(() => { this.#credit.taskEnded(this.#state === 'receiving') })
  }

  #complete (): void {
    const bytes = this.#saved.reduce((n, f) => n + f.size, 0)
    this.#destination?.close()
    this.#send({ type: 'done', files: this.#saved.length, bytes })
    this.#finish({ transferId: this.transferId, status: 'completed', files: [...this.#saved], bytesReceived: bytes, bytesResumed: 0, seconds: (performance.now() - this.#started) / 1000 })
  }

  #finish (result: ReceiveResult): void {
    if (this.#state === 'ended') return
    this.#state = 'ended'
    this.#stopTimers()
    if (this.#ws.readyState === this.#ws.OPEN) this.#ws.close(1000, result.status)
    this.#settle.resolve(result)
    this.#init.onEnd({ shareId: this.#init.share.id, transferId: this.transferId, result })
  }

  #fail (err: unknown): void {
    if (this.#state === 'ended') return
    const was = this.#state
    this.#state = 'ended'
    const error = toFerryError(err, (m, o) => new ShareInternalError(m, o))
    this.#stopTimers()
    this.#send({ type: 'error', code: error.code, message: messageForBrowser(error, this.#dir) })
    if (this.#ws.readyState === this.#ws.OPEN) this.#ws.close(closeCodeFor(error), error.code)
    if (was === 'offer' || was === 'deciding') this.#withdrawn.abort(error)
    this.#settle.reject(error)
    // A task already running finishes first; then nothing of an unfinished file stays on disk.
    void this.#queue.then(() => { this.#discardUnfinished() })
    if (was !== 'offer') this.#init.onEnd({ shareId: this.#init.share.id, transferId: this.transferId, error })
  }

  #discardUnfinished (): void {
    for (const file of this.#files.values()) {
      if (file.state === 'done') continue
      file.hasher?.dispose()
      file.file.discard()
    }
    // Folders made for this upload that hold nothing now go too.
    this.#destination?.removeEmptyFolders()
    this.#destination?.close()
  }

  #stopTimers (): void {
    clearTimeout(this.#timer)
    clearInterval(this.#timer)
    this.#meter?.stop()
    this.#stopAbortListener?.()
  }

  #send (message: ServerMessage): void {
    if (this.#ws.readyState !== this.#ws.OPEN) return
    this.#credit.messageQueued()
    // Called once the message is with the kernel, or with an error once the socket is gone.
    this.#ws.send(JSON.stringify(message), () => { this.#credit.messageSent() })
  }
}
