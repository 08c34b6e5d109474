import { appendFileSync } from 'node:fs'
import { appendFile, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  CancelledError, ConnectionLostError, HashMismatchError, TimeoutError, IdentityMismatchError, OfferTooLargeError, SourceChangedError,
  TooManySessionsError, PARTIAL_PREFIX, PARTIAL_SUFFIX, type FerryNode, type IncomingOffer, type OfferDecision, type ReceiveResult,
  type ReconnectEvent
} from '../src/index.ts'
import { bytes, sha256, treeDigest, writeTree } from './helpers/files.ts'
import { faultyTransport, type Faults, type FaultStats } from './helpers/faulty-transport.ts'
import { createFixture, type Fixture } from './helpers/nodes.ts'

let fx: Fixture
beforeEach(async () => { fx = await createFixture() })
afterEach(async () => { await fx.cleanup() })

const MiB = 1024 * 1024

/** The first offer `node` gets, answered with `decision`; resolves with the transfer's outcome. */
function answerNext (node: FerryNode, decision: (offer: IncomingOffer) => OfferDecision): { offer: Promise<IncomingOffer>, outcome: Promise<ReceiveResult> } {
  let resolveOffer!: (o: IncomingOffer) => void
  const offer = new Promise<IncomingOffer>((resolve) => { resolveOffer = resolve })
  const outcome = offer.then(async (o) => await o.respond(decision(o)))
  outcome.catch(() => {})
  node.once('offer', resolveOffer)
  return { offer, outcome }
}

async function faultyNode (faults: Faults, limits = {}): Promise<{ node: FerryNode, stats: FaultStats }> {
  const stats: FaultStats = { dataBytes: 0, openDataStreams: 0, maxOpenDataStreams: 0 }
  const node = await fx.node({ limits, wrap: (t) => faultyTransport(t, faults, stats) })
  return { node, stats }
}

/** Names in `dir` (recursively) a person would see: no hidden partials or sidecars. */
async function visibleFiles (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name)
}

async function hiddenPartials (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries.filter((e) => e.isFile() && e.name.startsWith(PARTIAL_PREFIX) && e.name.endsWith(PARTIAL_SUFFIX)).map((e) => e.name)
}

describe('transfer faults', () => {
  it('fails with FERRY_ERR_HASH_MISMATCH on both sides and shows no file when a byte is corrupted in flight', async () => {
    await writeTree(fx.dir, { 'doc.bin': bytes(4 * MiB) })
    const { node: a } = await faultyNode({ corruptAt: 1 * MiB })
    const b = await fx.node()
    const dest = join(fx.dir, 'dest')
    const { outcome } = answerNext(b, () => ({ accept: true, dir: dest }))
    await expect(a.send({ address: b.address, paths: [join(fx.dir, 'doc.bin')] })).rejects.toBeInstanceOf(HashMismatchError)
    await expect(outcome).rejects.toBeInstanceOf(HashMismatchError)
    expect(await visibleFiles(dest)).toEqual([])
    expect(await hiddenPartials(dest)).toEqual([])
  })

  it('refuses a peer that proves another identity than the one dialled, before any offer', async () => {
    await writeTree(fx.dir, { 'a.txt': 'a' })
    const a = await fx.node()
    const b = await fx.node()
    let offered = false
    b.on('offer', () => { offered = true })
    await expect(a.send({ address: b.address, peerId: a.peerId, paths: [join(fx.dir, 'a.txt')] })).rejects.toBeInstanceOf(IdentityMismatchError)
    expect(offered).toBe(false)
  })

  it('resumes a re-offered file from the partial an interrupted transfer left, and verifies the whole file', async () => {
    const size = 24 * MiB
    await writeTree(fx.dir, { 'movie.bin': bytes(size) })
    const faults: Faults = { cutAfter: 8 * MiB }
    const { node: a } = await faultyNode(faults)
    const b = await fx.node()
    const dest = join(fx.dir, 'dest')
    const first = answerNext(b, () => ({ accept: true, dir: dest }))
    await expect(a.send({ address: b.address, paths: [join(fx.dir, 'movie.bin')], reconnect: false })).rejects.toBeInstanceOf(ConnectionLostError)
    await expect(first.outcome).rejects.toBeInstanceOf(ConnectionLostError)
    expect(await visibleFiles(dest)).toEqual([])
    expect(await hiddenPartials(dest)).toHaveLength(1)

    delete faults.cutAfter
    const second = answerNext(b, () => ({ accept: true, dir: dest }))
    const result = await a.send({ address: b.address, paths: [join(fx.dir, 'movie.bin')] })
    expect(result.bytesResumed).toBeGreaterThan(0)
    expect(result.bytesSent).toBeLessThan(size)
    expect(result.bytesSent + result.bytesResumed).toBe(size)
    expect((await second.outcome).bytesResumed).toBe(result.bytesResumed)
    expect(await sha256(join(dest, 'movie.bin'))).toBe(await sha256(join(fx.dir, 'movie.bin')))
    expect(await hiddenPartials(dest)).toEqual([])
  })

  it('keeps in the partial the bytes that arrived before a cut, even fewer than one write batch, and resumes from them', async () => {
    const size = 8 * MiB
    await writeTree(fx.dir, { 'clip.bin': bytes(size) })
    // Well short of the 1 MiB the receiver gathers before it writes; the writes are spaced so that the first ones
    // have reached the receiver when the cut drops whatever QUIC still holds. The sender writes READ_CHUNKS x
    // chunkBytes at a time: 256 KiB here, so several writes land before the cut.
    const faults: Faults = { cutAfter: 600 * 1024, writeDelayMs: 25 }
    const { node: a } = await faultyNode(faults, { chunkBytes: 64 * 1024, smallFileBytes: 64 * 1024, blockingFileBytes: 64 * 1024 })
    const b = await fx.node()
    const dest = join(fx.dir, 'dest')
    const first = answerNext(b, () => ({ accept: true, dir: dest }))
    await expect(a.send({ address: b.address, paths: [join(fx.dir, 'clip.bin')], reconnect: false })).rejects.toBeInstanceOf(ConnectionLostError)
    await expect(first.outcome).rejects.toBeInstanceOf(ConnectionLostError)
    const [partial] = await hiddenPartials(dest)
    const kept = (await stat(join(dest, partial as string))).size
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThan(1024 * 1024) // the cut came after the write that passed 600 KiB


    delete faults.cutAfter
    delete faults.writeDelayMs
    void answerNext(b, () => ({ accept: true, dir: dest }))
    const result = await a.send({ address: b.address, paths: [join(fx.dir, 'clip.bin')] })
    expect(result.bytesResumed).toBe(kept)
    expect(await sha256(join(dest, 'clip.bin'))).toBe(await sha256(join(fx.dir, 'clip.bin')))
  })

  it('reconnects by itself after the connection is cut mid-transfer, and the receiver continues unasked from its partial', async () => {
    const size = 24 * MiB
    await writeTree(fx.dir, { 'movie.bin': bytes(size) })
    const faults: Faults = { cutAfter: 8 * MiB }
    const { node: a } = await faultyNode(faults, { reconnectBaseMs: 50 })
    const b = await fx.node()
    const dest = join(fx.dir, 'dest')
    // The app answers a first offer itself, and a continuation with the decision the engine hands back.
    const offers: IncomingOffer[] = []
    const outcomes: Array<Promise<ReceiveResult>> = []
    b.on('offer', (offer) => {
      offers.push(offer)
      const c = offer.continues
      const outcome = offer.respond(c === undefined ? { accept: true, dir: dest } : { accept: true, dir: c.dir, files: c.fileIds })
      outcome.catch(() => {})
      outcomes.push(outcome)
    })
    const reconnects: ReconnectEvent[] = []
    const result = await a.send({
      address: b.address,
      paths: [join(fx.dir, 'movie.bin')],
      // The link comes back before the first reconnect.
      onReconnect: (event) => { reconnects.push(event); delete faults.cutAfter }
    })
    expect(reconnects).toMatchObject([{ attempt: 1, of: 5, error: { code: 'FERRY_ERR_CONNECTION_LOST' } }])
    expect(offers.map((o) => [o.transferId, o.continues])).toEqual([[result.transferId, undefined], [result.transferId, { fileIds: [0], dir: dest }]])
    await expect(outcomes[0]).rejects.toBeInstanceOf(ConnectionLostError)
    expect(result.bytesResumed).toBeGreaterThan(0)
    expect(result.bytesSent + result.bytesResumed).toBe(size)
    expect((await outcomes[1])?.bytesResumed).toBe(result.bytesResumed)
    expect(await sha256(join(dest, 'movie.bin'))).toBe(await sha256(join(fx.dir, 'movie.bin')))
  })

  it('issue 17: a reconnect does not take again the files saved before the cut, so none is saved twice as "name (1)"', async () => {
    await writeTree(fx.dir, { 'album/a.bin': bytes(3 * MiB), 'album/b.bin': bytes(3 * MiB + 1), 'album/c.bin': bytes(3 * MiB + 2) })
    // One file at a time, and writes spaced out, so a.bin is verified and saved well before the cut inside c.bin.
    const faults: Faults = { cutAfter: 7 * MiB, writeDelayMs: 25 }
    const { node: a } = await faultyNode(faults, { reconnectBaseMs: 50, filesInFlight: 1 })
    const b = await fx.node()
    const dest = join(fx.dir, 'dest')
    const offers: IncomingOffer[] = []
    b.on('offer', (offer) => {
      offers.push(offer)
      const c = offer.continues
      offer.respond(c === undefined ? { accept: true, dir: dest } : { accept: true, dir: c.dir, files: c.fileIds }).catch(() => {})
    })
    await a.send({ address: b.address, paths: [join(fx.dir, 'album')], onReconnect: () => { delete faults.cutAfter } })
    expect(offers).toHaveLength(2)
    expect(offers[1]?.continues?.fileIds).not.toContain(offers[0]?.files.find((f) => f.path === 'album/a.bin')?.id)
    expect((await visibleFiles(dest)).sort()).toEqual(['a.bin', 'b.bin', 'c.bin'])
    expect(await treeDigest(join(dest, 'album'))).toEqual(await treeDigest(join(fx.dir, 'album')))
  })

  it('gives up after reconnectAttempts with the interruption\'s error when the link never comes back', async () => {
    await writeTree(fx.dir, { 'movie.bin': bytes(6 * MiB) })
    const { node: a, stats } = await faultyNode({ cutAfter: 1 * MiB }, { reconnectAttempts: 2, reconnectBaseMs: 20 })
    const b = await fx.node()
    const dest = join(fx.dir, 'dest')
    const offers: IncomingOffer[] = []
    // Cut every connection again: each one is 1 MiB further than the last.
    b.on('offer', (offer) => {
      offers.push(offer)
      stats.dataBytes = 0
      offer.respond({ accept: true, dir: dest }).catch(() => {})
    })
    const reconnects: number[] = []
    await expect(a.send({ address: b.address, paths: [join(fx.dir, 'movie.bin')], onReconnect: (e) => { reconnects.push(e.attempt) } }))
      .rejects.toBeInstanceOf(ConnectionLostError)
    expect(reconnects).toEqual([1, 2])
    expect(offers.map((o) => o.continues === undefined)).toEqual([true, false, false])
    expect(await visibleFiles(dest)).toEqual([])
    expect(await hiddenPartials(dest)).toHaveLength(1)
  })

  it('never reconnects a transfer the receiver declined, nor continues one whose files changed', async () => {
    await writeTree(fx.dir, { 'a.bin': bytes(3 * MiB), 'b.bin': bytes(3 * MiB) })
    const { node: a } = await faultyNode({ cutAfter: 1 * MiB }, { reconnectBaseMs: 20 })
    const b = await fx.node()
    const dest = join(fx.dir, 'dest')
    const declined = answerNext(b, () => ({ accept: false }))
    const reconnects: number[] = []
    await expect(a.send({ address: b.address, paths: [join(fx.dir, 'a.bin')], onReconnect: (e) => { reconnects.push(e.attempt) } })).rejects.toThrow(/declined/i)
    await declined.outcome
    expect(reconnects).toEqual([])

    // Interrupted under an id, then offered under that id with other files: a new question, not a continuation.
    const first = answerNext(b, () => ({ accept: true, dir: dest }))
    await expect(a.send({ address: b.address, paths: [join(fx.dir, 'a.bin')], transferId: 'fixed-id-0001', reconnect: false })).rejects.toBeInstanceOf(ConnectionLostError)
    await expect(first.outcome).rejects.toBeInstanceOf(ConnectionLostError)
    const other = answerNext(b, () => ({ accept: false }))
    await expect(a.send({ address: b.address, paths: [join(fx.dir, 'b.bin')], transferId: 'fixed-id-0001', reconnect: false })).rejects.toThrow(/declined/i)
    expect((await other.offer).continues).toBeUndefined()
  })

  it('stops both sides within a second when the sender cancels, leaving no partial file', async () => {
    await writeTree(fx.dir, { 'slow.bin': bytes(32 * MiB) })
    const { node: a } = await faultyNode({ writeDelayMs: 40 })
    const b = await fx.node()
    const dest = join(fx.dir, 'dest')
    const { outcome } = answerNext(b, () => ({ accept: true, dir: dest }))
    const controller = new AbortController()
    let cancelledAt = 0
    const sending = a.send({
      address: b.address,
      paths: [join(fx.dir, 'slow.bin')],
      signal: controller.signal,
      onProgress: (p) => { if (p.bytesDone > 0 && cancelledAt === 0) { cancelledAt = performance.now(); controller.abort() } }
    })
    await expect(sending).rejects.toBeInstanceOf(CancelledError)
    await expect(outcome).rejects.toBeInstanceOf(CancelledError)
    expect(performance.now() - cancelledAt).toBeLessThan(1000)
    expect(await visibleFiles(dest)).toEqual([])
    expect(await hiddenPartials(dest)).toEqual([])
  })

  it('stops both sides within a second when the receiver cancels, leaving no partial file', async () => {
    await writeTree(fx.dir, { 'slow.bin': bytes(32 * MiB) })
    const { node: a } = await faultyNode({ writeDelayMs: 40 })
    const b = await fx.node()
    const dest = join(fx.dir, 'dest')
    const controller = new AbortController()
    let cancelledAt = 0
    const { outcome } = answerNext(b, () => ({
      accept: true,
      dir: dest,
      signal: controller.signal,
      onProgress: (p) => { if (p.bytesDone > 0 && cancelledAt === 0) { cancelledAt = performance.now(); controller.abort() } }
    }))
    await expect(a.send({ address: b.address, paths: [join(fx.dir, 'slow.bin')] })).rejects.toBeInstanceOf(CancelledError)
    await expect(outcome).rejects.toBeInstanceOf(CancelledError)
    expect(performance.now() - cancelledAt).toBeLessThan(1000)
    expect(await visibleFiles(dest)).toEqual([])
    expect(await hiddenPartials(dest)).toEqual([])
  })

  it('never has more data streams open than filesInFlight', async () => {
    const files: Record<string, Uint8Array> = {}
    for (let i = 0; i < 12; i++) files[`set/f${i}.bin`] = bytes(1 * MiB)
    await writeTree(fx.dir, files)
    const { node: a, stats } = await faultyNode({ writeDelayMs: 2 }, { filesInFlight: 3 })
    const b = await fx.node()
    answerNext(b, () => ({ accept: true, dir: join(fx.dir, 'dest') }))
    const result = await a.send({ address: b.address, paths: [join(fx.dir, 'set')] })
    expect(result.files).toBe(12)
    expect(stats.maxOpenDataStreams).toBeLessThanOrEqual(3)
    expect(stats.maxOpenDataStreams).toBeGreaterThanOrEqual(2)
  })

  it('reports a file that changes while it is sent (FERRY_ERR_SOURCE_CHANGED) instead of delivering it', async () => {
    await writeTree(fx.dir, { 'log.txt': bytes(8 * MiB) })
    const { node: a } = await faultyNode({ writeDelayMs: 50 })
    const b = await fx.node()
    const dest = join(fx.dir, 'dest')
    const { outcome } = answerNext(b, () => ({ accept: true, dir: dest }))
    let touched = false
    const sending = a.send({
      address: b.address,
      paths: [join(fx.dir, 'log.txt')],
      onProgress: (p) => { if (p.bytesDone > 0 && !touched) { touched = true; void appendFile(join(fx.dir, 'log.txt'), 'more') } }
    })
    await expect(sending).rejects.toBeInstanceOf(SourceChangedError)
    await expect(outcome).rejects.toBeInstanceOf(SourceChangedError)
    expect(await visibleFiles(dest)).toEqual([])
    expect(await hiddenPartials(dest)).toEqual([])
  })

  it('reports a small file that changed after the offer (FERRY_ERR_SOURCE_CHANGED), keeping it from the receiver', async () => {
    const src = join(fx.dir, 'notes')
    await writeTree(src, { 'a.txt': 'first', 'b.txt': 'second', 'c.txt': 'third' })
    const a = await fx.node()
    const b = await fx.node()
    const dest = join(fx.dir, 'dest')
    // Changed while the receiver's user looks at the offer: read whole in one blocking call, it is checked after.
    const { outcome } = answerNext(b, () => {
      appendFileSync(join(src, 'b.txt'), ' and more')
      return { accept: true, dir: dest }
    })
    await expect(a.send({ address: b.address, paths: [src] })).rejects.toBeInstanceOf(SourceChangedError)
    await expect(outcome).rejects.toBeInstanceOf(SourceChangedError)
    expect(await visibleFiles(dest)).not.toContain('b.txt')
    expect(await hiddenPartials(dest)).toEqual([])
  })

  it('refuses an offer with more files than the receiver allows (FERRY_ERR_OFFER_TOO_LARGE), asking nobody', async () => {
    await writeTree(fx.dir, { 'set/1': '1', 'set/2': '2', 'set/3': '3', 'set/4': '4' })
    const a = await fx.node()
    const b = await fx.node({ limits: { maxFilesPerOffer: 3 } })
    let offered = false
    b.on('offer', () => { offered = true })
    await expect(a.send({ address: b.address, paths: [join(fx.dir, 'set')] })).rejects.toBeInstanceOf(OfferTooLargeError)
    expect(offered).toBe(false)
  })

  it('refuses a second concurrent transfer from a peer over maxSessionsPerPeer (FERRY_ERR_TOO_MANY_SESSIONS)', async () => {
    await writeTree(fx.dir, { 'a.txt': 'a' })
    const a = await fx.node()
    const b = await fx.node({ limits: { maxSessionsPerPeer: 1 } })
    const pending: IncomingOffer[] = []
    b.on('offer', (offer) => { pending.push(offer) })
    const first = a.send({ address: b.address, paths: [join(fx.dir, 'a.txt')] })
    while (pending.length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
    await expect(a.send({ address: b.address, paths: [join(fx.dir, 'a.txt')] })).rejects.toBeInstanceOf(TooManySessionsError)
    void pending[0]?.respond({ accept: true, dir: join(fx.dir, 'dest') })
    await first
    expect((await stat(join(fx.dir, 'dest', 'a.txt'))).size).toBe(1)
  })

  it('saves a file under "name (1).ext" when the name is taken, never overwriting', async () => {
    await writeTree(fx.dir, { 'src/report.pdf': 'new', 'dest/report.pdf': 'old' })
    const a = await fx.node()
    const b = await fx.node()
    const { outcome } = answerNext(b, () => ({ accept: true, dir: join(fx.dir, 'dest') }))
    await a.send({ address: b.address, paths: [join(fx.dir, 'src', 'report.pdf')] })
    expect((await outcome).files[0]?.savedAs).toBe(join(fx.dir, 'dest', 'report (1).pdf'))
    expect((await readdir(join(fx.dir, 'dest'))).sort()).toEqual(['report (1).pdf', 'report.pdf'])
  })

  it('gives up with FERRY_ERR_TIMEOUT when the sender goes silent mid-transfer, keeping the partial for resume', async () => {
    await writeTree(fx.dir, { 'stall.bin': bytes(4 * MiB) })
    const { node: a } = await faultyNode({ stallAfter: 1 * MiB })
    const b = await fx.node({ limits: { idleTimeoutMs: 400 } })
    const dest = join(fx.dir, 'dest')
    const { outcome } = answerNext(b, () => ({ accept: true, dir: dest }))
    const sending = a.send({ address: b.address, paths: [join(fx.dir, 'stall.bin')], reconnect: false })
    // The receiver's error frame can end the send before the receiver's own outcome settles.
    sending.catch(() => {})
    await expect(outcome).rejects.toBeInstanceOf(TimeoutError)
    await expect(sending).rejects.toBeInstanceOf(TimeoutError)
    expect(await visibleFiles(dest)).toEqual([])
    expect(await hiddenPartials(dest)).toHaveLength(1)
  })

  it('tells the sender it was cancelled when the receiver accepts with an already-aborted signal', async () => {
    await writeTree(fx.dir, { 'a.txt': 'a' })
    const a = await fx.node()
    const b = await fx.node()
    const { outcome } = answerNext(b, () => ({ accept: true, dir: join(fx.dir, 'dest'), signal: AbortSignal.abort() }))
    await expect(a.send({ address: b.address, paths: [join(fx.dir, 'a.txt')] })).rejects.toBeInstanceOf(CancelledError)
    await expect(outcome).rejects.toBeInstanceOf(CancelledError)
  })

  it('holds maxSessionsPerPeer when two transfers from one peer arrive at the same moment', async () => {
    await writeTree(fx.dir, { 'a.txt': 'a' })
    const a = await fx.node()
    const b = await fx.node({ limits: { maxSessionsPerPeer: 1 } })
    const offers: IncomingOffer[] = []
    b.on('offer', (offer) => { offers.push(offer); void offer.respond({ accept: true, dir: join(fx.dir, 'dest') }).catch(() => {}) })
    const results = await Promise.allSettled([
      a.send({ address: b.address, paths: [join(fx.dir, 'a.txt')] }),
      a.send({ address: b.address, paths: [join(fx.dir, 'a.txt')] })
    ])
    const refused = results.filter((r) => r.status === 'rejected')
    expect(offers.length + refused.length).toBe(2)
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(TooManySessionsError)
  })

  it('sends under an alias longer than the protocol carries, shortened', async () => {
    await writeTree(fx.dir, { 'a.txt': 'a' })
    const a = await fx.node({ alias: 'a very long device name '.repeat(5) })
    const b = await fx.node()
    const { offer } = answerNext(b, () => ({ accept: true, dir: join(fx.dir, 'dest') }))
    await a.send({ address: b.address, paths: [join(fx.dir, 'a.txt')] })
    expect((await offer).from.alias).toHaveLength(64)
  })

  it('lets a peer that is at its session limit in again when its old session went silent (a crashed sender restarting)', async () => {
    await writeTree(fx.dir, { 'a.txt': 'a' })
    const a = await fx.node()
    const b = await fx.node({ limits: { maxSessionsPerPeer: 1, staleSessionMs: 200 } })
    const offers: IncomingOffer[] = []
    b.on('offer', (offer) => { offers.push(offer) })
    const ghost = a.send({ address: b.address, paths: [join(fx.dir, 'a.txt')] }).then(() => 'sent', (err: unknown) => err)
    while (offers.length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
    await new Promise((resolve) => setTimeout(resolve, 300)) // the first session is now silent past staleSessionMs
    const second = a.send({ address: b.address, paths: [join(fx.dir, 'a.txt')] })
    while (offers.length < 2) await new Promise((resolve) => setTimeout(resolve, 20))
    void offers[1]?.respond({ accept: true, dir: join(fx.dir, 'dest') })
    expect((await second).files).toBe(1)
    expect(await ghost).toBeInstanceOf(ConnectionLostError)
  })
})
