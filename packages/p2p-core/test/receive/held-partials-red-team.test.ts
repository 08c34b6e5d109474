// Red team: a transfer that waits for another transfer of the same sender to let go of the partials it would
// resume (receive/held-partials.ts) is still a transfer the receiving device may cancel. Written from
// docs/protocol.md ("Receiving files ...") without the module's own tests.

import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CancelledError, type IncomingOffer, type ReceiveResult } from '../../src/index.ts'
import { bytes, writeTree } from '../helpers/files.ts'
import { faultyTransport, type Faults, type FaultStats } from '../helpers/faulty-transport.ts'
import { createFixture, type Fixture } from '../helpers/nodes.ts'

let fx: Fixture
beforeEach(async () => { fx = await createFixture() })
afterEach(async () => { await fx.cleanup() })

const MiB = 1024 * 1024

async function until (test: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !test(); i++) await new Promise((resolve) => setTimeout(resolve, 20))
  expect(test()).toBe(true)
}

describe('red team: a transfer waiting for a held partial', () => {
  it('ends as cancelled when the receiving device cancels it during the wait, and saves nothing', async () => {
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
})
