// Issue 15: openFile and showInFolder run the host's opener only for what Ferry itself recorded. Moving the download
// folder (a setting the page may change) opens nothing new; a file Ferry sent is shown in its folder, never opened;
// a received program is never run from Ferry; a received file swapped for a link is no longer opened.

import { mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { HistoryEntry, OfferEvent } from '@ferry/api'
import { nextEvent } from '@ferry/api/compliance'
import { startService, type TestService } from './helpers.ts'

const open: TestService[] = []
afterEach(async () => { await Promise.all(open.splice(0).map(async (s) => { await s.close() })) })

/** A service whose shell hooks only record what they were asked to run. */
async function recording (): Promise<{ svc: TestService, launched: string[] }> {
  const launched: string[] = []
  const svc = await startService({ openPath: async (p) => { launched.push(`open ${p}`) }, showInFolder: async (p) => { launched.push(`show ${p}`) } })
  open.push(svc)
  return { svc, launched }
}

/** `from` sends `files` to `to`, which accepts; resolves with both history entries once both are written. */
async function transfer (from: TestService, to: TestService, files: string[]): Promise<{ sent: HistoryEntry, received: HistoryEntry }> {
  const target = (await to.service.getState()).device
  const address = target.addresses[0]
  await from.service.addPeerByAddress(`${address?.host}:${address?.port}/${target.peerId}`)
  const offered = nextEvent<OfferEvent>((l) => to.service.onOffer(l), (e) => e.type === 'added')
  const sent = nextEvent<HistoryEntry>((l) => from.service.onHistory(l))
  const received = nextEvent<HistoryEntry>((l) => to.service.onHistory(l))
  await from.service.sendFiles(target.peerId, files)
  const offer = await offered
  if (offer.type !== 'added') throw new Error('unreachable')
  await to.service.respondToOffer(offer.offer.id, { accept: true })
  return { sent: await sent, received: await received }
}

describe('opening files from the UI (issue 15)', () => {
  it('opens a received file and shows its folder; moving the download folder to / opens nothing else', async () => {
    const a = await recording()
    const b = await recording()
    const source = join(a.svc.dir, 'report & ^ %PATH%.txt')
    await writeFile(source, 'report')
    const { received } = await transfer(a.svc, b.svc, [source])
    const saved = received.files[0]?.localPath as string
    expect(saved).toBe(join(b.svc.downloads, 'report & ^ %PATH%.txt'))

    await b.svc.service.openFile(saved)
    await b.svc.service.showInFolder(saved)
    expect(b.launched).toEqual([`open ${saved}`, `show ${saved}`])

    await b.svc.service.updateSettings({ downloadDir: '/' })
    for (const outside of ['/usr/bin/xterm', '/etc/passwd', join(b.svc.downloads, 'other.txt'), join(b.svc.downloads, '..', 'evil.desktop')]) {
      await expect(b.svc.service.openFile(outside)).rejects.toMatchObject({ code: 'FERRY_ERR_API_NOT_FOUND' })
    }
    await expect(b.svc.service.showInFolder('/root/.ssh/id_rsa')).rejects.toMatchObject({ code: 'FERRY_ERR_API_NOT_FOUND' })
    expect(b.launched).toHaveLength(2)
  })

  it('shows a sent file in its folder but never opens it', async () => {
    const a = await recording()
    const b = await recording()
    const source = join(a.svc.dir, 'mine.txt')
    await writeFile(source, 'mine')
    await transfer(a.svc, b.svc, [source])
    await expect(a.svc.service.openFile(source)).rejects.toMatchObject({ code: 'FERRY_ERR_API_NOT_OPENABLE' })
    await a.svc.service.showInFolder(source)
    expect(a.launched).toEqual([`show ${source}`])
  })

  it('never runs a received program, and does not open a received file replaced by a link', async () => {
    const a = await recording()
    const b = await recording()
    await mkdir(join(a.svc.dir, 'out'))
    const launcher = join(a.svc.dir, 'out', 'start.desktop')
    const plain = join(a.svc.dir, 'out', 'plain.txt')
    await writeFile(launcher, '[Desktop Entry]\nExec=xterm\n')
    await writeFile(plain, 'plain')
    const { received } = await transfer(a.svc, b.svc, [launcher, plain])
    const [savedLauncher, savedPlain] = ['start.desktop', 'plain.txt'].map((name) => received.files.find((f) => f.path === name)?.localPath as string)
    await expect(b.svc.service.openFile(savedLauncher as string)).rejects.toMatchObject({ code: 'FERRY_ERR_API_NOT_OPENABLE' })
    await b.svc.service.showInFolder(savedLauncher as string)
    await rm(savedPlain as string)
    await symlink('/etc/passwd', savedPlain as string)
    await expect(b.svc.service.openFile(savedPlain as string)).rejects.toMatchObject({ code: 'FERRY_ERR_API_NOT_FOUND' })
    expect(b.launched).toEqual([`show ${savedLauncher}`])
  })
})
