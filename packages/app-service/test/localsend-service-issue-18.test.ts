// Issue 18 in the app layer: a LocalSend device (the test peer, written from the spec) that registers with Ferry
// appears among the peers as `localsend:FINGERPRINT` with its alias and device type; a send to it goes over
// LocalSend's protocol, and its offer comes through the same offer list and is accepted like any other.

import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { OfferEvent, Peer, TransferEvent } from '@ferry/api'
import { nextEvent } from '@ferry/api/compliance'
import { startService, type TestService } from './helpers.ts'
import { peerCertificate } from '../../localsend/test/peer/certificate.ts'
import { call, peerInfo, prepareUpload, upload } from '../../localsend/test/peer/peer-client.ts'
import { startPeerServer, type PeerServer } from '../../localsend/test/peer/peer-server.ts'

const open: Array<{ close: () => Promise<void> }> = []
afterEach(async () => { for (const o of open.splice(0).reverse()) await o.close() })

async function service (): Promise<TestService> {
  const s = await startService({ localsend: { port: 0, host: '127.0.0.1', discovery: false } })
  open.push(s)
  return s
}

async function peer (): Promise<PeerServer> {
  const p = await startPeerServer({ protocol: 'https' })
  open.push(p)
  return p
}

describe('LocalSend devices in the app (issue 18)', () => {
  it('a LocalSend device that registers is a peer; a file sent to it arrives; the one it sends back is offered and accepted', async () => {
    const s = await service()
    const receiver = await peer()
    const info = s.service.localSendInfo()
    if (info === undefined) throw new Error('LocalSend did not start')
    const target = { host: '127.0.0.1', port: info.port, protocol: info.protocol }
    const peerId = `localsend:${peerCertificate().fingerprint}`

    const appeared = nextEvent<Peer[]>((l) => s.service.onPeers(l), (peers) => peers.some((p) => p.id === peerId))
    const registered = await call(target, 'POST', '/api/localsend/v2/register', { body: JSON.stringify(peerInfo('https', receiver.port)) })
    expect(registered.json()).toMatchObject({ fingerprint: info.fingerprint, deviceModel: 'Ferry' })
    await appeared
    expect((await s.service.getState()).peers.find((p) => p.id === peerId)).toMatchObject({ alias: 'Test Peer', deviceType: 'server', model: 'Conformance', online: true, addresses: [{ host: '127.0.0.1', port: receiver.port }] })

    const file = join(s.dir, 'to-localsend.txt')
    await writeFile(file, 'over LocalSend')
    const { transferId } = await s.service.sendFiles(peerId, [file])
    await nextEvent<TransferEvent>((l) => s.service.onTransfer(l), (e) => e.type === 'upsert' && e.transfer.id === transferId && e.transfer.status === 'completed')
    expect(receiver.received.get('to-localsend.txt')?.toString()).toBe('over LocalSend')

    const offered = nextEvent<OfferEvent>((l) => s.service.onOffer(l), (e) => e.type === 'added')
    const prepared = prepareUpload(target, [{ fileName: 'from-localsend.txt', data: Buffer.from('back again') }])
    const offer = await offered
    if (offer.type !== 'added') throw new Error('unreachable')
    expect(offer.offer).toMatchObject({ from: { kind: 'device', id: peerId, name: 'Test Peer' }, files: [{ path: 'from-localsend.txt', size: 10 }] })
    const done = nextEvent<TransferEvent>((l) => s.service.onTransfer(l), (e) => e.type === 'upsert' && e.transfer.id === offer.offer.id && e.transfer.status === 'completed')
    await s.service.respondToOffer(offer.offer.id, { accept: true })
    const answer = await prepared
    const { sessionId, files } = answer.json() as { sessionId: string, files: Record<string, string> }
    expect((await upload(target, sessionId, answer.ids[0] as string, files[answer.ids[0] as string] as string, Buffer.from('back again'))).status).toBe(200)
    await done
    expect(await readFile(join(s.downloads, 'from-localsend.txt'), 'utf8')).toBe('back again')
  })

  it('a declined LocalSend offer is answered 403, and a send the device declines ends as declined', async () => {
    const s = await service()
    const info = s.service.localSendInfo()
    if (info === undefined) throw new Error('LocalSend did not start')
    const target = { host: '127.0.0.1', port: info.port, protocol: info.protocol }
    const offered = nextEvent<OfferEvent>((l) => s.service.onOffer(l), (e) => e.type === 'added')
    const prepared = prepareUpload(target, [{ fileName: 'x.txt', data: Buffer.from('x') }])
    const offer = await offered
    if (offer.type !== 'added') throw new Error('unreachable')
    await s.service.respondToOffer(offer.offer.id, { accept: false })
    expect((await prepared).status).toBe(403)

    const declining = await startPeerServer({ protocol: 'https', decide: () => 'decline' })
    open.push(declining)
    await call(target, 'POST', '/api/localsend/v2/register', { body: JSON.stringify(peerInfo('https', declining.port)) })
    const file = join(s.dir, 'no.txt')
    await writeFile(file, 'no')
    const { transferId } = await s.service.sendFiles(`localsend:${peerCertificate().fingerprint}`, [file])
    await nextEvent<TransferEvent>((l) => s.service.onTransfer(l), (e) => e.type === 'upsert' && e.transfer.id === transferId && e.transfer.status === 'declined')
  })
})
