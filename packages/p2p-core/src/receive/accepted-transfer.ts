// The accepted part of an incoming transfer (docs/protocol.md, "Answer" to "End"): plan every accepted file behind
// the destination boundary, answer with the offsets to resume from, then read the control stream and the data
// streams until the transfer's ReceiveLife reaches its one terminal state. A file is committed (`settle`) only when
// its BLAKE3 and the sender's agree and the transfer can still commit; at the end, files not committed keep their
// partials for a resume (lost connection, silence, a full disk) or lose them (cancel, anything else), with the
// folders the transfer made.

import { setImmediate as nextTurn } from 'node:timers/promises'
import {
  BadFrameError, CancelledError, ConnectionLostError, DiskError, FerryError, HashMismatchError, NoSpaceError,
  SavedFileMismatchError, TimeoutError, errorFromJson, toFerryError
} from '../errors.ts'
import { LAST_FRAME_GRACE_MS } from '../protocol/control-channel.ts'
import { errorFrame, toldToPeer } from '../protocol/error-frame.ts'
import type { FerryStream } from '../transport/types.ts'
import { settleWithin } from '../async/deadline.ts'
import { closeGracefully } from '../transport/close-gracefully.ts'
import type { OfferDecision, OfferedFileInfo, ReceiveResult, SavedFile } from '../transfer/incoming-offer.ts'
import { chunkForFrames } from '../transfer/offer-chunks.ts'
import { ProgressMeter, watchIdle } from '../transfer/progress.ts'
import { readDataStream, type ReceivedFile } from './data-stream.ts'
import type { ControlInbox, StreamInbox } from './inboxes.ts'
import { Destination } from './destination.ts'
import { checkFreeSpace } from './free-space.ts'
import { takeBackHeldPartials } from './held-partials.ts'
import { IncomingFile } from './incoming-file.ts'
import type { ReceiveLife } from './receive-life.ts'
import type { RunOfferInit } from './receiver.ts'
import { StalePartials } from './stale-partials.ts'

/** How long the end of a transfer waits for its streams' writes to land before partials are kept or removed, in ms. */
const SETTLE_WRITES_MS = 2_000
/** Files planned between two turns of the event loop (planning is blocking metadata calls). */
const PLAN_BATCH = 256
/** Past the session policy's silence, how much longer a held partial's holder is looked at, in ms. */
const HELD_LOOK_MARGIN_MS = 250
/** A peer that pauses this long, in ms, with bytes gathered gets them written at once rather than held in memory. */
const PAUSE_FLUSH_MS = 50

/** What the offer's part hands over: the inboxes it read from, the transfer's life, and where saved ids go. */
export interface Running {
  inbox: ControlInbox
  streams: StreamInbox
  life: ReceiveLife
  started: number
  /** Whether the sender reconnected this transfer on a new connection (this one is stale). */
  replaced: () => boolean
  /** Filled with the id of each file as it is saved. */
  saved: Set<number>
}

/**
 * Runs an accepted transfer to its end: resolves with the saved files once every one is verified and committed,
 * or throws the transfer's error after its partials are kept or removed.
 */
export async function receiveAccepted (init: RunOfferInit, decision: Extract<OfferDecision, { accept: true }>, run: Running): Promise<ReceiveResult> {
  const { connection, control, components } = init
  const { limits } = components
  const { life, inbox, streams } = run
  const { signal } = decision
  life.accept()
  if (signal?.aborted === true) {
    // Accepted and cancelled in one breath: tell the sender it was a cancel, not a failure.
    await control.sendLast({ type: 'cancel', reason: 'cancelled by the receiver' })
    throw new CancelledError('The transfer was cancelled on this device')
  }
  const destination = Destination.open(decision.dir)
  const files = new Map<number, ReceivedFile>()
  try {
    await takeBackHeldPartials({
      claims: components.claims,
      keys: resumeClaims(init, decision, destination),
      peerId: init.remote.peerId,
      ...(components.holder === undefined ? {} : { self: components.holder }),
      waitMs: limits.staleSessionMs + HELD_LOOK_MARGIN_MS,
      settleMs: SETTLE_WRITES_MS + HELD_LOOK_MARGIN_MS,
      signal: signal === undefined ? life.ended : AbortSignal.any([signal, life.ended])
    })
    await planFiles(init, decision, destination, files)
  } catch (err) {
    for (const { file } of files.values()) file.keep()
    destination.close()
    throw err
  }
  const saved: SavedFile[] = []
  const active = new Set<FerryStream>()
  const tasks = new Set<Promise<void>>()
  let cancelledHere = false
  const fail = (err: unknown): void => { life.fail(toFerryError(err, (m, o) => new ConnectionLostError(m, o))) }
  const resumed = [...files.values()].reduce((n, f) => n + f.file.offset, 0)
  const total = [...files.values()].reduce((n, f) => n + f.info.size, 0)
  const meter = new ProgressMeter({ totalBytes: total, totalFiles: files.size, perSecond: limits.progressPerSecond, onProgress: decision.onProgress ?? (() => {}) })
  const watchdog = watchIdle(meter, limits.idleTimeoutMs, () => { fail(new TimeoutError('The sender stopped sending')) })
  const onAbort = (): void => {
    if (!life.fail(new CancelledError('The transfer was cancelled on this device'))) return
    cancelledHere = true
    void control.sendLast({ type: 'cancel', reason: 'cancelled by the receiver' })
      .finally(() => { void closeGracefully(connection, LAST_FRAME_GRACE_MS) })
  }

  /** A file whose bytes and whose sender's hash are both in: verified and committed, or the transfer fails. */
  const settle = (received: ReceivedFile): void => {
    if (received.localHash === undefined || received.remoteHash === undefined || received.committed || life.terminal) return
    if (received.localHash !== received.remoteHash) {
      if (received.file.state === 'present') {
        // Saved here already with the same size and mtime, yet the sender's file has other content: the saved file
        // stays, its record goes (the next send transfers it whole).
        received.file.refute()
        fail(new SavedFileMismatchError(`${received.info.path} is here already from this device with the same size and time, but the file sent now has other content; it was left as it is, and sending again transfers it whole`))
        return
      }
      received.file.discard()
      fail(new HashMismatchError(`${received.info.path} arrived damaged: its BLAKE3 does not match the sender's`))
      return
    }
    let savedAs: string | undefined
    try {
      savedAs = received.file.commit(() => life.canCommit(), received.localHash)
    } catch (err) {
      fail(err)
      return
    }
    if (savedAs === undefined) return
    received.committed = true
    run.saved.add(received.info.id)
    saved.push({ path: received.info.path, savedAs, size: received.info.size, blake3: received.localHash })
    meter.fileDone(received.info.id)
    // Queued, not awaited: the control channel sends queued frames together, in order. Once every file is saved the
    // transfer is done, whatever the peer does next; the queued frames still go out as the control stream ends
    // (engine/inbound.ts gives them a moment, not forever: a peer that never reads cannot hold this transfer open).
    void control.send({ type: 'verified', ids: [received.info.id] }).catch(fail)
    if (saved.length === files.size) life.done()
  }

  // From here a cancel on this device ends the transfer, even while the answer waits for a peer that does not read.
  signal?.addEventListener('abort', onAbort, { once: true })
  // A cancel while this transfer waited for a held partial or planned its files came before the listener.
  if (aborted(signal)) onAbort()
  try {
    await checkFreeSpace(destination.root, [...files.values()].reduce((n, f) => n + f.info.size - f.file.offset, 0))
    const answers = [...files.values()].map((f): [number, number] => [f.info.id, f.file.offset])
    const pieces = chunkForFrames(answers, limits.maxFrameBytes)
    if (pieces.length === 0) pieces.push([])
    // A sender that does not read its control stream cannot hold the answer (and this transfer) forever: the idle
    // watchdog, a cancel or a lost connection ends the wait.
    for (const [i, piece] of pieces.entries()) {
      if (life.terminal) break
      await Promise.race([control.send({ type: 'answer', accepted: true, files: piece, done: i === pieces.length - 1 }), life.settled])
    }
    if (!life.terminal) {
      life.streaming()
      meter.start(resumed)
    }
    if (files.size === 0) life.done()

    void (async () => {
      while (!life.terminal) {
        const message = await inbox.next()
        inbox.consume()
        if (life.terminal) return
        if (message === null) throw new ConnectionLostError('The sender closed the transfer early')
        switch (message.type) {
          case 'file-done': {
            const received = files.get(message.id)
            if (received === undefined || received.remoteHash !== undefined) throw new BadFrameError(`Unexpected file-done for file ${message.id}`)
            received.remoteHash = message.blake3
            settle(received)
            break
          }
          case 'cancel': throw new CancelledError('The sender cancelled the transfer')
          case 'error': throw errorFromJson(message)
          default: throw new BadFrameError(`Unexpected ${message.type} frame from the sender`)
        }
      }
    })().catch(fail)

    const context = {
      transferId: init.hello.transferId,
      files,
      pool: components.buffers,
      meter,
      maxFrameBytes: limits.maxFrameBytes,
      readBytes: limits.chunkBytes,
      smallFileBytes: limits.smallFileBytes,
      blockingFileBytes: limits.blockingFileBytes,
      flushAfterMs: PAUSE_FLUSH_MS,
      minHashBytesPerSecond: limits.minHashBytesPerSecond,
      ended: life.ended,
      written: settle
    }
    void (async () => {
      while (!life.terminal) {
        // At the limit, the next stream waits unread in QUIC (bounded by its stream and flow-control limits) until one
        // ends. Resetting it instead would cut honest senders: a sender frees its slot once QUIC buffered a unit, so a
        // receiver that reads slowly sees more streams open at once than the sender's filesInFlight.
        while (tasks.size >= limits.maxStreamsPerTransfer && !life.terminal) await Promise.race([...tasks, life.settled])
        if (life.terminal) return
        const stream = await Promise.race([streams.next(), life.settled.then(() => null)])
        if (stream === null) return
        streams.consume()
        active.add(stream)
        const task = readDataStream(stream, context).catch(fail).finally(() => {
          active.delete(stream)
          tasks.delete(task)
        })
        tasks.add(task)
      }
    })().catch(fail)

    await life.settled
  } catch (err) {
    // Before any data (no room, a failed answer): the transfer ends here, and its files are settled below.
    fail(err)
  } finally {
    signal?.removeEventListener('abort', onAbort)
    watchdog.stop()
  }

  const error = life.error
  // Every file is saved and its `verified` written: the sender closes as soon as it reads the last one, and that
  // close can overtake our own bookkeeping. It is the end of a complete transfer, not a lost one.
  const complete = life.state === 'done' || (saved.length === files.size && error instanceof ConnectionLostError && !cancelledHere)
  // An interruption (lost connection, silence, a full disk) keeps the partials so the same offer resumes; a cancel
  // means "I do not want this", and anything else (a changed source, a bad peer) makes them useless.
  const resumable = !complete && life.state === 'failed' &&
    (error instanceof ConnectionLostError || error instanceof TimeoutError || error instanceof DiskError || error instanceof NoSpaceError)
  // A transfer that failed stops its streams here: late bytes are dropped, never read. The sender hears why first
  // (the error frame engine/inbound.ts would send once this returns), so it never takes the stop for a lost
  // connection and comes back with the offer.
  const failure = error instanceof FerryError ? error : new ConnectionLostError('The transfer ended')
  if (!complete && !cancelledHere && toldToPeer(failure)) void control.sendLast(errorFrame(failure))
  if (!complete) for (const stream of active) stream.reset()
  if (!complete && run.replaced()) connection.close()
  // A reconnect, or the same offer sent again, reads the partials' length: every write of this transfer must have
  // landed by then. On a dead connection the streams end at once; the bound is for a stuck disk.
  await settleWithin(Promise.allSettled([...tasks]), SETTLE_WRITES_MS)
  for (const { file, committed } of files.values()) {
    if (committed) continue
    if (resumable) file.keep()
    else file.discard()
  }
  // Kept partials keep their folders; the folders that hold nothing again (no partial was kept there) go.
  if (!complete) destination.removeEmptyFolders()
  destination.close()
  meter.stop()
  if (!complete) {
    if (cancelledHere) throw new CancelledError('The transfer was cancelled on this device', { cause: error })
    throw failure
  }
  return {
    transferId: init.hello.transferId,
    status: 'completed',
    files: saved,
    bytesReceived: total - resumed,
    bytesResumed: resumed,
    seconds: (performance.now() - run.started) / 1000,
    ...(init.text === undefined ? {} : { text: init.text })
  }
}

/** Whether `signal` is aborted now (a call: the compiler keeps no narrowing from an earlier check across awaits). */
function aborted (signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true
}

/** What identifies a file that may resume: one larger than smallFileBytes, by its sender and mtime. */
function resumeOf (init: RunOfferInit, info: OfferedFileInfo): { from: string, mtimeMs: number } | undefined {
  return info.size > init.components.limits.smallFileBytes ? { from: init.remote.peerId, mtimeMs: info.mtimeMs } : undefined
}

/** The claim keys of the accepted files that would resume. */
function resumeClaims (init: RunOfferInit, decision: Extract<OfferDecision, { accept: true }>, destination: Destination): string[] {
  const { names } = init.components
  const wanted = decision.files === undefined ? null : new Set(decision.files)
  const keys: string[] = []
  for (const info of init.files) {
    if (wanted !== null && !wanted.has(info.id)) continue
    const resumable = IncomingFile.resumable({ destination, names, path: info.path, size: info.size, resume: resumeOf(init, info) })
    if (resumable !== undefined) keys.push(resumable.claim)
  }
  return keys
}

/** Plans every accepted file (UnsafePathError before anything is created if a folder on the way is a link). */
async function planFiles (
  init: RunOfferInit,
  decision: Extract<OfferDecision, { accept: true }>,
  destination: Destination,
  files: Map<number, ReceivedFile>
): Promise<void> {
  const { names, claims, recentSaves } = init.components
  const wanted = decision.files === undefined ? null : new Set(decision.files)
  const stale = new StalePartials(init.remote.peerId, claims)
  let planned = 0
  for (const info of init.files) {
    if (wanted !== null && !wanted.has(info.id)) continue
    const file = IncomingFile.plan({
      destination,
      names,
      claims,
      path: info.path,
      size: info.size,
      stale,
      ...(init.components.holder === undefined ? {} : { holder: init.components.holder }),
      resume: resumeOf(init, info),
      recent: recentSaves === undefined ? undefined : { saves: recentSaves, from: init.remote.peerId, mtimeMs: info.mtimeMs }
    })
    files.set(info.id, { info, file, started: false, committed: false })
    if (++planned % PLAN_BATCH === 0) await nextTurn()
  }
}
