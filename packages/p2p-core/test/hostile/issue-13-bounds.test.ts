// Issue 13: bounds across all peers, not only per peer (peer ids cost nothing to make). Tested with tiny limits:
// connections open at once, offers waiting for a decision, and the bytes of offered paths, per offer and held by all
// offers together. Past a bound a peer is told FERRY_ERR_BUSY (or FERRY_ERR_OFFER_TOO_LARGE for one offer's paths)
// before anything is allocated for it, and the receiver serves again once room is made.

import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FerryNode, IncomingOffer, SendResult } from '../../src/index.ts'
import { writeTree } from '../helpers/files.ts'
import { createFixture, type Fixture } from '../helpers/nodes.ts'

let fx: Fixture
beforeEach(async () => { fx = await createFixture() })
afterEach(async () => { await fx.cleanup() })

async function codeOf (promise: Promise<unknown>): Promise<string> {
  return await promise.then(() => 'resolved', (err: unknown) => String((err as { code?: unknown }).code))
}

/** A folder of `count` files whose paths take about `pathBytes` each. */
async function folder (name: string, count: number, pathBytes = 40): Promise<string> {
  const src = join(fx.dir, 'src', name)
  const files: Record<string, string> = {}
  for (let i = 0; i < count; i++) files[`f${i}-${'x'.repeat(Math.max(1, pathBytes - name.length - 8))}`] = String(i)
  await writeTree(src, files)
  return src
}

/** Collects the offers `node` is asked about, leaving them undecided. */
function offersOf (node: FerryNode): IncomingOffer[] {
  const offers: IncomingOffer[] = []
  node.on('offer', (offer) => { offers.push(offer) })
  return offers
}

async function until (check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25))
  if (!check()) throw new Error('the condition never held')
}

function sendFrom (sender: FerryNode, receiver: FerryNode, src: string): Promise<SendResult> {
  const sent = sender.send({ address: receiver.address, paths: [src], reconnect: false })
  sent.catch(() => {})
  return sent
}

describe('issue 13: bounds across all peers', () => {
  it('refuses an offer whose paths take more than maxOfferPathBytes with FERRY_ERR_OFFER_TOO_LARGE, asking nobody', async () => {
    const receiver = await fx.node({ limits: { maxOfferPathBytes: 1_000 } })
    const offers = offersOf(receiver)
    const src = await folder('long', 30, 60)
    expect(await codeOf(sendFrom(await fx.node(), receiver, src))).toBe('FERRY_ERR_OFFER_TOO_LARGE')
    expect(offers).toEqual([])
  })

  it('tells a peer FERRY_ERR_BUSY past maxPendingOffers undecided offers from all peers, and asks again once one is decided', async () => {
    const receiver = await fx.node({ limits: { maxPendingOffers: 2 } })
    const offers = offersOf(receiver)
    const src = await folder('album', 2)
    const waiting = [sendFrom(await fx.node(), receiver, src), sendFrom(await fx.node(), receiver, src)]
    await until(() => offers.length === 2)
    expect(await codeOf(sendFrom(await fx.node(), receiver, src))).toBe('FERRY_ERR_BUSY')
    // Declining one (whichever arrived first) makes room: the next offer is asked about.
    void offers[0]?.respond({ accept: false })
    expect(await Promise.race(waiting.map(codeOf))).toBe('FERRY_ERR_PEER_DECLINED')
    waiting.push(sendFrom(await fx.node(), receiver, src))
    await until(() => offers.length === 3)
    void offers[1]?.respond({ accept: false })
    void offers[2]?.respond({ accept: false })
    expect(await Promise.all(waiting.map(codeOf))).toEqual(['FERRY_ERR_PEER_DECLINED', 'FERRY_ERR_PEER_DECLINED', 'FERRY_ERR_PEER_DECLINED'])
  })

  it('tells a peer FERRY_ERR_BUSY when offers from all peers already hold maxHeldPathBytes of paths', async () => {
    const receiver = await fx.node({ limits: { maxHeldPathBytes: 1_500 } })
    const offers = offersOf(receiver)
    const src = await folder('photos', 20, 50) // about 1,000 bytes of paths
    const first = sendFrom(await fx.node(), receiver, src)
    await until(() => offers.length === 1)
    expect(await codeOf(sendFrom(await fx.node(), receiver, src))).toBe('FERRY_ERR_BUSY')
    void offers[0]?.respond({ accept: false })
    expect(await codeOf(first)).toBe('FERRY_ERR_PEER_DECLINED')
    // The first offer's paths were given back: the same offer is asked about now.
    const again = sendFrom(await fx.node(), receiver, src)
    await until(() => offers.length === 2)
    void offers[1]?.respond({ accept: false })
    expect(await codeOf(again)).toBe('FERRY_ERR_PEER_DECLINED')
  })

  it('tells a peer FERRY_ERR_BUSY past maxConnections open from all peers, and serves again once one closes', async () => {
    const receiver = await fx.node({ limits: { maxConnections: 2 } })
    const offers = offersOf(receiver)
    const src = await folder('docs', 1)
    const first = sendFrom(await fx.node(), receiver, src)
    const second = sendFrom(await fx.node(), receiver, src)
    await until(() => offers.length === 2)
    expect(await codeOf(sendFrom(await fx.node(), receiver, src))).toBe('FERRY_ERR_BUSY')
    void offers[0]?.respond({ accept: false })
    void offers[1]?.respond({ accept: false })
    await Promise.allSettled([first, second])
    const dest = join(fx.dir, 'dest')
    receiver.removeAllListeners('offer')
    receiver.on('offer', (offer) => { void offer.respond({ accept: true, dir: dest }).catch(() => {}) })
    // The two connections close as their sessions end; then a new one is served.
    let sent: SendResult | undefined
    for (let i = 0; i < 20 && sent === undefined; i++) {
      sent = await sendFrom(await fx.node(), receiver, src).catch(async (err: { code?: string }) => {
        if (err.code !== 'FERRY_ERR_BUSY') throw err
        await new Promise((resolve) => setTimeout(resolve, 250))
        return undefined
      })
    }
    expect(sent?.files).toBe(1)
  })
})
