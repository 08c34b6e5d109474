// Issue 15, the service behind the UI's new steps: a folder browser for a page that cannot learn paths
// (listFolder, only where the host asks for it, bounded), finished transfers and history that can be cleared,
// messages whose text leaves History after a while, and devices that can be forgotten.

import { execFileSync } from 'node:child_process'
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { HistoryEntry, HistoryRemovedEvent, OfferEvent, Peer, TransferEvent } from '@ferry/api'
import { nextEvent } from '@ferry/api/compliance'
import { offerFrom, startService, type TestService } from './helpers.ts'

const open: TestService[] = []
afterEach(async () => { await Promise.all(open.splice(0).map(async (s) => { await s.close() })) })
const start = async (...args: Parameters<typeof startService>): Promise<TestService> => {
  const s = await startService(...args)
  open.push(s)
  return s
}

const addressOf = async (target: TestService): Promise<string> => {
  const device = (await target.service.getState()).device
  return `${device.addresses[0]?.host}:${device.addresses[0]?.port}/${device.peerId}`
}

describe('listFolder: the UI\'s own file browser (issue 15)', () => {
  it('lists names, kinds, sizes and links of one folder, folders first, hidden ones marked, with its parent and places', async () => {
    const a = await start({ browseFolders: true })
    const root = join(a.dir, 'pick')
    await mkdir(a.downloads, { recursive: true })
    await mkdir(join(root, 'Photos'), { recursive: true })
    await writeFile(join(root, 'b.txt'), 'bb')
    await writeFile(join(root, 'a10.txt'), 'a')
    await writeFile(join(root, 'a9.txt'), 'a')
    await writeFile(join(root, '.secret'), 'hidden')
    await symlink(join(root, 'Photos'), join(root, 'link-to-photos'))
    execFileSync('mkfifo', [join(root, 'pipe')])
    const listing = await a.service.listFolder(root)
    expect(listing).toMatchObject({ path: root, parent: a.dir, more: 0, separator: '/' })
    expect(listing.entries.map((e) => e.name)).toEqual(['Photos', '.secret', 'a9.txt', 'a10.txt', 'b.txt', 'link-to-photos', 'pipe'])
    expect(listing.entries.find((e) => e.name === 'pipe')).toEqual({ name: 'pipe', kind: 'other' })
    expect(listing.entries.find((e) => e.name === 'b.txt')).toMatchObject({ kind: 'file', size: 2, modifiedAt: expect.any(Number) })
    expect(listing.entries.find((e) => e.name === '.secret')).toMatchObject({ kind: 'file', hidden: true })
    expect(listing.entries.find((e) => e.name === 'link-to-photos')).toEqual({ name: 'link-to-photos', kind: 'folder', link: true })
    expect(listing.places).toContainEqual({ name: 'Ferry downloads', path: a.downloads })
    expect(listing.places.at(-1)).toEqual({ name: 'This computer (/)', path: '/' })
  })

  it('lists at most maxEntries and reads at most maxScanned names, and counts what it left out', async () => {
    const a = await start({ browseFolders: true, folderBrowserLimits: { maxEntries: 2, maxScanned: 4 } })
    const root = join(a.dir, 'many')
    await mkdir(root)
    for (let i = 0; i < 6; i++) await writeFile(join(root, `f${i}.txt`), '')
    const listing = await a.service.listFolder(root)
    expect(listing.entries).toHaveLength(2)
    expect(listing.more).toBe(2)
  })

  it('is unsupported on a host with native dialogs, and refuses relative or missing paths with typed errors', async () => {
    const native = await start()
    await expect(native.service.listFolder(native.dir)).rejects.toMatchObject({ code: 'FERRY_ERR_API_UNSUPPORTED' })
    const a = await start({ browseFolders: true })
    await expect(a.service.listFolder('relative/path')).rejects.toMatchObject({ code: 'FERRY_ERR_API_INVALID_ARGUMENT' })
    await expect(a.service.listFolder(join(a.dir, 'nope'))).rejects.toMatchObject({ code: 'FERRY_ERR_API_NOT_FOUND' })
    await writeFile(join(a.dir, 'file.txt'), 'x')
    await expect(a.service.listFolder(join(a.dir, 'file.txt'))).rejects.toMatchObject({ code: 'FERRY_ERR_API_NOT_FOUND' })
  })
})

describe('clearing what only grew (issue 15)', () => {
  it('dismisses ended transfers (never a running one) and deletes history entries, on disk too', async () => {
    const a = await start()
    const b = await start()
    const offered = nextEvent<OfferEvent>((l) => b.service.onOffer(l), (e) => e.type === 'added')
    const declined = nextEvent<TransferEvent>((l) => a.service.onTransfer(l), (e) => e.type === 'upsert' && e.transfer.status === 'declined')
    await offerFrom(a.service, b.service, a.dir)
    const offer = await offered
    if (offer.type !== 'added') throw new Error('unreachable')
    await b.service.respondToOffer(offer.offer.id, { accept: false })
    const ended = await declined
    if (ended.type !== 'upsert') throw new Error('unreachable')

    const removed = nextEvent<TransferEvent>((l) => a.service.onTransfer(l), (e) => e.type === 'removed')
    await a.service.dismissTransfers()
    expect(await removed).toEqual({ type: 'removed', transferIds: [ended.transfer.id] })
    expect((await a.service.getState()).transfers).toEqual([])

    await expect.poll(async () => (await b.service.getState()).history.length).toBe(1)
    const entry = (await b.service.getState()).history[0] as HistoryEntry
    const cleared = nextEvent<HistoryRemovedEvent>((l) => b.service.onHistoryRemoved(l))
    await b.service.clearHistory([entry.id])
    expect(await cleared).toEqual({ entryIds: [entry.id] })
    expect((await b.service.getState()).history).toEqual([])
    await b.service.close()
    expect(JSON.parse(await readFile(join(b.dir, 'config', 'history.json'), 'utf8'))).toEqual([])
    await expect(a.service.clearHistory(['../x'])).rejects.toMatchObject({ code: 'FERRY_ERR_API_INVALID_ARGUMENT' })
  })

  it('keeps a message\'s text in History only for textRetentionMs, then the entry stays without it, on disk too', async () => {
    const a = await start({ textRetentionMs: 400 })
    const b = await start({ textRetentionMs: 400 })
    b.service.onOffer((e) => { if (e.type === 'added') void b.service.respondToOffer(e.offer.id, { accept: true }) })
    const peer = await a.service.addPeerByAddress(await addressOf(b))
    const recorded = nextEvent<HistoryEntry>((l) => a.service.onHistory(l), (e) => e.text !== undefined)
    const gone = nextEvent<HistoryEntry>((l) => a.service.onHistory(l), (e) => e.textRemoved === true, 10_000)
    await a.service.sendText(peer.id, 'the wifi password is hunter2')
    const first = await recorded
    expect(first.textExpiresAt).toBe(first.at + 400)
    const after = await gone
    expect(after).toMatchObject({ id: first.id, status: 'completed', textRemoved: true })
    expect(after.text).toBeUndefined()
    await a.service.close()
    expect(await readFile(join(a.dir, 'config', 'history.json'), 'utf8')).not.toContain('hunter2')
  })
})

describe('removing a device (issue 15)', () => {
  it('forgets a device: off the list and out of devices.json, and an unknown id is not found', async () => {
    const a = await start()
    const b = await start()
    const peer = await a.service.addPeerByAddress(await addressOf(b))
    await a.service.setTrust(peer.id, 'trusted')
    const listed = nextEvent<Peer[]>((l) => a.service.onPeers(l), (peers) => peers.every((p) => p.id !== peer.id))
    await a.service.removePeer(peer.id)
    await listed
    expect((await a.service.getState()).peers).toEqual([])
    await a.service.close()
    expect(await readFile(join(a.dir, 'config', 'devices.json'), 'utf8')).not.toContain(peer.id)
    const c = await start()
    await expect(c.service.removePeer(peer.id)).rejects.toMatchObject({ code: 'FERRY_ERR_API_NOT_FOUND' })
  })
})
