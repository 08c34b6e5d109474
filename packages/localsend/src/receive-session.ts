// One LocalSend upload session on the receiving side, from prepare-upload to its one end state. The offer goes to
// the app as an IncomingOffer; prepare-upload is answered once the app decided (403 declined, 204 nothing wanted,
// else the session id and a token per accepted file). Each upload then writes its file through p2p-core's
// IncomingFile (a hidden partial in the destination boundary) while hashing it with SHA-256 (and BLAKE3 for Ferry's
// records), and the file appears under its name only when its size and the sender's sha256 (when given) match.
//
//   deciding --accept--> receiving --all files saved--> completed
//      \--decline/timeout/withdrawn--> declined/failed   \--cancel/size lie/disk error/idle--> failed
//
// In a terminal state nothing commits, late bytes are dropped, and every unfinished partial is removed.

import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  CancelledError, Destination, FerryError, IncomingFile, PartialClaims, PartialNames, ProgressMeter, TimeoutError,
  createInlineHasher, defaultLimits, toFerryError, type IncomingOffer, type OfferDecision, type OfferedFileInfo,
  type ReceiveResult, type RemotePeer, type SavedFile
} from '@ferry/p2p-core'
import {
  LocalSendChecksumError, LocalSendDeclinedError, LocalSendForbiddenError, LocalSendRemoteError,
  LocalSendSizeMismatchError, LocalSendBusyError
} from './errors.ts'
import { sendEmpty, sendError, sendJson } from './http-body.ts'
import type { LocalSendLimits } from './limits.ts'
import type { DeviceInfo, FileDto } from './protocol.ts'

/** Times one file may be uploaded again after its sha256 did not match (as LocalSend's newer apps allow). */
export const MAX_UPLOAD_ATTEMPTS = 3

/** What Ferry knows of the LocalSend device behind an offer. */
export interface LocalSendSender {
  info: DeviceInfo
  /** Its certificate's fingerprint, proven by mutual TLS; undefined over plain http or without a client certificate. */
  certificateFingerprint?: string
  ip: string
}

/** An offer from a LocalSend device, as the app decides on it: p2p-core's IncomingOffer plus who sent it. */
export interface LocalSendOffer extends IncomingOffer {
  localsend: LocalSendSender
}

interface SessionFile {
  info: OfferedFileInfo
  dto: FileDto
  token: string
  file: IncomingFile
  state: 'waiting' | 'uploading' | 'done'
  attempts: number
  /** The request writing it now, to cut when the session ends. */
  upload?: { req: IncomingMessage, res: ServerResponse }
}

type State = 'deciding' | 'receiving' | 'ended'

export interface ReceiveSessionInit {
  sender: LocalSendSender
  peer: RemotePeer
  files: readonly { info: OfferedFileInfo, dto: FileDto }[]
  text?: string
  limits: LocalSendLimits
  onEnd: (session: ReceiveSession) => void
}

export class ReceiveSession {
  readonly id = randomUUID()
  readonly sender: LocalSendSender
  readonly offer: LocalSendOffer
  readonly #init: ReceiveSessionInit
  readonly #withdrawn = new AbortController()
  readonly #byId = new Map<string, SessionFile>()
  readonly #saved: SavedFile[] = []
  readonly #started = performance.now()
  #state: State = 'deciding'
  #decided!: (decision: OfferDecision | Error) => void
  readonly #decision: Promise<OfferDecision | Error>
  #settle!: { resolve: (r: ReceiveResult) => void, reject: (e: unknown) => void }
  readonly #outcome: Promise<ReceiveResult>
  #responded = false
  #destination: Destination | undefined
  #meter: ProgressMeter | undefined
  #timer: NodeJS.Timeout | undefined
  #lastActivity = performance.now()
  /** Upload handlers running now; the session's cleanup waits for them (each discards its own file first). */
  readonly #running = new Set<Promise<void>>()
  #stopAbortListener: (() => void) | undefined

  constructor (init: ReceiveSessionInit) {
    this.#init = init
    this.sender = init.sender
    this.#decision = new Promise((resolve) => { this.#decided = resolve })
    this.#outcome = new Promise<ReceiveResult>((resolve, reject) => { this.#settle = { resolve, reject } })
    this.#outcome.catch(() => {}) // observed through respond(); never unhandled on its own
    const files = init.files.map((f) => f.info)
    this.offer = {
      transferId: this.id,
      from: init.peer,
      files,
      totalBytes: files.reduce((n, f) => n + f.size, 0),
      ...(init.text === undefined ? {} : { text: init.text }),
      withdrawn: this.#withdrawn.signal,
      respond: async (decision) => await this.#respond(decision),
      localsend: init.sender
    }
  }

  get state (): State {
    return this.#state
  }

  /** The ended session's result, or its error. */
  get outcome (): Promise<ReceiveResult> {
    return this.#outcome
  }

  /**
   * Waits for the app's decision and answers prepare-upload with it. The request's connection closing first
   * withdraws the offer, as does the decision timeout (answered 403, as a decline).
   */
  async answerPrepare (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const onClose = (): void => { if (!res.writableFinished) this.#withdraw(new CancelledError('The LocalSend sender withdrew the offer')) }
    res.once('close', onClose)
    const timer = setTimeout(() => { this.#withdraw(new TimeoutError('Nobody answered the LocalSend offer in time')) }, this.#init.limits.decisionTimeoutMs)
    timer.unref()
    const decision = await this.#decision
    clearTimeout(timer)
    if (decision instanceof Error) {
      sendError(req, res, decision instanceof TimeoutError ? new LocalSendDeclinedError('Nobody answered in time') : decision)
      return
    }
    if (!decision.accept) {
      sendError(req, res, new LocalSendDeclinedError('Rejected'))
      return
    }
    if (this.#state !== 'receiving') {
      sendError(req, res, new LocalSendDeclinedError('Cancelled'))
      return
    }
    if (this.#byId.size === 0) {
      // A text message, or no file wanted: "Finished (no file transfer needed)".
      sendEmpty(res, 204)
      this.#complete()
      return
    }
    sendJson(res, 200, { sessionId: this.id, files: Object.fromEntries([...this.#byId].map(([id, f]) => [id, f.token])) })
    res.off('close', onClose)
  }

  async #respond (decision: OfferDecision): Promise<ReceiveResult> {
    if (this.#responded) throw new Error('This offer was already answered')
    this.#responded = true
    if (this.#state !== 'deciding') return await this.#outcome
    if (!decision.accept) {
      this.#state = 'ended'
      this.#decided(decision)
      this.#finish({ transferId: this.id, status: 'declined', files: [], bytesReceived: 0, bytesResumed: 0, seconds: 0, ...this.#textResult() })
      return await this.#outcome
    }
    try {
      if (decision.signal?.aborted === true) throw new CancelledError('The transfer was cancelled on this computer')
      this.#accept(decision)
      this.#decided(decision)
    } catch (err) {
      this.#fail(err)
      this.#decided(decision)
    }
    return await this.#outcome
  }

  #accept (decision: Extract<OfferDecision, { accept: true }>): void {
    const wanted = decision.files === undefined ? null : new Set(decision.files)
    const accepted = this.#init.files.filter((f) => wanted === null || wanted.has(f.info.id))
    if (accepted.length > 0) {
      const destination = Destination.open(decision.dir)
      this.#destination = destination
      // LocalSend uploads never resume: each partial gets a fresh, random name.
      const names = new PartialNames()
      const claims = new PartialClaims()
      for (const { info, dto } of accepted) {
        const file = IncomingFile.plan({ destination, names, claims, path: info.path, size: info.size })
        this.#byId.set(dto.id, { info, dto, token: randomBytes(18).toString('base64url'), file, state: 'waiting', attempts: 0 })
      }
    }
    const signal = decision.signal
    if (signal !== undefined) {
      const onAbort = (): void => { this.#fail(new CancelledError('The transfer was cancelled on this computer')) }
      signal.addEventListener('abort', onAbort, { once: true })
      this.#stopAbortListener = () => { signal.removeEventListener('abort', onAbort) }
    }
    this.#meter = new ProgressMeter({
      totalBytes: accepted.reduce((n, f) => n + f.info.size, 0),
      totalFiles: accepted.length,
      perSecond: defaultLimits.progressPerSecond,
      onProgress: decision.onProgress ?? (() => {})
    })
    this.#meter.start()
    this.#state = 'receiving'
    const idleMs = this.#init.limits.idleTimeoutMs
    this.#lastActivity = performance.now()
    this.#timer = setInterval(() => {
      if (performance.now() - this.#lastActivity > idleMs) this.#fail(new TimeoutError('The LocalSend sender stopped sending'))
    }, Math.max(10, Math.min(1000, Math.floor(idleMs / 4))))
    this.#timer.unref()
  }

  /** The sender withdrew the offer (or nobody answered in time) before it was answered. */
  #withdraw (reason: FerryError): void {
    if (this.#state !== 'deciding') return
    this.#withdrawn.abort(reason)
    this.#decided(reason)
    this.#fail(reason)
  }

  /** POST /cancel from the sender. */
  cancelBySender (): void {
    const error = new CancelledError(this.#state === 'deciding' ? 'The LocalSend sender withdrew the offer' : 'The LocalSend sender cancelled the transfer')
    if (this.#state === 'deciding') this.#withdraw(error)
    else this.#fail(error)
  }

  /** Ends the session from this side (the server is closing). */
  end (reason: Error): void {
    if (this.#state === 'deciding') this.#withdraw(toFerryError(reason, (m, o) => new LocalSendRemoteError(m, o)))
    else this.#fail(reason)
  }

  /** One POST /upload: checks it belongs to this session, its sender and a waiting file, then receives the body. */
  async upload (req: IncomingMessage, res: ServerResponse, query: { fileId: string, token: string, ip: string }): Promise<void> {
    const file = this.#byId.get(query.fileId)
    if (this.#state !== 'receiving' || file === undefined || query.ip !== this.sender.ip || file.token !== query.token) {
      throw new LocalSendForbiddenError('Invalid token or IP address')
    }
    if (file.state !== 'waiting') throw new LocalSendForbiddenError(file.state === 'done' ? 'This file was already received' : 'This file is being uploaded already')
    if (this.#running.size >= this.#init.limits.maxParallelUploads) throw new LocalSendBusyError(`At most ${this.#init.limits.maxParallelUploads} uploads at once`)
    file.state = 'uploading'
    file.attempts++
    file.upload = { req, res }
    const receiving = this.#receive(file, req)
    const running = receiving.then(() => {}, () => {})
    this.#running.add(running)
    try {
      await receiving
    } catch (err) {
      if (file.state === 'uploading') file.file.discard()
      if (err instanceof LocalSendChecksumError && file.attempts < MAX_UPLOAD_ATTEMPTS && this.#state === 'receiving') {
        // The sender may try this file again with the same token: a fresh partial waits for it.
        file.file = IncomingFile.plan({ destination: this.#destination as Destination, names: new PartialNames(), claims: new PartialClaims(), path: file.info.path, size: file.info.size })
        file.state = 'waiting'
        sendError(req, res, err)
        return
      }
      const error = toFerryError(err, (m, o) => new LocalSendRemoteError(m, o))
      sendError(req, res, error)
      this.#fail(error)
      return
    } finally {
      file.upload = undefined
      this.#running.delete(running)
    }
    sendEmpty(res, 200)
    if (this.#saved.length === this.#byId.size) this.#complete()
  }

  async #receive (file: SessionFile, req: IncomingMessage): Promise<void> {
    const { size, path } = file.info
    const declared = req.headers['content-length']
    if (declared !== undefined && Number(declared) !== size) {
      throw new LocalSendSizeMismatchError(`${path} is offered with ${size} bytes, but its upload declares ${declared}`)
    }
    file.file.open()
    const sha256 = createHash('sha256')
    const blake3 = createInlineHasher()
    let received = 0
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        if (this.#state !== 'receiving') throw this.#endError()
        if (received + chunk.byteLength > size) throw new LocalSendSizeMismatchError(`More bytes than the ${size} offered for ${path}`)
        const position = received
        received += chunk.byteLength
        sha256.update(chunk)
        await Promise.all([file.file.write(chunk, position), blake3.update(chunk)])
        this.#lastActivity = performance.now()
        this.#meter?.add(chunk.byteLength, file.info.id)
      }
    } catch (err) {
      blake3.dispose()
      if (!req.complete && this.#state === 'receiving' && !(err instanceof FerryError)) throw new LocalSendRemoteError(`The upload of ${path} broke off`, { cause: err })
      throw err
    }
    if (this.#state !== 'receiving') {
      blake3.dispose()
      throw this.#endError()
    }
    if (received !== size) {
      blake3.dispose()
      throw new LocalSendSizeMismatchError(`${path} ended after ${received} of its ${size} bytes`)
    }
    const digest = await blake3.digest()
    file.file.close()
    const actual = sha256.digest('hex')
    if (file.dto.sha256 !== undefined && file.dto.sha256 !== actual) {
      throw new LocalSendChecksumError(`${path} arrived damaged: its SHA-256 is ${actual}, the sender's is ${file.dto.sha256}`)
    }
    // Committed only while the session is still receiving: once it has ended, nothing more appears.
    const savedAs = file.file.commit(() => this.#state === 'receiving')
    if (savedAs === undefined) throw this.#endError()
    file.state = 'done'
    this.#saved.push({ path, savedAs, size, blake3: digest })
    this.#meter?.fileDone(file.info.id)
  }

  #endError (): FerryError {
    return new LocalSendForbiddenError('The session has ended')
  }

  #textResult (): { text?: string } {
    return this.#init.text === undefined ? {} : { text: this.#init.text }
  }

  #complete (): void {
    if (this.#state !== 'receiving') return
    this.#state = 'ended'
    this.#destination?.close()
    const bytes = this.#saved.reduce((n, f) => n + f.size, 0)
    this.#finish({ transferId: this.id, status: 'completed', files: [...this.#saved], bytesReceived: bytes, bytesResumed: 0, seconds: (performance.now() - this.#started) / 1000, ...this.#textResult() })
  }

  #finish (result: ReceiveResult): void {
    this.#state = 'ended'
    this.#stopTimers()
    this.#settle.resolve(result)
    this.#init.onEnd(this)
  }

  #fail (err: unknown): void {
    if (this.#state === 'ended') return
    this.#state = 'ended'
    const error = toFerryError(err, (m, o) => new LocalSendRemoteError(m, o))
    this.#stopTimers()
    this.#settle.reject(error)
    // Uploads still running are cut; their handlers discard what they wrote (no commit happens after 'ended').
    for (const file of this.#byId.values()) {
      if (file.upload !== undefined) {
        sendError(file.upload.req, file.upload.res, new LocalSendForbiddenError(`The session has ended: ${error.message}`))
        file.upload.req.destroy()
      } else if (file.state === 'waiting') {
        file.file.discard()
      }
    }
    void Promise.all([...this.#running]).then(() => {
      for (const file of this.#byId.values()) if (file.state !== 'done') file.file.discard()
      this.#destination?.removeEmptyFolders()
      this.#destination?.close()
    })
    this.#init.onEnd(this)
  }

  #stopTimers (): void {
    clearInterval(this.#timer)
    this.#meter?.stop()
    this.#stopAbortListener?.()
  }
}
