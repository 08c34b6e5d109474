// Issue 16: one way to reach a device. The CLI tried every address of a device, the app only the first; a device
// remembered at an address where it no longer answers (it moved to another port, another interface) could not be
// sent to from the app. Both now go through p2p-core's reachAny.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { UnreachableError, shortCodeFor, type PeerAddress, type Transport } from '@ferry/p2p-core'
import type { TransferEvent } from '@ferry/api'
import { nextEvent } from '@ferry/api/compliance'
import { afterEach, describe, expect, it } from 'vitest'
import { TrustStore } from '../src/index.ts'
import { startService, type TestService } from './helpers.ts'

/** The engine's transport, except that a dial to `dead` fails at once as unreachable (a device that is not there). */
function withDeadAddress (transport: Transport, dead: PeerAddress, dialled: PeerAddress[]): Transport {
  return {
    get peerId () { return transport.peerId },
    listen: async (address) => await transport.listen(address),
    dial: async (address, options) => {
      dialled.push(address)
      if (address.host === dead.host && address.port === dead.port) throw new UnreachableError(`Could not reach ${address.host}:${address.port}`)
      return await transport.dial(address, options)
    },
    close: async () => { await transport.close() }
  }
}

describe('reaching a device at any of its addresses (issue 16)', () => {
  const open: TestService[] = []
  const dirs: string[] = []
  afterEach(async () => {
    await Promise.all(open.splice(0).map(async (s) => { await s.close() }))
    await Promise.all(dirs.splice(0).map(async (d) => { await rm(d, { recursive: true, force: true }) }))
  })

  it('the app sends to a remembered device whose first address no longer answers, at its next one', async () => {
    const receiver = await startService()
    open.push(receiver)
    receiver.service.onOffer((e) => { if (e.type === 'added') void receiver.service.respondToOffer(e.offer.id, { accept: true }) })
    const device = (await receiver.service.getState()).device
    const live = device.addresses[0]
    if (live === undefined) throw new Error('the receiver has no address')
    const dead = { host: '127.0.0.1', port: live.port === 65535 ? 65534 : live.port + 1 }

    // The sender remembers the receiver at the dead address first (where it was last seen), then the live one.
    const root = await mkdtemp(join(tmpdir(), 'ferry-reach-'))
    dirs.push(root)
    const store = await TrustStore.open(join(root, 'config'))
    const now = new Date().toISOString()
    await store.update(device.peerId, () => ({
      peerId: device.peerId, shortCode: shortCodeFor(device.peerId), trusted: false,
      addresses: [`${dead.host}:${dead.port}`, `${live.host}:${live.port}`], firstSeen: now, lastSeen: now
    }))
    await store.settled()
    const dialled: PeerAddress[] = []
    const sender = await startService({ wrapTransport: (t) => withDeadAddress(t, dead, dialled) }, root)
    open.push(sender)
    expect((await sender.service.getState()).peers.find((p) => p.id === device.peerId)?.addresses).toEqual([dead, live])

    const file = join(root, 'note.txt')
    await writeFile(file, 'reached at the second address')
    const done = nextEvent<TransferEvent>((l) => sender.service.onTransfer(l), (e) => e.type === 'upsert' && (e.transfer.status === 'completed' || e.transfer.status === 'failed'))
    await sender.service.sendFiles(device.peerId, [file])
    const ended = await done
    expect(ended.type === 'upsert' ? { status: ended.transfer.status, error: ended.transfer.error } : ended).toEqual({ status: 'completed', error: undefined })
    expect(await readFile(join(receiver.downloads, 'note.txt'), 'utf8')).toBe('reached at the second address')
    // The dead address was tried (by the send, and by discovery's probe of the remembered device); the device is
    // now listed first where it answered.
    expect(dialled).toContainEqual(dead)
    expect((await sender.service.getState()).peers.find((p) => p.id === device.peerId)?.addresses[0]).toEqual(live)
  })
})
