import { describe, expect, it } from 'vitest'
import { shortCodeFor } from '@ferry/p2p-core'
import { countHiddenPaths, decideOffer, describePeer, hiddenPathsWarning, identityWarning, isHiddenPath, offerFacts, viewPeer } from '../src/trust/trust-policy.ts'
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
    expect(view).toMatchObject({ state: 'new', identityChanged: { alias: ' laptop ', known: [{ peerId: A, shortCode: shortCodeFor(A), trusted: true, alias: 'Laptop' }] } })
    expect(identityWarning(view, { shortCode: shortCodeFor(B) }, (s) => s)).toContain(`looks like "Laptop" [${shortCodeFor(A)}, trusted], a device you know; this one has the code ${shortCodeFor(B)}`)
  })

  it('never flags a trusted device, nor one whose alias nobody else had', () => {
    const s = store({ peerId: A, alias: 'laptop', trusted: true }, { peerId: B, alias: 'laptop', trusted: true })
    expect(viewPeer(s, { peerId: B, alias: 'laptop' }).identityChanged).toBeUndefined()
    expect(viewPeer(s, { peerId: B, alias: 'desk' }).identityChanged).toBeUndefined()
  })

  it('flags a newcomer that took a known device\'s alias, never the device met before it (unless the newcomer is trusted)', () => {
    const s = store({ peerId: A, alias: 'nas', firstSeen: '2026-01-01T00:00:00.000Z' }, { peerId: B, alias: 'nas', firstSeen: '2026-02-01T00:00:00.000Z' })
    expect(viewPeer(s, { peerId: A, alias: 'nas' }).identityChanged).toBeUndefined()
    expect(viewPeer(s, { peerId: B, alias: 'nas' }).identityChanged).toMatchObject({ known: [{ peerId: A }] })
    const trustedLater = store({ peerId: A, alias: 'nas', firstSeen: '2026-01-01T00:00:00.000Z' }, { peerId: B, alias: 'nas', trusted: true, firstSeen: '2026-02-01T00:00:00.000Z' })
    expect(viewPeer(trustedLater, { peerId: A, alias: 'nas' }).identityChanged).toMatchObject({ known: [{ peerId: B, trusted: true }] })
  })

  const files = [{ path: 'photos/a.jpg' }]

  it('auto-accepts only a trusted device that has an auto-accept folder, into that folder', () => {
    expect(decideOffer(offerFacts(viewPeer(store({ peerId: A, trusted: true, autoAcceptDir: '/srv/a' }), { peerId: A }), files), settings)).toEqual({ action: 'accept', dir: '/srv/a', why: 'auto-accept' })
    expect(decideOffer(offerFacts(viewPeer(store({ peerId: A, trusted: false, autoAcceptDir: '/srv/a' }), { peerId: A }), files), settings)).toEqual({ action: 'ask' })
    expect(decideOffer(offerFacts(viewPeer(store({ peerId: A, trusted: true }), { peerId: A }), files), settings)).toEqual({ action: 'ask' })
  })

  it('never auto-accepts a device flagged for an identity change, not even with --yes: asks on a terminal, else declines', () => {
    const facts = offerFacts(viewPeer(store({ peerId: A, alias: 'laptop', trusted: true, autoAcceptDir: '/srv/a' }), { peerId: B, alias: 'laptop' }), files)
    expect(decideOffer(facts, { ...settings, yes: true })).toEqual({ action: 'decline', why: 'identity-changed' })
    expect(decideOffer(facts, { ...settings, yes: true, interactive: true })).toEqual({ action: 'ask', risk: 'identity-changed' })
  })

  // Issue 13: what a person would take for "nas" is "nas" here; none of these is accepted with --yes.
  it.each([
    ['a zero-width space', 'nas\u200B'],
    ['a Cyrillic а', 'n\u0430s'],
    ['fullwidth letters', '\uFF4E\uFF41\uFF53'],
    ['a right-to-left override', '\u202Enas'],
    ['a soft hyphen', 'na\u00ADs'],
    ['capitals', 'NAS'],
    ['Greek capitals', '\u039D\u0391S'],
    ['a word joiner and a variation selector', 'n\u2060as\uFE0F']
  ])('flags a look-alike of a known alias, with %s, as an identity change, and never accepts it with --yes (issue 13)', (_what, alias) => {
    const view = viewPeer(store({ peerId: A, alias: 'nas', trusted: true, autoAcceptDir: '/srv/nas' }), { peerId: B, alias })
    expect(view.identityChanged).toEqual({ alias, known: [{ peerId: A, shortCode: shortCodeFor(A), trusted: true, alias: 'nas' }] })
    expect(decideOffer(offerFacts(view, files), { ...settings, yes: true })).toEqual({ action: 'decline', why: 'identity-changed' })
  })

  it.each(['nas2', 'naś', 'n4s', 'mas', 'my nas'])('does not take %j for "nas" (issue 13)', (alias) => {
    expect(viewPeer(store({ peerId: A, alias: 'nas', trusted: true }), { peerId: B, alias }).identityChanged).toBeUndefined()
  })

  it('shows a look-alike\'s alias through the given escape, so its trick is visible (issue 13)', () => {
    const view = viewPeer(store({ peerId: A, alias: 'nas', trusted: true }), { peerId: B, alias: '\u202Enas' })
    const shown = (s: string): string => s.replace(/\u202E/g, '\\u202e')
    expect(identityWarning(view, { shortCode: shortCodeFor(B) }, shown)).toContain('this device calls itself "\\u202enas", which looks like "nas"')
    expect(describePeer({ alias: '\u202Enas', shortCode: shortCodeFor(B) }, view, shown)).toBe(`"\\u202enas" [${shortCodeFor(B)}], first contact, not trusted`)
  })

  it('lets --yes accept any other device into the default folder', () => {
    expect(decideOffer(offerFacts(viewPeer(store(), { peerId: A, alias: 'x' }), files), { ...settings, yes: true })).toEqual({ action: 'accept', dir: settings.dir, why: 'yes' })
  })

  it('never auto-accepts paths that create or enter hidden folders, from a trusted device or with --yes (issue 15)', () => {
    const hidden = [{ path: 'home/.ssh/authorized_keys' }, { path: 'a.txt' }]
    const trusted = offerFacts(viewPeer(store({ peerId: A, trusted: true, autoAcceptDir: '/home/me' }), { peerId: A }), hidden)
    expect(trusted.hiddenPaths).toBe(1)
    expect(decideOffer(trusted, { ...settings, yes: true })).toEqual({ action: 'decline', why: 'hidden-paths' })
    expect(decideOffer(trusted, { ...settings, interactive: true })).toEqual({ action: 'ask', risk: 'hidden-paths' })
    expect(decideOffer(offerFacts(viewPeer(store(), { peerId: A }), [{ path: '.bashrc' }]), { ...settings, yes: true })).toEqual({ action: 'decline', why: 'hidden-paths' })
  })

  it('calls a path hidden when any of its parts starts with a dot', () => {
    expect(['.ssh/authorized_keys', 'x/.config/autostart/a.desktop', '.bashrc', 'a/.b'].map(isHiddenPath)).toEqual([true, true, true, true])
    expect(['a.txt', 'photos/b.jpg', 'x./y', 'notes..txt'].map(isHiddenPath)).toEqual([false, false, false, false])
    expect(countHiddenPaths([{ path: '.a' }, { path: 'b' }, { path: 'c/.d' }])).toBe(2)
    expect(hiddenPathsWarning([{ path: 'b' }], (t) => t)).toBeUndefined()
    expect(hiddenPathsWarning([{ path: '.ssh/authorized_keys' }], (t) => t)).toMatch(/^WARNING: a path creates or enters a hidden folder or file \(\.ssh\/authorized_keys\)/)
  })
})
