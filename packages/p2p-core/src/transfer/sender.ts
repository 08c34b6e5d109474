// The sending side of a transfer (docs/protocol.md): dial the peer (its id proven by TLS), offer the files, wait
// for the answer, then stream the accepted bytes with at most `filesInFlight` files (or batches of small files)
// in flight, read through a fixed pool of reusable buffers, and wait until the receiver has verified every file.
// What a send is asked and reports is in send-request.ts; one file's bytes go out in send-file.ts, small files
// together in gathered-files.ts.

import pLimit from 'p-limit'
import {
  BadFrameError, CancelledError, NothingToSendError, OfferTooLargeError, PeerDeclinedError,
  SourceChangedError, TimeoutError, errorFromJson, toFerryError, ConnectionLostError, type FerryError
} from '../errors.ts'
import { errorFrame } from '../protocol/error-frame.ts'
import type { FerryLimits } from '../limits.ts'
import { ControlChannel, LAST_FRAME_GRACE_MS } from '../protocol/control-channel.ts'
import { encodeFrame } from '../protocol/frames.ts'
import { PROTOCOL_ID, controlSchema } from '../protocol/messages.ts'
import type { FerryConnection } from '../transport/types.ts'
import { BufferPool } from './buffer-pool.ts'
import { settleWithin, withTimeout } from '../async/deadline.ts'
import { randomId } from '../protocol/ids.ts'
import { closeGracefully } from '../transport/close-gracefully.ts'
import { ProgressMeter, watchIdle } from './progress.ts'
import { collectSourceFiles, type SourceFile } from './source-files.ts'
import type { AttemptState, SendRequest, SendResult, SenderComponents } from './send-request.ts'
import { GatheredFiles } from './gathered-files.ts'
import { sendFile, type FileSendContext } from './send-file.ts'
import { chunkForFrames } from './offer-chunks.ts'

/**
 * Read buffers in the pool per file in flight. A file holds one at a time (read, taken by the transport and the
 * hasher, released); the second is headroom, so reading never waits on the pool. The sender's read memory is
 * BUFFERS_PER_FILE_IN_FLIGHT x filesInFlight x READ_CHUNKS x chunkBytes, as docs/protocol.md says.
 */
export const BUFFERS_PER_FILE_IN_FLIGHT = 2
/**
 * A large file is read READ_CHUNKS x chunkBytes at a time (1 MiB by default): each read, transport write and hash
 * update wakes another thread, and at 256 KiB those wake-ups cost a fifth of the sender's CPU (issue 17).
 */
export const READ_CHUNKS = 4
/** A batch of small files closes once its bytes reach this many chunks (2 MiB by default), or at batchMaxFiles. */
export const BATCH_CHUNKS = 8
/**
 * How long a sender whose data stream the receiver stopped waits for the receiver's reason on the control stream,
 * in ms. The two travel on different QUIC streams, so the stop can come first; taken for a lost connection, it
 * would make the sender reconnect and offer again a transfer the receiver ended on purpose.
 */
export const PEER_REASON_WAIT_MS = 2_000

export async function sendTransfer (request: SendRequest, components: SenderComponents, attempt: AttemptState = { accepted: false }): Promise<SendResult> {
  const { limits } = components
  const { signal } = request
  signal?.throwIfAborted()
  const text = request.text ?? undefined
  if (text !== undefined && new TextEncoder().encode(text).byteLength > limits.maxTextBytes) {
    throw new OfferTooLargeError(`The text is longer than ${limits.maxTextBytes} bytes`)
  }
  const listing = await collectSourceFiles(request.paths, limits, { signal, ...(request.followLinks === undefined ? {} : { followLinks: request.followLinks }) })
  request.onListed?.(listing)
  const { files } = listing
  if (files.length === 0 && (text === undefined || text === '')) throw new NothingToSendError()

  const started = performance.now()
  const transferId = request.transferId ?? randomId()
  const connection = await components.transport.dial(request.address, { expectedPeerId: request.peerId, signal })
  let control: ControlChannel | undefined
  // The first failure decides how the connection ends (a cancel or a changed source is told to the peer first);
  // later ones are its echoes.
  let firstError: unknown
  let ending: Promise<void> | undefined
  const end = async (err: unknown): Promise<void> => {
    if (ending === undefined) {
      firstError = err
      ending = endTransfer(connection, control, err, signal)
    }
    await ending
  }
  const onAbort = (): void => { void end(signal?.reason) }
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    control = new ControlChannel(await connection.openStream(), limits.maxFrameBytes)
    const totalBytes = files.reduce((n, f) => n + f.size, 0)
    await control.send({ type: 'hello', protocol: PROTOCOL_ID, transferId, alias: components.alias, deviceType: components.deviceType })
    await control.send({ type: 'offer', fileCount: files.length, totalBytes, ...(text === undefined ? {} : { text }) })
    // The answer is read while the list is still going out: a receiver that refuses early (too many files, a bad
    // name) stops reading, and its reason must not be lost behind a write that can no longer complete.
    const answering = readAnswer(control, files, limits)
    const offering = sendFileList(control, files, limits.maxFrameBytes)
    offering.then(() => { request.onOffered?.() }, () => {})
    await Promise.race([offering, answering])
    const accepted = await answering
    attempt.accepted = true
    const acceptedAt = performance.now()

    const acceptedBytes = [...accepted].reduce((n, [file, offset]) => n + file.size - offset, 0)
    const resumedBytes = [...accepted].reduce((n, [, offset]) => n + offset, 0)
    const meter = new ProgressMeter({
      totalBytes: acceptedBytes + resumedBytes,
      totalFiles: accepted.size,
      perSecond: limits.progressPerSecond,
      onProgress: request.onProgress ?? (() => {})
    })
    meter.start(resumedBytes)
    const watchdog = watchIdle(meter, limits.idleTimeoutMs, () => { void end(new TimeoutError('The receiver stopped taking data')) })
    try {
      const verified = watchVerified(control, new Set([...accepted.keys()].map((f) => f.id)), meter)
      // A data stream the receiver stopped (its user cancelled, its disk filled) comes with a reason on the control
      // stream, and the stop may get here first: the reason decides how this transfer ends, not the stop.
      const endData = async (err: unknown): Promise<void> => { await end(err instanceof ConnectionLostError ? await peerReason(err, verified) : err) }
      const data = streamFiles({ connection, control, accepted, transferId, components, meter, signal, end: endData })
      const failWith = (ending: (err: unknown) => Promise<void>) => async (err: unknown): Promise<never> => { await ending(err); throw err }
      await Promise.all([data.catch(failWith(endData)), verified.catch(failWith(end))])
    } finally {
      watchdog.stop()
      meter.stop()
    }
    await control.finish()
    return {
      transferId,
      peerId: connection.remotePeerId,
      files: accepted.size,
      bytesSent: acceptedBytes,
      bytesResumed: resumedBytes,
      totalBytes: acceptedBytes + resumedBytes,
      seconds: (performance.now() - started) / 1000,
      transferSeconds: (performance.now() - acceptedAt) / 1000
    }
  } catch (err) {
    await ending
    if (signal?.aborted === true) throw new CancelledError('The transfer was cancelled', { cause: err })
    throw toFerryError(firstError ?? err, (m, o) => new ConnectionLostError(m, o))
  } finally {
    signal?.removeEventListener('abort', onAbort)
    connection.close()
  }
}

async function sendFileList (control: ControlChannel, files: readonly SourceFile[], maxFrameBytes: number): Promise<void> {
  for (const chunk of chunkForFrames(files.map(({ id, path, size, mtimeMs }) => ({ id, path, size, mtimeMs })), maxFrameBytes)) {
    await control.send({ type: 'offer-files', files: chunk })
  }
}

/**
 * Ends a failed or cancelled transfer. A cancel, a source that changed and a silent receiver are told to the peer
 * (so it drops or keeps its partials for the right reason) before the connection closes; anything else, which
 * came from the peer or the network, closes at once.
 */
async function endTransfer (connection: FerryConnection, control: ControlChannel | undefined, err: unknown, signal: AbortSignal | undefined): Promise<void> {
  const tell = signal?.aborted === true
    ? { type: 'cancel' as const, reason: 'cancelled by the sender' }
    : err instanceof SourceChangedError || err instanceof TimeoutError ? errorFrame(err) : undefined
  if (control !== undefined && tell !== undefined) {
    await control.sendLast(tell)
    await closeGracefully(connection, LAST_FRAME_GRACE_MS)
  }
  connection.close()
}

async function readAnswer (control: ControlChannel, files: readonly SourceFile[], limits: FerryLimits): Promise<Map<SourceFile, number>> {
  const accepted = new Map<SourceFile, number>()
  for (;;) {
    const message = await withTimeout(control.receive(controlSchema), limits.answerTimeoutMs, 'No answer from the receiver')
    if (message.type === 'error') throw errorFromJson(message)
    if (message.type === 'cancel') throw new CancelledError('The receiver cancelled the transfer')
    if (message.type !== 'answer') throw new BadFrameError(`Expected an answer, got ${message.type}`)
    if (!message.accepted) throw new PeerDeclinedError()
    for (const [id, offset] of message.files) {
      const file = files[id]
      if (file === undefined || offset > file.size || accepted.has(file)) throw new BadFrameError(`Bad answer for file ${id}`)
      accepted.set(file, offset)
    }
    if (message.done) return accepted
  }
}

/**
 * The receiver's reason for a data stream cut under us: its error or cancel, read from the control stream within
 * PEER_REASON_WAIT_MS, else `lost` itself. A receiver that closes its connection instead ends the wait at once.
 */
async function peerReason (lost: FerryError, verified: Promise<void>): Promise<unknown> {
  let reason: unknown = lost
  await settleWithin(verified.catch((err: unknown) => { if (!(err instanceof ConnectionLostError)) reason = err }), PEER_REASON_WAIT_MS)
  return reason
}

/** Resolves once the receiver has verified every accepted file; rejects on its error or cancel. */
async function watchVerified (control: ControlChannel, accepted: ReadonlySet<number>, meter: ProgressMeter): Promise<void> {
  const seen = new Set<number>()
  while (seen.size < accepted.size) {
    const message = await control.receiveOrEnd(controlSchema)
    if (message === null) throw new ConnectionLostError('The receiver closed the transfer before verifying every file')
    switch (message.type) {
      case 'verified':
        for (const id of message.ids) {
          if (!accepted.has(id)) throw new BadFrameError(`The receiver verified file ${id}, which it did not accept`)
          meter.fileDone(id)
          seen.add(id)
        }
        break
      case 'error': throw errorFromJson(message)
      case 'cancel': throw new CancelledError('The receiver cancelled the transfer')
      default: throw new BadFrameError(`Unexpected ${message.type} frame from the receiver`)
    }
  }
}

/** What streaming the accepted files needs; sendFile and GatheredFiles take the part they use (FileSendContext). */
interface StreamFilesInit extends FileSendContext {
  connection: FerryConnection
  accepted: Map<SourceFile, number>
  transferId: string
  components: SenderComponents
  /** Ends the transfer for this failure (telling the peer when it should know) before a stream is reset. */
  end: (err: unknown) => Promise<void>
}

/**
 * Large files each get a stream; small ones ride together on shared streams. A file is large by what this side reads
 * of it: all of it, also when the receiver has some or all of it already (that part is read and hashed, not sent),
 * so a large file the receiver has whole (offset = size) is hashed on a stream of its own, in parallel with others.
 */
async function streamFiles (init: StreamFilesInit): Promise<void> {
  const { limits } = init.components
  const limit = pLimit(limits.filesInFlight)
  const pool = new BufferPool(limits.filesInFlight * BUFFERS_PER_FILE_IN_FLIGHT, limits.chunkBytes * READ_CHUNKS)
  const units: Array<Array<[SourceFile, number]>> = []
  let batch: Array<[SourceFile, number]> = []
  let batchBytes = 0
  for (const entry of init.accepted) {
    const [file] = entry
    if (file.size > limits.smallFileBytes) {
      units.push([entry])
      continue
    }
    batch.push(entry)
    batchBytes += file.size
    if (batch.length >= limits.batchMaxFiles || batchBytes >= limits.chunkBytes * BATCH_CHUNKS) {
      units.push(batch)
      batch = []
      batchBytes = 0
    }
  }
  if (batch.length > 0) units.push(batch)
  await Promise.all(units.map(async (unit) => await limit(async () => {
    const stream = await init.connection.openStream()
    try {
      await stream.write(encodeFrame({ type: 'data', transferId: init.transferId }, limits.maxFrameBytes))
      const gathered = new GatheredFiles(stream, init)
      for (const [file, offset] of unit) {
        if (file.size <= limits.blockingFileBytes) {
          await gathered.add(file, offset)
        } else {
          await gathered.flush()
          await sendFile(stream, file, offset, pool, init)
        }
      }
      await gathered.flush()
      await gathered.announced()
      await stream.finish()
    } catch (err) {
      limit.clearQueue()
      await init.end(err)
      stream.reset()
      throw err
    }
  })))
}
