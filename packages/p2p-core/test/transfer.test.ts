import { mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PeerDeclinedError, defaultLimits, type FerryNode, type IncomingOffer } from '../src/index.ts'
import { bytes, treeDigest, writeTree } from './helpers/files.ts'
import { createFixture, type Fixture } from './helpers/nodes.ts'

let fx: Fixture
beforeEach(async () => { fx = await createFixture() })
afterEach(async () => { await fx.cleanup() })

function acceptInto (node: FerryNode, dir: string): Promise<IncomingOffer> {
  return new Promise((resolve) => {
    node.once('offer', (offer) => {
      void offer.respond({ accept: true, dir }).catch(() => {})
      resolve(offer)
    })
  })
}

describe('a transfer between two nodes on loopback', () => {
  it('delivers a folder with nested dirs, an empty file, unicode names and a multi-chunk file, byte for byte', async () => {
    const src = join(fx.dir, 'src', 'album')
    await writeTree(src, {
      'a.txt': 'hello',
      'empty.bin': new Uint8Array(0),
      'nested/deeper/ünïcödé 日本.txt': 'unicode',
      'nested/big.bin': bytes(3 * 1024 * 1024 + 17)
    })
    const a = await fx.node()
    const b = await fx.node()
    const dest = join(fx.dir, 'dest')
    const offered = acceptInto(b, dest)
    const result = await a.send({ address: b.address, peerId: b.peerId, paths: [src] })
    const offer = await offered
    expect(offer.from.peerId).toBe(a.peerId)
    expect(offer.files.map((f) => f.path).sort()).toEqual(['album/a.txt', 'album/empty.bin', 'album/nested/big.bin', 'album/nested/deeper/ünïcödé 日本.txt'])
    expect(result.files).toBe(4)
    expect(await treeDigest(join(dest, 'album'))).toEqual(await treeDigest(src))
  })

  it('delivers small files gathered into shared writes beside files just over each size boundary, byte for byte', async () => {
    const src = join(fx.dir, 'src', 'mixed')
    const { blockingFileBytes, smallFileBytes } = defaultLimits
    const tree: Record<string, Uint8Array | string> = {
      'edge/empty.bin': new Uint8Array(0),
      'edge/one.bin': bytes(1),
      'edge/at-blocking.bin': bytes(blockingFileBytes),
      'edge/over-blocking.bin': bytes(blockingFileBytes + 1),
      'edge/at-small.bin': bytes(smallFileBytes),
      'edge/over-small.bin': bytes(smallFileBytes + 1)
    }
    // Enough 1 KiB and 60 KiB files that each shared write fills and flushes several times, between the others.
    for (let i = 0; i < 300; i++) tree[`many/${String(i).padStart(3, '0')}.bin`] = bytes(i % 10 === 0 ? 60 * 1024 + i : 1024 + i)
    await writeTree(src, tree)
    const a = await fx.node()
    const b = await fx.node()
    const dest = join(fx.dir, 'dest')
    void acceptInto(b, dest)
    const result = await a.send({ address: b.address, peerId: b.peerId, paths: [src] })
    expect(result.files).toBe(306)
    expect(await treeDigest(join(dest, 'mixed'))).toEqual(await treeDigest(src))
  })

  it('fails the sender with FERRY_ERR_PEER_DECLINED and writes nothing when the receiver declines', async () => {
    const src = join(fx.dir, 'one.txt')
    await writeTree(fx.dir, { 'one.txt': 'x' })
    const a = await fx.node()
    const b = await fx.node()
    const dest = join(fx.dir, 'dest')
    await mkdir(dest)
    b.once('offer', (offer) => { void offer.respond({ accept: false }) })
    await expect(a.send({ address: b.address, paths: [src] })).rejects.toBeInstanceOf(PeerDeclinedError)
    expect(await readdir(dest)).toEqual([])
  })
})
