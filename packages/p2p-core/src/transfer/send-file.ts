// Sending one file on a data stream (docs/protocol.md): its data header, then its bytes read through the sender's
// pool of reusable buffers and hashed as they go out, then a file-done with its BLAKE3. The file is read through
// one handle, checked against what was offered after the last piece, so a file that changed is never sent as whole.

import type { FileHandle } from 'node:fs/promises'
import { SourceChangedError } from '../errors.ts'
import { createInlineHasher, type Hasher } from '../hash/hash-pool.ts'
import type { FerryLimits } from '../limits.ts'
import type { ControlChannel } from '../protocol/control-channel.ts'
import { encodeFrame } from '../protocol/frames.ts'
import type { FerryStream } from '../transport/types.ts'
import type { BufferPool } from './buffer-pool.ts'
import type { ProgressMeter } from './progress.ts'
import { checkUnchangedStats, openSource, type SourceFile } from './source-files.ts'

/** What sending a file needs of its transfer: where file-done goes, where progress goes, the limits, the cancel. */
export interface FileSendContext {
  control: ControlChannel
  meter: ProgressMeter
  signal: AbortSignal | undefined
  components: { limits: FerryLimits }
}

export async function sendFile (stream: FerryStream, file: SourceFile, offset: number, pool: BufferPool, init: FileSendContext): Promise<void> {
  const { limits } = init.components
  const handle = await openSource(file)
  // On this thread, in the pieces read: a worker's round trips cost as much CPU as the hash itself (issue 17).
  const hasher: Hasher = createInlineHasher()
  init.meter.fileStarted(file.id, offset)
  try {
    // The item goes first: the receiver then knows this file has begun and that `offset` bytes are hashed here
    // before the rest comes (it waits that long at minHashBytesPerSecond, however long its idle timeout).
    await stream.write(encodeFrame({ id: file.id, offset, length: file.size - offset }, limits.maxFrameBytes))
    // One check after reading is enough: any change since the offer shows in size or mtime by then.
    // The prefix the receiver already has is hashed from this same handle, never from the path again; hashing it is
    // this side's work, not a silent receiver.
    await readRange(handle, file, 0, offset, pool, init.signal, async (view) => {
      await hasher.update(view)
      init.meter.working()
    })
    await readRange(handle, file, offset, file.size, pool, init.signal, async (view) => {
      await Promise.all([stream.write(view), hasher.update(view)])
      init.meter.add(view.byteLength, file.id)
    })
    checkUnchangedStats(file, await handle.stat())
    const blake3 = await hasher.digest()
    await init.control.send({ type: 'file-done', id: file.id, blake3 })
  } catch (err) {
    hasher.dispose()
    throw err
  } finally {
    await handle.close()
  }
}

/** Reads bytes `from` to `to` of an open source file through the pool, handing each piece to `use` before reuse. */
async function readRange (handle: FileHandle, file: SourceFile, from: number, to: number, pool: BufferPool, signal: AbortSignal | undefined, use: (view: Buffer) => Promise<void>): Promise<void> {
  let position = from
  while (position < to) {
    const buffer = await pool.acquire(signal)
    try {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.byteLength, to - position), position)
      if (bytesRead === 0) throw new SourceChangedError(`${file.path} shrank while it was being sent`)
      await use(buffer.subarray(0, bytesRead))
      position += bytesRead
    } finally {
      pool.release(buffer)
    }
  }
}
