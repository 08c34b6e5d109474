import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PairingFailedError, PairingRateLimitedError, type FerryError, type FerryNode, type RemotePeer, type Transport } from '../../src/index.ts'
import { decodeFrameBody } from '../../src/protocol/frames.ts'
import { createFixture, type Fixture } from '../helpers/nodes.ts'

let fx: Fixture
beforeEach(async () => { fx = await createFixture() })
afterEach(async () => { await fx.cleanup() })

function pairingEvents (node: FerryNode): { paired: RemotePeer[], failed: FerryError[] } {
  const seen = { paired: [] as RemotePeer[], failed: [] as FerryError[] }
  node.on('paired', ({ peer }) => { seen.paired.push(peer) })
  node.on('pairing-failed', ({ error }) => { seen.failed.push(error) })
  return seen
}

/** Records every frame the wrapped transport's control streams write (the first 4 bytes of each are the length). */
function recordingTransport (inner: Transport, frames: Array<Record<string, unknown>>): Transport {
  return {
    ...inner,
    peerId: inner.peerId,
    listen: inner.listen.bind(inner),
    close: inner.close.bind(inner),
    async dial (address, options) {
      const connection = await inner.dial(address, options)
      return {
        ...connection,
        remotePeerId: connection.remotePeerId,
        remoteAddress: connection.remoteAddress,
        closed: connection.closed,
        acceptStream: connection.acceptStream.bind(connection),
        close: connection.close.bind(connection),
        async openStream () {
          const stream = await connection.openStream()
          return {
            ...stream,
            async write (data) {
              let at = 0
              while (at + 4 <= data.byteLength) {
                const length = new DataView(data.buffer, data.byteOffset + at).getUint32(0)
                frames.push(decodeFrameBody(data.subarray(at + 4, at + 4 + length)))
                at += 4 + length
              }
              await stream.write(data)
            }
          }
        }
      }
    }
  }
}

describe('pairing with a PIN', () => {
  it('pairs with the right PIN: both sides learn who the other is', async () => {
    const receiver = await fx.node({ alias: 'desk' })
    const sender = await fx.node({ alias: 'laptop' })
    const seen = pairingEvents(receiver)
    receiver.setPairingPin('482915')
    const result = await sender.pair({ address: receiver.address, peerId: receiver.peerId, pin: '482915' })
    expect(result).toEqual({ peerId: receiver.peerId, shortCode: receiver.shortCode, alias: 'desk', deviceType: 'desktop' })
    expect(seen.paired).toEqual([expect.objectContaining({ peerId: sender.peerId, shortCode: sender.shortCode, alias: 'laptop' })])
    expect(seen.failed).toEqual([])
  })

  it('refuses a wrong PIN on both sides with FERRY_ERR_PAIRING_FAILED', async () => {
    const receiver = await fx.node()
    const sender = await fx.node()
    const seen = pairingEvents(receiver)
    receiver.setPairingPin('482915')
    await expect(sender.pair({ address: receiver.address, pin: '482916' })).rejects.toBeInstanceOf(PairingFailedError)
    // The receiver's event may come a moment after the sender has its answer.
    await expect.poll(() => seen.failed.map((e) => e.code)).toEqual(['FERRY_ERR_PAIRING_FAILED'])
    expect(seen.paired).toEqual([])
  })

  it('refuses pairing while the receiving app shows no PIN', async () => {
    const receiver = await fx.node()
    const sender = await fx.node()
    await expect(sender.pair({ address: receiver.address, pin: '000000' })).rejects.toThrow(/not pairing now/)
  })

  it('makes a peer wait after 5 wrong PINs, even when it then types the right one, and lets it in after the lockout', async () => {
    // Each exchange costs a few hundred ms of group checking, more on a busy machine: the lockout must outlast five.
    const lockoutMs = 8_000
    const receiver = await fx.node({ limits: { pairingLockoutMs: lockoutMs } })
    const sender = await fx.node()
    receiver.setPairingPin('482915')
    let firstFailedBy = 0
    for (let i = 0; i < 5; i++) {
      await expect(sender.pair({ address: receiver.address, pin: `00000${i}` })).rejects.toBeInstanceOf(PairingFailedError)
      if (i === 0) firstFailedBy = performance.now()
    }
    await expect(sender.pair({ address: receiver.address, pin: '482915' })).rejects.toBeInstanceOf(PairingRateLimitedError)
    const other = await fx.node()
    await expect(other.pair({ address: receiver.address, pin: '482915' })).resolves.toMatchObject({ peerId: receiver.peerId })
    // The wait runs from the first of the five failures, which the receiver counted before our first call returned.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstFailedBy + lockoutMs + 100 - performance.now())))
    await expect(sender.pair({ address: receiver.address, pin: '482915' })).resolves.toMatchObject({ peerId: receiver.peerId })
  })

  it('pauses pairing for everyone after pairingMaxFailuresTotal wrong PINs from fresh identities', async () => {
    const receiver = await fx.node({ limits: { pairingMaxFailuresTotal: 3 } })
    receiver.setPairingPin('482915')
    for (let i = 0; i < 3; i++) {
      const guesser = await fx.node()
      await expect(guesser.pair({ address: receiver.address, pin: '111111' })).rejects.toBeInstanceOf(PairingFailedError)
    }
    const honest = await fx.node()
    await expect(honest.pair({ address: receiver.address, pin: '482915' })).rejects.toBeInstanceOf(PairingRateLimitedError)
  })

  it('never puts the PIN on the wire: the sender sends hello, its public value and a proof', async () => {
    const receiver = await fx.node()
    const frames: Array<Record<string, unknown>> = []
    const sender = await fx.node({ wrap: (t) => recordingTransport(t, frames) })
    receiver.setPairingPin('482915')
    await sender.pair({ address: receiver.address, pin: '482915' })
    expect(frames.map((f) => Object.keys(f).sort().join(','))).toEqual([
      'alias,deviceType,protocol,transferId,type', 'key,type', 'proof,type'
    ])
    expect(frames.map((f) => f.type)).toEqual(['hello', 'pair-request', 'pair-confirm'])
  })

  it('does not show its proof to a receiver that could not prove the PIN first', async () => {
    const receiver = await fx.node()
    const frames: Array<Record<string, unknown>> = []
    const sender = await fx.node({ wrap: (t) => recordingTransport(t, frames) })
    receiver.setPairingPin('482915')
    await expect(sender.pair({ address: receiver.address, pin: '111111' })).rejects.toBeInstanceOf(PairingFailedError)
    expect(frames.map((f) => f.type)).toEqual(['hello', 'pair-request', 'error'])
  })

  it('refuses a malformed PIN before dialling', async () => {
    const receiver = await fx.node()
    const sender = await fx.node()
    await expect(sender.pair({ address: receiver.address, pin: '12345' })).rejects.toBeInstanceOf(PairingFailedError)
    expect(() => { receiver.setPairingPin('abcdef') }).toThrow(RangeError)
  })

  it('answers a ping with its alias and device type, proving its id', async () => {
    const receiver = await fx.node({ alias: 'nas' })
    const sender = await fx.node()
    expect(await sender.ping({ address: receiver.address, peerId: receiver.peerId })).toMatchObject({ peerId: receiver.peerId, alias: 'nas', deviceType: 'desktop' })
  })
})
