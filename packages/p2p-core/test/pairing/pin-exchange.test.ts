import { describe, expect, it } from 'vitest'
import { PairingGuard } from '../../src/pairing/pairing-guard.ts'
import { PIN_PATTERN, generatePin, proofsEqual, startPinExchange } from '../../src/pairing/pin-exchange.ts'

const ids = { sender: '12D3KooWJBfA6L6Xj7XRHdEkvnHGUACi2HPvWqvzgzfKVt82f6sm', receiver: '12D3KooWK4EV64KXZCWanXwDDusareB4a5b7yQDsP1JbsZwMkXUk' }

function run (senderPin: string, receiverPin: string, pairIds = ids): { sender: { receiver: string, sender: string }, receiver: { receiver: string, sender: string } } {
  const s = startPinExchange(senderPin, pairIds, 'sender')
  const r = startPinExchange(receiverPin, pairIds, 'receiver')
  return { sender: s.proofs(r.publicKey), receiver: r.proofs(s.publicKey) }
}

describe('the PIN exchange', () => {
  it('gives both sides the same proofs when they hold the same PIN', () => {
    const { sender, receiver } = run('123456', '123456')
    expect(proofsEqual(sender.receiver, receiver.receiver)).toBe(true)
    expect(proofsEqual(sender.sender, receiver.sender)).toBe(true)
  })

  it('gives different proofs for a PIN one digit off', () => {
    const { sender, receiver } = run('123456', '123457')
    expect(proofsEqual(sender.receiver, receiver.receiver)).toBe(false)
    expect(proofsEqual(sender.sender, receiver.sender)).toBe(false)
  })

  it('binds the proofs to both device ids: the same PIN between other devices does not match', () => {
    const s = startPinExchange('123456', ids, 'sender')
    const r = startPinExchange('123456', { sender: ids.receiver, receiver: ids.sender }, 'receiver')
    expect(proofsEqual(s.proofs(r.publicKey).receiver, r.proofs(s.publicKey).receiver)).toBe(false)
  })

  it('sends a fresh 256-byte public value each time, never the PIN', () => {
    const a = startPinExchange('123456', ids, 'sender')
    const b = startPinExchange('123456', ids, 'sender')
    expect(a.publicKey).toMatch(/^[0-9a-f]{512}$/)
    expect(a.publicKey).not.toBe(b.publicKey)
  })

  it('refuses degenerate public values (0, 1, p - 1) that would fix the shared key', () => {
    const r = startPinExchange('123456', ids, 'receiver')
    expect(() => r.proofs('0'.repeat(512))).toThrow(RangeError)
    expect(() => r.proofs(`${'0'.repeat(511)}1`)).toThrow(RangeError)
    expect(() => r.proofs('f'.repeat(512))).toThrow(RangeError)
  })

  it('makes 6-digit PINs', () => {
    for (let i = 0; i < 100; i++) expect(generatePin()).toMatch(PIN_PATTERN)
  })
})

describe('the pairing guard', () => {
  const limits = { pairingMaxFailuresPerPeer: 5, pairingMaxFailuresTotal: 20, pairingLockoutMs: 60_000 }

  it('lets a peer try 5 wrong PINs, then makes it wait until the first is pairingLockoutMs old', () => {
    const clock = { now: 0 }
    const guard = new PairingGuard(limits, () => clock.now)
    for (let i = 0; i < 5; i++) {
      expect(() => { guard.check('p') }).not.toThrow()
      guard.attempt('p')
      clock.now += 1_000
    }
    expect(() => { guard.check('p') }).toThrow(expect.objectContaining({ code: 'FERRY_ERR_PAIRING_RATE_LIMITED' }))
    expect(() => { guard.check('other') }).not.toThrow()
    clock.now = 59_500
    expect(() => { guard.check('p') }).toThrow(/try again in 1 s/)
    clock.now = 60_001
    expect(() => { guard.check('p') }).not.toThrow()
  })

  it('does not count an attempt that succeeded', () => {
    const guard = new PairingGuard(limits, () => 0)
    for (let i = 0; i < 10; i++) {
      guard.check('p')
      guard.attempt('p')()
    }
    expect(() => { guard.check('p') }).not.toThrow()
  })

  it('pauses pairing for everyone after pairingMaxFailuresTotal failures from many ids (ids cost nothing to make)', () => {
    const guard = new PairingGuard({ ...limits, pairingMaxFailuresTotal: 3 }, () => 0)
    for (const id of ['a', 'b', 'c']) guard.attempt(id)
    expect(() => { guard.check('fresh') }).toThrow(expect.objectContaining({ code: 'FERRY_ERR_PAIRING_RATE_LIMITED' }))
  })
})
