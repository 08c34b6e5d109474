import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FerryError, InvalidPathError } from '../../src/errors.ts'
import { FrameReader } from '../../src/protocol/frames.ts'
import { controlSchema, parseMessage } from '../../src/protocol/messages.ts'
import { sanitizeRelativePath } from '../../src/protocol/paths.ts'

const limits = { maxPathBytes: 4096, maxNameBytes: 255, maxPathDepth: 128 }

/** A stream that hands out `bytes` in the given piece sizes. */
function pieces (bytes: Uint8Array, sizes: number[]): { read: (max: number) => Promise<Uint8Array | null> } {
  let at = 0
  let i = 0
  return {
    async read (max) {
      if (at >= bytes.byteLength) return null
      const n = Math.max(1, Math.min(max, sizes[i++ % sizes.length] ?? 1, bytes.byteLength - at))
      const out = bytes.slice(at, at + n)
      at += n
      return out
    }
  }
}

describe('the frame decoder, fed anything a hostile peer can send', () => {
  it('only ever answers with frames or typed Ferry errors, never a crash', async () => {
    await fc.assert(fc.asyncProperty(
      fc.uint8Array({ maxLength: 2048 }),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
      async (bytes, sizes) => {
        const reader = new FrameReader(pieces(bytes, sizes), { maxFrameBytes: 1024 })
        try {
          for (let n = 0; n < 100; n++) {
            const frame = await reader.readFrame()
            if (frame === null) break
            try {
              parseMessage(controlSchema, frame)
            } catch (err) {
              if (!(err instanceof FerryError)) throw err
            }
          }
        } catch (err) {
          if (!(err instanceof FerryError)) throw err
        }
      }
    ), { numRuns: 500 })
  })

  it('reads back valid frames whatever the piece sizes, with arbitrary JSON inside', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })), { minLength: 1, maxLength: 5 }),
      fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 5 }),
      async (messages, sizes) => {
        const encoded = messages.map((m) => {
          const body = new TextEncoder().encode(JSON.stringify(m))
          const frame = new Uint8Array(4 + body.byteLength)
          new DataView(frame.buffer).setUint32(0, body.byteLength)
          frame.set(body, 4)
          return frame
        })
        const all = new Uint8Array(encoded.reduce((n, f) => n + f.byteLength, 0))
        let at = 0
        for (const f of encoded) { all.set(f, at); at += f.byteLength }
        const reader = new FrameReader(pieces(all, sizes), { maxFrameBytes: 1 << 20 })
        for (const m of messages) expect(await reader.readFrame()).toEqual(JSON.parse(JSON.stringify(m)))
        expect(await reader.readFrame()).toBeNull()
      }
    ), { numRuns: 200 })
  })
})

describe('the path sanitiser, fed any string', () => {
  const base = resolve('/srv/ferry/inbox')
  const hostile = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.array(fc.constantFrom('..', '.', '', 'a', 'CON', 'C:', '\\', '/', 'é', 'e\u0301', '\u0000', ' ', 'x.'), { maxLength: 8 }).map((p) => p.join('/'))
  )

  it('either refuses with InvalidPathError or returns a path that stays inside the destination', () => {
    fc.assert(fc.property(hostile, (raw) => {
      let parts: string[]
      try {
        parts = sanitizeRelativePath(raw, limits)
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidPathError)
        return
      }
      const target = join(base, ...parts)
      const rel = relative(base, target)
      // `..0` is a fine name; only a `..` component leaves the destination.
      expect(rel === '..' || rel.startsWith(`..${sep}`)).toBe(false)
      expect(isAbsolute(rel)).toBe(false)
      expect(rel).not.toBe('')
      for (const part of parts) {
        expect(part.includes("/") || part.includes("\\") || part.includes("\u0000")).toBe(false)
        expect(new TextEncoder().encode(part).byteLength).toBeLessThanOrEqual(limits.maxNameBytes)
      }
    }), { numRuns: 2000 })
  })

  it('is idempotent: a sanitised path sanitises to itself', () => {
    fc.assert(fc.property(hostile, (raw) => {
      let parts: string[]
      try {
        parts = sanitizeRelativePath(raw, limits)
      } catch {
        return
      }
      expect(sanitizeRelativePath(parts.join('/'), limits)).toEqual(parts)
    }), { numRuns: 1000 })
  })
})
