// Issue 13 through the app's send: the app lists a send with p2p-core's walker (the sender's own), so links inside a
// sent folder are left out unless the followLinks setting is on, and the transfer says what was left out and why.

import { execFileSync } from 'node:child_process'
import { mkdir, stat, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { OfferEvent, Transfer } from '@ferry/api'
import { nextEvent } from '@ferry/api/compliance'
import { startService, type TestService } from './helpers.ts'

const open: TestService[] = []
afterEach(async () => { await Promise.all(open.splice(0).map(async (s) => { await s.close() })) })

async function pair (): Promise<{ a: TestService, b: TestService, peerId: string }> {
  const a = await startService()
  const b = await startService()
  open.push(a, b)
  const target = (await b.service.getState()).device
  const peer = await a.service.addPeerByAddress(`${target.addresses[0]?.host}:${target.addresses[0]?.port}/${target.peerId}`)
  return { a, b, peerId: peer.id }
}

/** Sends `paths` from a; resolves with the offer b sees (declined at once) and a's transfer as listed. */
async function offered (s: { a: TestService, b: TestService, peerId: string }, paths: string[]): Promise<{ files: string[], sent: Transfer }> {
  const next = nextEvent<OfferEvent>((l) => s.b.service.onOffer(l), (e) => e.type === 'added')
  const { transferId } = await s.a.service.sendFiles(s.peerId, paths)
  const offer = await next
  if (offer.type !== 'added') throw new Error('unreachable')
  await s.b.service.respondToOffer(offer.offer.id, { accept: false })
  const sent = (await s.a.service.getState()).transfers.find((t) => t.id === transferId)
  if (sent === undefined) throw new Error('no transfer')
  return { files: offer.offer.files.map((f) => f.path).sort(), sent }
}

describe('the app\'s send of a folder with links in it (issue 13)', () => {
  it('offers no link and no fifo, and lists both in the transfer with why; with followLinks on it offers the linked file', async () => {
    const s = await pair()
    const album = join(s.a.dir, 'album')
    await mkdir(album)
    await writeFile(join(album, 'photo.jpg'), 'pixels')
    await symlink('/etc/passwd', join(album, 'passwd'))
    execFileSync('mkfifo', [join(album, 'pipe')])

    const plain = await offered(s, [album])
    expect(plain.files).toEqual(['album/photo.jpg'])
    expect(plain.sent).toMatchObject({ fileCount: 1, totalBytes: 6, skippedCount: 2 })
    expect(plain.sent.skipped).toEqual([
      { path: 'album/passwd', localPath: join(album, 'passwd'), reason: 'symlink', detail: '-> /etc/passwd' },
      { path: 'album/pipe', localPath: join(album, 'pipe'), reason: 'fifo' }
    ])

    await s.a.service.updateSettings({ followLinks: true })
    const followed = await offered(s, [album])
    expect(followed.files).toEqual(['album/passwd', 'album/photo.jpg'])
    expect(followed.sent).toMatchObject({ fileCount: 2, totalBytes: 6 + (await stat('/etc/passwd')).size, skippedCount: 1 })
    expect(followed.sent.skipped).toEqual([{ path: 'album/pipe', localPath: join(album, 'pipe'), reason: 'fifo' }])
  })
})
