// The service's peer list behind the UI: devices the user dealt with are remembered in devices.json (the same file
// the `ferry` commands use), probed directly so they show online and offline without mDNS, and the user's trust
// and auto-accept outlive a restart. A new key under a remembered alias is flagged and never let in unasked.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { OfferEvent, Peer, TransferEvent } from '@ferry/api'
import { DEVICES_FILE, type DeviceRecord } from '../src/index.ts'
import { nextEvent } from '@ferry/api/compliance'
import { offerFrom, startService, type TestService } from './helpers.ts'

const quick = { probeIntervalMs: 150, probeTimeoutMs: 500, peerTtlMs: 1_000, probeBackoffMaxMs: 300, mdnsQueryIntervalMs: 500 }
const open: TestService[] = []
const dirs: string[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map(async (s) => { await s.close() }))
  await Promise.all(dirs.splice(0).map(async (d) => { await rm(d, { recursive: true, force: true }) }))
})

/** A service in a folder that outlives it, so a restart finds its config again. */
async function startIn (dir: string, init: Parameters<typeof startService>[0] = {}): Promise<TestService> {
  const s = await startService({ discoveryTuning: quick, ...init }, dir)
  open.push(s)
  return s
}
async function folder (alias?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-peers-'))
  dirs.push(dir)
  if (alias !== undefined) {
    await mkdir(join(dir, 'config'), { recursive: true })
    await writeFile(join(dir, 'config', 'settings.json'), JSON.stringify({ alias }))
  }
  return dir
}
async function stop (s: TestService): Promise<void> {
  open.splice(open.indexOf(s), 1)
  await s.close()
}
async function addressOf (s: TestService): Promise<string> {
  const device = (await s.service.getState()).device
  return `${device.addresses[0]?.host}:${device.addresses[0]?.port}/${device.peerId}`
}
async function peerIn (s: TestService, id: string): Promise<Peer | undefined> {
  return (await s.service.getState()).peers.find((p) => p.id === id)
}
async function devicesFile (s: TestService): Promise<DeviceRecord[]> {
  return (JSON.parse(await readFile(join(s.dir, 'config', DEVICES_FILE), 'utf8')) as { devices: DeviceRecord[] }).devices
}
const added = (e: OfferEvent): boolean => e.type === 'added'

describe('the service’s devices', () => {
  it('remembers a device added by address across a restart, as known, and shows it online once a probe reaches it', async () => {
    const aDir = await folder()
    const b = await startIn(await folder())
    let a = await startIn(aDir)
    const peer = await a.service.addPeerByAddress(await addressOf(b))
    expect(peer).toMatchObject({ trust: 'known', online: true })
    await expect.poll(async () => (await devicesFile(a)).map((d) => d.peerId)).toEqual([peer.id])
    await stop(a)

    a = await startIn(aDir)
    expect(await peerIn(a, peer.id)).toMatchObject({ trust: 'known', addresses: peer.addresses })
    await expect.poll(async () => (await peerIn(a, peer.id))?.online, { timeout: 5_000 }).toBe(true)
  })

  it('sends to the address a device was last reached at: one that came back on another port and was added again', async () => {
    const bDir = await folder()
    const b = await startIn(bDir)
    const a = await startIn(await folder())
    const first = await a.service.addPeerByAddress(await addressOf(b))
    await stop(b)
    const back = await startIn(bDir)
    const again = await a.service.addPeerByAddress(await addressOf(back))
    expect(again.addresses[0]).not.toEqual(first.addresses[0])
    expect(again.addresses).toEqual([...again.addresses.slice(0, 1), ...first.addresses])
    const offered = nextEvent<OfferEvent>((l) => back.service.onOffer(l), added)
    const file = join(a.dir, 'note.txt')
    await writeFile(file, 'hello again')
    await a.service.sendFiles(again.id, [file])
    expect(await offered).toMatchObject({ offer: { files: [{ path: 'note.txt' }] } })
  })

  it('shows a device offline once it stops answering, and online again when it is back on its port', async () => {
    const bDir = await folder()
    const b = await startIn(bDir)
    const a = await startIn(await folder())
    const peer = await a.service.addPeerByAddress(await addressOf(b))
    const port = peer.addresses[0]?.port
    await stop(b)
    await expect.poll(async () => (await peerIn(a, peer.id))?.online, { timeout: 5_000 }).toBe(false)

    await startIn(bDir, { listen: { host: '127.0.0.1', ...(port === undefined ? {} : { port }) } })
    await expect.poll(async () => (await peerIn(a, peer.id))?.online, { timeout: 5_000 }).toBe(true)
  })

  it('keeps trust and auto-accept across a restart: the trusted device’s next offer lands without asking', async () => {
    const bDir = await folder()
    const a = await startIn(await folder())
    let b = await startIn(bDir)
    const aPeer = await b.service.addPeerByAddress(await addressOf(a))
    expect(await b.service.setTrust(aPeer.id, 'trusted', true)).toMatchObject({ trust: 'trusted', autoAccept: true })
    expect(await devicesFile(b)).toEqual([expect.objectContaining({ peerId: aPeer.id, trusted: true, autoAcceptDir: b.downloads })])
    await stop(b)

    b = await startIn(bDir)
    expect(await peerIn(b, aPeer.id)).toMatchObject({ trust: 'trusted', autoAccept: true })
    const offers: OfferEvent[] = []
    b.service.onOffer((e) => { offers.push(e) })
    const done = nextEvent<TransferEvent>((l) => b.service.onTransfer(l), (e) => e.type === 'upsert' && e.transfer.status === 'completed')
    await offerFrom(a.service, b.service, a.dir)
    await done
    expect(offers).toEqual([])
    expect(await readFile(join(b.downloads, 'offered.txt'), 'utf8')).toBe('offered bytes')
  })

  it('forgets a device set back to unknown: gone from devices.json, and its next offer is asked about again', async () => {
    const a = await startIn(await folder())
    const b = await startIn(await folder())
    const aPeer = await b.service.addPeerByAddress(await addressOf(a))
    await b.service.setTrust(aPeer.id, 'trusted', true)
    expect(await b.service.setTrust(aPeer.id, 'unknown')).toMatchObject({ trust: 'unknown', autoAccept: false })
    expect(await devicesFile(b)).toEqual([])

    const offered = nextEvent<OfferEvent>((l) => b.service.onOffer(l), added)
    await offerFrom(a.service, b.service, a.dir)
    expect(await offered).toMatchObject({ offer: { from: { id: aPeer.id }, trust: 'unknown' } })
  })

  it('flags a new device using the alias of a trusted one, and asks about its offer instead of auto-accepting', async () => {
    const laptop = await startIn(await folder('Laptop'))
    const b = await startIn(await folder())
    const real = await b.service.addPeerByAddress(await addressOf(laptop))
    await b.service.setTrust(real.id, 'trusted', true)
    const impostor = await startIn(await folder('Laptop'))
    const impostorId = (await impostor.service.getState()).device.peerId

    const offered = nextEvent<OfferEvent>((l) => b.service.onOffer(l), added)
    await offerFrom(impostor.service, b.service, impostor.dir)
    expect(await offered).toMatchObject({ offer: { from: { id: impostorId, name: 'Laptop' }, trust: 'unknown', identityChanged: true } })
    expect(await peerIn(b, impostorId)).toMatchObject({ alias: 'Laptop', identityChanged: true, trust: 'unknown' })
    expect(await peerIn(b, real.id)).toMatchObject({ trust: 'trusted', identityChanged: false })

    // The user looked at it and said it is known: the flag goes, and stays gone while the alias is still shared.
    await b.service.setTrust(impostorId, 'known')
    expect(await peerIn(b, impostorId)).toMatchObject({ identityChanged: false, trust: 'known' })
  })

  it.each([['a Cyrillic а', 'L\u0430ptop'], ['fullwidth letters and a zero-width space', '\uFF2C\uFF41ptop\u200B']])(
    'flags a new device whose alias looks like a trusted one\'s, with %s, and asks instead of auto-accepting (issue 13)', async (_what, alias) => {
      const laptop = await startIn(await folder('Laptop'))
      const b = await startIn(await folder())
      await b.service.updateSettings({ autoAcceptTrusted: true })
      const real = await b.service.addPeerByAddress(await addressOf(laptop))
      await b.service.setTrust(real.id, 'trusted', true)
      const impostor = await startIn(await folder(alias))
      const impostorId = (await impostor.service.getState()).device.peerId

      const offered = nextEvent<OfferEvent>((l) => b.service.onOffer(l), added)
      await offerFrom(impostor.service, b.service, impostor.dir)
      expect(await offered).toMatchObject({ offer: { from: { id: impostorId, name: alias }, trust: 'unknown', identityChanged: true } })
      expect(await peerIn(b, impostorId)).toMatchObject({ alias, identityChanged: true, trust: 'unknown' })
      expect((await b.service.getState()).transfers).toEqual([])
    })
})
