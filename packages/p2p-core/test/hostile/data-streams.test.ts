// A hostile sender in the data phase ("Nothing lost: faults, bad input and hostile peers"): once its offer is
// accepted it opens more data streams than `maxStreamsPerTransfer`, or streams whose header never arrives. The
// receiver reads at most that many at once (the others wait unread in QUIC, whose stream and flow-control limits
// bound them), ends a transfer that no longer moves with FERRY_ERR_TIMEOUT, saves only files whose BLAKE3 matched,
// and goes on serving an honest peer right after.

import { createHash } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PARTIAL_PREFIX, type FerryNode, type ReceiveResult } from '../../src/index.ts'
import { bytes, treeDigest, writeTree } from '../helpers/files.ts'
import { createFixture, type Fixture } from '../helpers/nodes.ts'
import { dataHeader, dataItem, fileDone, offerByHand, resetCode, type HandFile } from './raw-sender.ts'


const KiB = 1024
const MiB = 1024 * KiB

let fx: Fixture
beforeEach(async () => { fx = await createFixture() })
afterEach(async () => { await fx.cleanup() })

function concat (...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts)
}

/** Accepts the node's next offer into `dir`; settles as the transfer ends (never an unhandled rejection). */
function acceptNext (node: FerryNode, dir: string): Promise<ReceiveResult> {
  const outcome = new Promise<ReceiveResult>((resolve, reject) => {
    node.once('offer', (offer) => { offer.respond({ accept: true, dir }).then(resolve, reject) })
  })
  outcome.catch(() => {})
  return outcome
}

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex')

async function partialsIn (dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).filter((name) => name.split('/').some((p) => p.startsWith(PARTIAL_PREFIX)))
}

/** An honest peer's folder (one large file and a batch of small ones) arrives whole and verified. */
async function servesAnHonestPeer (receiver: FerryNode): Promise<void> {
  const src = join(fx.dir, 'honest', 'album')
  await writeTree(src, { 'big.bin': bytes(3 * MiB), 'notes/a.txt': 'alpha', 'notes/b.bin': bytes(100 * KiB), 'c.bin': bytes(40 * KiB) })
  const sender = await fx.node()
  const dest = join(fx.dir, 'honest-dest')
  const received = acceptNext(receiver, dest)
  const sent = await sender.send({ address: { host: '127.0.0.1', port: receiver.address.port }, paths: [src], reconnect: false })
  const result = await received
  expect(result.status).toBe('completed')
  expect(sent.files).toBe(4)
  expect(await treeDigest(join(dest, 'album'))).toEqual(await treeDigest(src))
  expect(await partialsIn(dest)).toEqual([])
}

describe('a hostile sender in the data phase', () => {
  it('opening more data streams than maxStreamsPerTransfer leaves the extra one unread until a stream ends, and every file still verifies', async () => {
    const receiver = await fx.node({ limits: { maxStreamsPerTransfer: 2 } })
    const dest = join(fx.dir, 'dest')
    const outcome = acceptNext(receiver, dest)
    const files: HandFile[] = [
      { path: 'a.bin', data: bytes(600 * KiB) },
      { path: 'b.bin', data: bytes(600 * KiB) },
      { path: 'c.bin', data: bytes(100 * KiB) }
    ]
    const [a, b, c] = files.map((f) => f.data) as [Uint8Array, Uint8Array, Uint8Array]
    const hostile = await offerByHand({ host: '127.0.0.1', port: receiver.address.port }, files)
    try {
      // Two streams within the limit, each halfway through its file and held open.
      const s1 = await hostile.openData()
      await s1.write(concat(dataHeader(hostile.transferId), dataItem(0, 0, a.byteLength), a.subarray(0, a.byteLength / 2)))
      const s2 = await hostile.openData()
      await s2.write(concat(dataHeader(hostile.transferId), dataItem(1, 0, b.byteLength), b.subarray(0, b.byteLength / 2)))
      // A third at once, carrying all of c with its hash. QUIC hands streams over in the order they were opened, so
      // this is the one over the limit: it is neither reset nor read while the two above are held open.
      const s3 = await hostile.openData()
      await s3.write(concat(dataHeader(hostile.transferId), dataItem(2, 0, c.byteLength), c))
      await s3.finish()
      await hostile.send(fileDone(2, c))
      expect(await resetCode(s3, 1_000)).toBeNull()
      expect(hostile.replies.filter((f) => f.type === 'verified')).toEqual([])
      expect(await treeDigest(dest).catch(() => ({}))).not.toHaveProperty('c.bin')

      // The allowed streams end: c's stream is read in a freed slot, and all three files are verified.
      await s1.write(a.subarray(a.byteLength / 2))
      await s1.finish()
      await s2.write(b.subarray(b.byteLength / 2))
      await s2.finish()
      await hostile.send(fileDone(0, a))
      await hostile.send(fileDone(1, b))
      for (const id of [0, 1, 2]) await hostile.reply((f) => f.type === 'verified' && (f.ids as number[]).includes(id), 5_000)
      await hostile.send({ type: 'cancel', reason: 'that is all' })
      await outcome.catch(() => {})
      // treeDigest lists dotfiles too, so a partial left behind would show here.
      expect(await treeDigest(dest)).toEqual({ 'a.bin': sha256(a), 'b.bin': sha256(b), 'c.bin': sha256(c) })
      expect(await partialsIn(dest)).toEqual([])
    } finally {
      await hostile.close()
    }
    await servesAnHonestPeer(receiver)
  })

  it('completes when every file is verified while its streams are still held open at the limit, and serves the next peer', async () => {
    const receiver = await fx.node({ limits: { maxStreamsPerTransfer: 1 } })
    const dest = join(fx.dir, 'dest')
    const outcome = acceptNext(receiver, dest)
    const only = bytes(300 * KiB)
    const hostile = await offerByHand({ host: '127.0.0.1', port: receiver.address.port }, [{ path: 'only.bin', data: only }])
    try {
      // The whole file on one stream that is never finished: the one slot stays taken after the file is done.
      const held = await hostile.openData()
      await held.write(concat(dataHeader(hostile.transferId), dataItem(0, 0, only.byteLength), only))
      await hostile.send(fileDone(0, only))
      expect(await outcome).toMatchObject({ status: 'completed' })
      expect(await treeDigest(dest)).toEqual({ 'only.bin': sha256(only) })
    } finally {
      await hostile.close()
    }
    await servesAnHonestPeer(receiver)
  })

  it('data streams whose header never arrives fill the limit, more wait unread, and the stalled transfer ends with FERRY_ERR_TIMEOUT keeping only verified files', async () => {
    const idleTimeoutMs = 1_000
    const receiver = await fx.node({ limits: { maxStreamsPerTransfer: 2, idleTimeoutMs } })
    const dest = join(fx.dir, 'dest')
    const outcome = acceptNext(receiver, dest)
    const files: HandFile[] = [
      { path: 'first.bin', data: bytes(600 * KiB) },
      { path: 'second.bin', data: bytes(600 * KiB) }
    ]
    const [first, second] = files.map((f) => f.data) as [Uint8Array, Uint8Array]
    const hostile = await offerByHand({ host: '127.0.0.1', port: receiver.address.port }, files)
    try {
      // An honest start: the first file arrives and is verified.
      const honest = await hostile.openData()
      await honest.write(concat(dataHeader(hostile.transferId), dataItem(0, 0, first.byteLength), first))
      await honest.finish()
      await hostile.send(fileDone(0, first))
      await hostile.reply((f) => f.type === 'verified' && (f.ids as number[]).includes(0), 5_000)
      const lastMovedAt = performance.now() // the receiver's idle clock starts at the verified file

      // Then the slow loris: one stream that never writes a byte (QUIC opens it on the receiver as soon as a later
      // stream sends), one that stops inside the header's length prefix. Both wait for a header forever.
      // Held in a variable until the end: a stream object the collector frees is dropped by quinn, which finishes it
      // (the receiver would then read an empty header: FERRY_ERR_BAD_FRAME, not the stall this test is about).
      const silent = await hostile.openData()
      const lingering = await hostile.openData()
      await lingering.write(dataHeader(hostile.transferId).subarray(0, 2))
      // The second file's real bytes on a third stream: over the limit, so never read while the two stall.
      // Not awaited: with nobody reading it, the write waits on the stream's receive window.
      const late = await hostile.openData()
      void late.write(concat(dataHeader(hostile.transferId), dataItem(1, 0, second.byteLength), second)).then(async () => { await late.finish() }).catch(() => {})
      await hostile.send(fileDone(1, second))

      // Nothing moves any more: the receiver gives up after idleTimeoutMs and says why on the control stream.
      const error = await hostile.reply((f) => f.type === 'error', idleTimeoutMs + 5_000)
      const stalledFor = performance.now() - lastMovedAt
      expect(error).toMatchObject({ code: 'FERRY_ERR_TIMEOUT' })
      await expect(outcome).rejects.toMatchObject({ code: 'FERRY_ERR_TIMEOUT' })
      expect(stalledFor).toBeGreaterThanOrEqual(idleTimeoutMs * 0.9)
      expect(stalledFor).toBeLessThan(idleTimeoutMs + 3_000)
      expect(await treeDigest(dest)).toEqual({ 'first.bin': sha256(first) })
      // The second file never started, so not even a partial of it exists.
      expect(await partialsIn(dest)).toEqual([])
      silent.reset()
    } finally {
      await hostile.close()
    }
    await servesAnHonestPeer(receiver)
  })
})
