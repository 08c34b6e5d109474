import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { blake3Hex } from '../src/hash/blake3.ts'
import { HashPool, createInlineHasher } from '../src/hash/hash-pool.ts'

const pool = new HashPool({ workers: 2, maxQueuedChunks: 2 })
afterAll(async () => { await pool.close() })

describe('BLAKE3 hashing', () => {
  it('gives the same digest in a worker, inline and in one call, for chunks fed one by one', async () => {
    const data = randomBytes(3 * 256 * 1024 + 5)
    const worker = pool.create()
    const inline = createInlineHasher()
    for (let at = 0; at < data.byteLength; at += 100_000) {
      const chunk = data.subarray(at, at + 100_000)
      await worker.update(chunk)
      await inline.update(chunk)
    }
    const expected = blake3Hex(data)
    expect(await worker.digest()).toBe(expected)
    expect(await inline.digest()).toBe(expected)
  })

  it('hashes the known BLAKE3 test vector of the empty input', async () => {
    expect(await pool.create().digest()).toBe('af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262')
  })

  it('includes a file prefix read by the worker, as a resumed transfer does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-hash-'))
    try {
      const data = randomBytes(2 * 1024 * 1024 + 3)
      await writeFile(join(dir, 'f'), data)
      const hasher = pool.create()
      await hasher.updateFromFile(join(dir, 'f'), 0, 1024 * 1024)
      await hasher.update(data.subarray(1024 * 1024))
      expect(await hasher.digest()).toBe(blake3Hex(data))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('issue 17: hashes a resumed prefix on this thread in 1 MiB pieces, the same at every piece boundary', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-hash-'))
    const piece = 1024 * 1024
    try {
      const data = randomBytes(3 * piece + 5)
      await writeFile(join(dir, 'f'), data)
      for (const [start, end] of [[0, 0], [0, 1], [0, piece - 1], [0, piece], [0, piece + 1], [1, 3 * piece + 5], [piece, 2 * piece + 1]] as const) {
        const hasher = createInlineHasher()
        await hasher.updateFromFile(join(dir, 'f'), start, end)
        await hasher.update(data.subarray(end))
        expect(await hasher.digest(), `[${start}, ${end})`).toBe(blake3Hex(data.subarray(start)))
      }
      const short = createInlineHasher()
      await expect(short.updateFromFile(join(dir, 'f'), 0, data.byteLength + 1)).rejects.toThrow(/ended at/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('lets the caller reuse its buffer as soon as update() returns', async () => {
    const buffer = Buffer.alloc(1024, 1)
    const hasher = pool.create()
    await hasher.update(buffer)
    buffer.fill(2)
    await hasher.update(buffer)
    expect(await hasher.digest()).toBe(blake3Hex(Buffer.concat([Buffer.alloc(1024, 1), Buffer.alloc(1024, 2)])))
  })
})

describe('BLAKE3 hashing of shared memory', () => {
  it('hashes a SharedArrayBuffer chunk in place and returns only once the worker is done with it', async () => {
    const shared = Buffer.from(new SharedArrayBuffer(4096))
    shared.fill(7)
    const hasher = pool.create()
    await hasher.update(shared)
    shared.fill(9) // reusing the buffer right after update() must not change what was hashed
    await hasher.update(shared.subarray(0, 100))
    expect(await hasher.digest()).toBe(blake3Hex(Buffer.concat([Buffer.alloc(4096, 7), Buffer.alloc(100, 9)])))
  })
})

describe('a hash worker that cannot start', () => {
  it('fails every hashing session at once instead of leaving it waiting forever', async () => {
    const broken = new HashPool({ workers: 1, workerUrl: new URL('./no-such-hash-worker.js', import.meta.url) })
    try {
      for (let session = 0; session < 3; session++) {
        const hasher = broken.create()
        // Each wait is bounded: a hang shows as "still waiting", not as vitest's timeout.
        const outcome = await Promise.race([
          (async () => { await hasher.update(randomBytes(1024)); return await hasher.digest() })().then(() => 'hashed', () => 'failed'),
          new Promise((resolve) => setTimeout(() => { resolve('still waiting') }, 5_000).unref())
        ])
        expect(outcome).toBe('failed')
      }
    } finally {
      await broken.close()
    }
  })
})
