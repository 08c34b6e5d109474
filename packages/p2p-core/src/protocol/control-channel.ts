// One transfer's control stream: frames in, frames out. Writes are serialised (frames never interleave) and every
// frame from the peer is checked against its schema before use.

import type { z } from 'zod'
import { ConnectionLostError } from '../errors.ts'
import type { FerryStream } from '../transport/types.ts'
import { deferred, type Deferred } from '../transfer/async-utils.ts'
import { FrameReader, encodeFrame } from './frames.ts'
import { parseMessage, type OutgoingMessage } from './messages.ts'

/** Most bytes of queued frames sent in one write. */
const BATCH_BYTES = 256 * 1024

function concat (parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.byteLength
  }
  return out
}

export class ControlChannel {
  readonly stream: FerryStream
  readonly #reader: FrameReader
  readonly #maxFrameBytes: number
  // Frames queued while a write is in flight go out together in the next write: 10,000 small files mean
  // 10,000 file-done and verified frames, and one transport write each would cost more than the files.
  #queue: Array<{ frame: Uint8Array, done: Deferred<void> }> = []
  #flushing = false

  constructor (stream: FerryStream, maxFrameBytes: number) {
    this.stream = stream
    this.#maxFrameBytes = maxFrameBytes
    this.#reader = new FrameReader(stream, { maxFrameBytes })
  }

  /** Queues a frame behind the ones already being written; resolves once the transport has it. */
  async send (message: OutgoingMessage): Promise<void> {
    const done = deferred<void>()
    this.#queue.push({ frame: encodeFrame(message, this.#maxFrameBytes), done })
    if (!this.#flushing) void this.#flush()
    await done.promise
  }

  async #flush (): Promise<void> {
    this.#flushing = true
    while (this.#queue.length > 0) {
      const batch = this.#takeBatch()
      try {
        await this.stream.write(batch.length === 1 ? (batch[0] as { frame: Uint8Array }).frame : concat(batch.map((b) => b.frame)))
        for (const item of batch) item.done.resolve()
      } catch (err) {
        for (const item of [...batch, ...this.#queue.splice(0)]) item.done.reject(err)
      }
    }
    this.#flushing = false
  }

  #takeBatch (): Array<{ frame: Uint8Array, done: Deferred<void> }> {
    let bytes = 0
    let count = 0
    while (count < this.#queue.length && (count === 0 || bytes + (this.#queue[count]?.frame.byteLength ?? 0) <= BATCH_BYTES)) {
      bytes += this.#queue[count]?.frame.byteLength ?? 0
      count++
    }
    return this.#queue.splice(0, count)
  }

  /** The next frame, parsed with `schema`; ConnectionLostError if the stream ends first. */
  async receive<T> (schema: z.ZodType<T>): Promise<T> {
    const frame = await this.#reader.readFrame()
    if (frame === null) throw new ConnectionLostError('The peer closed the control stream')
    return parseMessage(schema, frame)
  }

  /** The next frame, or null at a clean end of stream. */
  async receiveOrEnd<T> (schema: z.ZodType<T>): Promise<T | null> {
    const frame = await this.#reader.readFrame()
    return frame === null ? null : parseMessage(schema, frame)
  }

  async finish (): Promise<void> {
    while (this.#flushing) await new Promise((resolve) => setImmediate(resolve))
    await this.stream.finish().catch(() => {})
  }
}
