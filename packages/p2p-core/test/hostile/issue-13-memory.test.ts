// Issue 13: memory bounded across all peers, measured in the receiver's own process. Hostile peers that push data
// streams nobody reads, round after round, leave the receiver near its baseline once they are gone (QUIC's receive
// windows bound what each connection can push; an undecided offer holds no unread data). The largest offer the
// limits allow, read and held undecided, stays well under 300 MiB, and two at once fit the budget across peers.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FerryNode, PROTOCOL_ID, createQuicTransport, defaultLimits, identityFromKey, type PeerAddress } from '../../src/index.ts'
import { bytes, writeTree } from '../helpers/files.ts'
import { FrameReader, encodeFrame } from '../../src/protocol/frames.ts'
import { startReceiverProcess, type ReceiverProcess } from '../helpers/receiver-process.ts'

const MiB = 1024 * 1024
const frame = (message: unknown): Uint8Array => encodeFrame(message, MiB)

let dir: string
let receiver: ReceiverProcess | undefined
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ferry-memory-')) })
afterEach(async () => {
  await receiver?.close()
  receiver = undefined
  await rm(dir, { recursive: true, force: true })
})

/** Resolves after `ms`, never keeping the process alive. */
const pause = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms).unref()) }

/**
 * One hostile peer: offers a file, then opens `streams` data streams without waiting for any answer and pushes
 * `bytesPerStream` into each (each write given at most 1 s: a receive window fills in far less), holds the connection a moment, and goes.
 */
async function pushUnread (address: PeerAddress, streams: number, bytesPerStream: number): Promise<void> {
  const transport = await createQuicTransport({ identity: identityFromKey(await generateKeyPair('Ed25519')) })
  try {
    const connection = await transport.dial(address)
    const control = await connection.openStream()
    const transferId = `hostile-${Math.random().toString(36).slice(2, 12)}`
    await control.write(frame({ type: 'hello', protocol: PROTOCOL_ID, transferId }))
    await control.write(frame({ type: 'offer', fileCount: 1, totalBytes: 1 << 30 }))
    await control.write(frame({ type: 'offer-files', files: [{ id: 0, path: 'x.bin', size: 1 << 30, mtimeMs: 0 }] }))
    const payload = Buffer.alloc(bytesPerStream, 7)
    await Promise.all(Array.from({ length: streams }, async () => {
      const stream = await connection.openStream().catch(() => undefined)
      if (stream === undefined) return
      await Promise.race([stream.write(Buffer.concat([frame({ type: 'data', transferId }), frame({ id: 0, offset: 0, length: 1 << 30 }), payload])).catch(() => {}), pause(1_000)])
    }))
    await pause(300)
  } finally {
    await transport.close()
  }
}

/** Offers `count` files whose paths take about `pathBytes` in all, by hand, and leaves the connection open. */
async function offerMany (address: PeerAddress, count: number, pathBytes: number): Promise<{ reply: () => Promise<Record<string, unknown> | null>, close: () => Promise<void> }> {
  const transport = await createQuicTransport({ identity: identityFromKey(await generateKeyPair('Ed25519')) })
  const connection = await transport.dial(address)
  const control = await connection.openStream()
  const transferId = `big-offer-${Math.random().toString(36).slice(2, 12)}`
  await control.write(frame({ type: 'hello', protocol: PROTOCOL_ID, transferId }))
  await control.write(frame({ type: 'offer', fileCount: count, totalBytes: count }))
  const each = Math.floor(pathBytes / count)
  const perFrame = 2_000
  for (let start = 0; start < count; start += perFrame) {
    const files = []
    for (let id = start; id < Math.min(count, start + perFrame); id++) {
      const head = `folder-${id % 997}/file-${id}-`
      files.push({ id, path: head + 'x'.repeat(Math.max(1, each - head.length)), size: 1, mtimeMs: 0 })
    }
    await control.write(frame({ type: 'offer-files', files }).slice()).catch(() => {})
  }
  const reader = new FrameReader(control, { maxFrameBytes: MiB })
  return { reply: async () => await reader.readFrame().catch(() => null), close: async () => { await transport.close() } }
}

/**
 * An honest transfer first (a large file and a few small ones), so the baseline is a receiver at work: its
 * receive buffers made, QUIC and TLS warmed up, as any receiver is after its first transfer.
 */
async function warmUp (address: PeerAddress): Promise<void> {
  const src = join(dir, 'warmup')
  await writeTree(src, { 'big.bin': bytes(3 * MiB), 'a.txt': 'alpha', 'b.bin': bytes(100 * 1024) })
  const sender = await FerryNode.create({ identity: identityFromKey(await generateKeyPair('Ed25519')), listen: { host: '127.0.0.1', port: 0 } })
  try {
    await sender.send({ address, paths: [src], transferId: `warmup-${Math.random().toString(36).slice(2, 12)}`, reconnect: false })
  } finally {
    await sender.close()
  }
}

/**
 * One accepted hostile peer that holds data where the receiver has read it: it offers `streams` files of 4 MiB, and
 * once they are accepted sends 1 MiB less one byte on a data stream for each (never completing a batch the receiver
 * could write), then holds its connection open for `holdMs`.
 */
async function gatherAndHold (address: PeerAddress, streams: number, holdMs: number): Promise<void> {
  const transport = await createQuicTransport({ identity: identityFromKey(await generateKeyPair('Ed25519')) })
  try {
    const connection = await transport.dial(address)
    const control = await connection.openStream()
    const transferId = `hold-${Math.random().toString(36).slice(2, 12)}`
    const size = 4 * MiB
    await control.write(frame({ type: 'hello', protocol: PROTOCOL_ID, transferId }))
    await control.write(frame({ type: 'offer', fileCount: streams, totalBytes: streams * size }))
    await control.write(frame({ type: 'offer-files', files: Array.from({ length: streams }, (_, id) => ({ id, path: `f${id}.bin`, size, mtimeMs: 0 })) }))
    const reader = new FrameReader(control, { maxFrameBytes: MiB })
    for (;;) {
      const answer = await reader.readFrame() as { type?: string, accepted?: boolean, done?: boolean } | null
      if (answer?.type !== 'answer' || answer.accepted !== true) throw new Error(`not accepted: ${JSON.stringify(answer)}`)
      if (answer.done === true) break
    }
    const payload = Buffer.alloc(MiB - 1, 7)
    await Promise.all(Array.from({ length: streams }, async (_, id) => {
      const stream = await connection.openStream().catch(() => undefined)
      if (stream === undefined) return
      await Promise.race([stream.write(Buffer.concat([frame({ type: 'data', transferId }), frame({ id, offset: 0, length: size }), payload])).catch(() => {}), pause(5_000)])
    }))
    await pause(holdMs)
  } finally {
    await transport.close()
  }
}

async function waitForOffers (process: ReceiverProcess, offers: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await process.stats()).offers >= offers) return
    await pause(100)
  }
  throw new Error(`fewer than ${offers} offers arrived in time`)
}

describe('issue 13: memory across all peers, in the receiver\'s own process', () => {
  // Undecided, every pushed byte sits unread in QUIC: the bound, 30 MiB. Accepted, the receiver also reads
  // the first stream of each and writes and hashes what it holds (a batch each, hashed on its own thread)
  // until the duplicate stream ends the transfer: measured +24 MiB on a quiet machine, up to +50 under the full
  // suite's load; old main kept +400 to +640 MiB either way.
  for (const [decide, boundMiB] of [['never', 30], ['accept', 60]] as const) {
    it(`five rounds of ten hostile connections pushing unread data streams leave the receiver within ${boundMiB} MiB of its baseline (offers ${decide === 'never' ? 'left undecided' : 'accepted'})`, async () => {
      receiver = await startReceiverProcess({ dest: join(dir, 'dest'), decide })
      const address = { host: '127.0.0.1', port: receiver.port }
      await warmUp(address)
      const baseline = (await receiver.stats()).rssMiB
      const after: number[] = []
      for (let round = 0; round < 5; round++) {
        await Promise.all(Array.from({ length: 10 }, async () => { await pushUnread(address, 8, 4 * MiB) }))
        await pause(500)
        after.push(Math.round((await receiver.stats()).rssMiB))
      }
      expect(Math.max(...after) - baseline, `baseline ${baseline.toFixed(0)} MiB, after each round ${after.join(', ')} MiB`).toBeLessThan(boundMiB)
    }, 120_000)
  }

  // Red team, issue 13: bytes the receiver has READ are out of QUIC's window, so the window does not bound them. Eight
  // accepted peers each holding 63 streams at 1 MiB less a byte made old main gather one private MiB a stream:
  // +1,224 MiB. Reads now land in a shared pool of receiveBuffers (32 x 1 MiB); a stream that finds none waits and
  // its bytes stay in QUIC's window. Measured +114 MiB on a quiet machine.
  it('eight accepted peers holding 63 almost-full batches each raise the receiver\'s peak by less than 300 MiB', async () => {
    receiver = await startReceiverProcess({ dest: join(dir, 'dest'), decide: 'accept' })
    const address = { host: '127.0.0.1', port: receiver.port }
    await warmUp(address)
    const baseline = await receiver.resetPeak()
    await Promise.all(Array.from({ length: 8 }, async () => { await gatherAndHold(address, 63, 2_000) }))
    const held = await receiver.stats()
    const note = `baseline ${baseline.rssMiB.toFixed(0)} MiB, peak while held ${held.peakMiB.toFixed(0)} MiB`
    expect(held.peakMiB - baseline.rssMiB, note).toBeLessThan(300)
  }, 120_000)

  it('the largest offer the limits allow peaks under 300 MiB while held undecided; a second one from another peer is told FERRY_ERR_BUSY', async () => {
    receiver = await startReceiverProcess({ dest: join(dir, 'dest'), decide: 'never' })
    const address = { host: '127.0.0.1', port: receiver.port }
    const baseline = await receiver.resetPeak()
    const count = defaultLimits.maxFilesPerOffer
    const pathBytes = defaultLimits.maxOfferPathBytes - 64 * 1024
    const first = await offerMany(address, count, pathBytes)
    await waitForOffers(receiver, 1)
    const one = await receiver.stats()
    const second = await offerMany(address, count, pathBytes)
    const refused = await second.reply()
    const two = await receiver.stats()
    await first.close()
    await second.close()
    const note = `baseline ${baseline.rssMiB.toFixed(0)} MiB; one offer: peak ${one.peakMiB.toFixed(0)}; with the second: peak ${two.peakMiB.toFixed(0)} MiB`
    expect(refused, note).toMatchObject({ type: 'error', code: 'FERRY_ERR_BUSY' })
    expect(one.offers).toBe(1)
    expect(one.peakMiB, note).toBeLessThan(300)
    expect(two.peakMiB, note).toBeLessThan(300)
  }, 120_000)
})
