// Issue 13: bounds across all peers, not only per peer (peer ids cost nothing to make). Tested with tiny limits:
// connections open at once, offers waiting for a decision, and the bytes of offered paths, per offer and held by all
// offers together. Past a bound a peer is told FERRY_ERR_BUSY (or FERRY_ERR_OFFER_TOO_LARGE for one offer's paths)
// before anything is allocated for it, and the receiver serves again once room is made.

import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROTOCOL_ID, createQuicTransport, identityFromKey, type FerryNode, type IncomingOffer, type PeerAddress, type SendResult } from '../../src/index.ts'
import { FrameReader, encodeFrame } from '../../src/protocol/frames.ts'
import { dataHeader, dataItem, fileDone, offerByHand as offerByHandRaw } from './raw-sender.ts'
import { writeTree } from '../helpers/files.ts'
import { createFixture, type Fixture } from '../helpers/nodes.ts'

let fx: Fixture
beforeEach(async () => { fx = await createFixture() })
afterEach(async () => { await fx.cleanup() })

async function codeOf (promise: Promise<unknown>): Promise<string> {
  return await promise.then(() => 'resolved', (err: unknown) => String((err as { code?: unknown }).code))
}

/** A folder of `count` files whose paths take about `pathBytes` each. */
async function folder (name: string, count: number, pathBytes = 40): Promise<string> {
  const src = join(fx.dir, 'src', name)
  const files: Record<string, string> = {}
  for (let i = 0; i < count; i++) files[`f${i}-${'x'.repeat(Math.max(1, pathBytes - name.length - 8))}`] = String(i)
  await writeTree(src, files)
  return src
}

/** Collects the offers `node` is asked about, leaving them undecided. */
function offersOf (node: FerryNode): IncomingOffer[] {
  const offers: IncomingOffer[] = []
  node.on('offer', (offer) => { offers.push(offer) })
  return offers
}

async function until (check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25))
  if (!check()) throw new Error('the condition never held')
}

/**
 * Speaks the protocol by hand from a fresh identity: hello, an offer of `fileCount` files, then whatever `after`
 * writes. Resolves with the receiver's first frame back (null when the stream ended without one).
 */
async function offerByHand (address: PeerAddress, fileCount: number, after: (write: (message: unknown) => Promise<void>) => Promise<void>): Promise<Record<string, unknown> | null> {
  const transport = await createQuicTransport({ identity: identityFromKey(await generateKeyPair('Ed25519')) })
  try {
    const connection = await transport.dial(address)
    const control = await connection.openStream()
    const write = async (message: unknown): Promise<void> => { await control.write(encodeFrame(message, 1 << 20)) }
    const reply = new FrameReader(control, { maxFrameBytes: 1 << 20 }).readFrame().catch(() => null)
    await write({ type: 'hello', protocol: PROTOCOL_ID, transferId: `by-hand-${Math.random().toString(36).slice(2, 12)}` })
    await write({ type: 'offer', fileCount, totalBytes: fileCount })
    await after(write)
    return await reply as Record<string, unknown> | null
  } finally {
    await transport.close()
  }
}

const file = (id: number): Record<string, unknown> => ({ id, path: `f${id}.txt`, size: 1, mtimeMs: 0 })

function sendFrom (sender: FerryNode, receiver: FerryNode, src: string): Promise<SendResult> {
  const sent = sender.send({ address: receiver.address, paths: [src], reconnect: false })
  sent.catch(() => {})
  return sent
}

describe('issue 13: bounds across all peers', () => {
  it('refuses an offer whose paths take more than maxOfferPathBytes with FERRY_ERR_OFFER_TOO_LARGE, asking nobody', async () => {
    const receiver = await fx.node({ limits: { maxOfferPathBytes: 1_000 } })
    const offers = offersOf(receiver)
    const src = await folder('long', 30, 60)
    expect(await codeOf(sendFrom(await fx.node(), receiver, src))).toBe('FERRY_ERR_OFFER_TOO_LARGE')
    expect(offers).toEqual([])
  })

  it('tells a peer FERRY_ERR_BUSY past maxPendingOffers undecided offers from all peers, and asks again once one is decided', async () => {
    const receiver = await fx.node({ limits: { maxPendingOffers: 2 } })
    const offers = offersOf(receiver)
    const src = await folder('album', 2)
    const waiting = [sendFrom(await fx.node(), receiver, src), sendFrom(await fx.node(), receiver, src)]
    await until(() => offers.length === 2)
    expect(await codeOf(sendFrom(await fx.node(), receiver, src))).toBe('FERRY_ERR_BUSY')
    // Declining one (whichever arrived first) makes room: the next offer is asked about.
    void offers[0]?.respond({ accept: false })
    expect(await Promise.race(waiting.map(codeOf))).toBe('FERRY_ERR_PEER_DECLINED')
    waiting.push(sendFrom(await fx.node(), receiver, src))
    await until(() => offers.length === 3)
    void offers[1]?.respond({ accept: false })
    void offers[2]?.respond({ accept: false })
    expect(await Promise.all(waiting.map(codeOf))).toEqual(['FERRY_ERR_PEER_DECLINED', 'FERRY_ERR_PEER_DECLINED', 'FERRY_ERR_PEER_DECLINED'])
  })

  it('tells a peer FERRY_ERR_BUSY when offers from all peers already hold maxHeldOfferBytes of file lists', async () => {
    // 20 files of about 50 bytes of path each: 1,000 + 20 x 512 = 11,240 bytes held per offer.
    const receiver = await fx.node({ limits: { maxHeldOfferBytes: 15_000 } })
    const offers = offersOf(receiver)
    const src = await folder('photos', 20, 50) // about 1,000 bytes of paths
    const first = sendFrom(await fx.node(), receiver, src)
    await until(() => offers.length === 1)
    expect(await codeOf(sendFrom(await fx.node(), receiver, src))).toBe('FERRY_ERR_BUSY')
    void offers[0]?.respond({ accept: false })
    expect(await codeOf(first)).toBe('FERRY_ERR_PEER_DECLINED')
    // The first offer's paths were given back: the same offer is asked about now.
    const again = sendFrom(await fx.node(), receiver, src)
    await until(() => offers.length === 2)
    void offers[1]?.respond({ accept: false })
    expect(await codeOf(again)).toBe('FERRY_ERR_PEER_DECLINED')
  })

  it('tells a peer FERRY_ERR_BUSY past maxConnections open from all peers, and serves again once one closes', async () => {
    const receiver = await fx.node({ limits: { maxConnections: 2 } })
    const offers = offersOf(receiver)
    const src = await folder('docs', 1)
    const first = sendFrom(await fx.node(), receiver, src)
    const second = sendFrom(await fx.node(), receiver, src)
    await until(() => offers.length === 2)
    expect(await codeOf(sendFrom(await fx.node(), receiver, src))).toBe('FERRY_ERR_BUSY')
    void offers[0]?.respond({ accept: false })
    void offers[1]?.respond({ accept: false })
    await Promise.allSettled([first, second])
    const dest = join(fx.dir, 'dest')
    receiver.removeAllListeners('offer')
    receiver.on('offer', (offer) => { void offer.respond({ accept: true, dir: dest }).catch(() => {}) })
    // The two connections close as their sessions end; then a new one is served.
    let sent: SendResult | undefined
    for (let i = 0; i < 20 && sent === undefined; i++) {
      sent = await sendFrom(await fx.node(), receiver, src).catch(async (err: { code?: string }) => {
        if (err.code !== 'FERRY_ERR_BUSY') throw err
        await new Promise((resolve) => setTimeout(resolve, 250))
        return undefined
      })
    }
    expect(sent?.files).toBe(1)
  })

  it('tells a peer FERRY_ERR_BUSY past maxConnectionsPerAddress open from one address, whatever ids it uses', async () => {
    const receiver = await fx.node({ limits: { maxConnectionsPerAddress: 2 } })
    const offers = offersOf(receiver)
    const src = await folder('docs', 1)
    const held = [sendFrom(await fx.node(), receiver, src), sendFrom(await fx.node(), receiver, src)]
    await until(() => offers.length === 2)
    expect(await codeOf(sendFrom(await fx.node(), receiver, src))).toBe('FERRY_ERR_BUSY')
    expect(offers).toHaveLength(2)
    for (const offer of offers) void offer.respond({ accept: false })
    await Promise.allSettled(held)
  })

  it('ends an offer whose file list trickles in for longer than offerTimeoutMs with FERRY_ERR_TIMEOUT, though each frame came in time', async () => {
    const receiver = await fx.node({ limits: { offerTimeoutMs: 1_000 } })
    const offers = offersOf(receiver)
    let sent = 0
    const reply = await offerByHand(receiver.address, 40, async (write) => {
      // One file every 100 ms: 4 s in all, each frame well within idleTimeoutMs.
      for (; sent < 40; sent++) {
        const ok = await write({ type: 'offer-files', files: [file(sent)] }).then(() => true, () => false)
        if (!ok) break
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    })
    expect(reply).toMatchObject({ type: 'error', code: 'FERRY_ERR_TIMEOUT' })
    expect(offers).toEqual([])
  })

  it('lets a sender withdraw its offer while the file list is still arriving: the offer ends quietly, not as a bad frame, and nobody is asked', async () => {
    const receiver = await fx.node()
    const offers = offersOf(receiver)
    const reply = await offerByHand(receiver.address, 3, async (write) => {
      await write({ type: 'offer-files', files: [file(0)] })
      await write({ type: 'cancel', reason: 'changed my mind' })
    })
    expect(reply).toBeNull()
    expect(offers).toEqual([])
  })

  it('gives a receive buffer only to a stream whose bytes have come: 40 silent data streams do not stall a file sent beside them', async () => {
    const receiver = await fx.node()
    receiver.on('offer', (offer) => { void offer.respond({ accept: true, dir: join(fx.dir, 'dest') }).catch(() => {}) })
    const size = 1024 * 1024
    const files = Array.from({ length: 41 }, (_, i) => ({ path: `f${i}.bin`, data: new Uint8Array(size).fill(i) }))
    const hostile = await offerByHandRaw(receiver.address, files)
    try {
      // 40 streams that say which file they carry, then nothing: more than the 32 receive buffers.
      const silent = []
      for (let id = 0; id < 40; id++) {
        const stream = await hostile.openData()
        await stream.write(Buffer.concat([dataHeader(hostile.transferId), dataItem(id, 0, size)]))
        silent.push(stream)
      }
      await new Promise((resolve) => setTimeout(resolve, 300))
      const last = files[40]?.data ?? new Uint8Array(0)
      const honest = await hostile.openData()
      await honest.write(Buffer.concat([dataHeader(hostile.transferId), dataItem(40, 0, size), last]))
      await honest.finish()
      await hostile.send(fileDone(40, last))
      expect(await hostile.reply((f) => f.type === 'verified' && (f.ids as number[]).includes(40), 15_000)).toBeTruthy()
      expect(silent).toHaveLength(40)
    } finally {
      await hostile.close()
    }
  }, 30_000)

  it('ends an accepted transfer whose sender never reads the answer as soon as this device cancels it', async () => {
    const receiver = await fx.node()
    const stop = new AbortController()
    let received: Promise<unknown> | undefined
    receiver.on('offer', (offer) => {
      received = offer.respond({ accept: true, dir: join(fx.dir, 'dest'), signal: stop.signal })
      received.catch(() => {})
    })
    const transport = await createQuicTransport({ identity: identityFromKey(await generateKeyPair('Ed25519')) })
    try {
      const control = await (await transport.dial(receiver.address)).openStream()
      const write = async (message: unknown): Promise<void> => { await control.write(encodeFrame(message, 1 << 20)) }
      // 100,000 files: the answer, one [id, offset] pair each, is over 1 MB, more than the stream's window holds for
      // a peer that reads nothing.
      const count = 100_000
      await write({ type: 'hello', protocol: PROTOCOL_ID, transferId: `deaf-${Math.random().toString(36).slice(2, 12)}` })
      await write({ type: 'offer', fileCount: count, totalBytes: count })
      for (let start = 0; start < count; start += 5_000) {
        await write({ type: 'offer-files', files: Array.from({ length: 5_000 }, (_, i) => ({ id: start + i, path: `f${start + i}`, size: 1, mtimeMs: 0 })) })
      }
      await until(() => received !== undefined)
      await new Promise((resolve) => setTimeout(resolve, 500))
      stop.abort()
      expect(await codeOf(received ?? Promise.resolve())).toBe('FERRY_ERR_CANCELLED')
    } finally {
      await transport.close()
    }
  }, 60_000)
})
