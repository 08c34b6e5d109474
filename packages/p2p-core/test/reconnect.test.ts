// How a sender spaces its reconnects, and what a receiver remembers of interrupted transfers (and for how long).

import { describe, expect, it } from 'vitest'
import { backoffDelay, isReconnectable } from '../src/engine/reconnect.ts'
import { ConnectionLostError, DiskError, PeerDeclinedError, TimeoutError, UnreachableError } from '../src/index.ts'
import { InterruptedTransfers } from '../src/transfer/interrupted.ts'

const files = [{ id: 0, path: 'a.bin', size: 10, mtimeMs: 1 }, { id: 1, path: 'b.bin', size: 20, mtimeMs: 2 }]
const key = { transferId: 'transfer-0001', peerId: 'peer-a', files }
const decision = { fileIds: [0, 1], dir: '/downloads' }

describe('reconnect backoff', () => {
  it('doubles the wait each attempt up to the cap, jittered within the upper half', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 1_000, 15_000, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000, 15_000, 15_000])
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 1_000, 15_000, () => 0))).toEqual([500, 1_000, 2_000, 4_000, 7_500, 7_500])
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(3, 1_000, 15_000)))
    expect(spread.size).toBeGreaterThan(10)
    for (const d of spread) expect(d >= 2_000 && d <= 4_000).toBe(true)
  })

  it('retries only network failures of a transfer the receiver had accepted', () => {
    for (const err of [new ConnectionLostError('x'), new TimeoutError('x'), new UnreachableError('x')]) {
      expect(isReconnectable(err, true)).toBe(true)
      expect(isReconnectable(err, false)).toBe(false)
    }
    for (const err of [new PeerDeclinedError(), new DiskError('full'), new Error('bug')]) expect(isReconnectable(err, true)).toBe(false)
  })
})

describe('interrupted transfers on the receiver', () => {
  it('continue only for the same peer, transfer id and exact file list', () => {
    const memory = new InterruptedTransfers(() => ({ maxInterruptedTransfers: 8, resumeWindowMs: 60_000 }))
    memory.remember(key, decision)
    expect(memory.match(key)).toEqual(decision)
    expect(memory.match({ ...key, peerId: 'peer-b' })).toBeUndefined()
    expect(memory.match({ ...key, transferId: 'transfer-0002' })).toBeUndefined()
    expect(memory.match({ ...key, files: [files[0], { ...files[1], mtimeMs: 3 }] as typeof files })).toBeUndefined()
    memory.forget(key.transferId, key.peerId)
    expect(memory.match(key)).toBeUndefined()
  })

  it('are kept per device: another device using the same transfer id neither forgets nor replaces one (issue 13)', () => {
    const memory = new InterruptedTransfers(() => ({ maxInterruptedTransfers: 8, resumeWindowMs: 60_000 }))
    memory.remember(key, decision)
    memory.forget(key.transferId, 'peer-b')
    memory.remember({ ...key, peerId: 'peer-b' }, { ...decision, dir: '/elsewhere' })
    expect(memory.match(key)).toEqual(decision)
  })

  it('are forgotten after resumeWindowMs, and beyond maxInterruptedTransfers oldest first', () => {
    let now = 0
    const memory = new InterruptedTransfers(() => ({ maxInterruptedTransfers: 2, resumeWindowMs: 1_000 }), () => now)
    memory.remember(key, decision)
    now = 1_001
    expect(memory.match(key)).toBeUndefined()
    for (const id of ['t-1', 't-2', 't-3']) memory.remember({ ...key, transferId: id }, decision)
    expect(['t-1', 't-2', 't-3'].map((id) => memory.match({ ...key, transferId: id }) !== undefined)).toEqual([false, true, true])
  })

  it('end a transfer still running under the same id before a reconnect takes over, and wait for it', async () => {
    const memory = new InterruptedTransfers(() => ({ maxInterruptedTransfers: 8, resumeWindowMs: 60_000 }))
    const events: string[] = []
    const end = memory.running(key, () => {
      events.push('superseded')
      // The old transfer notices, records itself as interrupted, and lets go a little later.
      setTimeout(() => { memory.remember(key, decision); events.push('ended'); end() }, 30)
    })
    expect(await memory.takeOver(key)).toEqual(decision)
    expect(events).toEqual(['superseded', 'ended'])
    expect(await memory.takeOver({ ...key, transferId: 'other-0001' })).toBeUndefined()
  })
})
