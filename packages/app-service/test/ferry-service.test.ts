import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { DeviceInfo, HistoryEntry, OfferEvent, Transfer, TransferEvent } from '@ferry/api'
import { faultyTransport, type Faults } from '@ferry/p2p-core/testing'
import { nextEvent } from '@ferry/api/compliance'
import { offerFrom, startService, type TestService } from './helpers.ts'
import { MAX_ENDED_SHARES_KEPT } from '../src/shares.ts'

const open: TestService[] = []
afterEach(async () => { await Promise.all(open.splice(0).map(async (s) => { await s.close() })) })
const start = async (...args: Parameters<typeof startService>): Promise<TestService> => {
  const s = await startService(...args)
  open.push(s)
  return s
}

const completed = (id: string) => (e: TransferEvent): boolean => e.type === 'upsert' && e.transfer.id === id && e.transfer.status === 'completed'
const ended = (e: TransferEvent): boolean => e.type === 'upsert' && !['waiting', 'running'].includes(e.transfer.status)

describe('FerryService', () => {
  it('sends a file to a device added by address; the receiver accepts; both see it complete and record it', async () => {
    const a = await start()
    const b = await start()
    const offered = nextEvent<OfferEvent>((l) => b.service.onOffer(l), (e) => e.type === 'added')
    const file = join(a.dir, 'hello.txt')
    await writeFile(file, 'hello from A\n'.repeat(1000))

    const target = (await b.service.getState()).device
    const peer = await a.service.addPeerByAddress(`${target.addresses[0]?.host}:${target.addresses[0]?.port}/${target.peerId}`)
    expect(peer).toMatchObject({ id: target.peerId, trust: 'known', online: true })
    expect((await a.service.getState()).peers.map((p) => p.id)).toEqual([target.peerId])

    const { transferId } = await a.service.sendFiles(peer.id, [file])
    const offer = await offered
    if (offer.type !== 'added') throw new Error('unreachable')
    expect(offer.offer).toMatchObject({ from: { kind: 'device', id: (await a.service.getState()).device.peerId }, files: [{ path: 'hello.txt', size: 13_000 }], totalBytes: 13_000 })

    const aDone = nextEvent<TransferEvent>((l) => a.service.onTransfer(l), completed(transferId))
    const bDone = nextEvent<TransferEvent>((l) => b.service.onTransfer(l), completed(offer.offer.id))
    const aHistory = nextEvent<HistoryEntry>((l) => a.service.onHistory(l))
    const bHistory = nextEvent<HistoryEntry>((l) => b.service.onHistory(l))
    await b.service.respondToOffer(offer.offer.id, { accept: true })
    await Promise.all([aDone, bDone])

    expect(await readFile(join(b.downloads, 'hello.txt'), 'utf8')).toBe(await readFile(file, 'utf8'))
    expect(await aHistory).toMatchObject({ transferId, direction: 'sent', status: 'completed', totalBytes: 13_000 })
    expect(await bHistory).toMatchObject({ direction: 'received', status: 'completed', files: [{ path: 'hello.txt', size: 13_000, localPath: join(b.downloads, 'hello.txt') }] })
    const sent = (await a.service.getState()).transfers.find((t: Transfer) => t.id === transferId)
    expect(sent).toMatchObject({ status: 'completed', bytesDone: 13_000, files: [{ status: 'done' }] })
    expect((await b.service.getState()).history[0]).toMatchObject({ direction: 'received', status: 'completed' })
    // This host has no shell: it says so before anything else (issue-15-open-policy.test.ts covers what opens).
    await expect(a.service.openFile(file)).rejects.toMatchObject({ code: 'FERRY_ERR_API_UNSUPPORTED' })
  })

  it('reports progress per file on both sides: every file of a folder reaches its size and done through progress events', async () => {
    const a = await start()
    const b = await start()
    const folder = join(a.dir, 'album')
    await mkdir(join(folder, 'inner'), { recursive: true })
    const sizes: Record<string, number> = { 'album/big.bin': 3 * 1024 * 1024, 'album/inner/small.txt': 5_000, 'album/empty': 0 }
    for (const [path, size] of Object.entries(sizes)) await writeFile(join(a.dir, path), Buffer.alloc(size, 7))
    const perFile = (service: TestService['service']): Map<number, { bytesDone: number, status: string }> => {
      const seen = new Map<number, { bytesDone: number, status: string }>()
      service.onTransfer((e) => { if (e.type === 'progress') for (const f of e.progress.files ?? []) seen.set(f.id, f) })
      return seen
    }
    const sent = perFile(a.service)
    const received = perFile(b.service)
    const offered = nextEvent<OfferEvent>((l) => b.service.onOffer(l), (e) => e.type === 'added')
    const target = (await b.service.getState()).device
    await a.service.addPeerByAddress(`${target.addresses[0]?.host}:${target.addresses[0]?.port}/${target.peerId}`)
    const { transferId } = await a.service.sendFiles(target.peerId, [folder])
    const offer = await offered
    if (offer.type !== 'added') throw new Error('unreachable')
    const aDone = nextEvent<TransferEvent>((l) => a.service.onTransfer(l), completed(transferId))
    await b.service.respondToOffer(offer.offer.id, { accept: true })
    await aDone
    const expected = new Map(offer.offer.files.map((f) => [f.id, { id: f.id, bytesDone: sizes[f.path], status: 'done' }]))
    expect(expected.size).toBe(3)
    await expect.poll(() => received).toEqual(expected)
    expect(sent).toEqual(expected)
  })

  it('reconnects a send whose connection broke, and the receiver goes on without asking again, under the same id', async () => {
    const faults: Faults = { cutAfter: 2 * 1024 * 1024 }
    const a = await start({ wrapTransport: (t) => faultyTransport(t, faults), engineLimits: { reconnectBaseMs: 50 } })
    const b = await start()
    const file = join(a.dir, 'video.bin')
    await writeFile(file, Buffer.alloc(8 * 1024 * 1024, 3))
    const offers: OfferEvent[] = []
    b.service.onOffer((e) => {
      offers.push(e)
      if (e.type === 'added') void b.service.respondToOffer(e.offer.id, { accept: true })
    })
    const reconnecting: Array<Transfer['reconnecting']> = []
    a.service.onTransfer((e) => {
      // The link "comes back" as soon as the service says it is reconnecting.
      if (e.type === 'upsert' && e.transfer.reconnecting !== undefined) { reconnecting.push(e.transfer.reconnecting); delete faults.cutAfter }
    })
    const target = (await b.service.getState()).device
    await a.service.addPeerByAddress(`${target.addresses[0]?.host}:${target.addresses[0]?.port}/${target.peerId}`)
    const { transferId } = await a.service.sendFiles(target.peerId, [file])
    const bDone = nextEvent<TransferEvent>((l) => b.service.onTransfer(l), completed(transferId), 20_000)
    await nextEvent<TransferEvent>((l) => a.service.onTransfer(l), completed(transferId), 20_000)
    await bDone

    expect(reconnecting).toMatchObject([{ attempt: 1, of: 5 }])
    expect(offers.filter((e) => e.type === 'added')).toHaveLength(1)
    const sent = (await a.service.getState()).transfers.find((t) => t.id === transferId)
    expect(sent?.bytesResumed).toBeGreaterThan(0)
    expect(sent?.reconnecting).toBeUndefined()
    expect((await readFile(join(b.downloads, 'video.bin'))).equals(await readFile(file))).toBe(true)
  })

  it('cancels a running send on both sides, leaving no file, and Retry then delivers it under the same id', async () => {
    const faults: Faults = { writeDelayMs: 60 }
    const a = await start({ wrapTransport: (t) => faultyTransport(t, faults) })
    const b = await start()
    const file = join(a.dir, 'slow.bin')
    await writeFile(file, Buffer.alloc(16 * 1024 * 1024, 5))
    b.service.onOffer((e) => { if (e.type === 'added') void b.service.respondToOffer(e.offer.id, { accept: true }) })
    const target = (await b.service.getState()).device
    await a.service.addPeerByAddress(`${target.addresses[0]?.host}:${target.addresses[0]?.port}/${target.peerId}`)
    const running = nextEvent<TransferEvent>((l) => a.service.onTransfer(l), (e) => e.type === 'progress' && e.progress.bytesDone > 0)
    const { transferId } = await a.service.sendFiles(target.peerId, [file])
    await running
    const bCancelled = nextEvent<TransferEvent>((l) => b.service.onTransfer(l), (e) => e.type === 'upsert' && e.transfer.status === 'cancelled')
    await a.service.cancelTransfer(transferId)
    // Issue 15: each side says who cancelled.
    expect((await a.service.getState()).transfers.find((t) => t.id === transferId)).toMatchObject({ status: 'cancelled', canRetry: true, cancelledBy: 'here' })
    expect(await bCancelled).toMatchObject({ transfer: { id: transferId, cancelledBy: 'peer' } })
    expect(await readdir(b.downloads).catch(() => [])).toEqual([])

    delete faults.writeDelayMs
    const done = nextEvent<TransferEvent>((l) => a.service.onTransfer(l), completed(transferId), 20_000)
    await a.service.retryTransfer(transferId)
    await done
    expect((await readFile(join(b.downloads, 'slow.bin'))).equals(await readFile(file))).toBe(true)
    await expect(a.service.retryTransfer(transferId)).rejects.toMatchObject({ code: 'FERRY_ERR_API_INVALID_ARGUMENT' })
  })

  it('a declined offer ends the sender\'s transfer as declined and is recorded on both sides', async () => {
    const a = await start()
    const b = await start()
    const offered = nextEvent<OfferEvent>((l) => b.service.onOffer(l), (e) => e.type === 'added')
    const aEnded = nextEvent<TransferEvent>((l) => a.service.onTransfer(l), ended)
    await offerFrom(a.service, b.service, a.dir)
    const offer = await offered
    if (offer.type !== 'added') throw new Error('unreachable')
    await b.service.respondToOffer(offer.offer.id, { accept: false })
    const end = await aEnded
    expect(end.type === 'upsert' && end.transfer).toMatchObject({ status: 'declined', canRetry: false, error: { code: 'FERRY_ERR_PEER_DECLINED' } })
    expect((await b.service.getState()).history[0]).toMatchObject({ direction: 'received', status: 'declined' })
    await expect.poll(async () => (await a.service.getState()).history[0]?.status).toBe('declined')
  })

  it('says when an unanswered offer declines by itself, and drops it then as expired', async () => {
    const a = await start()
    const b = await start({ engineLimits: { answerTimeoutMs: 1_000 } })
    const offered = nextEvent<OfferEvent>((l) => b.service.onOffer(l), (e) => e.type === 'added')
    const expired = nextEvent<OfferEvent>((l) => b.service.onOffer(l), (e) => e.type === 'removed')
    const aEnded = nextEvent<TransferEvent>((l) => a.service.onTransfer(l), ended)
    await offerFrom(a.service, b.service, a.dir)
    const offer = await offered
    if (offer.type !== 'added') throw new Error('unreachable')
    expect(offer.offer.expiresAt).toBe(offer.offer.receivedAt + 1_000)
    expect(await expired).toEqual({ type: 'removed', offerId: offer.offer.id, reason: 'expired' })
    expect((await b.service.getState()).offers).toEqual([])
    const end = await aEnded
    expect(end.type === 'upsert' && [end.transfer.status, end.transfer.error?.code]).toEqual(['failed', 'FERRY_ERR_TIMEOUT'])
  })

  it('an offer from a trusted device is accepted without asking when settings say so', async () => {
    const a = await start()
    const b = await start()
    await b.service.updateSettings({ autoAcceptTrusted: true })
    const aId = (await a.service.getState()).device.peerId
    const offers: OfferEvent[] = []
    b.service.onOffer((e) => { if (e.type === 'added') offers.push(e) })
    // B first meets A through a declined offer, then trusts it.
    const first = nextEvent<OfferEvent>((l) => b.service.onOffer(l), (e) => e.type === 'added')
    await offerFrom(a.service, b.service, a.dir)
    const offer = await first
    if (offer.type !== 'added') throw new Error('unreachable')
    await b.service.respondToOffer(offer.offer.id, { accept: false })
    await b.service.setTrust(aId, 'trusted')
    offers.length = 0
    const done = nextEvent<TransferEvent>((l) => b.service.onTransfer(l), (e) => e.type === 'upsert' && e.transfer.status === 'completed')
    await offerFrom(a.service, b.service, a.dir)
    await done
    expect(offers).toEqual([])
    expect(await readFile(join(b.downloads, 'offered.txt'), 'utf8')).toBe('offered bytes')
  })

  it('renames the device at once: this device’s info and what another device sees when it adds it', async () => {
    const a = await start()
    const b = await start()
    const device = nextEvent<DeviceInfo>((l) => a.service.onDevice(l))
    await a.service.updateSettings({ alias: 'Attic', filesInFlight: 2 })
    expect(await device).toMatchObject({ alias: 'Attic' })
    const target = (await a.service.getState()).device
    const peer = await b.service.addPeerByAddress(`${target.addresses[0]?.host}:${target.addresses[0]?.port}/${target.peerId}`)
    expect(peer.alias).toBe('Attic')
  })

  it('keeps settings and history across a restart', async () => {
    const first = await startService()
    const dir = first.dir
    await first.service.updateSettings({ alias: 'Kitchen', filesInFlight: 8, autoAcceptTrusted: true })
    const peerId = (await first.service.getState()).device.peerId
    await first.service.close()
    const again = await start({}, dir)
    const state = await again.service.getState()
    expect(state.settings).toMatchObject({ alias: 'Kitchen', filesInFlight: 8, autoAcceptTrusted: true, port: 0 })
    expect(state.device).toMatchObject({ peerId, alias: 'Kitchen' })
    expect(JSON.parse(await readFile(join(dir, 'config', 'settings.json'), 'utf8'))).toMatchObject({ alias: 'Kitchen' })
  })

  it('a hand-broken settings file falls back to defaults for the broken values only', async () => {
    const first = await startService()
    await first.service.close()
    await writeFile(join(first.dir, 'config', 'settings.json'), JSON.stringify({ alias: 'Den', port: 'eighty', filesInFlight: 1000 }))
    const again = await start({}, first.dir)
    expect((await again.service.getState()).settings).toMatchObject({ alias: 'Den', port: 0, filesInFlight: 4 })
  })

  it('refuses invalid arguments before doing anything', async () => {
    const a = await start()
    const invalid = { code: 'FERRY_ERR_API_INVALID_ARGUMENT' }
    await expect(a.service.sendFiles('12D3KooWQfRrLy2C7Jc6c7GHcFyvYT5Ahu5k6xPoMBRfAb7XYXBR', [])).rejects.toMatchObject(invalid)
    await expect(a.service.sendFiles('12D3KooWQfRrLy2C7Jc6c7GHcFyvYT5Ahu5k6xPoMBRfAb7XYXBR', ['/a\0b'])).rejects.toMatchObject(invalid)
    await expect(a.service.sendText('12D3KooWQfRrLy2C7Jc6c7GHcFyvYT5Ahu5k6xPoMBRfAb7XYXBR', '   ')).rejects.toMatchObject(invalid)
    await expect(a.service.addPeerByAddress('x'.repeat(600))).rejects.toMatchObject(invalid)
    await expect(a.service.respondToOffer('../../etc', { accept: false })).rejects.toMatchObject(invalid)
    await expect(a.service.respondToOffer('ok-id', { accept: true, fileIds: [-1] })).rejects.toMatchObject(invalid)
    await expect(a.service.respondToOffer('ok-id', { accept: false, extra: 1 } as unknown as { accept: false })).rejects.toMatchObject(invalid)
    await expect(a.service.updateSettings({ downloadDir: 'relative' })).rejects.toMatchObject(invalid)
    await expect(a.service.updateSettings({ alias: '' })).rejects.toMatchObject(invalid)
    await expect(a.service.updateSettings({ filesInFlight: 65 })).rejects.toMatchObject(invalid)
    await expect(a.service.createShare({ paths: ['/tmp'], pin: 'yes', expiresInMs: 1000, allowUpload: false } as unknown as Parameters<typeof a.service.createShare>[0])).rejects.toMatchObject(invalid)
    await expect(a.service.setTrust('12D3KooWQfRrLy2C7Jc6c7GHcFyvYT5Ahu5k6xPoMBRfAb7XYXBR', 'trusted', 'yes' as unknown as boolean)).rejects.toMatchObject(invalid)
    expect((await a.service.getState()).settings).toMatchObject({ filesInFlight: 4 })
  })

  it('a host without dialogs or a shell says FERRY_ERR_API_UNSUPPORTED', async () => {
    const a = await start()
    await expect(a.service.pickFiles()).rejects.toMatchObject({ code: 'FERRY_ERR_API_UNSUPPORTED' })
    await expect(a.service.pickFolder()).rejects.toMatchObject({ code: 'FERRY_ERR_API_UNSUPPORTED' })
    await expect(a.service.openFile(join(a.downloads, 'x.txt'))).rejects.toMatchObject({ code: 'FERRY_ERR_API_UNSUPPORTED' })
  })

  it('creates and revokes a share link served on its own server', async () => {
    const a = await start()
    const file = join(a.dir, 'shared.txt')
    await writeFile(file, 'shared!')
    const share = await a.service.createShare({ paths: [file], pin: false, expiresInMs: 60_000, allowUpload: false })
    expect(share).toMatchObject({ name: 'shared.txt', status: 'active', files: [{ path: 'shared.txt', size: 7 }] })
    const url = share.urls[0] ?? ''
    expect((await fetch(url)).status).toBe(200)
    await a.service.revokeShare(share.id)
    expect((await a.service.getState()).shares[0]).toMatchObject({ id: share.id, status: 'revoked' })
    await expect(a.service.revokeShare('nope')).rejects.toMatchObject({ code: 'FERRY_ERR_API_NOT_FOUND' })
  })

  it('keeps the newest MAX_ENDED_SHARES_KEPT ended shares and drops older ones, saying so, while active ones all stay (issue 15)', async () => {
    const a = await start()
    const file = join(a.dir, 'shared.txt')
    await writeFile(file, 'shared!')
    const removed: string[] = []
    a.service.onShare((e) => { if (e.type === 'removed') removed.push(e.shareId) })
    const made = []
    for (let i = 0; i < MAX_ENDED_SHARES_KEPT + 5; i++) made.push(await a.service.createShare({ paths: [file], pin: false, expiresInMs: 60_000, allowUpload: false }))
    const active = await a.service.createShare({ paths: [file], pin: false, expiresInMs: 60_000, allowUpload: false })
    for (const share of made) await a.service.revokeShare(share.id)
    const kept = (await a.service.getState()).shares
    expect(kept.filter((s) => s.status === 'revoked')).toHaveLength(MAX_ENDED_SHARES_KEPT)
    expect(kept.some((s) => s.id === active.id && s.status === 'active')).toBe(true)
    await expect.poll(() => removed.length).toBe(5)
    for (const id of removed) expect(kept.map((s) => s.id)).not.toContain(id)
  })
})
