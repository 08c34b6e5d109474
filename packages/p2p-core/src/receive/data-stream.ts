// One data stream of an accepted transfer (docs/protocol.md, "Data"): its header, then for each file an item frame
// and its bytes, written through the file's IncomingFile while they are hashed. A small file is gathered in memory,
// hashed inline and written in one call; a large one streams into its (possibly resumed) partial in batches while a
// worker hashes it. The stream stops at once when the transfer ends: late bytes are never written.

import { BadFrameError, ConnectionLostError } from '../errors.ts'
import { blake3Hex } from '../hash/blake3.ts'
import type { HashPool, Hasher } from '../hash/hash-pool.ts'
import { FrameReader } from '../protocol/frames.ts'
import { dataHeaderSchema, dataItemSchema, parseMessage } from '../protocol/messages.ts'
import type { OfferedFileInfo } from '../transfer/incoming-offer.ts'
import type { ProgressMeter } from '../transfer/progress.ts'
import type { FerryStream } from '../transport/types.ts'
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
  hashPool: HashPool
  meter: ProgressMeter
  maxFrameBytes: number
  /** Largest read from the stream at once, in bytes (QUIC allocates a buffer this big for every read). */
  readBytes: number
  /** Bytes gathered from the stream before one write and one hash update. */
  writeBytes: number
  /** Files at or below this size are gathered whole and hashed inline. */
  smallFileBytes: number
  /** Files at or below this size are written with blocking calls. */
  blockingFileBytes: number
  /** Aborted when the transfer ends. */
  ended: AbortSignal
  /** Called once a file's bytes are all written, with its local hash set. */
  written: (file: ReceivedFile) => void
}

/** Reads one data stream to its end; throws a typed error for a bad stream, which ends the whole transfer. */
export async function readDataStream (stream: FerryStream, context: DataStreamContext): Promise<void> {
  const reader = new FrameReader(stream, { maxFrameBytes: context.maxFrameBytes })
  const header = parseMessage(dataHeaderSchema, await reader.readFrame())
  if (header.transferId !== context.transferId) throw new BadFrameError('A data stream names another transfer')
  for (;;) {
    const frame = await reader.readFrame()
    if (frame === null) return
    assertRunning(context.ended)
    const item = parseMessage(dataItemSchema, frame)
    const received = context.files.get(item.id)
    if (received === undefined) throw new BadFrameError(`Data for file ${item.id}, which was not accepted`)
    if (received.started) throw new BadFrameError(`A second data stream for ${received.info.path}`)
    if (item.offset !== received.file.offset || item.length !== received.info.size - item.offset) {
      throw new BadFrameError(`Data for ${received.info.path} does not start at the agreed offset`)
    }
    received.started = true
    context.meter.fileStarted(received.info.id, received.file.offset)
    received.localHash = received.file.offset === 0 && received.info.size <= context.smallFileBytes
      ? await writeSmallFile(received, reader, context)
      : await writeLargeFile(received, reader, context)
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

/** A small file is gathered in memory (usually one read holds it), hashed inline and written in one call. */
async function writeSmallFile ({ info, file }: ReceivedFile, reader: FrameReader, context: DataStreamContext): Promise<string> {
  const parts: Uint8Array[] = []
  let filled = 0
  while (filled < info.size) {
    const chunk = await reader.readRaw(info.size - filled)
    if (chunk === null) throw new ConnectionLostError(`The data of ${info.path} ended early`)
    parts.push(chunk)
    filled += chunk.byteLength
  }
  assertRunning(context.ended)
  const data = parts.length === 1 ? parts[0] as Uint8Array : Buffer.concat(parts, info.size)
  if (info.size <= context.blockingFileBytes) {
    file.writeWhole(data)
  } else {
    file.open()
    try {
      await file.write(data, 0)
    } finally {
      file.close()
    }
  }
  context.meter.add(info.size, info.id)
  return blake3Hex(data)
}

/**
 * Streams a large file's bytes into its partial while a worker hashes them. QUIC hands over whatever has arrived,
 * about 40 KiB a read on a 1 Gbit/s link; each write and each hash update wakes another thread, so reads are gathered
 * into batches of `writeBytes`, and one batch is written and hashed while the next is read.
 */
async function writeLargeFile ({ info, file }: ReceivedFile, reader: FrameReader, context: DataStreamContext): Promise<string> {
  file.open()
  const hasher: Hasher = context.hashPool.create()
  try {
    await file.hashResumed(hasher)
    let position = file.offset
    let pending: Promise<void> = Promise.resolve()
    while (position < info.size) {
      const want = Math.min(info.size - position, context.writeBytes)
      const parts: Uint8Array[] = []
      let gathered = 0
      // An interrupted stream still leaves what arrived in the partial, for the resume to start from (only behind a
      // batch that landed: after a failed one it would leave a hole the resume would count as bytes). The transfer
      // waits for this before it keeps or removes its partials; a partial is never committed once it has ended.
      const keepGathered = async (): Promise<void> => {
        const landed = await pending.then(() => true, () => false)
        if (landed && gathered > 0) await file.write(Buffer.concat(parts, gathered), position).catch(() => {})
      }
      while (gathered < want) {
        const chunk = await reader.readRaw(Math.min(want - gathered, context.readBytes)).catch(async (err: unknown) => {
          await keepGathered()
          throw err
        })
        if (chunk === null) {
          await keepGathered()
          throw new ConnectionLostError(`The data of ${info.path} ended early`)
        }
        parts.push(chunk)
        gathered += chunk.byteLength
      }
      await pending
      assertRunning(context.ended)
      const batch = parts.length === 1 ? parts[0] as Uint8Array : Buffer.concat(parts, gathered)
      const at = position
      pending = Promise.all([file.write(batch, at), hasher.update(batch)]).then(() => { context.meter.add(batch.byteLength, info.id) })
      // Seen by the next `await pending`; until then a failure must not count as unhandled.
      pending.catch(() => {})
      position += gathered
    }
    await pending
    file.close()
    return await hasher.digest()
  } catch (err) {
    hasher.dispose()
    throw err
  }
}
