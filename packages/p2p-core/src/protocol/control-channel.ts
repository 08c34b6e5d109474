// One transfer's control stream: frames in, frames out. Writes are serialised (frames never interleave) and every
// frame from the peer is checked against its schema before use.

import type { z } from 'zod'
import { ConnectionLostError } from '../errors.ts'
import type { FerryStream } from '../transport/types.ts'
import { FrameReader, encodeFrame } from './frames.ts'
import { parseMessage, type OutgoingMessage } from './messages.ts'

export class ControlChannel {
  readonly stream: FerryStream
  readonly #reader: FrameReader
  readonly #maxFrameBytes: number
  #writing: Promise<void> = Promise.resolve()

  constructor (stream: FerryStream, maxFrameBytes: number) {
    this.stream = stream
    this.#maxFrameBytes = maxFrameBytes
    this.#reader = new FrameReader(stream, { maxFrameBytes })
  }

  /** Queues a frame behind the ones already being written; resolves once the transport has it. */
  async send (message: OutgoingMessage): Promise<void> {
    const frame = encodeFrame(message, this.#maxFrameBytes)
    const write = this.#writing.then(async () => await this.stream.write(frame))
    this.#writing = write.catch(() => {})
    await write
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
    await this.#writing
    await this.stream.finish().catch(() => {})
  }
}
