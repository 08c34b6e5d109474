// Red team: an offer whose sender goes away while the app decides. IncomingOffer.withdrawn is "aborted when the
// sender withdraws the offer before it was answered"; an app (the CLI's question, the UI's offer dialog) waits on it
// to take the question down. Written from docs/protocol.md only: the frames below are typed by hand.

import { afterEach, describe, expect, it } from 'vitest'
import {
  FerryNode, PROTOCOL_ID, createQuicTransport, generateIdentity, type FerryConnection, type FerryStream,
  type IncomingOffer, type Transport
} from '../../src/index.ts'

function frame (body: object): Uint8Array {
  const json = Buffer.from(JSON.stringify(body), 'utf8')
  const out = Buffer.alloc(4 + json.length)
  out.writeUInt32BE(json.length, 0)
  json.copy(out, 4)
  return out
}

let receiver: FerryNode | undefined
let sender: Transport | undefined
afterEach(async () => {
  await receiver?.close()
  await sender?.close()
  receiver = undefined
  sender = undefined
})

/** A hand-written sender whose one-file offer has reached the receiver's app, undecided. */
async function undecidedOffer (): Promise<{ offer: IncomingOffer, connection: FerryConnection, control: FerryStream }> {
  receiver = await FerryNode.create({ identity: await generateIdentity(), listen: { host: '127.0.0.1', port: 0 } })
  const offered = new Promise<IncomingOffer>((resolve) => { receiver?.once('offer', resolve) })
  sender = await createQuicTransport({ identity: await generateIdentity() })
  const connection = await sender.dial(receiver.address, { expectedPeerId: receiver.peerId })
  const control = await connection.openStream()
  await control.write(frame({ type: 'hello', protocol: PROTOCOL_ID, transferId: 'redteam-withdrawn' }))
  await control.write(frame({ type: 'offer', fileCount: 1, totalBytes: 3 }))
  await control.write(frame({ type: 'offer-files', files: [{ id: 0, path: 'a.txt', size: 3, mtimeMs: 0 }] }))
  const offer = await offered
  return { offer, connection, control }
}

async function abortedWithin (signal: AbortSignal, ms: number): Promise<boolean> {
  if (signal.aborted) return true
  return await new Promise((resolve) => {
    const timer = setTimeout(() => { resolve(false) }, ms)
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(true) }, { once: true })
  })
}

describe('red team: an undecided offer whose sender goes away is withdrawn', () => {
  it('fires withdrawn when the sender ends its control stream before the answer', async () => {
    const { offer, control } = await undecidedOffer()
    await control.finish()
    expect(await abortedWithin(offer.withdrawn, 5_000)).toBe(true)
  })

  it('fires withdrawn when the sender sends an error frame before the answer', async () => {
    const { offer, control } = await undecidedOffer()
    await control.write(frame({ type: 'error', code: 'FERRY_ERR_SOURCE_CHANGED', message: 'a.txt changed' }))
    expect(await abortedWithin(offer.withdrawn, 5_000)).toBe(true)
  })

  it('fires withdrawn when the sender closes its connection before the answer', async () => {
    const { offer, connection } = await undecidedOffer()
    connection.close()
    expect(await abortedWithin(offer.withdrawn, 10_000)).toBe(true)
  })
})
