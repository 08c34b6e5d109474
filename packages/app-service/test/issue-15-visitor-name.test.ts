// Issue 15: the share page asks a visitor for a name and then ignored it: the offer read "A browser at 10.x.x.x".
// Now the offer names the visitor as they typed it, with the address it came from (nothing proves a typed name),
// and carries the share it came through.

import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { uploadFiles } from '@ferry/http-share'
import type { OfferEvent } from '@ferry/api'
import { nextEvent } from '@ferry/api/compliance'
import { startService, type TestService } from './helpers.ts'

const open: TestService[] = []
afterEach(async () => { await Promise.all(open.splice(0).map(async (s) => { await s.close() })) })

describe('an upload offer through a share link (issue 15)', () => {
  it('names the visitor as typed on the page, with the browser\'s address and the share', async () => {
    const a = await startService()
    open.push(a)
    const shared = join(a.dir, 'shared.txt')
    await writeFile(shared, 'shared')
    const share = await a.service.createShare({ paths: [shared], pin: false, expiresInMs: 60_000, allowUpload: true })
    const upload = join(a.dir, 'from-sam.txt')
    await writeFile(upload, 'hello from Sam')

    const offered = nextEvent<OfferEvent>((l) => a.service.onOffer(l), (e) => e.type === 'added')
    const controller = new AbortController()
    const sending = uploadFiles(share.urls[0] as string, { files: [{ path: upload }], alias: 'Sam', signal: controller.signal }).catch(() => undefined)
    const event = await offered
    if (event.type !== 'added') throw new Error('unreachable')
    expect(event.offer.from).toEqual({ kind: 'browser', id: expect.stringMatching(/^127\.0\.0\.1:\d+$/), name: 'Sam (browser at 127.0.0.1)', shareId: share.id })
    await a.service.respondToOffer(event.offer.id, { accept: false })
    controller.abort()
    await sending
  })
})
