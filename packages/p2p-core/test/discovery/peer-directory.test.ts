import { describe, expect, it } from 'vitest'
import { PeerDirectory, matchPeer, normalizeShortCode, type DiscoveredPeer } from '../../src/discovery/peer-directory.ts'
import { shortCodeFor } from '../../src/index.ts'

const A = '12D3KooWJBfA6L6Xj7XRHdEkvnHGUACi2HPvWqvzgzfKVt82f6sm'
const B = '12D3KooWK4EV64KXZCWanXwDDusareB4a5b7yQDsP1JbsZwMkXUk'

function directory (options: Partial<{ peerTtlMs: number, maxPeers: number, maxAddressesPerPeer: number }> = {}): {
  dir: PeerDirectory
  clock: { now: number }
  events: Array<[string, DiscoveredPeer]>
} {
  const clock = { now: 1_000 }
  const dir = new PeerDirectory({ peerTtlMs: 8_000, maxPeers: 16, maxAddressesPerPeer: 8, ...options }, () => clock.now)
  const events: Array<[string, DiscoveredPeer]> = []
  for (const type of ['appeared', 'updated', 'gone'] as const) dir.on(type, (peer) => { events.push([type, peer]) })
  return { dir, clock, events }
}

describe('the peer directory', () => {
  it('reports a new peer as appeared, with its short code, alias, address and source', () => {
    const { dir, events } = directory()
    dir.report({ peerId: A, source: 'mdns', address: { host: '10.0.0.2', port: 4000 }, alias: 'laptop', deviceType: 'laptop' })
    expect(events).toEqual([['appeared', { peerId: A, shortCode: shortCodeFor(A), alias: 'laptop', deviceType: 'laptop', addresses: [{ host: '10.0.0.2', port: 4000 }], sources: ['mdns'], lastSeen: 1_000 }]])
  })

  it('says nothing when a peer is merely seen again, and updated when its alias, addresses or sources change', () => {
    const { dir, clock, events } = directory()
    dir.report({ peerId: A, source: 'mdns', address: { host: '10.0.0.2', port: 4000 }, alias: 'laptop' })
    clock.now += 500
    dir.report({ peerId: A, source: 'mdns', address: { host: '10.0.0.2', port: 4000 }, alias: 'laptop' })
    expect(events.map(([type]) => type)).toEqual(['appeared'])
    expect(dir.get(A)?.lastSeen).toBe(1_500)
    dir.report({ peerId: A, source: 'mdns', address: { host: '10.0.0.2', port: 4000 }, alias: 'work laptop' })
    dir.report({ peerId: A, source: 'known', address: { host: '192.168.1.5', port: 4000 } })
    expect(events.map(([type]) => type)).toEqual(['appeared', 'updated', 'updated'])
    expect(events.at(-1)?.[1]).toMatchObject({ alias: 'work laptop', sources: ['known', 'mdns'], addresses: [{ host: '10.0.0.2', port: 4000 }, { host: '192.168.1.5', port: 4000 }] })
  })

  it('lets a peer go once no source has seen it for peerTtlMs, and not a moment before', () => {
    const { dir, clock, events } = directory({ peerTtlMs: 8_000 })
    dir.report({ peerId: A, source: 'mdns', address: { host: '10.0.0.2', port: 4000 } })
    clock.now += 8_000
    dir.sweep()
    expect(dir.list()).toHaveLength(1)
    clock.now += 1
    dir.sweep()
    expect(dir.list()).toEqual([])
    expect(events.map(([type]) => type)).toEqual(['appeared', 'gone'])
  })

  it('keeps a peer that one source still sees, dropping only the stale address', () => {
    const { dir, clock, events } = directory({ peerTtlMs: 1_000 })
    dir.report({ peerId: A, source: 'mdns', address: { host: '10.0.0.2', port: 4000 } })
    clock.now += 600
    dir.report({ peerId: A, source: 'known', address: { host: '10.0.1.2', port: 4000 } })
    clock.now += 600
    dir.sweep()
    expect(events.map(([type]) => type)).toEqual(['appeared', 'updated', 'updated'])
    expect(dir.get(A)).toMatchObject({ sources: ['known'], addresses: [{ host: '10.0.1.2', port: 4000 }] })
  })

  it('drops what a source said at once when it says goodbye', () => {
    const { dir, events } = directory()
    dir.report({ peerId: A, source: 'mdns', address: { host: '10.0.0.2', port: 4000 } })
    dir.lose(A, 'mdns')
    expect(events.map(([type]) => type)).toEqual(['appeared', 'gone'])
  })

  it('ignores new peers beyond maxPeers, so a flood of announcements costs bounded memory', () => {
    const { dir } = directory({ maxPeers: 1 })
    expect(dir.report({ peerId: A, source: 'mdns' })).toBe(true)
    expect(dir.report({ peerId: B, source: 'mdns' })).toBe(false)
    expect(dir.list().map((p) => p.peerId)).toEqual([A])
  })

  it('keeps at most maxAddressesPerPeer addresses, dropping the stalest', () => {
    const { dir, clock } = directory({ maxAddressesPerPeer: 2 })
    for (let i = 1; i <= 4; i++) {
      clock.now += 10
      dir.report({ peerId: A, source: 'mdns', address: { host: `10.0.0.${i}`, port: 4000 } })
    }
    expect(dir.get(A)?.addresses.map((a) => a.host)).toEqual(['10.0.0.3', '10.0.0.4'])
  })

  it('finds a peer by device id, by short code typed any way, and by alias ignoring case', () => {
    const { dir } = directory()
    dir.report({ peerId: A, source: 'mdns', alias: 'Büro Laptop' })
    dir.report({ peerId: B, source: 'mdns', alias: 'phone' })
    const code = shortCodeFor(A)
    expect(dir.find(A).map((p) => p.peerId)).toEqual([A])
    expect(dir.find(code.toLowerCase().replace('-', '')).map((p) => p.peerId)).toEqual([A])
    expect(dir.find('  büro LAPTOP ').map((p) => p.peerId)).toEqual([A])
    expect(dir.find('nobody')).toEqual([])
    expect(matchPeer({ peerId: A, shortCode: code, alias: 'x' }, code)).toBe('code')
    expect(normalizeShortCode('k7q2 9mxd')).toBe('K7Q2-9MXD')
    expect(normalizeShortCode('K7Q2-9MXI')).toBeUndefined()
  })
})
