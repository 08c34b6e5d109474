// One transfer's control stream: frames in, frames out. Writes are serialised (frames never interleave) and every
// frame from the peer is checked against its schema before use.

import type * as z from 'zod'
import { ConnectionLostError } from '../errors.ts'
import type { FerryStream } from '../transport/types.ts'
import { settleWithin } from '../async/deadline.ts'
import { deferred, type Deferred } from '../async/deferred.ts'
import { FrameReader, encodeFrame } from './frames.ts'
import { parseMessage, type OutgoingMessage } from './messages.ts'

/** Most bytes of queued frames sent in one write. */
const BATCH_BYTES = 256 * 1024

/**
 * How long a last frame (a cancel, an error) may take to reach the transport, and then the peer to close after
 * reading it, in ms: either side's cancel stops both within a second (docs/protocol.md, graceful close).
 */
export const LAST_FRAME_GRACE_MS = 500

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
  /** Whether the write loop runs; set and cleared in the same turn as the loop starts and ends. */
  #flushing = false
  /** The last write loop: finish() waits on it, never polls. */
  #flushed: Promise<void> = Promise.resolve()
  /** The last frame's sending, once sendLast was called. */
  #last: Promise<void> | undefined

  constructor (stream: FerryStream, maxFrameBytes: number) {
    this.stream = stream
    this.#maxFrameBytes = maxFrameBytes
    this.#reader = new FrameReader(stream, { maxFrameBytes })
  }

  /** Queues a frame behind the ones already being written; resolves once the transport has it. */
  async send (message: OutgoingMessage): Promise<void> {
    const done = deferred<void>()
    this.#queue.push({ frame: encodeFrame(message, this.#maxFrameBytes), done })
    if (!this.#flushing) this.#flushed = this.#flush()
    await done.promise
  }

  /** Writes queued frames until none are left; every frame's promise settles (a failed write rejects the rest). */
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

  /**
   * Sends a frame the peer should read before the connection closes (a cancel, an error), waiting at most
   * `graceMs` for the transport to take it. Never throws: the connection is ending either way. There is one last
   * frame: a later call sends nothing and waits for the first.
   */
  async sendLast (message: OutgoingMessage, graceMs = LAST_FRAME_GRACE_MS): Promise<void> {
    this.#last ??= settleWithin(this.send(message), graceMs).then(() => {})
    await this.#last
  }

  /** FINs the control stream once every queued frame has gone to the transport (or failed). */
  async finish (): Promise<void> {
    // A frame queued while waiting starts a new write loop; the stream ends after that one too.
    while (this.#flushing) await this.#flushed
    await this.stream.finish().catch(() => {})
  }
}
