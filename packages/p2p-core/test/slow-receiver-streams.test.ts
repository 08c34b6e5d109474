// A receiver that reads slowly (a slow disk, a busy CPU) sees more data streams open at once than the sender's
// filesInFlight, because a sender frees a slot once QUIC has buffered a unit's bytes while the receiver counts a
// stream until it has read it to the end. Streams past maxStreamsPerTransfer must wait, not be reset: an honest
// transfer with default limits was cut here before.
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import type { FerryConnection, FerryStream, Transport } from '../src/index.ts'
import { bytes, treeDigest, writeTree } from './helpers/files.ts'
import { createFixture, type Fixture } from './helpers/nodes.ts'

let fx: Fixture
beforeEach(async () => { fx = await createFixture() })
afterEach(async () => { await fx.cleanup() })

/** The receiver's reads take turns, 10 ms each: one slow disk shared by every stream. */
function slowReceiver (inner: Transport, stats: { resets: number }): Transport {
  let turn: Promise<unknown> = Promise.resolve()
  const stream = (s: FerryStream): FerryStream => ({
    read: async (n) => { const mine = turn.then(async () => await new Promise((resolve) => setTimeout(resolve, 10))); turn = mine; await mine; return await s.read(n) },
    write: s.write,
    finish: s.finish,
    reset: () => { stats.resets++; s.reset() }
  })
  const connection = (c: FerryConnection): FerryConnection => ({
    get remotePeerId () { return c.remotePeerId },
    get remoteAddress () { return c.remoteAddress },
    get closed () { return c.closed },
    openStream: c.openStream,
    close: c.close,
    acceptStream: async () => stream(await c.acceptStream())
  })
  return {
    get peerId () { return inner.peerId },
    close: inner.close,
    dial: inner.dial,
    listen: async (a) => { const l = await inner.listen(a); return { get address () { return l.address }, close: l.close, accept: async () => connection(await l.accept()) } }
  }
}

it('an honest transfer with default limits is not cut by the receiver\'s stream limit when the receiver reads slowly', async () => {
  const stats = { resets: 0 }
  const receiver = await fx.node({ wrap: (t) => slowReceiver(t, stats) })
  const src = join(fx.dir, 'src', 'photos')
  const tree: Record<string, Uint8Array> = {}
  for (let i = 0; i < 120; i++) tree[`p${i}.jpg`] = bytes(300 * 1024)
  await writeTree(src, tree)
  const sender = await fx.node()
  const dest = join(fx.dir, 'dest')
  const received = new Promise((resolve, reject) => { receiver.once('offer', (o) => { o.respond({ accept: true, dir: dest }).then(resolve, reject) }) })
  received.catch(() => {})
  const sent = await sender.send({ address: { host: '127.0.0.1', port: receiver.address.port }, paths: [src], reconnect: false })
  expect(sent.files).toBe(120)
  await received
  expect(stats.resets).toBe(0)
  expect(await treeDigest(join(dest, 'photos'))).toEqual(await treeDigest(src))
}, 60_000)
