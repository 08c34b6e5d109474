// Issue 16: one way to reach a device, for the probe of remembered devices too. The app probed a remembered device
// only at the first address it had stored, so a device that no longer answered there (it moved to another port or
// interface it was also seen at) stayed offline although it answered at another remembered address.

import { createSocket } from 'node:dgram'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { shortCodeFor } from '@ferry/p2p-core'
import { afterEach, describe, expect, it } from 'vitest'
import { TrustStore } from '../src/index.ts'
import { startService, type TestService } from './helpers.ts'

const quick = { probeIntervalMs: 150, probeTimeoutMs: 500, peerTtlMs: 1_000, probeBackoffMaxMs: 300, mdnsQueryIntervalMs: 500 }

/** A UDP port on 127.0.0.1 that nothing listens on (bound, noted, closed): a dial there finds no device. */
async function closedPort (): Promise<number> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => { socket.bind(0, '127.0.0.1', resolve) })
  const { port } = socket.address()
  await new Promise<void>((resolve) => { socket.close(() => { resolve() }) })
  return port
}

describe('the probe of a remembered device tries every address it was seen at (issue 16)', () => {
  const open: TestService[] = []
  const dirs: string[] = []
  afterEach(async () => {
    await Promise.all(open.splice(0).map(async (s) => { await s.close() }))
    await Promise.all(dirs.splice(0).map(async (d) => { await rm(d, { recursive: true, force: true }) }))
  })

  it('shows a remembered device online when its first address is dead and its second answers', async () => {
    const device = await startService()
    open.push(device)
    const { peerId, addresses } = (await device.service.getState()).device
    const live = addresses[0]
    if (live === undefined) throw new Error('the device has no address')
    const dead = { host: '127.0.0.1', port: await closedPort() }

    const root = await mkdtemp(join(tmpdir(), 'ferry-known-'))
    dirs.push(root)
    const store = await TrustStore.open(join(root, 'config'))
    const now = new Date().toISOString()
    await store.update(peerId, () => ({
      peerId, shortCode: shortCodeFor(peerId), trusted: true,
      addresses: [`${dead.host}:${dead.port}`, `${live.host}:${live.port}`], firstSeen: now, lastSeen: now
    }))
    await store.settled()

    const app = await startService({ discoveryTuning: quick }, root)
    open.push(app)
    await expect.poll(async () => (await app.service.getState()).peers.find((p) => p.id === peerId)?.online, { timeout: 5_000 }).toBe(true)
  })
})
