// Control frames: a u32 big-endian length, then that many bytes of UTF-8 JSON. The reader enforces the size limit
// from the length prefix alone, before it buffers the body, and it can hand out raw bytes that follow a frame
// (data streams are a frame header followed by file bytes).

import { BadFrameError, FrameTooLargeError } from '../errors.ts'
import type { FerryStream } from '../transport/types.ts'

const PREFIX_BYTES = 4
const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** Encodes one frame; throws FrameTooLargeError when the JSON body exceeds `maxFrameBytes`. */
export function encodeFrame (message: unknown, maxFrameBytes: number): Uint8Array {
  const body = encoder.encode(JSON.stringify(message))
  if (body.byteLength > maxFrameBytes) {
    throw new FrameTooLargeError(`Frame of ${body.byteLength} bytes exceeds the limit of ${maxFrameBytes}`)
  }
  const frame = new Uint8Array(PREFIX_BYTES + body.byteLength)
  new DataView(frame.buffer).setUint32(0, body.byteLength)
  frame.set(body, PREFIX_BYTES)
  return frame
}

/** Decodes a frame body; anything but a JSON object is a BadFrameError. */
export function decodeFrameBody (body: Uint8Array): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(decoder.decode(body))
  } catch (err) {
    throw new BadFrameError('Frame body is not valid UTF-8 JSON', { cause: err })
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BadFrameError('Frame body must be a JSON object')
  }
  return value as Record<string, unknown>
}

/** Reads frames and raw bytes from one stream, keeping whatever it over-read for the next call. */
export class FrameReader {
  readonly #stream: Pick<FerryStream, 'read'>
  readonly #maxFrameBytes: number
  readonly #readBytes: number
  #pending: Uint8Array[] = []
  #pendingBytes = 0
  #ended = false

  constructor (stream: Pick<FerryStream, 'read'>, options: { maxFrameBytes: number, readBytes?: number }) {
    this.#stream = stream
    this.#maxFrameBytes = options.maxFrameBytes
    this.#readBytes = options.readBytes ?? 64 * 1024
  }

  /** The next frame, or null when the stream ends cleanly between frames. */
  async readFrame (): Promise<Record<string, unknown> | null> {
    if (!await this.#fill(PREFIX_BYTES)) {
      if (this.#pendingBytes === 0) return null
      throw new BadFrameError('Stream ended inside a frame length prefix')
    }
    const prefix = this.#take(PREFIX_BYTES)
    const length = new DataView(prefix.buffer, prefix.byteOffset, PREFIX_BYTES).getUint32(0)
    if (length > this.#maxFrameBytes) {
      throw new FrameTooLargeError(`Frame of ${length} bytes exceeds the limit of ${this.#maxFrameBytes}`)
    }
    if (!await this.#fill(length)) throw new BadFrameError('Stream ended inside a frame body')
    return decodeFrameBody(this.#take(length))
  }

  /**
   * Up to `maxBytes` raw bytes following the last frame: buffered bytes first, then straight from the stream.
   * Null at the end of the stream.
   */
  async readRaw (maxBytes: number): Promise<Uint8Array | null> {
    if (this.#pendingBytes > 0) return this.#take(Math.min(maxBytes, this.#pendingBytes))
    if (this.#ended) return null
    const chunk = await this.#stream.read(maxBytes)
    if (chunk == null) {
      this.#ended = true
      return null
    }
    if (chunk.byteLength <= maxBytes) return chunk
    // A transport may return more than asked; keep the rest.
    this.#push(chunk.subarray(maxBytes))
    return chunk.subarray(0, maxBytes)
  }

  async #fill (bytes: number): Promise<boolean> {
    while (this.#pendingBytes < bytes) {
      if (this.#ended) return false
      const chunk = await this.#stream.read(Math.max(this.#readBytes, bytes - this.#pendingBytes))
      if (chunk == null) {
        this.#ended = true
        return false
      }
      this.#push(chunk)
    }
    return true
  }

  #push (chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return
    this.#pending.push(chunk)
    this.#pendingBytes += chunk.byteLength
  }

  #take (bytes: number): Uint8Array {
    const first = this.#pending[0]
    if (first !== undefined && first.byteLength >= bytes) {
      if (first.byteLength === bytes) this.#pending.shift()
      else this.#pending[0] = first.subarray(bytes)
      this.#pendingBytes -= bytes
      return first.subarray(0, bytes)
    }
    // Many small chunks (a peer may dribble bytes): copy them out and drop them with one splice, not a shift each.
    const out = new Uint8Array(bytes)
    let filled = 0
    let used = 0
    while (filled < bytes) {
      const head = this.#pending[used] as Uint8Array
      const n = Math.min(head.byteLength, bytes - filled)
      out.set(head.subarray(0, n), filled)
      filled += n
      if (n === head.byteLength) used++
      else this.#pending[used] = head.subarray(n)
    }
    this.#pending.splice(0, used)
    this.#pendingBytes -= bytes
    return out
  }
}
