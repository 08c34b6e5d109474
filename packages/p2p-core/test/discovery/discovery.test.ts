import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Discovery, type DiscoveredPeer, type DiscoveryInit, type FerryNode } from '../../src/index.ts'
import { suitableInterfaces } from '../../src/discovery/interfaces.ts'
import { dialableAddress } from '../../src/discovery/mdns-browser.ts'
import { FakeLan, interfaceTable } from '../helpers/fake-lan.ts'
import { createFixture, type Fixture } from '../helpers/nodes.ts'

const fast = { mdnsQueryIntervalMs: 100, peerTtlMs: 400, interfacePollMs: 50, probeIntervalMs: 100, probeTimeoutMs: 1_000, probeBackoffMaxMs: 200 }
const A = '12D3KooWJBfA6L6Xj7XRHdEkvnHGUACi2HPvWqvzgzfKVt82f6sm'
const B = '12D3KooWK4EV64KXZCWanXwDDusareB4a5b7yQDsP1JbsZwMkXUk'

let fx: Fixture
const open: Discovery[] = []
beforeEach(async () => { fx = await createFixture() })
afterEach(async () => {
  await Promise.all(open.splice(0).map(async (d) => await d.close()))
  await fx.cleanup()
})

function discovery (init: Partial<DiscoveryInit> & Pick<DiscoveryInit, 'self'>): Discovery {
  const d = new Discovery({
    ping: async () => { throw new Error('no probes in this test') },
    advertise: true,
    browse: true,
    options: fast,
    ...init
  })
  open.push(d)
  return d
}

function events (d: Discovery): Array<[string, DiscoveredPeer]> {
  const seen: Array<[string, DiscoveredPeer]> = []
  for (const type of ['appeared', 'updated', 'gone'] as const) d.on(type, (peer) => { seen.push([type, peer]) })
  return seen
}

async function until (check: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('discovery over mDNS (a fake LAN)', () => {
  it('shows two devices to each other with alias, device type and the address their answers came from, never themselves', async () => {
    const lan = new FakeLan()
    const a = discovery({ self: { peerId: A, alias: 'desk', deviceType: 'desktop', port: 4001 }, socketFactory: lan.factory, readInterfaces: () => interfaceTable({ eth0: '10.0.0.1' }) })
    const b = discovery({ self: { peerId: B, alias: 'phone', deviceType: 'phone', port: 4002 }, socketFactory: lan.factory, readInterfaces: () => interfaceTable({ eth0: '10.0.0.2' }) })
    await until(() => a.peers().length === 1 && b.peers().length === 1)
    expect(a.peers()).toEqual([expect.objectContaining({ peerId: B, alias: 'phone', deviceType: 'phone', addresses: [{ host: '10.0.0.2', port: 4002 }], sources: ['mdns'] })])
    expect(b.peers()).toEqual([expect.objectContaining({ peerId: A, alias: 'desk', addresses: [{ host: '10.0.0.1', port: 4001 }] })])
  })

  it('opens one socket per suitable interface address, none on loopback', () => {
    const lan = new FakeLan()
    discovery({ self: { peerId: A, alias: 'desk', deviceType: 'desktop', port: 4001 }, socketFactory: lan.factory, readInterfaces: () => interfaceTable({ eth0: '10.0.0.1', wlan0: '192.168.7.3' }) })
    expect(lan.sockets.map((s) => s.iface.address).sort()).toEqual(['10.0.0.1', '10.0.0.1', '192.168.7.3', '192.168.7.3']) // advertiser + browser each
    expect(lan.sockets.filter((s) => s.published.length > 0).map((s) => s.published[0]?.txt.id)).toEqual([A, A])
  })

  it('drops a device that stops answering (a crash, no goodbye) within peerTtlMs', async () => {
    const lan = new FakeLan()
    const a = discovery({ self: { peerId: A, alias: 'desk', deviceType: 'desktop', port: 4001 }, socketFactory: lan.factory, readInterfaces: () => interfaceTable({ eth0: '10.0.0.1' }) })
    discovery({ self: { peerId: B, alias: 'phone', deviceType: 'phone', port: 4002 }, socketFactory: lan.factory, readInterfaces: () => interfaceTable({ eth0: '10.0.0.2' }) })
    const seen = events(a)
    await until(() => a.peers().length === 1)
    for (const s of lan.sockets.filter((s) => s.iface.address === '10.0.0.2')) s.crashed = true
    const crashedAt = Date.now()
    await until(() => seen.some(([type]) => type === 'gone'), 2_000)
    expect(Date.now() - crashedAt).toBeLessThan(fast.peerTtlMs + fast.mdnsQueryIntervalMs + 300)
  })

  it('drops a device at once when it says goodbye', async () => {
    const lan = new FakeLan()
    const a = discovery({ self: { peerId: A, alias: 'desk', deviceType: 'desktop', port: 4001 }, socketFactory: lan.factory, readInterfaces: () => interfaceTable({ eth0: '10.0.0.1' }) })
    const b = discovery({ self: { peerId: B, alias: 'phone', deviceType: 'phone', port: 4002 }, socketFactory: lan.factory, readInterfaces: () => interfaceTable({ eth0: '10.0.0.2' }) })
    await until(() => a.peers().length === 1)
    open.splice(open.indexOf(b), 1)
    await b.close()
    expect(a.peers()).toEqual([])
  })

  it('shows a renamed device under its new alias at once', async () => {
    const lan = new FakeLan()
    const a = discovery({ self: { peerId: A, alias: 'desk', deviceType: 'desktop', port: 4001 }, socketFactory: lan.factory, readInterfaces: () => interfaceTable({ eth0: '10.0.0.1' }) })
    const b = discovery({ self: { peerId: B, alias: 'phone', deviceType: 'phone', port: 4002 }, socketFactory: lan.factory, readInterfaces: () => interfaceTable({ eth0: '10.0.0.2' }) })
    await until(() => a.peers()[0]?.alias === 'phone')
    await b.setAlias('Ada’s phone')
    await until(() => a.peers()[0]?.alias === 'Ada’s phone', 1_000)
    expect(a.peers().map((p) => p.peerId)).toEqual([B])
  })

  it('announces on an interface that comes up and closes the socket of one that goes away', async () => {
    const lan = new FakeLan()
    let table = interfaceTable({ eth0: '10.0.0.1' })
    discovery({ self: { peerId: A, alias: 'desk', deviceType: 'desktop', port: 4001 }, socketFactory: lan.factory, readInterfaces: () => table })
    table = interfaceTable({ wlan0: '192.168.7.3' })
    await until(() => lan.sockets.some((s) => s.iface.address === '192.168.7.3' && s.published.length === 1))
    expect(lan.sockets.filter((s) => s.iface.address === '10.0.0.1').every((s) => s.closed)).toBe(true)
  })

  it('ignores answers that are not Ferry TXT records of this protocol version', async () => {
    const lan = new FakeLan()
    const a = discovery({ self: { peerId: A, alias: 'desk', deviceType: 'desktop', port: 4001 }, socketFactory: lan.factory, readInterfaces: () => interfaceTable({ eth0: '10.0.0.1' }) })
    const stranger = lan.factory(suitableInterfaces(interfaceTable({ eth0: '10.0.0.9' }))[0]!, () => {})
    stranger.publish({ name: 'old', host: 'old.local', port: 1, txt: { v: '/ferry/transfer/0', id: B, port: '1' } })
    await new Promise((resolve) => setTimeout(resolve, 250))
    expect(a.peers()).toEqual([])
  })

  it('keeps every socket closed when neither advertising nor browsing', () => {
    const lan = new FakeLan()
    discovery({ self: { peerId: A, alias: 'desk', deviceType: 'desktop', port: 4001 }, advertise: false, browse: false, socketFactory: lan.factory, readInterfaces: () => interfaceTable({ eth0: '10.0.0.1' }) })
    expect(lan.sockets).toEqual([])
  })
})

describe('discovery without multicast (real nodes on loopback)', () => {
  function nodeDiscovery (node: FerryNode): Discovery {
    return discovery({
      self: { peerId: node.peerId, alias: node.alias, deviceType: node.deviceType, port: node.address.port },
      ping: async (request) => await node.ping(request),
      advertise: false,
      browse: false
    })
  }

  it('adds a peer by HOST:PORT alone, learning its proven id and alias from a ping, and keeps it while it answers', async () => {
    const a = await fx.node({ alias: 'desk' })
    const b = await fx.node({ alias: 'phone' })
    const d = nodeDiscovery(a)
    const peer = await d.addManual({ address: { host: '127.0.0.1', port: b.address.port } })
    expect(peer).toMatchObject({ peerId: b.peerId, shortCode: b.shortCode, alias: 'phone', sources: ['manual'] })
    await new Promise((resolve) => setTimeout(resolve, fast.peerTtlMs * 2))
    expect(d.peers().map((p) => p.peerId)).toEqual([b.peerId])
  })

  it('refuses a typed address whose device proves another id (FERRY_ERR_IDENTITY_MISMATCH)', async () => {
    const a = await fx.node()
    const b = await fx.node()
    const d = nodeDiscovery(a)
    await expect(d.addManual({ address: { host: '127.0.0.1', port: b.address.port }, peerId: a.peerId })).rejects.toMatchObject({ code: 'FERRY_ERR_IDENTITY_MISMATCH' })
    expect(d.peers()).toEqual([])
  })

  it('probes a remembered device: it appears while it answers and is gone within peerTtlMs after it stops', async () => {
    const a = await fx.node()
    const b = await fx.node({ alias: 'nas' })
    const d = nodeDiscovery(a)
    const seen = events(d)
    d.addKnown([{ addresses: [{ host: '127.0.0.1', port: b.address.port }], peerId: b.peerId }])
    await until(() => d.peers().length === 1)
    expect(d.peers()[0]).toMatchObject({ peerId: b.peerId, alias: 'nas', sources: ['known'] })
    await b.close()
    const stoppedAt = Date.now()
    await until(() => seen.some(([type]) => type === 'gone'), 3_000)
    expect(Date.now() - stoppedAt).toBeLessThan(fast.peerTtlMs + fast.probeTimeoutMs + 500)
  })

  it('waits for a peer by name and gives up after its timeout', async () => {
    const a = await fx.node()
    const b = await fx.node({ alias: 'Nas' })
    const d = nodeDiscovery(a)
    const waiting = d.waitFor((p) => p.alias === 'Nas', { timeoutMs: 3_000 })
    d.addKnown([{ addresses: [{ host: '127.0.0.1', port: b.address.port }], peerId: b.peerId }])
    expect((await waiting)?.peerId).toBe(b.peerId)
    expect(await d.waitFor((p) => p.alias === 'nobody', { timeoutMs: 100 })).toBeUndefined()
  })

  it('stops waiting for a peer when its signal aborts, with the signal\'s reason, and stops listening either way', async () => {
    const a = await fx.node()
    const d = nodeDiscovery(a)
    const controller = new AbortController()
    const waiting = d.waitFor((p) => p.alias === 'nobody', { timeoutMs: 60_000, signal: controller.signal })
    expect(d.listenerCount('appeared')).toBe(1)
    controller.abort(new Error('the user gave up'))
    await expect(waiting).rejects.toThrow('the user gave up')
    expect(d.listenerCount('appeared') + d.listenerCount('updated')).toBe(0)
    await expect(d.waitFor(() => true, { timeoutMs: 60_000, signal: controller.signal })).rejects.toThrow('the user gave up')
    expect(await d.waitFor((p) => p.alias === 'nobody', { timeoutMs: 20 })).toBeUndefined()
    expect(d.listenerCount('appeared') + d.listenerCount('updated')).toBe(0)
  })
})

describe('the address taken from an mDNS answer', () => {
  const ifaces = suitableInterfaces(interfaceTable({ eth0: '192.168.7.3' }))

  it('is the IPv4 address the answer came from', () => {
    expect(dialableAddress({ name: A, port: 4000, txt: {}, from: '192.168.7.9', addresses: ['10.9.9.9'] }, 4000, ifaces)).toEqual({ host: '192.168.7.9', port: 4000 })
  })

  it('for an answer over IPv6 (link-local, not dialable) is a listed IPv4 address on one of our subnets', () => {
    expect(dialableAddress({ name: A, port: 4000, txt: {}, from: 'fe80::1%eth0', addresses: ['172.17.0.1', '192.168.7.20', 'fe80::1'] }, 4000, ifaces)).toEqual({ host: '192.168.7.20', port: 4000 })
    expect(dialableAddress({ name: A, port: 4000, txt: {}, from: 'fe80::1%eth0', addresses: ['172.17.0.1'] }, 4000, ifaces)).toBeUndefined()
  })
})
