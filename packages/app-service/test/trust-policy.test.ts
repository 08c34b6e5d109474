import { describe, expect, it } from 'vitest'
import { shortCodeFor } from '@ferry/p2p-core'
import { decideOffer, identityWarning, viewPeer } from '../src/trust/trust-policy.ts'
import type { DeviceRecord } from '../src/trust/trust-store.ts'

const A = '12D3KooWJBfA6L6Xj7XRHdEkvnHGUACi2HPvWqvzgzfKVt82f6sm'
const B = '12D3KooWK4EV64KXZCWanXwDDusareB4a5b7yQDsP1JbsZwMkXUk'

function store (...records: Array<Partial<DeviceRecord> & { peerId: string }>): { get: (id: string) => DeviceRecord | undefined, list: () => DeviceRecord[] } {
  const all = records.map((r): DeviceRecord => ({ shortCode: shortCodeFor(r.peerId), trusted: false, addresses: [], firstSeen: '', lastSeen: '', ...r }))
  return { get: (id) => all.find((r) => r.peerId === id), list: () => all }
}

const settings = { yes: false, interactive: false, dir: '/home/me/Downloads/Ferry' }

describe('the trust policy', () => {
  it('calls a device new, known or trusted from the store', () => {
    const s = store({ peerId: A, alias: 'laptop', trusted: true }, { peerId: B, alias: 'phone' })
    expect(viewPeer(s, { peerId: A, alias: 'laptop' }).state).toBe('trusted')
    expect(viewPeer(s, { peerId: B, alias: 'phone' }).state).toBe('known')
    expect(viewPeer(store(), { peerId: A }).state).toBe('new')
  })

  it('flags a known alias that comes back with another device id, ignoring case and spaces', () => {
    const s = store({ peerId: A, alias: 'Laptop', trusted: true })
    const view = viewPeer(s, { peerId: B, alias: ' laptop ' })
    expect(view).toMatchObject({ state: 'new', identityChanged: { alias: ' laptop ', known: [{ peerId: A, shortCode: shortCodeFor(A), trusted: true }] } })
    expect(identityWarning(view, { shortCode: shortCodeFor(B) })).toContain(`had the code ${shortCodeFor(A)} (trusted); this one has ${shortCodeFor(B)}`)
  })

  it('never flags a trusted device, nor one whose alias nobody else had', () => {
    const s = store({ peerId: A, alias: 'laptop', trusted: true }, { peerId: B, alias: 'laptop', trusted: true })
    expect(viewPeer(s, { peerId: B, alias: 'laptop' }).identityChanged).toBeUndefined()
    expect(viewPeer(s, { peerId: B, alias: 'desk' }).identityChanged).toBeUndefined()
  })

  it('auto-accepts only a trusted device that has an auto-accept folder, into that folder', () => {
    expect(decideOffer(viewPeer(store({ peerId: A, trusted: true, autoAcceptDir: '/srv/a' }), { peerId: A }), settings)).toEqual({ action: 'accept', dir: '/srv/a', why: 'auto-accept' })
    expect(decideOffer(viewPeer(store({ peerId: A, trusted: false, autoAcceptDir: '/srv/a' }), { peerId: A }), settings)).toEqual({ action: 'ask' })
    expect(decideOffer(viewPeer(store({ peerId: A, trusted: true }), { peerId: A }), settings)).toEqual({ action: 'ask' })
  })

  it('never auto-accepts a device flagged for an identity change, not even with --yes: asks on a terminal, else declines', () => {
    const view = viewPeer(store({ peerId: A, alias: 'laptop', trusted: true, autoAcceptDir: '/srv/a' }), { peerId: B, alias: 'laptop' })
    expect(decideOffer(view, { ...settings, yes: true })).toEqual({ action: 'decline', why: 'identity-changed' })
    expect(decideOffer(view, { ...settings, yes: true, interactive: true })).toEqual({ action: 'ask' })
  })

  it('lets --yes accept any other device into the default folder', () => {
    expect(decideOffer(viewPeer(store(), { peerId: A, alias: 'x' }), { ...settings, yes: true })).toEqual({ action: 'accept', dir: settings.dir, why: 'yes' })
  })
})
