import { execFileSync } from 'node:child_process'
import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { OfferEvent } from '@ferry/api'
import { nextEvent } from '@ferry/api/compliance'
import { offerFrom, startService, type TestService } from './helpers.ts'

const open: TestService[] = []
afterEach(async () => { await Promise.all(open.splice(0).map(async (s) => { await s.close() })) })

describe('red team: the download folder setting', () => {
  it('refuses a file, a device or a link to nowhere as the download folder and keeps the folder it had', async () => {
    const a = await startService()
    open.push(a)
    const before = (await a.service.getState()).settings.downloadDir
    const file = join(a.dir, 'a-file')
    await writeFile(file, 'x')
    const dangling = join(a.dir, 'dangling')
    await symlink(join(a.dir, 'nowhere'), dangling)
    for (const downloadDir of [file, '/dev/null', dangling, join(file, 'below')]) {
      await expect(a.service.updateSettings({ downloadDir }), downloadDir).rejects.toMatchObject({ code: 'FERRY_ERR_API_INVALID_ARGUMENT' })
    }
    expect((await a.service.getState()).settings.downloadDir).toBe(before)
  })

  it('still takes a folder, a link to a folder, and a folder not made yet (created on the first receive)', async () => {
    const a = await startService()
    open.push(a)
    const folder = join(a.dir, 'folder')
    await mkdir(folder)
    const link = join(a.dir, 'link')
    await symlink(folder, link)
    for (const downloadDir of [folder, link, join(a.dir, 'not', 'yet')]) {
      expect((await a.service.updateSettings({ downloadDir })).downloadDir).toBe(downloadDir)
    }
  })
})

const canMount = process.getuid?.() === 0
describe('the download folder on a read-only disk', () => {
  it.skipIf(!canMount)(`refuses a folder not made yet that could never be made, where the disk is read-only${canMount ? '' : ' (skipped: mounting needs root)'}`, async () => {
    const a = await startService()
    open.push(a)
    const readOnly = join(a.dir, 'read-only')
    await mkdir(readOnly)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', readOnly])
    try {
      // Before: taken, and every offer accepted after that failed with FERRY_ERR_DISK.
      await expect(a.service.updateSettings({ downloadDir: join(readOnly, 'Ferry') })).rejects.toMatchObject({ code: 'FERRY_ERR_API_INVALID_ARGUMENT' })
    } finally {
      execFileSync('umount', ['-l', readOnly])
    }
  })
})

describe('red team: answering an offer', () => {
  it('refuses file ids the offer does not have, and the offer stays to be answered', async () => {
    const a = await startService()
    const b = await startService()
    open.push(a, b)
    const offered = nextEvent<OfferEvent>((l) => b.service.onOffer(l), (e) => e.type === 'added')
    await offerFrom(a.service, b.service, a.dir)
    const event = await offered
    if (event.type !== 'added') throw new Error('unreachable')
    const offer = event.offer
    for (const fileIds of [[99], [0, 99], [2 ** 52]]) {
      await expect(b.service.respondToOffer(offer.id, { accept: true, fileIds }), JSON.stringify(fileIds)).rejects.toMatchObject({ code: 'FERRY_ERR_API_INVALID_ARGUMENT' })
    }
    expect((await b.service.getState()).offers.map((o) => o.id)).toEqual([offer.id])
    await b.service.respondToOffer(offer.id, { accept: false })
  })
})
