// Writing one incoming file to disk: a small file is gathered in memory, hashed inline and written in one call; a
// large one streams into its (possibly resumed) partial while a worker hashes it. Both return the BLAKE3 of the
// whole file, which the receiver compares with the sender's before anything is moved to a visible name.

import { writeFileSync } from 'node:fs'
import { open, statfs, writeFile, type FileHandle } from 'node:fs/promises'
import { ConnectionLostError, DiskError, NoSpaceError } from '../errors.ts'
import { blake3Hex } from '../hash/blake3.ts'
import type { HashPool, Hasher } from '../hash/hash-pool.ts'
import type { FrameReader } from '../protocol/frames.ts'
import type { OfferedFileInfo } from './incoming-offer.ts'
import { prepareParent, type PartialPlan } from './partial-file.ts'
import type { ProgressMeter } from './progress.ts'

export interface FileToWrite {
  info: OfferedFileInfo
  parts: string[]
  plan: PartialPlan
}

export interface WriteContext {
  reader: FrameReader
  senderPeerId: string
  hashPool: HashPool
  /** Largest read from the stream at once, in bytes (QUIC allocates a buffer this big for every read). */
  readBytes: number
  /** Bytes gathered from the stream before one write and one hash update. */
  writeBytes: number
  meter: ProgressMeter
  /** Folders already made during this transfer. */
  madeDirs: Set<string>
}

/** Writes the file's bytes from the stream into its partial; returns the hex BLAKE3 of the whole file. */
export async function writeIncomingFile (file: FileToWrite, context: WriteContext): Promise<string> {
  return file.plan.resumable ? await writeLargeFile(file, context) : await writeSmallFile(file, context)
}

/** A small file (at most smallFileBytes) is gathered in memory, hashed inline and written in one call. */
async function writeSmallFile (file: FileToWrite, { reader, meter, madeDirs, senderPeerId }: WriteContext): Promise<string> {
  const { info, plan } = file
  // Usually one read holds the whole file, and then it is used as it is.
  const parts: Uint8Array[] = []
  let filled = 0
  while (filled < info.size) {
    const chunk = await reader.readRaw(info.size - filled)
    if (chunk === null) throw new ConnectionLostError(`The data of ${info.path} ended early`)
    parts.push(chunk)
    filled += chunk.byteLength
  }
  const data = parts.length === 1 ? parts[0] as Uint8Array : Buffer.concat(parts, info.size)
  try {
    await prepareParent(plan, partialKey(file, senderPeerId), madeDirs)
    if (plan.blocking) writeFileSync(plan.partial, data)
    else await writeFile(plan.partial, data)
  } catch (err) {
    throw new DiskError(`Cannot write ${info.path}: ${(err as Error).message}`, { cause: err })
  }
  meter.add(info.size, info.id)
  return blake3Hex(data)
}

function partialKey (file: FileToWrite, senderPeerId: string): { senderPeerId: string, parts: string[], size: number, mtimeMs: number } {
  return { senderPeerId, parts: file.parts, size: file.info.size, mtimeMs: file.info.mtimeMs }
}

/** Streams a large file's bytes into its partial while a worker hashes them; returns the BLAKE3 of the whole file. */
async function writeLargeFile (file: FileToWrite, { reader, meter, madeDirs, senderPeerId, hashPool, readBytes, writeBytes }: WriteContext): Promise<string> {
  const { plan, info } = file
  try {
    await prepareParent(plan, partialKey(file, senderPeerId), madeDirs)
  } catch (err) {
    throw new DiskError(`Cannot write ${info.path}: ${(err as Error).message}`, { cause: err })
  }
  const handle = await open(plan.partial, plan.offset > 0 ? 'r+' : 'w').catch((err: unknown) => {
    throw new DiskError(`Cannot write ${info.path}: ${(err as Error).message}`, { cause: err })
  })
  const hasher: Hasher = hashPool.create()
  try {
    if (plan.offset > 0) {
      await handle.truncate(plan.offset)
      await hasher.updateFromFile(plan.partial, 0, plan.offset)
    }
    // QUIC hands over whatever has arrived, about 40 KiB a read on a 1 Gbit/s link. Each write and each hash update
    // wakes another thread, so reads are gathered into batches of `writeBytes`, and one batch is written and hashed
    // while the next is read: a quarter of the thread switches, and the disk never holds up the network.
    let position = plan.offset
    let pending: Promise<void> = Promise.resolve()
    while (position < info.size) {
      const want = Math.min(info.size - position, writeBytes)
      const parts: Uint8Array[] = []
      let gathered = 0
      // An interrupted stream still leaves what arrived in the partial, for the resume to start from.
      // (Only behind a batch that landed: after a failed one it would leave a hole the resume would count as bytes.)
      const keepGathered = async (): Promise<void> => {
        const landed = await pending.then(() => true, () => false)
        if (landed && gathered > 0) await writeFully(handle, Buffer.concat(parts, gathered), position).catch(() => {})
      }
      while (gathered < want) {
        const chunk = await reader.readRaw(Math.min(want - gathered, readBytes)).catch(async (err: unknown) => {
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
      const batch = parts.length === 1 ? parts[0] as Uint8Array : Buffer.concat(parts, gathered)
      const at = position
      pending = Promise.all([
        writeFully(handle, batch, at).catch((err: unknown) => {
          throw new DiskError(`Cannot write ${info.path}: ${(err as Error).message}`, { cause: err })
        }),
        hasher.update(batch)
      ]).then(() => { meter.add(batch.byteLength, info.id) })
      // Seen by the next `await pending`; until then a failure must not count as unhandled.
      pending.catch(() => {})
      position += gathered
    }
    await pending
    return await hasher.digest()
  } catch (err) {
    hasher.dispose()
    throw err
  } finally {
    await handle.close()
  }
}

/** Writes all of `chunk` at `position`: a write may take fewer bytes than asked (a disk nearly full). */
async function writeFully (handle: FileHandle, chunk: Uint8Array, position: number): Promise<void> {
  let written = 0
  while (written < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, written, chunk.byteLength - written, position + written)
    if (bytesWritten === 0) throw new Error('the disk took no more bytes')
    written += bytesWritten
  }
}

/** Refuses an offer the destination's filesystem has no room for, before a byte is written. */
export async function checkFreeSpace (dir: string, needed: number): Promise<void> {
  const info = await statfs(dir).catch(() => undefined)
  if (info === undefined) return // some filesystems cannot tell; the writes themselves will say
  const free = info.bavail * info.bsize
  if (needed > free) {
    throw new NoSpaceError(`Not enough space in ${dir}: the transfer needs ${needed} bytes and ${free} are free`)
  }
}
