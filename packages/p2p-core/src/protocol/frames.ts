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

/** Reads smaller than this are copied together into buffers of COALESCE_BYTES rather than kept one by one. */
const COALESCE_BELOW = 4 * 1024
const COALESCE_BYTES = 16 * 1024
/**
 * The smallest read asked of the transport. QUIC allocates a buffer as big as the read asked for, whatever arrives:
 * reads ask for twice what the last one brought (down to this, up to the caller's size), so a peer that dribbles
 * bytes costs small allocations, and a fast one still gets whole chunks.
 */
const MIN_READ_BYTES = 2 * 1024

/**
 * Reads frames and raw bytes from one stream, keeping whatever it over-read for the next call. Small reads are
 * copied together as they arrive: a peer that dribbles a frame a byte at a time costs its bytes, not a buffer (and
 * the transport's allocation behind it) per read.
 */
export class FrameReader {
  readonly #stream: Pick<FerryStream, 'read'>
  readonly #maxFrameBytes: number
  readonly #readBytes: number
  #pending: Uint8Array[] = []
  #pendingBytes = 0
  /** Where small reads are gathered; pushed to #pending as one piece when full or when bytes are taken. */
  #small: Uint8Array | undefined
  #smallUsed = 0
  /** What the next read asks for at most: follows what the peer delivers (MIN_READ_BYTES). */
  #readSize: number
  #ended = false

  constructor (stream: Pick<FerryStream, 'read'>, options: { maxFrameBytes: number, readBytes?: number }) {
    this.#stream = stream
    this.#maxFrameBytes = options.maxFrameBytes
    this.#readBytes = options.readBytes ?? 64 * 1024
    this.#readSize = this.#readBytes
  }

  /** Bytes read from the stream and not handed out yet: the next call takes them without a read. */
  get buffered (): number {
    return this.#pendingBytes
  }

  /** One read of at most `maxBytes`, sized by what the last read brought. */
  async #read (maxBytes: number): Promise<Uint8Array | null> {
    const chunk = await this.#stream.read(Math.min(maxBytes, this.#readSize))
    if (chunk != null) this.#readSize = Math.max(MIN_READ_BYTES, chunk.byteLength * 2)
    return chunk ?? null
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
   * Up to `maxBytes` raw bytes following the last frame: buffered bytes first, then straight from the stream. A read
   * asks for at least what a frame read would (`readBytes`, as far as the last read's size allows) and keeps the rest:
   * many small files on one stream cost a read for many of them, not two each. Null at the end of the stream.
   */
  async readRaw (maxBytes: number): Promise<Uint8Array | null> {
    if (this.#pendingBytes > 0) {
      this.#seal()
      return this.#take(Math.min(maxBytes, this.#pendingBytes))
    }
    if (this.#ended) return null
    const chunk = await this.#read(Math.max(maxBytes, this.#readBytes))
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
      const chunk = await this.#read(this.#readBytes)
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
    this.#pendingBytes += chunk.byteLength
    if (chunk.byteLength >= COALESCE_BELOW) {
      this.#seal()
      this.#pending.push(chunk)
      return
    }
    if (this.#small === undefined || this.#smallUsed + chunk.byteLength > this.#small.byteLength) {
      this.#seal()
      this.#small = new Uint8Array(COALESCE_BYTES)
    }
    this.#small.set(chunk, this.#smallUsed)
    this.#smallUsed += chunk.byteLength
  }

  /** Moves the gathered small reads to #pending, in order. */
  #seal (): void {
    if (this.#small !== undefined && this.#smallUsed > 0) this.#pending.push(this.#small.subarray(0, this.#smallUsed))
    this.#small = undefined
    this.#smallUsed = 0
  }

  #take (bytes: number): Uint8Array {
    this.#seal()
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
