import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROTOCOL_ID, createQuicTransport, identityFromKey, type FerryNode } from '../../src/index.ts'
import { FrameReader, encodeFrame } from '../../src/protocol/frames.ts'
import { writeTree } from '../helpers/files.ts'
import { createFixture, type Fixture } from '../helpers/nodes.ts'

let fx: Fixture
beforeEach(async () => { fx = await createFixture() })
afterEach(async () => { await fx.cleanup() })

const frame = (message: unknown): Uint8Array => encodeFrame(message, 16 * 1024 * 1024)
const hello = (): Uint8Array => frame({ type: 'hello', protocol: PROTOCOL_ID, transferId: 'hostile-transfer-1' })

/** Connects as a peer that writes `bytes` on a control stream, then returns the frames the node sent back. */
async function speak (node: FerryNode, bytes: Uint8Array[], options: { finish?: boolean } = {}): Promise<Array<Record<string, unknown>>> {
  const transport = await createQuicTransport({ identity: identityFromKey(await generateKeyPair('Ed25519')) })
  try {
    const connection = await transport.dial({ host: '127.0.0.1', port: node.address.port })
    const stream = await connection.openStream()
    for (const b of bytes) await stream.write(b)
    if (options.finish !== false) await stream.finish()
    const reader = new FrameReader(stream, { maxFrameBytes: 1 << 20 })
    const replies: Array<Record<string, unknown>> = []
    for (;;) {
      const reply = await reader.readFrame().catch(() => null)
      if (reply === null) return replies
      replies.push(reply)
    }
  } finally {
    await transport.close()
  }
}

/** A well-behaved transfer still works: the node keeps serving others after a hostile peer. */
async function stillServes (node: FerryNode): Promise<void> {
  await writeTree(fx.dir, { 'ok.txt': 'fine' })
  const sender = await fx.node()
  node.once('offer', (offer) => { void offer.respond({ accept: true, dir: join(fx.dir, 'dest') }) })
  const result = await sender.send({ address: { host: '127.0.0.1', port: node.address.port }, paths: [join(fx.dir, 'ok.txt')] })
  expect(result.files).toBe(1)
}

describe('a hostile peer', () => {
  it('announcing a 2 GiB frame is refused with FERRY_ERR_FRAME_TOO_LARGE before anything is buffered', async () => {
    const node = await fx.node()
    const replies = await speak(node, [new Uint8Array([0x7f, 0xff, 0xff, 0xff, 1, 2, 3])])
    expect(replies).toContainEqual(expect.objectContaining({ type: 'error', code: 'FERRY_ERR_FRAME_TOO_LARGE' }))
    await stillServes(node)
  })

  it('sending garbage instead of frames is refused with FERRY_ERR_BAD_FRAME', async () => {
    const node = await fx.node()
    const garbage = new TextEncoder().encode('not json at all')
    const prefix = new Uint8Array(4)
    new DataView(prefix.buffer).setUint32(0, garbage.byteLength)
    expect(await speak(node, [prefix, garbage])).toContainEqual(expect.objectContaining({ code: 'FERRY_ERR_BAD_FRAME' }))
    await stillServes(node)
  })

  it('speaking another protocol version is refused with FERRY_ERR_PROTOCOL_VERSION', async () => {
    const node = await fx.node()
    const replies = await speak(node, [frame({ type: 'hello', protocol: '/ferry/transfer/99', transferId: 'hostile-transfer-1' })])
    expect(replies).toContainEqual(expect.objectContaining({ code: 'FERRY_ERR_PROTOCOL_VERSION' }))
  })

  it('offering a million files is refused with FERRY_ERR_OFFER_TOO_LARGE from the count alone, asking nobody', async () => {
    const node = await fx.node()
    let asked = false
    node.on('offer', () => { asked = true })
    const replies = await speak(node, [hello(), frame({ type: 'offer', fileCount: 1_000_000, totalBytes: 0 })])
    expect(replies).toContainEqual(expect.objectContaining({ code: 'FERRY_ERR_OFFER_TOO_LARGE' }))
    expect(asked).toBe(false)
    await stillServes(node)
  })

  it.each(['../../etc/passwd', '/etc/passwd', 'C:\\Windows\\x', 'CON', 'a/../../b', 'nul\u0000byte', 'x'.repeat(300)])(
    'offering the path %j is refused with FERRY_ERR_INVALID_PATH, asking nobody', async (path) => {
      const node = await fx.node()
      let asked = false
      node.on('offer', () => { asked = true })
      const replies = await speak(node, [
        hello(),
        frame({ type: 'offer', fileCount: 1, totalBytes: 1 }),
        frame({ type: 'offer-files', files: [{ id: 0, path, size: 1, mtimeMs: 0 }] })
      ])
      expect(replies).toContainEqual(expect.objectContaining({ code: 'FERRY_ERR_INVALID_PATH' }))
      expect(asked).toBe(false)
    })

  it('offering two names that differ only in case is refused with FERRY_ERR_INVALID_PATH', async () => {
    const node = await fx.node()
    const replies = await speak(node, [
      hello(),
      frame({ type: 'offer', fileCount: 2, totalBytes: 2 }),
      frame({ type: 'offer-files', files: [{ id: 0, path: 'Report.pdf', size: 1, mtimeMs: 0 }, { id: 1, path: 'report.PDF', size: 1, mtimeMs: 0 }] })
    ])
    expect(replies).toContainEqual(expect.objectContaining({ code: 'FERRY_ERR_INVALID_PATH' }))
  })

  it('lying about the offer\'s total is refused with FERRY_ERR_BAD_FRAME', async () => {
    const node = await fx.node()
    const replies = await speak(node, [
      hello(),
      frame({ type: 'offer', fileCount: 1, totalBytes: 5 }),
      frame({ type: 'offer-files', files: [{ id: 0, path: 'a', size: 1, mtimeMs: 0 }] })
    ])
    expect(replies).toContainEqual(expect.objectContaining({ code: 'FERRY_ERR_BAD_FRAME' }))
  })

  it('holding a control stream open without a word is dropped after idleTimeoutMs while others are served', async () => {
    const node = await fx.node({ limits: { idleTimeoutMs: 300 } })
    const started = performance.now()
    const slow = speak(node, [new Uint8Array([0, 0])], { finish: false })
    await stillServes(node)
    expect(await slow).toContainEqual(expect.objectContaining({ code: 'FERRY_ERR_TIMEOUT' }))
    expect(performance.now() - started).toBeLessThan(5_000)
  })
})
