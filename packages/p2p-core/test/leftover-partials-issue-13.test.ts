// Issue 13 (red team, second round): cut and resent transfers leave no hidden partial behind that nothing will ever
// resume or remove, end to end over QUIC.

import { readdir, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConnectionLostError, PARTIAL_PREFIX, type FerryNode, type IncomingOffer, type OfferDecision, type ReceiveResult } from '../src/index.ts'
import { bytes, sha256, writeTree } from './helpers/files.ts'
import { faultyTransport, type Faults, type FaultStats } from './helpers/faulty-transport.ts'
import { createFixture, type Fixture } from './helpers/nodes.ts'

let fx: Fixture
beforeEach(async () => { fx = await createFixture() })
afterEach(async () => { await fx.cleanup() })

const KiB = 1024
const MiB = 1024 * KiB

function answerNext (node: FerryNode, decision: (offer: IncomingOffer) => OfferDecision): { outcome: Promise<ReceiveResult> } {
  const outcome = new Promise<IncomingOffer>((resolve) => { node.once('offer', resolve) }).then(async (o) => await o.respond(decision(o)))
  outcome.catch(() => {})
  return { outcome }
}

/** Everything in `dir`, recursively, hidden files included. */
async function everything (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [])
  return entries.map(String).sort()
}

describe('leftover partials (issue 13)', () => {
  it('leaves nothing of a small file (no sidecar) cut three times, nor the folder made for it, and the resend saves it', async () => {
    await writeTree(fx.dir, { 'src/mid.bin': bytes(200 * KiB) })
    const faults: Faults = { cutAfter: 120 * KiB, writeDelayMs: 25 }
    const stats: FaultStats = { dataBytes: 0, openDataStreams: 0, maxOpenDataStreams: 0 }
    // The sender writes in 16 KiB pieces, so the cut falls inside the file; the receiver (default limits) gives a
    // 200 KiB file a fresh partial name with no sidecar: it does not resume.
    const a = await fx.node({ limits: { chunkBytes: 16 * KiB, smallFileBytes: 16 * KiB, blockingFileBytes: 16 * KiB }, wrap: (t) => faultyTransport(t, faults, stats) })
    const b = await fx.node()
    const dest = join(fx.dir, 'dest')
    for (let round = 0; round < 3; round++) {
      stats.dataBytes = 0
      const cut = answerNext(b, () => ({ accept: true, dir: dest }))
      await expect(a.send({ address: b.address, paths: [join(fx.dir, 'src')], reconnect: false })).rejects.toBeInstanceOf(ConnectionLostError)
      await expect(cut.outcome).rejects.toBeInstanceOf(ConnectionLostError)
      expect(await everything(dest)).toEqual([])
    }
    delete faults.cutAfter
    delete faults.writeDelayMs
    const whole = answerNext(b, () => ({ accept: true, dir: dest }))
    await a.send({ address: b.address, paths: [join(fx.dir, 'src')] })
    await whole.outcome
    expect(await everything(dest)).toEqual(['src', join('src', 'mid.bin')])
  })

  it('removes the partial and sidecar a cut transfer left once the changed file is saved from a new offer', async () => {
    const size = 8 * MiB
    await writeTree(fx.dir, { 'clip.bin': bytes(size) })
    const faults: Faults = { cutAfter: 3 * MiB }
    const stats: FaultStats = { dataBytes: 0, openDataStreams: 0, maxOpenDataStreams: 0 }
    const a = await fx.node({ wrap: (t) => faultyTransport(t, faults, stats) })
    const b = await fx.node()
    const dest = join(fx.dir, 'dest')
    const cut = answerNext(b, () => ({ accept: true, dir: dest }))
    await expect(a.send({ address: b.address, paths: [join(fx.dir, 'clip.bin')], reconnect: false })).rejects.toBeInstanceOf(ConnectionLostError)
    await expect(cut.outcome).rejects.toBeInstanceOf(ConnectionLostError)
    expect((await everything(dest)).filter((n) => n.startsWith(PARTIAL_PREFIX))).toHaveLength(2) // partial and sidecar
    // The source changes while the link is down: the resend is a new offer with another partial name.
    const later = new Date(Date.now() + 60_000)
    await utimes(join(fx.dir, 'clip.bin'), later, later)
    delete faults.cutAfter
    const resend = answerNext(b, () => ({ accept: true, dir: dest }))
    const result = await a.send({ address: b.address, paths: [join(fx.dir, 'clip.bin')] })
    expect(result.bytesResumed).toBe(0)
    await resend.outcome
    expect(await sha256(join(dest, 'clip.bin'))).toBe(await sha256(join(fx.dir, 'clip.bin')))
    expect(await everything(dest)).toEqual(['clip.bin'])
  })
})
