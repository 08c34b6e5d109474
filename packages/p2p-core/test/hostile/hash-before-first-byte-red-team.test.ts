// Red team finding: a saved file is answered with offset = size, and the sender then hashes the whole file before its
// file-done; a resumed partial likewise has its first `offset` bytes hashed before the rest. Nothing moves meanwhile,
// and each side's idle watchdog (`idleTimeoutMs`, 30 s) used to end the transfer with FERRY_ERR_TIMEOUT when that
// hash took longer (about 30 GB at 1 GB/s, far less from a slow disk); the sender reconnected, hashed again and
// failed the same way. Now the item goes first, the receiver waits `offset / minHashBytesPerSecond` on top, and the
// sender counts its own hashing as work. Shown with 50 ms watchdogs and a 256 MiB file.

import { mkdir, mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FerryNode, createQuicTransport, generateIdentity } from '../../src/index.ts'
import { faultyTransport } from '../../src/testing/index.ts'

const LOOPBACK = { host: '127.0.0.1', port: 0 }
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function writeBig (path: string): Promise<void> {
  const file = await open(path, 'w')
  const block = Buffer.alloc(16 * 1024 * 1024, 7)
  for (let i = 0; i < 16; i++) {
    block[0] = i
    await file.write(block)
  }
  await file.close()
}

/** A receiver and a sender that reconnects once, fast, and a folder `src` holding the 256 MiB big.bin. */
async function senderAndReceiver (): Promise<{ receiver: FerryNode, sender: FerryNode, root: string }> {
  const receiver = await FerryNode.create({ identity: await generateIdentity(), listen: LOOPBACK })
  const sender = await FerryNode.create({ identity: await generateIdentity(), listen: LOOPBACK, limits: { reconnectAttempts: 1, reconnectBaseMs: 50, reconnectMaxMs: 50 } })
  const root = await mkdtemp(join(tmpdir(), 'ferry-rt-slow-hash-'))
  cleanups.push(async () => {
    await sender.close()
    await receiver.close()
    await rm(root, { recursive: true, force: true })
  })
  await mkdir(join(root, 'src'))
  await writeBig(join(root, 'src', 'big.bin'))
  return { receiver, sender, root }
}

describe('red team: what the sender must hash before its first byte takes longer than idleTimeoutMs (fixed)', () => {
  it('a saved file is still counted as saved when sent again, instead of ending in FERRY_ERR_TIMEOUT on both sides', async () => {
    const { receiver, sender, root } = await senderAndReceiver()
    const ended: string[] = []
    receiver.on('offer', (offer) => {
      offer.respond({ accept: true, dir: join(root, 'dst') }).then(() => ended.push('completed'), (err: { code: string }) => ended.push(err.code))
    })
    const send = async (): Promise<{ bytesSent: number }> =>
      await sender.send({ address: { host: '127.0.0.1', port: receiver.address.port }, paths: [join(root, 'src')] })
    await send()
    // Only now: the first send moves bytes all along; the second moves none while the sender hashes 256 MiB.
    receiver.setLimits({ idleTimeoutMs: 50 })
    ended.length = 0
    // Before the fix: rejected with FERRY_ERR_TIMEOUT, and the receiver ended ['FERRY_ERR_TIMEOUT', 'FERRY_ERR_TIMEOUT'].
    const again = await send()
    expect(again.bytesSent).toBe(0)
    expect(ended).toEqual(['completed'])
  }, 60_000)

  it('a partial of 200 MiB resumes, instead of ending in FERRY_ERR_TIMEOUT on both sides', async () => {
    const receiver = await FerryNode.create({ identity: await generateIdentity(), listen: LOOPBACK })
    const identity = await generateIdentity()
    const cut = await FerryNode.create({ identity, listen: LOOPBACK, transport: faultyTransport(await createQuicTransport({ identity }), { cutAfter: 200 * 1024 * 1024 }) })
    const again = await FerryNode.create({ identity, listen: LOOPBACK, limits: { reconnectAttempts: 1, reconnectBaseMs: 50, reconnectMaxMs: 50 } })
    const root = await mkdtemp(join(tmpdir(), 'ferry-rt-slow-hash-'))
    cleanups.push(async () => {
      await again.close()
      await cut.close()
      await receiver.close()
      await rm(root, { recursive: true, force: true })
    })
    await mkdir(join(root, 'src'))
    await writeBig(join(root, 'src', 'big.bin'))
    const ended: string[] = []
    receiver.on('offer', (offer) => {
      offer.respond({ accept: true, dir: join(root, 'dst') }).then(() => ended.push('completed'), (err: { code: string }) => ended.push(err.code))
    })
    const paths = [join(root, 'src')]
    const address = { host: '127.0.0.1', port: receiver.address.port }
    await expect(cut.send({ address, paths, reconnect: false })).rejects.toMatchObject({ code: 'FERRY_ERR_CONNECTION_LOST' })
    for (let i = 0; i < 100 && ended.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50))
    expect(ended).toEqual(['FERRY_ERR_CONNECTION_LOST'])
    receiver.setLimits({ idleTimeoutMs: 50 })
    ended.length = 0
    // Before the fix: rejected with FERRY_ERR_TIMEOUT, and the receiver ended ['FERRY_ERR_TIMEOUT', 'FERRY_ERR_TIMEOUT'].
    const resumed = await again.send({ address, paths })
    expect(resumed.bytesResumed).toBeGreaterThan(0)
    expect(ended).toEqual(['completed'])
  }, 60_000)

  it('a sender whose own idle timeout is shorter than its hash of a saved file does not take its hashing for a silent receiver', async () => {
    const { receiver, sender, root } = await senderAndReceiver()
    receiver.on('offer', (offer) => { offer.respond({ accept: true, dir: join(root, 'dst') }).catch(() => {}) })
    const send = async (): Promise<{ bytesSent: number }> =>
      await sender.send({ address: { host: '127.0.0.1', port: receiver.address.port }, paths: [join(root, 'src')], reconnect: false })
    await send()
    sender.setLimits({ idleTimeoutMs: 50 })
    // Before: FERRY_ERR_TIMEOUT, "The receiver stopped taking data", while the sender itself was hashing.
    expect((await send()).bytesSent).toBe(0)
  }, 60_000)
})
