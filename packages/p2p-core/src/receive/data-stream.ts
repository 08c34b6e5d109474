// One data stream of an accepted transfer (docs/protocol.md, "Data"): its header, then for each file an item frame
// and its bytes, written through the file's IncomingFile while they are hashed. Bytes are gathered into a receive
// buffer from the pool shared by all transfers (BatchPool) and written and hashed from it; a small file that arrives
// whole in one buffer is written with one blocking call and hashed inline. Nothing a peer sends is held longer than
// it takes to fill a buffer: when the peer pauses for `flushAfterMs`, what has arrived goes to disk, so a peer that
// dribbles bytes, or stops just short of a full buffer, holds no memory. The stream stops at once when the transfer
// ends: late bytes are never written.

import { setTimeout as delay } from 'node:timers/promises'
import { BadFrameError, ConnectionLostError } from '../errors.ts'
import { blake3Hex } from '../hash/blake3.ts'
import { createInlineHasher, type Hasher } from '../hash/hash-pool.ts'
import { FrameReader } from '../protocol/frames.ts'
import { dataHeaderSchema, dataItemSchema, parseMessage } from '../protocol/messages.ts'
import type { OfferedFileInfo } from '../transfer/incoming-offer.ts'
import type { ProgressMeter } from '../transfer/progress.ts'
import type { FerryStream } from '../transport/types.ts'
import type { BatchPool } from './batch-pool.ts'
import type { IncomingFile } from './incoming-file.ts'

/** One accepted file as the transfer tracks it. */
export interface ReceivedFile {
  info: OfferedFileInfo
  file: IncomingFile
  /** Its data item has arrived (a second one is a protocol violation). */
  started: boolean
  localHash?: string
  remoteHash?: string
  committed: boolean
}

export interface DataStreamContext {
  transferId: string
  files: ReadonlyMap<number, ReceivedFile>
  /** Receive buffers shared by all transfers; their size is the most gathered before one write and hash update. */
  pool: BatchPool
  meter: ProgressMeter
  maxFrameBytes: number
  /** Largest read from the stream at once, in bytes (QUIC allocates a buffer this big for every read). */
  readBytes: number
  /** Files at or below this size are never resumed: bytes gathered when their stream breaks are not kept. */
  smallFileBytes: number
  /** Files at or below this size that arrive in one buffer are written with one blocking call. */
  blockingFileBytes: number
  /** A peer silent this long, in ms, with bytes gathered: they are written now, not held. */
  flushAfterMs: number
  /** The slowest the sender is expected to hash the part of a file this side has (limits.minHashBytesPerSecond). */
  minHashBytesPerSecond: number
  /** Aborted when the transfer ends. */
  ended: AbortSignal
  /** Called once a file's bytes are all written, with its local hash set. */
  written: (file: ReceivedFile) => void
}

/** Reads one data stream to its end; throws a typed error for a bad stream, which ends the whole transfer. */
export async function readDataStream (stream: FerryStream, context: DataStreamContext): Promise<void> {
  const reader = new FrameReader(stream, { maxFrameBytes: context.maxFrameBytes, readBytes: context.readBytes })
  const header = parseMessage(dataHeaderSchema, await reader.readFrame())
  if (header.transferId !== context.transferId) throw new BadFrameError('A data stream names another transfer')
  for (;;) {
    const frame = await reader.readFrame()
    if (frame === null) {
      // Our side of the stream carries nothing, but QUIC counts the stream against the sender's limit of open
      // streams (256) until both sides have closed it: finish ours, or the sender stalls once it has opened that
      // many. Not awaited: the stream's work is done, and a peer that never acknowledges must not hold this slot.
      // A connection already gone has freed the stream anyway; the transfer learns of the loss elsewhere.
      stream.finish().catch(() => {})
      return
    }
    assertRunning(context.ended)
    const item = parseMessage(dataItemSchema, frame)
    const received = context.files.get(item.id)
    if (received === undefined) throw new BadFrameError(`Data for file ${item.id}, which was not accepted`)
    if (received.started) throw new BadFrameError(`The data of ${received.info.path} came a second time`)
    if (item.offset !== received.file.offset) throw new BadFrameError(`Data for ${received.info.path} does not start at the agreed offset`)
    if (item.length !== received.info.size - item.offset) throw new BadFrameError(`Data for ${received.info.path} does not have the length offered`)
    received.started = true
    context.meter.fileStarted(received.info.id, received.file.offset)
    // The sender hashes the part this side has before the rest (or its file-done) comes: not silence.
    if (item.offset > 0) context.meter.quietFor(item.offset / context.minHashBytesPerSecond * 1000)
    // A file saved already (planned present, offset = size): its zero-length item brings nothing to write and opens
    // no partial; the hash the sender's must equal is the one this device had when it saved it.
    received.localHash = received.file.savedBlake3 ?? await writeFileData(received, reader, context)
    context.written(received)
  }
}

/** Thrown inside a stream once its transfer has ended: the transfer already has its outcome; this only stops work. */
class TransferEnded extends Error {
  constructor () {
    super('The transfer has ended')
    this.name = 'TransferEnded'
  }
}

function assertRunning (ended: AbortSignal): void {
  if (ended.aborted) throw new TransferEnded()
}

/**
 * After a short read of a large file the next read waits this long (ms) first. A link slower than this machine
 * (1 Gbit/s here) hands over 8-16 KiB a read, each one a wake-up of this thread and of QUIC's: 51,000 reads for
 * 1 GiB. Waiting lets what arrives gather: at 1 Gbit/s 2 ms is about 250 KB, within the stream's 512 KiB window
 * (`maxStreamData`) with room for a LAN's round trip, so the sender is not held back. 1 ms: 7-18 % less CPU on the
 * receiving side at the same rate; 2 ms: the main thread another 9 % less (issue 17). A wait after every read under
 * 64 KiB cost 2-12 % of the rate.
 */
const GATHER_WAIT_MS = 2
/** A read under readBytes / SHORT_READ_SHARE (16 KiB by default) counts as short. */
const SHORT_READ_SHARE = 16

/** Stands for "the peer paused" in a race with a read. */
const PAUSED = Symbol('paused')

/**
 * Takes one file's bytes from the stream into its partial while they are hashed; returns the BLAKE3 of the whole
 * file (its resumed part included). Bytes fill a pooled buffer; a full buffer, or whatever has arrived when the peer
 * pauses, is written and hashed while the next fills (at most two buffers per stream).
 */
async function writeFileData ({ info, file }: ReceivedFile, reader: FrameReader, context: DataStreamContext): Promise<string> {
  const { pool, meter, ended } = context
  const resumable = info.size > context.smallFileBytes
  let hasher: Hasher | undefined
  let opened = false
  let position = file.offset
  let batch: Uint8Array | undefined
  let gathered = 0
  let pending: Promise<void> = Promise.resolve()
  // What the last read brought: a large file trickling in waits a moment before the next read (GATHER_WAIT_MS).
  let lastRead = context.readBytes
  const large = info.size > context.blockingFileBytes

  const open = async (): Promise<Hasher> => {
    if (hasher !== undefined) return hasher
    file.open()
    opened = true
    // On this thread, a batch at a time: a worker's round trips cost as much CPU as the hash itself (issue 17).
    hasher = createInlineHasher()
    await file.hashResumed(hasher)
    return hasher
  }
  /** Writes and hashes what is gathered while the next buffer fills; the buffer goes back to the pool after. */
  const submit = async (): Promise<void> => {
    if (batch === undefined || gathered === 0) return
    const buffer = batch
    const bytes = buffer.subarray(0, gathered)
    const at = position
    position += gathered
    batch = undefined
    gathered = 0
    await pending
    const h = await open()
    pool.letCollectorIn()
    pending = Promise.all([file.write(bytes, at), h.update(bytes)])
      .then(() => { meter.add(bytes.byteLength, info.id) })
      .finally(() => { pool.release(buffer) })
    // Seen by the next `await pending`; until then a failure must not count as unhandled.
    pending.catch(() => {})
  }

  try {
    while (position + gathered < info.size) {
      // A buffer is taken only once bytes are here: a stream whose peer stays silent holds none, so silent streams
      // (up to maxStreamsPerTransfer of them, from any number of peers) cannot take the pool from everyone else.
      const room = Math.min(batch?.byteLength ?? pool.bufferBytes, info.size - position) - gathered
      if (large && lastRead < context.readBytes / SHORT_READ_SHARE && room > lastRead && reader.buffered === 0) await delay(GATHER_WAIT_MS)
      const read = reader.readRaw(Math.min(room, context.readBytes))
      let chunk = gathered === 0 ? await read : await raceTimer(read, context.flushAfterMs)
      if (chunk === PAUSED) {
        // The peer paused with bytes gathered: they go to disk now, not held while it is silent.
        await submit()
        chunk = await read
      }
      if (chunk === null) throw new ConnectionLostError(`The data of ${info.path} ended early`)
      lastRead = chunk.byteLength
      batch ??= await pool.acquire(ended)
      batch.set(chunk, gathered)
      gathered += chunk.byteLength
      const complete = position + gathered === info.size
      if (complete && !opened && position === 0 && info.size <= context.blockingFileBytes) {
        // The whole small file in one buffer: one blocking write, hashed inline.
        const bytes = batch.subarray(0, gathered)
        if (ended.aborted) break
        file.writeWhole(bytes)
        const hash = blake3Hex(bytes)
        meter.add(bytes.byteLength, info.id)
        pool.release(batch)
        batch = undefined
        return hash
      }
      if (complete || gathered === batch.byteLength) await submit()
    }
    if (ended.aborted) throw new ConnectionLostError('The transfer has ended')
    if (!opened && info.size === 0) {
      file.writeWhole(new Uint8Array(0))
      return blake3Hex(new Uint8Array(0))
    }
    // A file the partial already holds whole has no bytes to take: it is still opened and its bytes hashed.
    const h = await open()
    await pending
    file.close()
    return await h.digest()
  } catch (err) {
    // An interrupted stream still leaves what arrived in the partial of a file that may resume (only behind a batch
    // that landed: after a failed one it would leave a hole the resume would count as bytes). The transfer waits for
    // this before it keeps or removes its partials; a partial is never committed once the transfer has ended.
    const landed = await pending.then(() => true, () => false)
    if (landed && resumable && batch !== undefined && gathered > 0) {
      try {
        await open()
        await file.write(batch.subarray(0, gathered), position)
      } catch { /* what could not be kept is sent again */ }
    }
    hasher?.dispose()
    throw err
  } finally {
    if (batch !== undefined) pool.release(batch)
  }
}

/** The read's result, or PAUSED if it takes longer than `ms` (the read goes on; await it again). */
async function raceTimer<T> (read: Promise<T>, ms: number): Promise<T | typeof PAUSED> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([read, new Promise<typeof PAUSED>((resolve) => { timer = setTimeout(() => { resolve(PAUSED) }, ms) })])
  } finally {
    clearTimeout(timer)
  }
}
