// Red team: a transfer that waits for another transfer of the same sender to let go of the partials it would
// resume (receive/held-partials.ts) is still a transfer the receiving device may cancel. Written from
// docs/protocol.md ("Receiving files ...") without the module's own tests.

import { readdir, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  CancelledError, FerryNode, createQuicTransport, generateIdentity, type Identity, type IncomingOffer, type ReceiveResult
} from '../../src/index.ts'
import { bytes, writeTree } from '../helpers/files.ts'
import { faultyTransport, type Faults, type FaultStats } from '../helpers/faulty-transport.ts'
import { createFixture, type Fixture } from '../helpers/nodes.ts'

let fx: Fixture
const nodes: FerryNode[] = []
beforeEach(async () => { fx = await createFixture() })
afterEach(async () => {
  await Promise.all(nodes.splice(0).map(async (n) => { await n.close() }))
  await fx.cleanup()
})

/** A sending device under `identity` (the same identity twice: one sender, killed and started again). */
async function sender (identity: Identity, faults?: Faults, stats?: FaultStats): Promise<FerryNode> {
  const quic = await createQuicTransport({ identity })
  const transport = faults === undefined ? quic : faultyTransport(quic, faults, stats)
  const node = await FerryNode.create({ identity, listen: { host: '127.0.0.1', port: 0 }, transport })
  nodes.push(node)
  return node
}

const MiB = 1024 * 1024

async function until (test: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !test(); i++) await new Promise((resolve) => setTimeout(resolve, 20))
  expect(test()).toBe(true)
}

describe('red team: partials a killed run of the same sender holds', () => {
  it('lets the receiving device cancel a transfer that waits for them, which then saves nothing', async () => {
    await writeTree(fx.dir, { 'big.bin': bytes(4 * MiB) })
    const faults: Faults = { stallAfter: 512 * 1024 }
    const stats: FaultStats = { dataBytes: 0, openDataStreams: 0, maxOpenDataStreams: 0 }
    const sender = await fx.node({ wrap: (t) => faultyTransport(t, faults, stats) })
    // A holder is taken for a ghost only after this long: the second transfer is still waiting when it is cancelled.
    const receiver = await fx.node({ limits: { staleSessionMs: 3_000 } })
    const dir = join(fx.dir, 'dest')
    const cancel = new AbortController()
    const outcomes: Array<Promise<ReceiveResult>> = []
    receiver.on('offer', (offer: IncomingOffer) => {
      const second = outcomes.length === 1
      const outcome = offer.respond({ accept: true, dir, ...(second ? { signal: cancel.signal } : {}) })
      outcome.catch(() => {})
      outcomes.push(outcome)
      if (second) setTimeout(() => { cancel.abort() }, 200)
    })
    const paths = [join(fx.dir, 'big.bin')]
    // The first send goes silent mid-file (a sender that froze), holding its partial on the receiver.
    void sender.send({ address: receiver.address, paths, reconnect: false }).catch(() => {})
    await until(() => stats.dataBytes >= 512 * 1024)
    // Once its next write is held (for 5 s), the second send's writes are let through.
    for (let before = -1; before !== stats.dataBytes;) {
      before = stats.dataBytes
      await new Promise((resolve) => setTimeout(resolve, 300))
    }
    delete faults.stallAfter
    void sender.send({ address: receiver.address, paths, reconnect: false }).catch(() => {})
    await until(() => outcomes.length === 2)
    await expect(outcomes[1]).rejects.toBeInstanceOf(CancelledError)
    const visible = (await readdir(dir)).filter((name) => !name.startsWith('.'))
    expect(visible).toEqual([])
  })

  it('leaves no partial of a killed run behind when the file changed before it was sent again and saved', async () => {
    const source = join(fx.dir, 'big.bin')
    await writeTree(fx.dir, { 'big.bin': bytes(4 * MiB) })
    const receiver = await fx.node({ limits: { staleSessionMs: 200 } })
    const dir = join(fx.dir, 'dest')
    const outcomes: Array<Promise<ReceiveResult>> = []
    receiver.on('offer', (offer: IncomingOffer) => {
      const outcome = offer.respond({ accept: true, dir })
      outcome.catch(() => {})
      outcomes.push(outcome)
    })
    // The first run goes silent mid-file and stays connected, as a killed sender does until QUIC's idle timeout.
    const identity = await generateIdentity()
    const stats: FaultStats = { dataBytes: 0, openDataStreams: 0, maxOpenDataStreams: 0 }
    const killed = await sender(identity, { stallAfter: 512 * 1024 }, stats)
    void killed.send({ address: receiver.address, paths: [source], reconnect: false }).catch(() => {})
    await until(() => stats.dataBytes >= 512 * 1024)
    for (let before = -1; before !== stats.dataBytes;) {
      before = stats.dataBytes
      await new Promise((resolve) => setTimeout(resolve, 300))
    }
    // The file changed (another mtime: another partial), then the same device sends it again.
    await utimes(source, new Date(), new Date(Date.now() + 60_000))
    const again = await sender(identity)
    await again.send({ address: receiver.address, paths: [source], reconnect: false })
    // The killed run ends as lost (here: its connection closes; in life, QUIC's idle timeout).
    await killed.close()
    await Promise.allSettled(outcomes)
    expect(await readdir(dir)).toEqual(['big.bin'])
  })
})
