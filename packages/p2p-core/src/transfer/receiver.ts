// The receiving side of a transfer (docs/protocol.md): read and check the offer, ask the app, then take the data
// streams. Each file is written to a hidden partial beside its destination while it is hashed, and moved to its
// visible name only when its BLAKE3 matches the sender's. A lost connection keeps partials for resume; a cancel
// or a hash mismatch removes them.

import { mkdir } from 'node:fs/promises'
import {
  BadFrameError, CancelledError, ConnectionLostError, FerryError, HashMismatchError, OfferTooLargeError,
  DiskError, TimeoutError, errorFromJson, toFerryError
} from '../errors.ts'
import type { HashPool } from '../hash/hash-pool.ts'
import type { FerryLimits } from '../limits.ts'
import type { Logger } from '../logger.ts'
import type { ControlChannel } from '../protocol/control-channel.ts'
import { FrameReader } from '../protocol/frames.ts'
import {
  controlSchema, dataHeaderSchema, dataItemSchema, offerFilesSchema, parseMessage, type ControlMessage, type Hello,
  type Offer
} from '../protocol/messages.ts'
import { OfferedPaths, sanitizeRelativePath } from '../protocol/paths.ts'
import type { FerryConnection, FerryStream } from '../transport/types.ts'
import { closeGracefully, deferred, withTimeout } from './async-utils.ts'
import type { IncomingOffer, OfferDecision, OfferedFileInfo, ReceiveResult, RemotePeer, SavedFile } from './incoming-offer.ts'
import type { Continuation, InterruptedTransfers } from './interrupted.ts'
import { chunkForFrames } from './offer-chunks.ts'
import { checkFreeSpace, writeIncomingFile } from './file-writer.ts'
import { commitPartial, discardPartial, planPartial, type PartialPlan } from './partial-file.ts'
import { ProgressMeter, watchIdle } from './progress.ts'

export interface ReceiverComponents {
  hashPool: HashPool
  limits: FerryLimits
  logger: Logger
  /** Accepted transfers that were interrupted; a reconnect of one is offered with `continues`. */
  interrupted?: InterruptedTransfers
}

/** How long a cancel waits for the peer to read it, in ms (cancel must stop both sides within a second). */
const CANCEL_GRACE_MS = 500

interface IncomingFile {
  info: OfferedFileInfo
  parts: string[]
  plan: PartialPlan
  started: boolean
  localHash?: string
  remoteHash?: string
  done: boolean
}

/**
 * Runs one incoming transfer on `connection` once `hello` and `offer` have arrived on `control` (engine/inbound.ts
 * reads them, and sends the error frame and closes the connection however this ends). `emitOffer` hands the offer
 * to the app; the returned promise settles when the transfer ends (also when declined or failed).
 */
export async function receiveTransfer (
  connection: FerryConnection,
  control: ControlChannel,
  remote: Omit<RemotePeer, 'alias' | 'deviceType'>,
  hello: Hello,
  offer: Offer,
  components: ReceiverComponents,
  emitOffer: (offer: IncomingOffer) => void
): Promise<ReceiveResult> {
  const files = await readOfferFiles(control, offer, components.limits)
  return await runOffer({ connection, control, remote, hello, text: offer.text, totalBytes: offer.totalBytes, files, components, emitOffer })
}

async function readOfferFiles (control: ControlChannel, offer: Offer, limits: FerryLimits): Promise<OfferedFileInfo[]> {
  if (offer.fileCount > limits.maxFilesPerOffer) {
    throw new OfferTooLargeError(`The offer has ${offer.fileCount} files; this device takes at most ${limits.maxFilesPerOffer}`)
  }
  if (offer.text !== undefined && new TextEncoder().encode(offer.text).byteLength > limits.maxTextBytes) {
    throw new OfferTooLargeError(`The text is longer than ${limits.maxTextBytes} bytes`)
  }
  const files: OfferedFileInfo[] = []
  const paths = new OfferedPaths()
  let total = 0
  while (files.length < offer.fileCount) {
    const chunk = await withTimeout(control.receive(offerFilesSchema), limits.idleTimeoutMs, 'The offer stopped arriving')
    for (const file of chunk.files) {
      if (file.id !== files.length || files.length >= offer.fileCount) throw new BadFrameError('Offered file ids must run 0, 1, 2, ... up to the announced count')
      const parts = sanitizeRelativePath(file.path, limits)
      paths.add(parts)
      total += file.size
      files.push({ id: file.id, path: parts.join('/'), size: file.size, mtimeMs: file.mtimeMs })
    }
  }
  if (total !== offer.totalBytes) throw new BadFrameError('The offer\'s total does not match its files')
  return files
}

interface RunOfferInit {
  connection: FerryConnection
  control: ControlChannel
  remote: Omit<RemotePeer, 'alias' | 'deviceType'>
  hello: Hello
  text: string | undefined
  totalBytes: number
  files: OfferedFileInfo[]
  components: ReceiverComponents
  emitOffer: (offer: IncomingOffer) => void
}

async function runOffer (init: RunOfferInit): Promise<ReceiveResult> {
  const { control, components: { limits } } = init
  const started = performance.now()
  const decision = deferred<OfferDecision>()
  const outcome = deferred<ReceiveResult>()
  const withdrawn = new AbortController()
  let responded = false
  const key = { transferId: init.hello.transferId, peerId: init.remote.peerId, files: init.files }
  const interrupted = init.components.interrupted
  const continues = await interrupted?.takeOver(key)
  const offer: IncomingOffer = {
    transferId: init.hello.transferId,
    from: { ...init.remote, alias: init.hello.alias, deviceType: init.hello.deviceType },
    files: init.files,
    totalBytes: init.totalBytes,
    ...(init.text === undefined ? {} : { text: init.text }),
    ...(continues === undefined ? {} : { continues }),
    withdrawn: withdrawn.signal,
    respond: async (d) => {
      if (responded) throw new Error('This offer was already answered')
      responded = true
      decision.resolve(d)
      return await outcome.promise
    }
  }

  // From here on the control stream is read through one inbox; the sender may withdraw while the user decides.
  const inbox = new ControlInbox(control)
  const withdrawal = inbox.next().then((message) => {
    if (message === null) throw new ConnectionLostError('The sender went away before the offer was answered')
    if (message.type === 'cancel') throw new CancelledError('The sender withdrew the offer')
    if (message.type === 'error') throw errorFromJson(message)
    throw new BadFrameError('The sender spoke before the offer was answered')
  })
  withdrawal.catch(() => {}) // only raced while the offer is undecided
  let accepted: Continuation | undefined
  let endRunning: (() => void) | undefined
  try {
    init.emitOffer(offer)
    const chosen = await withTimeout(Promise.race([decision.promise, withdrawal]), limits.answerTimeoutMs, 'Nobody answered the offer in time')
    if (!chosen.accept) {
      await control.send({ type: 'answer', accepted: false, files: [], done: true })
      const result: ReceiveResult = { transferId: offer.transferId, status: 'declined', files: [], bytesReceived: 0, bytesResumed: 0, seconds: 0, ...(init.text === undefined ? {} : { text: init.text }) }
      outcome.resolve(result)
      return result
    }
    accepted = { fileIds: chosen.files ?? init.files.map((f) => f.id), dir: chosen.dir }
    const superseded = deferred<never>()
    superseded.promise.catch(() => {})
    endRunning = interrupted?.running(key, () => { superseded.reject(new ConnectionLostError('The sender reconnected this transfer on a new connection')) })
    const result = await receiveAccepted(init, chosen, inbox, started, superseded.promise)
    interrupted?.forget(key.transferId)
    outcome.resolve(result)
    return result
  } catch (err) {
    if (err instanceof CancelledError || err instanceof TimeoutError) withdrawn.abort(err)
    // Lost or silent after it was accepted: the sender may reconnect, and then it goes on without a new question.
    if (accepted !== undefined && (err instanceof ConnectionLostError || err instanceof TimeoutError)) interrupted?.remember(key, accepted)
    else interrupted?.forget(key.transferId)
    outcome.reject(err)
    throw err
  } finally {
    endRunning?.()
  }
}

/** Reads the control stream in one place, handing frames out in order. */
class ControlInbox {
  readonly #control: ControlChannel
  #current: Promise<ControlMessage | null> | undefined

  constructor (control: ControlChannel) {
    this.#control = control
  }

  /** The next frame; calling again before it arrives returns the same promise. */
  async next (): Promise<ControlMessage | null> {
    this.#current ??= this.#control.receiveOrEnd(controlSchema)
    return await this.#current
  }

  consume (): void {
    this.#current = undefined
  }
}

async function receiveAccepted (
  init: RunOfferInit,
  decision: Extract<OfferDecision, { accept: true }>,
  inbox: ControlInbox,
  started: number,
  superseded: Promise<never>
): Promise<ReceiveResult> {
  const { connection, control, components: { limits } } = init
  const { signal } = decision
  if (signal?.aborted === true) {
    // Accepted and cancelled in one breath: tell the sender it was a cancel, not a failure.
    await withTimeout(control.send({ type: 'cancel', reason: 'cancelled by the receiver' }), 500, 'cancel').catch(() => {})
    throw new CancelledError('The transfer was cancelled on this device')
  }
  const wanted = decision.files === undefined ? null : new Set(decision.files)
  const dir = decision.dir
  try {
    await mkdir(dir, { recursive: true })
  } catch (err) {
    throw new DiskError(`Cannot create the folder ${dir}: ${(err as Error).message}`, { cause: err })
  }
  const files = new Map<number, IncomingFile>()
  for (const info of init.files) {
    if (wanted !== null && !wanted.has(info.id)) continue
    const parts = info.path.split('/')
    const plan = await planPartial(dir, { senderPeerId: init.remote.peerId, parts, size: info.size, mtimeMs: info.mtimeMs }, {
      resumable: info.size > limits.smallFileBytes, blocking: info.size <= limits.blockingFileBytes
    })
    files.set(info.id, { info, parts, plan, started: false, done: false })
  }
  await checkFreeSpace(dir, [...files.values()].reduce((n, f) => n + f.info.size - f.plan.offset, 0))
  const answers = [...files.values()].map((f): [number, number] => [f.info.id, f.plan.offset])
  const pieces = chunkForFrames(answers, limits.maxFrameBytes)
  if (pieces.length === 0) pieces.push([])
  for (const [i, piece] of pieces.entries()) {
    await control.send({ type: 'answer', accepted: true, files: piece, done: i === pieces.length - 1 })
  }

  const resumed = answers.reduce((n, [, offset]) => n + offset, 0)
  const total = [...files.values()].reduce((n, f) => n + f.info.size, 0)
  const meter = new ProgressMeter({ totalBytes: total, totalFiles: files.size, perSecond: limits.progressPerSecond, onProgress: decision.onProgress ?? (() => {}) })
  meter.start(resumed)
  const idle = deferred<never>()
  const watchdog = watchIdle(meter, limits.idleTimeoutMs, () => { idle.reject(new TimeoutError('The sender stopped sending')) })
  const saved: SavedFile[] = []
  const madeDirs = new Set<string>()
  const allDone = deferred<void>()
  if (files.size === 0) allDone.resolve()
  let cancelledHere = false
  const onAbort = (): void => {
    cancelledHere = true
    void withTimeout(control.send({ type: 'cancel', reason: 'cancelled by the receiver' }), 500, 'cancel').catch(() => {})
      .finally(() => { void closeGracefully(connection, CANCEL_GRACE_MS) })
  }
  signal?.addEventListener('abort', onAbort, { once: true })

  const finalize = async (file: IncomingFile): Promise<void> => {
    if (file.localHash === undefined || file.remoteHash === undefined || file.done) return
    file.done = true
    if (file.localHash !== file.remoteHash) {
      await discardPartial(file.plan)
      throw new HashMismatchError(`${file.info.path} arrived damaged: its BLAKE3 does not match the sender's`)
    }
    let savedAs: string
    try {
      savedAs = await commitPartial(file.plan)
    } catch (err) {
      throw new DiskError(`Cannot save ${file.info.path}: ${(err as Error).message}`, { cause: err })
    }
    saved.push({ path: file.info.path, savedAs, size: file.info.size, blake3: file.localHash })
    meter.fileDone(file.info.id)
    // Queued, not awaited: the control channel sends queued frames together, in order, so the last one settling
    // means every verified frame is with the transport, and only then is the transfer done.
    const sent = control.send({ type: 'verified', ids: [file.info.id] })
    sent.catch((err: unknown) => { allDone.reject(err) })
    if (saved.length === files.size) void sent.then(() => { allDone.resolve() }, () => {})
  }

  const controlLoop = (async () => {
    for (;;) {
      const message = await inbox.next()
      inbox.consume()
      if (message === null) throw new ConnectionLostError('The sender closed the transfer early')
      switch (message.type) {
        case 'file-done': {
          const file = files.get(message.id)
          if (file === undefined || file.remoteHash !== undefined) throw new BadFrameError(`Unexpected file-done for file ${message.id}`)
          file.remoteHash = message.blake3
          await finalize(file)
          break
        }
        case 'cancel': throw new CancelledError('The sender cancelled the transfer')
        case 'error': throw errorFromJson(message)
        default: throw new BadFrameError(`Unexpected ${message.type} frame from the sender`)
      }
    }
  })()

  const running = new Set<Promise<void>>()
  let replaced = false
  superseded.catch(() => { replaced = true })
  let settled = false
  allDone.promise.then(() => { settled = true }, () => { settled = true })
  const dataLoop = (async () => {
    for (;;) {
      // At the limit, the next stream waits unread in QUIC (bounded by its stream and flow-control limits) until one
      // ends. Resetting it instead would cut honest senders: a sender frees its slot once QUIC buffered a unit, so a
      // receiver that reads slowly sees more streams open at once than the sender's filesInFlight. Once the transfer
      // has settled there is nothing to wait for (and racing a settled promise again and again would never yield).
      while (running.size >= limits.maxStreamsPerTransfer && !settled) await Promise.race([...running, allDone.promise]).catch(() => {})
      if (settled) break
      const stream = await Promise.race([connection.acceptStream(), allDone.promise.then(() => null)])
      if (stream === null) break
      const task = receiveDataStream(stream, init, files, meter, finalize, madeDirs).catch((err: unknown) => { allDone.reject(err) })
      running.add(task)
      void task.finally(() => running.delete(task))
    }
  })()

  // Done when every file is verified; the loops keep running until the connection closes and fail only into `failed`.
  const failed = new Promise<never>((_resolve, reject) => { controlLoop.catch(reject); dataLoop.catch(reject) })
  failed.catch(() => {})
  try {
    await Promise.race([allDone.promise, failed, idle.promise, superseded]).catch((err: unknown) => {
      // Every file is saved and its `verified` written: the sender closes as soon as it reads the last one, and
      // that close can overtake our own bookkeeping. It is the end of a complete transfer, not a lost one.
      if (saved.length === files.size && err instanceof ConnectionLostError && !cancelledHere) return
      throw err
    })
  } catch (err) {
    // An interruption (lost connection, silence, a full disk) keeps the partials so the same offer resumes; a
    // cancel means "I do not want this", and anything else (a changed source, a bad peer) makes them useless.
    const resumable = !cancelledHere && (err instanceof ConnectionLostError || err instanceof TimeoutError || err instanceof DiskError)
    if (replaced) connection.close()
    if (replaced || (resumable && err instanceof ConnectionLostError)) {
      // A reconnect, or the same offer sent again, reads the partials' length: every write of this transfer must
      // have landed by then, the bytes a stream still held when the link broke included. On a dead connection
      // the streams end at once; the bound is for a stuck disk.
      await Promise.race([Promise.allSettled([...running]), new Promise((resolve) => setTimeout(resolve, 2_000).unref())])
    }
    if (!resumable) {
      await Promise.all([...files.values()].filter((f) => !f.done).map(async (f) => await discardPartial(f.plan)))
    }
    if (cancelledHere) throw new CancelledError('The transfer was cancelled on this device', { cause: err })
    throw err instanceof FerryError ? err : toFerryError(err, (m, o) => new ConnectionLostError(m, o))
  } finally {
    signal?.removeEventListener('abort', onAbort)
    watchdog.stop()
    meter.stop()
  }
  return {
    transferId: init.hello.transferId,
    status: 'completed',
    files: saved,
    bytesReceived: total - resumed,
    bytesResumed: resumed,
    seconds: (performance.now() - started) / 1000,
    ...(init.text === undefined ? {} : { text: init.text })
  }
}

async function receiveDataStream (
  stream: FerryStream,
  init: RunOfferInit,
  files: Map<number, IncomingFile>,
  meter: ProgressMeter,
  finalize: (file: IncomingFile) => Promise<void>,
  madeDirs: Set<string>
): Promise<void> {
  const { limits } = init.components
  const reader = new FrameReader(stream, { maxFrameBytes: limits.maxFrameBytes })
  const header = parseMessage(dataHeaderSchema, await reader.readFrame())
  if (header.transferId !== init.hello.transferId) throw new BadFrameError('A data stream names another transfer')
  for (;;) {
    const frame = await reader.readFrame()
    if (frame === null) return
    const item = parseMessage(dataItemSchema, frame)
    const file = files.get(item.id)
    if (file === undefined || file.started) throw new BadFrameError(`Unexpected data for file ${item.id}`)
    if (item.offset !== file.plan.offset || item.length !== file.info.size - item.offset) {
      throw new BadFrameError(`Data for ${file.info.path} does not start at the agreed offset`)
    }
    file.started = true
    meter.fileStarted(file.info.id, file.plan.offset)
    file.localHash = await writeIncomingFile(file, {
      reader, senderPeerId: init.remote.peerId, hashPool: init.components.hashPool, readBytes: limits.chunkBytes, writeBytes: limits.chunkBytes * 4, meter, madeDirs
    })
    await finalize(file)
  }
}
