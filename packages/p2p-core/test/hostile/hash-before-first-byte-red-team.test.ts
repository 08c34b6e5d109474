// Red team finding (not fixed): a saved file is answered with offset = size, and the sender then hashes the whole file
// before it sends the zero-length item and its file-done (transfer/send-file.ts). Nothing moves meanwhile, so the
// receiver's idle watchdog (`idleTimeoutMs`, 30 s) ends the transfer with FERRY_ERR_TIMEOUT when that hash takes
// longer; the sender reconnects and hashes it again, and fails the same way. With the defaults that is a file of about
// 30 GB at 1 GB/s, or far less from a slow disk. Shown here with a 50 ms watchdog and a 256 MiB file. A resumed
// partial is the same: the sender hashes its first `offset` bytes before the rest, silently (the second case).
// `it.fails` keeps CI green while the bug is there; once fixed, this reports a failure: make it a plain `it`.

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

describe('red team: what the sender must hash before its first byte takes longer than idleTimeoutMs', () => {
  it.fails('a saved file is still counted as saved when sent again, instead of ending in FERRY_ERR_TIMEOUT on both sides', async () => {
    const receiver = await FerryNode.create({ identity: await generateIdentity(), listen: LOOPBACK })
    const sender = await FerryNode.create({
      identity: await generateIdentity(), listen: LOOPBACK, limits: { reconnectAttempts: 1, reconnectBaseMs: 50, reconnectMaxMs: 50 }
    })
    const root = await mkdtemp(join(tmpdir(), 'ferry-rt-slow-hash-'))
    cleanups.push(async () => {
      await sender.close()
      await receiver.close()
      await rm(root, { recursive: true, force: true })
    })
    await mkdir(join(root, 'src'))
    await writeBig(join(root, 'src', 'big.bin'))
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
    // Before a fix: rejects with FERRY_ERR_TIMEOUT, and the receiver ends ['FERRY_ERR_TIMEOUT', 'FERRY_ERR_TIMEOUT'].
    const again = await send()
    expect(again.bytesSent).toBe(0)
    expect(ended).toEqual(['completed'])
  }, 60_000)

  it.fails('a partial of 200 MiB resumes, instead of ending in FERRY_ERR_TIMEOUT on both sides', async () => {
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
    // Before a fix: rejects with FERRY_ERR_TIMEOUT, and the receiver ends ['FERRY_ERR_TIMEOUT', 'FERRY_ERR_TIMEOUT'].
    const resumed = await again.send({ address, paths })
    expect(resumed.bytesResumed).toBeGreaterThan(0)
    expect(ended).toEqual(['completed'])
  }, 60_000)
})
