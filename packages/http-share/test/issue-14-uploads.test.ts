// Issue 14, uploads: a socket that never offers anything is closed after offerTimeoutMs (so silent sockets cannot
// hold every upload slot), what the browser is told of a failure never names a folder of this computer, and the
// folders an upload made are removed again when it fails and leaves them empty.

import { randomBytes } from 'node:crypto'
import { mkdir, readdir, stat, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { upgradeStatus } from './helpers/raw-socket.ts'
import { blake3Of } from './helpers/share-fixture.ts'
import { startUploadShare, type UploadShare } from './helpers/upload-share.ts'

let up: UploadShare

async function exists (path: string): Promise<boolean> {
  return await stat(path).then(() => true, () => false)
}

async function until (what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

afterEach(async () => { await up.close() })

describe('issue 14: an upload socket that sends no offer', () => {
  it('is closed with FERRY_ERR_TIMEOUT after offerTimeoutMs, and its slot is free again', async () => {
    up = await startUploadShare({ limits: { offerTimeoutMs: 300, maxSocketsPerIp: 2 } })
    const silent = [await up.raw(), await up.raw()]
    expect(await upgradeStatus(up.url)).toEqual({ status: 503, code: 'FERRY_ERR_SHARE_TOO_MANY_CONNECTIONS' })
    for (const socket of silent) {
      expect(await socket.next('error')).toMatchObject({ code: 'FERRY_ERR_TIMEOUT' })
      await socket.closed
    }
    await until('the slots are free', async () => (await upgradeStatus(up.url)).status === 101)
  })

  it('is not closed once it has offered, while the app decides', async () => {
    up = await startUploadShare({ limits: { offerTimeoutMs: 200 } })
    const socket = await up.raw()
    await socket.next('hello')
    const offered = up.nextOffer()
    socket.send({ type: 'offer', files: [{ path: 'a.txt', size: 1, lastModified: 0 }] })
    const offer = await offered
    await new Promise((resolve) => setTimeout(resolve, 600))
    expect(offer.withdrawn.aborted).toBe(false)
    expect(socket.messages.map((m) => m.type)).toEqual(['hello', 'waiting'])
  })
})

describe('issue 14: what the browser is told of a failure', () => {
  it('never names a folder of this computer', async () => {
    up = await startUploadShare()
    const socket = await up.raw()
    await socket.next('hello')
    const offered = up.nextOffer()
    socket.send({ type: 'offer', files: [{ path: 'a.txt', size: 1, lastModified: 0 }] })
    // The destination lies under a file, so it cannot be made: the error on this computer names the folder.
    const result = (await offered).respond({ accept: true, dir: join(up.fx.dir, 'shared.txt', 'inbox') })
    await expect(result).rejects.toMatchObject({ code: 'FERRY_ERR_DISK', message: expect.stringContaining(up.fx.dir) })
    const error = await socket.next('error')
    expect(error.code).toBe('FERRY_ERR_DISK')
    expect(error.message).not.toContain(up.fx.dir)
    expect(error.message).not.toMatch(/\/tmp|ENOTDIR|inbox/)
  })
})

describe('issue 14: folders made for a failed upload', () => {
  it('are removed when the upload fails and leaves them empty, and folders that were there before stay', async () => {
    up = await startUploadShare()
    const inbox = up.inbox
    await mkdir(join(inbox, 'kept'), { recursive: true })
    const socket = await up.raw()
    await socket.next('hello')
    const offered = up.nextOffer()
    socket.send({ type: 'offer', files: [{ path: 'made/deeper/big.bin', size: 10 * 1024 * 1024, lastModified: 0 }, { path: 'kept/new/x.bin', size: 10, lastModified: 0 }] })
    const result = (await offered).respond({ accept: true, dir: inbox })
    result.catch(() => {})
    await socket.next('answer')
    socket.send({ type: 'file', id: 0 })
    socket.ws.send(randomBytes(256 * 1024))
    await socket.next('ack')
    expect(await exists(join(inbox, 'made/deeper'))).toBe(true)
    socket.ws.terminate()
    await expect(result).rejects.toMatchObject({ code: 'FERRY_ERR_CONNECTION_LOST' })
    await until('the made folders are removed', async () => !(await exists(join(inbox, 'made'))))
    expect(await readdir(inbox)).toEqual(['kept'])
  })

  it('are kept when they hold a file the upload saved before it failed', async () => {
    up = await startUploadShare()
    const inbox = up.inbox
    const socket = await up.raw()
    await socket.next('hello')
    const offered = up.nextOffer()
    const saved = Buffer.from('saved')
    socket.send({ type: 'offer', files: [{ path: 'album/one.txt', size: saved.length, lastModified: 0 }, { path: 'album/two.bin', size: 1024 * 1024, lastModified: 0 }] })
    const result = (await offered).respond({ accept: true, dir: inbox })
    result.catch(() => {})
    await socket.next('answer')
    socket.send({ type: 'file', id: 0 })
    socket.ws.send(saved)
    socket.send({ type: 'file-end', id: 0, blake3: await blake3Of(saved) })
    await socket.next('verified')
    socket.send({ type: 'file', id: 1 })
    socket.ws.send(randomBytes(1024))
    await socket.next('ack')
    socket.ws.terminate()
    await expect(result).rejects.toMatchObject({ code: 'FERRY_ERR_CONNECTION_LOST' })
    await until('the partial is removed', async () => (await readdir(join(inbox, 'album'))).length === 1)
    expect(await readdir(join(inbox, 'album'))).toEqual(['one.txt'])
  })
})

describe('issue 14: the destination of an upload', () => {
  it('is never written through a folder link already in it, and the browser is not told where it leads', async () => {
    up = await startUploadShare()
    const outside = join(up.fx.dir, 'outside')
    await mkdir(outside)
    await mkdir(up.inbox)
    await symlink(outside, join(up.inbox, 'linked'))
    const socket = await up.raw()
    await socket.next('hello')
    const offered = up.nextOffer()
    socket.send({ type: 'offer', files: [{ path: 'linked/x.txt', size: 1, lastModified: 0 }] })
    const result = (await offered).respond({ accept: true, dir: up.inbox })
    result.catch(() => {})
    await expect(result).rejects.toMatchObject({ code: 'FERRY_ERR_UNSAFE_PATH' })
    const error = await socket.next('error')
    expect(error.code).toBe('FERRY_ERR_UNSAFE_PATH')
    expect(error.message).not.toContain(up.fx.dir)
    expect(error.message).not.toContain('outside')
    expect((await socket.closed).code).toBe(1011)
    expect(await readdir(outside)).toEqual([])
  })
})
