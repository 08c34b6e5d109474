import { describe, expect, it } from 'vitest'
import { BadFrameError, FrameTooLargeError } from '../src/errors.ts'
import { FrameReader, encodeFrame } from '../src/protocol/frames.ts'

/** A stream that hands out the given bytes in chunks of `chunk` bytes. */
function chunkedStream (bytes: Uint8Array, chunk: number): { read: (max: number) => Promise<Uint8Array | null> } {
  let at = 0
  return {
    async read (max) {
      if (at >= bytes.byteLength) return null
      const n = Math.min(chunk, max, bytes.byteLength - at)
      const out = bytes.slice(at, at + n)
      at += n
      return out
    }
  }
}

function concat (...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.byteLength }
  return out
}

const CHUNK = 64 * 1024
// Body sizes around the reader's chunk size and the frame limit (iroh-blobs style INTERESTING_SIZES).
const SIZES = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 1024 * 1024 - 16]

describe('control frames', () => {
  for (const size of SIZES) {
    for (const chunk of [1, 7, CHUNK, 1 << 20]) {
      it(`round-trips a frame whose text field is ${size} bytes, read in ${chunk}-byte pieces`, async () => {
        const message = { type: 'x', text: 'a'.repeat(size) }
        const frame = encodeFrame(message, 2 * 1024 * 1024)
        const reader = new FrameReader(chunkedStream(concat(frame, frame), chunk), { maxFrameBytes: 2 * 1024 * 1024 })
        expect(await reader.readFrame()).toEqual(message)
        expect(await reader.readFrame()).toEqual(message)
        expect(await reader.readFrame()).toBeNull()
      })
    }
  }

  it('refuses to encode a frame over the limit', () => {
    expect(() => encodeFrame({ text: 'a'.repeat(100) }, 50)).toThrow(FrameTooLargeError)
  })

  it('refuses an oversized frame from its length prefix alone, before reading the body', async () => {
    let requested = 0
    const prefix = new Uint8Array([0x7f, 0xff, 0xff, 0xff])
    const stream = { async read (max: number) { requested += max; return requested > 4 * 1024 * 1024 ? null : prefix } }
    const reader = new FrameReader(stream, { maxFrameBytes: 1024 })
    await expect(reader.readFrame()).rejects.toBeInstanceOf(FrameTooLargeError)
  })

  it('rejects a frame that is not a JSON object', async () => {
    const body = new TextEncoder().encode('[1,2]')
    const frame = concat(new Uint8Array([0, 0, 0, body.byteLength]), body)
    await expect(new FrameReader(chunkedStream(frame, 3), { maxFrameBytes: 100 }).readFrame()).rejects.toBeInstanceOf(BadFrameError)
  })

  it('rejects a frame body that is not UTF-8', async () => {
    const frame = new Uint8Array([0, 0, 0, 2, 0xff, 0xfe])
    await expect(new FrameReader(chunkedStream(frame, 3), { maxFrameBytes: 100 }).readFrame()).rejects.toBeInstanceOf(BadFrameError)
  })

  it('reports a stream that ends inside a frame', async () => {
    const frame = encodeFrame({ a: 1 }, 100).subarray(0, 6)
    await expect(new FrameReader(chunkedStream(frame, 2), { maxFrameBytes: 100 }).readFrame()).rejects.toBeInstanceOf(BadFrameError)
  })

  it('hands out the raw bytes after a frame, however they were chunked', async () => {
    const payload = new Uint8Array(300_000).map((_, i) => i % 251)
    const bytes = concat(encodeFrame({ id: 1 }, 100), payload, encodeFrame({ id: 2 }, 100))
    const reader = new FrameReader(chunkedStream(bytes, 4096 + 3), { maxFrameBytes: 100 })
    expect(await reader.readFrame()).toEqual({ id: 1 })
    const got: Uint8Array[] = []
    let left = payload.byteLength
    while (left > 0) {
      const chunk = await reader.readRaw(Math.min(left, 10_000))
      if (chunk === null) throw new Error('ended early')
      got.push(chunk)
      left -= chunk.byteLength
    }
    expect(concat(...got)).toEqual(payload)
    expect(await reader.readFrame()).toEqual({ id: 2 })
    expect(await reader.readRaw(10)).toBeNull()
  })

  it('takes many small files that arrived together in a few reads, not two reads a file (issue 17)', async () => {
    // A data stream of small files: an item frame and 4 KiB of bytes each, all already arrived (as QUIC hands
    // them over: as much as asked for).
    const files = Array.from({ length: 200 }, (_, id) => new Uint8Array(4096).fill(id % 251))
    const bytes = concat(...files.flatMap((data, id) => [encodeFrame({ id, length: data.byteLength }, 100), data]))
    const stream = chunkedStream(bytes, Number.MAX_SAFE_INTEGER)
    let reads = 0
    const reader = new FrameReader({ read: async (max) => { reads++; return await stream.read(max) } }, { maxFrameBytes: 100 })
    for (const [id, data] of files.entries()) {
      expect(await reader.readFrame()).toEqual({ id, length: data.byteLength })
      const got: Uint8Array[] = []
      for (let left = data.byteLength; left > 0;) {
        const chunk = await reader.readRaw(left)
        if (chunk === null) throw new Error('ended early')
        got.push(chunk)
        left -= chunk.byteLength
      }
      expect(concat(...got)).toEqual(data)
    }
    expect(await reader.readFrame()).toBeNull()
    // 200 x (4 KiB + header) is about 830 KiB: reads of 64 KiB take it in about 13, plus the first small one and the end.
    expect(reads).toBeLessThan(30)
  })
})
