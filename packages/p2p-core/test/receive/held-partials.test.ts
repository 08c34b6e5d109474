// A new transfer that would resume partials another transfer of this process holds: the holder gives way only if it
// is the same sender's and its connection went silent (a sender killed and started again); a live one is left alone.
// The whole story with real processes: apps/cli/test/resume-after-kill.test.ts.

import { describe, expect, it } from 'vitest'
import { PartialClaims, type ClaimHolder } from '../../src/receive/partial-names.ts'
import { takeBackHeldPartials } from '../../src/receive/held-partials.ts'

const SENDER = '12D3KooWSender'

function holder (peerId: string, stale: () => boolean, onGiveWay: () => void = () => {}): ClaimHolder & { gaveWay: number } {
  const h = { peerId, stale, gaveWay: 0, giveWay: () => { h.gaveWay++; onGiveWay() } }
  return h
}

const take = async (claims: PartialClaims, keys: string[], options: { self?: ClaimHolder, signal?: AbortSignal } = {}): Promise<void> => {
  await takeBackHeldPartials({ claims, keys, peerId: SENDER, waitMs: 300, settleMs: 300, signal: options.signal ?? new AbortController().signal, ...(options.self === undefined ? {} : { self: options.self }) })
}

describe('partials held by another transfer when a transfer is about to resume them', () => {
  it('makes a silent transfer of the same sender give way, and goes on once it has kept its partials', async () => {
    const claims = new PartialClaims()
    const ghost = holder(SENDER, () => true, () => { setTimeout(() => { claims.release('a'); claims.release('b') }, 50) })
    claims.claim('a', ghost)
    claims.claim('b', ghost)
    await take(claims, ['a', 'b', 'free'])
    expect(ghost.gaveWay).toBe(1)
    expect(claims.held('a') || claims.held('b')).toBe(false)
  })

  it('waits for a transfer that goes silent while it waits, then makes it give way', async () => {
    const claims = new PartialClaims()
    const silentAfter = performance.now() + 100
    const ghost = holder(SENDER, () => performance.now() >= silentAfter, () => { claims.release('a') })
    claims.claim('a', ghost)
    await take(claims, ['a'])
    expect(ghost.gaveWay).toBe(1)
  })

  it('leaves a transfer that still moves bytes alone (the same file sent twice at once): the new one goes on without it', async () => {
    const claims = new PartialClaims()
    const live = holder(SENDER, () => false)
    claims.claim('a', live)
    await take(claims, ['a'])
    expect(live.gaveWay).toBe(0)
    expect(claims.held('a')).toBe(true)
  })

  it("never makes another sender's transfer, nor its own, give way", async () => {
    const claims = new PartialClaims()
    const other = holder('12D3KooWSomeoneElse', () => true)
    const self = holder(SENDER, () => true)
    claims.claim('a', other)
    claims.claim('b', self)
    await take(claims, ['a', 'b'], { self })
    expect(other.gaveWay).toBe(0)
    expect(self.gaveWay).toBe(0)
  })

  it('stops waiting at once when the transfer ends', async () => {
    const claims = new PartialClaims()
    const live = holder(SENDER, () => false)
    claims.claim('a', live)
    const ended = new AbortController()
    const started = performance.now()
    setTimeout(() => { ended.abort() }, 20)
    await takeBackHeldPartials({ claims, keys: ['a'], peerId: SENDER, waitMs: 60_000, settleMs: 60_000, signal: ended.signal })
    expect(performance.now() - started).toBeLessThan(30_000)
  })

  it('tells when a claim is free again', async () => {
    const claims = new PartialClaims()
    await claims.released('nobody holds this')
    claims.claim('a')
    const freed = claims.released('a')
    let done = false
    void freed.then(() => { done = true })
    await Promise.resolve()
    expect(done).toBe(false)
    claims.release('a')
    await freed
    expect(claims.claim('a')).toBe(true)
  })
})
