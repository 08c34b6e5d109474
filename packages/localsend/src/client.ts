// Ferry sending to a LocalSend device (protocol v2, section 4): prepare-upload with each file's SHA-256 (folders
// as relative paths in `fileName`), the PIN asked for when the device answers 401, then the accepted files
// uploaded `sendParallel` at a time (two, as LocalSend's app does) with progress. Cancel (the signal) stops the
// uploads and tells the device (POST /cancel); the device cancelling (its POST /cancel to our server, or refusing
// the uploads) ends the send with a clear error. 403, 409, 422 and 429 each have their own error class.

import { createHash, randomUUID } from 'node:crypto'
import { pipeline } from 'node:stream/promises'
import { Transform } from 'node:stream'
import { lookup as mimeLookup } from 'mime-types'
import {
  CancelledError, FerryError, NothingToSendError, ProgressMeter, TimeoutError, collectSourceFiles, defaultLimits,
  openSource, silentLogger, toFerryError, type Logger, type SourceFile, type SourceListing, type TransferProgress
} from '@ferry/p2p-core'
import { exchange, readText, type LocalSendTarget } from './connection.ts'
import {
  LocalSendBadRequestError, LocalSendBusyError, LocalSendChecksumError, LocalSendDeclinedError,
  LocalSendForbiddenError, LocalSendPinRateLimitedError, LocalSendPinRequiredError, LocalSendRemoteError,
  LocalSendTooManyFilesError, LocalSendBodyTooLargeError
} from './errors.ts'
import type { LocalSendIdentity } from './identity.ts'
import { resolveLocalSendLimits, type LocalSendLimits } from './limits.ts'
import {
  deviceInfoSchema, errorBodySchema, infoBody, prepareUploadResponseSchema, ROUTES, type DeviceInfo, type LocalInfo
} from './protocol.ts'

export interface LocalSendSendRequest {
  target: LocalSendTarget
  paths?: readonly string[]
  /** A text message (sent as LocalSend sends one: a text/plain file whose text is its `preview`). */
  text?: string
  pin?: string
  /** Asked when the device wants a PIN (or the one given was wrong); undefined gives up. */
  askPin?: (wrong: boolean) => Promise<string | undefined>
  followLinks?: boolean
  onListed?: (listing: SourceListing) => void
  /** Called once the device has the offer and a person there is deciding. */
  onOffered?: () => void
  onProgress?: (progress: TransferProgress) => void
  signal?: AbortSignal
}

export interface LocalSendSendResult {
  sessionId?: string
  /** Files the device accepted and received. */
  files: number
  /** Files offered that the device did not want. */
  skippedByReceiver: number
  bytesSent: number
  seconds: number
  transferSeconds: number
  /** The certificate fingerprint the device presented (https). */
  fingerprint?: string
}

export interface LocalSendClientInit {
  identity: LocalSendIdentity
  /** This device as it introduces itself (port and protocol of our own server, if it runs). */
  info: () => LocalInfo
  limits?: Partial<LocalSendLimits>
  logger?: Logger
}

/** Largest JSON answer read from a device, in bytes. */
const MAX_ANSWER_BYTES = 1024 * 1024

/** How long a request that moves no file waits for its answer, in ms. */
const REQUEST_TIMEOUT_MS = 10_000

interface ActiveSend {
  ip: string
  sessionId?: string
  cancel: (reason: FerryError) => void
}

export class LocalSendClient {
  readonly limits: LocalSendLimits
  readonly #init: LocalSendClientInit
  readonly #logger: Logger
  readonly #active = new Set<ActiveSend>()

  constructor (init: LocalSendClientInit) {
    this.#init = init
    this.limits = resolveLocalSendLimits(init.limits)
    this.#logger = init.logger ?? silentLogger
  }

  /** GET info: what the device says of itself. */
  async info (target: LocalSendTarget, options: { signal?: AbortSignal } = {}): Promise<DeviceInfo & { certificateFingerprint?: string }> {
    const { status, text, fingerprint } = await this.#json(target, 'GET', ROUTES.info, undefined, options.signal)
    if (status !== 200) throw errorForStatus(status, text)
    return { ...parseDevice(text), ...(fingerprint === undefined ? {} : { certificateFingerprint: fingerprint }) }
  }

  /** POST register: introduces this device, and returns the device's answer. */
  async register (target: LocalSendTarget, options: { signal?: AbortSignal } = {}): Promise<DeviceInfo & { certificateFingerprint?: string }> {
    const { status, text, fingerprint } = await this.#json(target, 'POST', ROUTES.register, infoBody(this.#init.info()), options.signal)
    if (status !== 200) throw errorForStatus(status, text)
    return { ...parseDevice(text), ...(fingerprint === undefined ? {} : { certificateFingerprint: fingerprint }) }
  }

  /**
   * A device sent POST /cancel to our server for a session we do not hold as receiver: if we are sending to that
   * address (under that session, when it named one), that send ends with CancelledError.
   */
  cancelReceived (event: { ip: string, sessionId?: string }): boolean {
    let found = false
    for (const send of this.#active) {
      if (send.ip === event.ip && (event.sessionId === undefined || send.sessionId === event.sessionId)) {
        send.cancel(new CancelledError('The LocalSend device cancelled the transfer'))
        found = true
      }
    }
    return found
  }

  async send (request: LocalSendSendRequest): Promise<LocalSendSendResult> {
    const started = performance.now()
    const paths = request.paths ?? []
    if (paths.length === 0 && request.text === undefined) throw new NothingToSendError()
    const controller = new AbortController()
    const outer = request.signal
    const onOuterAbort = (): void => { controller.abort(new CancelledError('The transfer was cancelled on this computer')) }
    outer?.addEventListener('abort', onOuterAbort, { once: true })
    if (outer?.aborted === true) onOuterAbort()
    const active: ActiveSend = { ip: request.target.host, cancel: (reason) => { controller.abort(reason) } }
    this.#active.add(active)
    const signal = controller.signal
    try {
      const result: LocalSendSendResult = { files: 0, skippedByReceiver: 0, bytesSent: 0, seconds: 0, transferSeconds: 0 }
      if (request.text !== undefined) {
        const answer = await this.#prepare(request, textOffer(request.text), signal, active)
        if (answer.fingerprint !== undefined) result.fingerprint = answer.fingerprint
      }
      if (paths.length > 0) {
        const listing = await collectSourceFiles(paths, { ...defaultLimits, maxFilesPerOffer: this.limits.maxFilesPerSession, maxPathBytes: this.limits.maxPathBytes, maxNameBytes: this.limits.maxNameBytes, maxPathDepth: this.limits.maxPathDepth }, { signal, followLinks: request.followLinks ?? false })
        request.onListed?.(listing)
        if (listing.files.length === 0) throw new NothingToSendError('Nothing to send: no file could be listed')
        const offer = await fileOffer(listing.files, signal)
        const answer = await this.#prepare(request, offer.body, signal, active)
        if (answer.fingerprint !== undefined) result.fingerprint = answer.fingerprint
        const target = { ...request.target, ...(answer.fingerprint === undefined ? {} : { fingerprint: answer.fingerprint }) }
        if (answer.session !== undefined) {
          result.sessionId = answer.session.sessionId
          const accepted = listing.files.filter((f) => answer.session?.files[offer.idOf.get(f) as string] !== undefined)
          result.skippedByReceiver = listing.files.length - accepted.length
          const transferStarted = performance.now()
          result.bytesSent = await this.#uploadAll(target, answer.session, accepted, offer.idOf, request, signal)
          result.files = accepted.length
          result.transferSeconds = (performance.now() - transferStarted) / 1000
        } else {
          result.skippedByReceiver = listing.files.length
        }
      }
      result.seconds = (performance.now() - started) / 1000
      return result
    } catch (err) {
      const reason: unknown = signal.aborted ? signal.reason : err
      if (signal.aborted && active.sessionId !== undefined) await this.#cancelRemote(request.target, active.sessionId)
      throw toFerryError(reason, (m, o) => new LocalSendRemoteError(m, o))
    } finally {
      outer?.removeEventListener('abort', onOuterAbort)
      this.#active.delete(active)
    }
  }

  /** prepare-upload, with the PIN asked for on 401. No session when the device wants nothing (204). */
  async #prepare (
    request: LocalSendSendRequest, files: Record<string, unknown>, signal: AbortSignal, active: ActiveSend
  ): Promise<{ session?: { sessionId: string, files: Record<string, string> }, fingerprint?: string }> {
    let pin = request.pin
    for (let attempt = 0; ; attempt++) {
      const query = pin === undefined ? '' : `?pin=${encodeURIComponent(pin)}`
      const body = { info: infoBody(this.#init.info()), files }
      const { status, text, fingerprint } = await this.#json(request.target, 'POST', `${ROUTES.prepareUpload}${query}`, body, signal, this.limits.answerTimeoutMs, request.onOffered)
      if (status === 401 && request.askPin !== undefined && attempt < this.limits.maxPinAttempts) {
        const next = await request.askPin(pin !== undefined)
        if (next === undefined) throw errorForStatus(status, text)
        pin = next
        continue
      }
      const withFingerprint = fingerprint === undefined ? {} : { fingerprint }
      if (status === 204) return withFingerprint
      if (status !== 200) throw errorForStatus(status, text)
      const parsed = prepareUploadResponseSchema.safeParse(safeJson(text))
      if (!parsed.success) throw new LocalSendRemoteError('The LocalSend device answered prepare-upload with something that is not a session')
      active.sessionId = parsed.data.sessionId
      return { session: parsed.data, ...withFingerprint }
    }
  }

  async #uploadAll (
    target: LocalSendTarget, session: { sessionId: string, files: Record<string, string> }, files: SourceFile[],
    idOf: Map<SourceFile, string>, request: LocalSendSendRequest, signal: AbortSignal
  ): Promise<number> {
    const meter = new ProgressMeter({
      totalBytes: files.reduce((n, f) => n + f.size, 0),
      totalFiles: files.length,
      perSecond: defaultLimits.progressPerSecond,
      onProgress: request.onProgress ?? (() => {})
    })
    meter.start()
    let next = 0
    const failure = new AbortController()
    const worker = async (): Promise<void> => {
      while (next < files.length && !signal.aborted && !failure.signal.aborted) {
        const file = files[next++] as SourceFile
        const id = idOf.get(file) as string
        await this.#uploadOne(target, session.sessionId, id, session.files[id] as string, file, meter, AbortSignal.any([signal, failure.signal]))
        meter.fileDone(file.id)
      }
    }
    try {
      const workers = Array.from({ length: Math.min(this.limits.sendParallel, files.length) }, async () => {
        try {
          await worker()
        } catch (err) {
          failure.abort(err)
          throw err
        }
      })
      const results = await Promise.allSettled(workers)
      if (signal.aborted) throw signal.reason
      const failed = results.find((r) => r.status === 'rejected')
      if (failed !== undefined) throw failure.signal.reason ?? (failed as PromiseRejectedResult).reason
      return meter.bytesDone
    } finally {
      meter.stop()
    }
  }

  async #uploadOne (
    target: LocalSendTarget, sessionId: string, fileId: string, token: string, file: SourceFile, meter: ProgressMeter, signal: AbortSignal
  ): Promise<void> {
    const query = new URLSearchParams({ sessionId, fileId, token })
    const handle = await openSource(file)
    const call = exchange(target, {
      method: 'POST',
      path: `${ROUTES.upload}?${query.toString()}`,
      headers: { 'content-type': 'application/octet-stream', 'content-length': file.size },
      identity: this.#init.identity,
      signal,
      timeoutMs: 2 ** 31 - 1 // the answer comes after the last byte; stalls are the idle timer's to catch
    })
    let lastMoved = performance.now()
    const idle = setInterval(() => {
      if (performance.now() - lastMoved > this.limits.sendIdleTimeoutMs) call.req.destroy(new TimeoutError('The LocalSend device stopped taking bytes'))
    }, Math.max(10, Math.min(1000, Math.floor(this.limits.sendIdleTimeoutMs / 4))))
    idle.unref()
    try {
      const counting = new Transform({
        transform (chunk: Buffer, _encoding, done) {
          lastMoved = performance.now()
          meter.add(chunk.byteLength, file.id)
          done(null, chunk)
        }
      })
      // Read through the FileHandle, never its bare number: a stream destroyed on a refusal closes its descriptor
      // even with autoClose off, and closing the handle after would close that number again, by then perhaps
      // another file's (seen as EBADF in the next upload).
      const source = handle.createReadStream({ autoClose: false, start: 0, end: Math.max(0, file.size - 1), highWaterMark: 256 * 1024 })
      let broken: unknown
      const sent = (file.size === 0 ? (source.destroy(), call.req.end(), Promise.resolve()) : pipeline(source, counting, call.req))
        .catch((err: unknown) => { broken = err })
      // A device may answer before it read everything (a refusal): its answer says more than the broken pipe.
      const res = await call.response
      await sent
      const text = await readText(res, MAX_ANSWER_BYTES)
      if (res.statusCode !== 200) throw errorForStatus(res.statusCode ?? 500, text, file.path)
      if (broken !== undefined) throw broken
    } finally {
      clearInterval(idle)
      await handle.close()
    }
  }

  async #cancelRemote (target: LocalSendTarget, sessionId: string): Promise<void> {
    try {
      const { status } = await this.#json(target, 'POST', `${ROUTES.cancel}?sessionId=${encodeURIComponent(sessionId)}`, undefined, AbortSignal.timeout(3_000))
      this.#logger.debug('localsend cancel sent: %d', status)
    } catch (err) {
      this.#logger.debug('localsend cancel not delivered: %s', (err as Error).message)
    }
  }

  async #json (
    target: LocalSendTarget, method: 'GET' | 'POST', path: string, body: unknown, signal?: AbortSignal,
    timeoutMs = REQUEST_TIMEOUT_MS, onSent?: () => void
  ): Promise<{ status: number, text: string, fingerprint?: string }> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
    const call = exchange(target, {
      method,
      path,
      headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': payload.byteLength },
      identity: this.#init.identity,
      ...(signal === undefined ? {} : { signal }),
      timeoutMs
    })
    call.req.end(payload, () => { onSent?.() })
    const res = await call.response
    const text = await readText(res, MAX_ANSWER_BYTES)
    const fingerprint = call.fingerprint()
    return { status: res.statusCode ?? 500, text, ...(fingerprint === undefined ? {} : { fingerprint }) }
  }
}

function safeJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function parseDevice (text: string): DeviceInfo {
  const parsed = deviceInfoSchema.safeParse(safeJson(text))
  if (!parsed.success) throw new LocalSendRemoteError('The LocalSend device answered with something that is not a device description')
  return parsed.data
}

/** A peer's HTTP status as Ferry's error, with the device's own message when it sent one. */
export function errorForStatus (status: number, text: string, path?: string): FerryError {
  const parsed = errorBodySchema.safeParse(safeJson(text))
  const theirs = parsed.success ? parsed.data.message.slice(0, 200) : undefined
  const about = path === undefined ? '' : `${path}: `
  const said = theirs === undefined ? '' : ` (the device said: ${theirs})`
  switch (status) {
    case 400: return new LocalSendBadRequestError(`${about}The LocalSend device refused the request as invalid${said}`)
    case 401: return new LocalSendPinRequiredError(`The LocalSend device asks for a PIN, or the PIN was wrong${said}`)
    case 403: return path === undefined
      ? new LocalSendDeclinedError(`The LocalSend device declined the transfer${said}`)
      : new LocalSendForbiddenError(`${about}The LocalSend device refused the upload: the transfer was cancelled there or has ended${said}`)
    case 409: return new LocalSendBusyError(`The LocalSend device is busy with another transfer; try again when it is done${said}`)
    case 413: return text.includes('files') ? new LocalSendTooManyFilesError(`The LocalSend device takes fewer files at once${said}`) : new LocalSendBodyTooLargeError(`The offer is too large for the LocalSend device${said}`)
    case 422: return new LocalSendChecksumError(`${about}The LocalSend device received the file damaged: its SHA-256 did not match${said}`)
    case 429: return new LocalSendPinRateLimitedError(`Too many wrong PINs: the LocalSend device refuses more tries for now${said}`)
    default: return new LocalSendRemoteError(`${about}The LocalSend device answered ${status}${said}`)
  }
}

function textOffer (text: string): Record<string, unknown> {
  const id = randomUUID()
  return { [id]: { id, fileName: `${id}.txt`, size: Buffer.byteLength(text), fileType: 'text/plain', sha256: null, preview: text } }
}

/** The prepare-upload files of a listing: each with its relative path as `fileName` and its SHA-256. */
async function fileOffer (files: readonly SourceFile[], signal: AbortSignal): Promise<{ body: Record<string, unknown>, idOf: Map<SourceFile, string> }> {
  const body: Record<string, unknown> = {}
  const idOf = new Map<SourceFile, string>()
  for (const file of files) {
    if (signal.aborted) throw signal.reason
    const id = randomUUID()
    idOf.set(file, id)
    body[id] = {
      id,
      fileName: file.path,
      size: file.size,
      fileType: mimeLookup(file.path) || 'application/octet-stream',
      sha256: await sha256Of(file, signal),
      preview: null,
      metadata: { modified: new Date(file.mtimeMs).toISOString(), accessed: null }
    }
  }
  return { body, idOf }
}

async function sha256Of (file: SourceFile, signal: AbortSignal): Promise<string> {
  const handle = await openSource(file)
  try {
    const hash = createHash('sha256')
    await pipeline(handle.createReadStream({ autoClose: false, start: 0, highWaterMark: 1024 * 1024 }), hash, { signal })
    return hash.digest('hex')
  } finally {
    await handle.close()
  }
}
