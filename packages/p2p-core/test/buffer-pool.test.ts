import { describe, expect, it } from 'vitest'
import { BufferPool } from '../src/transfer/buffer-pool.ts'

describe('BufferPool', () => {
  it('hands back the same buffers instead of allocating new ones', async () => {
    const pool = new BufferPool(2, 1024)
    const a = await pool.acquire()
    pool.release(a)
    const b = await pool.acquire()
    expect(b).toBe(a)
    expect(pool.allocated).toBe(1)
  })

  it('never allocates more than its count, however many borrowers wait', async () => {
    const pool = new BufferPool(3, 64)
    const held = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()])
    let fourth: Buffer | undefined
    const waiting = pool.acquire().then((b) => { fourth = b })
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(fourth).toBeUndefined()
    expect(pool.allocated).toBe(3)
    pool.release(held[0] as Buffer)
    await waiting
    expect(fourth).toBe(held[0])
    expect(pool.allocated).toBe(3)
  })

  it('lets a waiting borrower give up when its signal aborts', async () => {
    const pool = new BufferPool(1, 64)
    const held = await pool.acquire()
    const controller = new AbortController()
    const waiting = pool.acquire(controller.signal)
    controller.abort(new Error('stop'))
    await expect(waiting).rejects.toThrow('stop')
    pool.release(held)
    expect(await pool.acquire()).toBe(held)
  })

  it('refuses a buffer of another size', () => {
    expect(() => { new BufferPool(1, 64).release(Buffer.alloc(32)) }).toThrow(RangeError)
  })
})
