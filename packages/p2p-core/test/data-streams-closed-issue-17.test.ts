import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FerryNode } from '../src/index.ts'
import { bytes, treeDigest, writeTree } from './helpers/files.ts'
import { createFixture, type Fixture } from './helpers/nodes.ts'

let fx: Fixture
beforeEach(async () => { fx = await createFixture() })
afterEach(async () => { await fx.cleanup() })

function acceptInto (node: FerryNode, dir: string): void {
  node.on('offer', (offer) => {
    const c = offer.continues
    void offer.respond(c === undefined ? { accept: true, dir } : { accept: true, dir: c.dir, files: c.fileIds }).catch(() => {})
  })
}

describe('issue 17: the receiver closes its side of each data stream once read, so QUIC lets the sender open new ones', () => {
  it('a transfer of more large files than QUIC allows open streams (256) completes without a reconnect, each file saved once', async () => {
    // Each file over smallFileBytes gets a stream of its own. QUIC counts a stream against the receiver's limit
    // until both sides have closed it: a receiver that never closed its side froze the sender at the limit (the
    // photo library at full scale stopped after 256 streams; the idle timeout cut the transfer, and the reconnect
    // saved the files already received a second time as "name (1)").
    const limits = { smallFileBytes: 1024, blockingFileBytes: 512, idleTimeoutMs: 4_000, reconnectBaseMs: 50 }
    const count = 320
    const files: Record<string, Uint8Array> = {}
    for (let i = 0; i < count; i++) files[`f${i}.bin`] = bytes(2048 + i)
    const src = join(fx.dir, 'src', 'many-streams')
    await writeTree(src, files)
    const a = await fx.node({ limits })
    const b = await fx.node({ limits })
    const dest = join(fx.dir, 'dest')
    acceptInto(b, dest)
    let reconnects = 0
    const result = await a.send({ address: b.address, peerId: b.peerId, paths: [src], onReconnect: () => { reconnects++ } })
    expect(reconnects).toBe(0)
    expect(result.files).toBe(count)
    const names = await readdir(join(dest, 'many-streams'))
    expect(names.filter((n) => n.includes(' ('))).toEqual([])
    expect(await treeDigest(join(dest, 'many-streams'))).toEqual(await treeDigest(src))
  }, 60_000)

  it('with a stream limit of 8, a transfer of 24 large files completes without a reconnect', async () => {
    const limits = { smallFileBytes: 1024, blockingFileBytes: 512, idleTimeoutMs: 4_000 }
    const streamLimit = 8
    const files: Record<string, Uint8Array> = {}
    for (let i = 0; i < streamLimit * 3; i++) files[`f${i}.bin`] = bytes(2048 + i)
    const src = join(fx.dir, 'src', 'few-streams')
    await writeTree(src, files)
    const a = await fx.node({ limits, quinn: { maxConcurrentStreamLimit: streamLimit } })
    const b = await fx.node({ limits, quinn: { maxConcurrentStreamLimit: streamLimit } })
    const dest = join(fx.dir, 'dest')
    acceptInto(b, dest)
    const result = await a.send({ address: b.address, peerId: b.peerId, paths: [src], reconnect: false })
    expect(result.files).toBe(streamLimit * 3)
    expect(await treeDigest(join(dest, 'few-streams'))).toEqual(await treeDigest(src))
  }, 30_000)
})
