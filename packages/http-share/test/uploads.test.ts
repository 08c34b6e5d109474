// Issue 4, uploads: a browser's files arrive over the share's WebSocket, are offered to the app exactly like a peer's
// offer, land only after size and BLAKE3 match, and every WebSocket limit closes the socket the way the issue says.

import { randomBytes } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { UploadDeclinedError, uploadFiles, type ShareInfo, type ShareOffer } from '../src/index.ts'
import { openRaw, socketUrl, upgradeStatus, type RawSocket } from './helpers/raw-socket.ts'
import { blake3Of, type Fixture } from './helpers/share-fixture.ts'
import { startUploadShare, type UploadShare } from './helpers/upload-share.ts'

let up: UploadShare
let fx: Fixture
let share: ShareInfo
let url: string
let inbox: string

async function setup (options: Parameters<typeof startUploadShare>[0] = {}): Promise<void> {
  up = await startUploadShare(options)
  ;({ fx, share, url, inbox } = up)
}

async function raw (headers?: Record<string, string>): Promise<RawSocket> {
  return await up.raw(headers)
}

async function nextOffer (): Promise<ShareOffer> {
  return await up.nextOffer()
}

/** The promise, with a handler attached now so a rejection before the test awaits it is not "unhandled". */
function observed<T> (promise: Promise<T>): Promise<T> {
  promise.catch(() => {})
  return promise
}

/** Every name under the inbox, partials included. */
async function inboxNames (): Promise<string[]> {
  return await readdir(inbox, { recursive: true }).catch(() => [])
}

afterEach(async () => { await up.close() })

describe('an upload from the page', () => {
  beforeEach(async () => { await setup() })

  it('is offered to the app like a peer\'s offer, and nothing is written before the app accepts', async () => {
    const a = await fx.file('out/photo.jpg', randomBytes(700 * 1024))
    const b = await fx.file('out/notes.txt', 'notes')
    const offered = nextOffer()
    const upload = uploadFiles(url, { files: [{ path: a }, { path: b }], alias: 'Ana\'s phone' })
    const offer = await offered
    expect(offer).toMatchObject({
      shareId: share.id,
      from: { peerId: 'browser:127.0.0.1', shortCode: '', alias: 'Ana\'s phone', address: { host: '127.0.0.1' } },
      files: [{ id: 0, path: 'photo.jpg', size: 700 * 1024 }, { id: 1, path: 'notes.txt', size: 5 }],
      totalBytes: 700 * 1024 + 5
    })
    expect(offer.transferId).toMatch(/^[A-Za-z0-9_-]{16}$/)
    expect(offer.withdrawn.aborted).toBe(false)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await inboxNames()).toEqual([])

    const result = await offer.respond({ accept: true, dir: inbox })
    expect(result.status).toBe('completed')
    expect(result.files.map((f) => f.path)).toEqual(['photo.jpg', 'notes.txt'])
    expect(result.bytesReceived).toBe(700 * 1024 + 5)
    const sent = await upload
    expect(sent.files.map((f) => f.savedAs)).toEqual(['photo.jpg', 'notes.txt'])
    expect(await readFile(join(inbox, 'photo.jpg'))).toEqual(await readFile(a))
    expect(result.files[0]?.blake3).toBe(await blake3Of(await readFile(a)))
    expect((await inboxNames()).sort()).toEqual(['notes.txt', 'photo.jpg'])
  })

  it('saves a second file of the same name as "name (1).ext", never over the first', async () => {
    const a = await fx.file('out/report.pdf', 'first')
    fx.server.on('offer', (offer) => { void offer.respond({ accept: true, dir: inbox }) })
    await uploadFiles(url, { files: [{ path: a }] })
    await fx.file('out/report.pdf', 'second')
    const second = await uploadFiles(url, { files: [{ path: a }] })
    expect(second.files[0]?.savedAs).toBe('report (1).pdf')
    expect((await readFile(join(inbox, 'report.pdf'))).toString()).toBe('first')
    expect((await readFile(join(inbox, 'report (1).pdf'))).toString()).toBe('second')
  })

  it('sends an empty file and a file of exactly one frame, one byte more and one byte less', async () => {
    const sizes = [0, 1, 256 * 1024 - 1, 256 * 1024, 256 * 1024 + 1, 1024 * 1024 + 3]
    const paths = await Promise.all(sizes.map(async (n, i) => await fx.file(`out/f${i}.bin`, randomBytes(n))))
    fx.server.on('offer', (offer) => { void offer.respond({ accept: true, dir: inbox }) })
    await uploadFiles(url, { files: paths.map((path) => ({ path })) })
    for (const [i, path] of paths.entries()) expect(await readFile(join(inbox, `f${i}.bin`))).toEqual(await readFile(path))
  })

  it('takes only the files the app chose', async () => {
    const a = await fx.file('out/a.txt', 'a')
    const b = await fx.file('out/b.txt', 'b')
    fx.server.on('offer', (offer) => { void offer.respond({ accept: true, dir: inbox, files: [1] }) })
    const sent = await uploadFiles(url, { files: [{ path: a }, { path: b }] })
    expect(sent.files.map((f) => f.savedAs)).toEqual(['b.txt'])
    expect(await inboxNames()).toEqual(['b.txt'])
  })

  it('tells the browser when the app declines, and writes nothing', async () => {
    const a = await fx.file('out/a.txt', 'a')
    fx.server.on('offer', (offer) => { void offer.respond({ accept: false }).then((r) => { expect(r.status).toBe('declined') }) })
    await expect(uploadFiles(url, { files: [{ path: a }] })).rejects.toBeInstanceOf(UploadDeclinedError)
    expect(await inboxNames()).toEqual([])
  })

  it('is declined when the app does not listen for offers', async () => {
    const a = await fx.file('out/a.txt', 'a')
    await expect(uploadFiles(url, { files: [{ path: a }] })).rejects.toMatchObject({ code: 'FERRY_ERR_SHARE_UPLOAD_DECLINED' })
  })

  it('withdraws the offer when the browser leaves before the answer', async () => {
    const socket = await raw()
    await socket.next('hello')
    const offered = nextOffer()
    socket.send({ type: 'offer', files: [{ path: 'a.txt', size: 1, lastModified: 0 }] })
    const offer = await offered
    socket.ws.close()
    await new Promise<void>((resolve) => { offer.withdrawn.addEventListener('abort', () => { resolve() }) })
    await expect(offer.respond({ accept: true, dir: inbox })).rejects.toMatchObject({ code: 'FERRY_ERR_CONNECTION_LOST' })
  })

  it('refuses a file whose BLAKE3 does not match, and leaves neither file nor partial', async () => {
    const socket = await raw()
    await socket.next('hello')
    const offered = nextOffer()
    socket.send({ type: 'offer', files: [{ path: 'a.bin', size: 4, lastModified: 0 }] })
    const result = observed((await offered).respond({ accept: true, dir: inbox }))
    await socket.next('answer')
    socket.send({ type: 'file', id: 0 })
    socket.ws.send(Buffer.from('abcd'))
    socket.send({ type: 'file-end', id: 0, blake3: '0'.repeat(64) })
    expect(await socket.next('error')).toMatchObject({ code: 'FERRY_ERR_HASH_MISMATCH' })
    await expect(result).rejects.toMatchObject({ code: 'FERRY_ERR_HASH_MISMATCH' })
    await socket.closed
    expect(await inboxNames()).toEqual([])
  })

  it('removes the partial when the browser goes away in the middle of a file', async () => {
    const socket = await raw()
    await socket.next('hello')
    const offered = nextOffer()
    socket.send({ type: 'offer', files: [{ path: 'big.bin', size: 10 * 1024 * 1024, lastModified: 0 }] })
    const result = observed((await offered).respond({ accept: true, dir: inbox }))
    await socket.next('answer')
    socket.send({ type: 'file', id: 0 })
    socket.ws.send(randomBytes(256 * 1024))
    await socket.next('ack')
    expect((await inboxNames()).some((n) => n.startsWith('.ferry-') && n.endsWith('.part'))).toBe(true)
    socket.ws.terminate()
    await expect(result).rejects.toMatchObject({ code: 'FERRY_ERR_CONNECTION_LOST' })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await inboxNames()).toEqual([])
  })

  it('returns the credit of frames that arrive together in fewer acks than frames, all of it once written (issue 14)', async () => {
    const frames = 16
    const frameBytes = 32 * 1024
    const socket = await raw()
    await socket.next('hello')
    const offered = nextOffer()
    socket.send({ type: 'offer', files: [{ path: 'gathered.bin', size: frames * frameBytes + 1, lastModified: 0 }] })
    const result = observed((await offered).respond({ accept: true, dir: inbox }))
    await socket.next('answer')
    socket.send({ type: 'file', id: 0 })
    for (let i = 0; i < frames; i++) socket.ws.send(randomBytes(frameBytes))
    let acked = 0
    let acks = 0
    while (acked < frames * frameBytes) {
      const ack = await socket.next('ack')
      acked += ack.bytes
      acks++
    }
    expect(acked).toBe(frames * frameBytes)
    expect(acks).toBeLessThan(frames)
    const [partial] = await inboxNames()
    expect(partial).toMatch(/^\.ferry-.*\.part$/)
    expect((await readFile(join(inbox, partial as string))).byteLength).toBe(frames * frameBytes)
    socket.ws.terminate()
    await expect(result).rejects.toMatchObject({ code: 'FERRY_ERR_CONNECTION_LOST' })
  })

  it.each([
    ['../evil.txt'],
    ['/etc/passwd'],
    ['C:\\Windows\\evil.dll'],
    ['a/../../b.txt'],
    ['con.txt'],
    ['']
  ])('refuses the offered name %j with 1008 before the app ever sees it', async (name) => {
    let offered = false
    fx.server.on('offer', () => { offered = true })
    const socket = await raw()
    await socket.next('hello')
    socket.send({ type: 'offer', files: [{ path: name, size: 1, lastModified: 0 }] })
    expect(await socket.next('error')).toMatchObject({ code: 'FERRY_ERR_INVALID_PATH' })
    expect((await socket.closed).code).toBe(1008)
    expect(offered).toBe(false)
  })

  it('refuses file bytes before an accepted offer with 1008', async () => {
    const socket = await raw()
    await socket.next('hello')
    socket.ws.send(Buffer.from('sneaky'))
    expect(await socket.next('error')).toMatchObject({ code: 'FERRY_ERR_SHARE_UPLOAD_PROTOCOL' })
    expect((await socket.closed).code).toBe(1008)
  })

  it('ends an upload in flight with 1001 when the share is revoked, and keeps no partial', async () => {
    const socket = await raw()
    await socket.next('hello')
    const offered = nextOffer()
    socket.send({ type: 'offer', files: [{ path: 'big.bin', size: 10 * 1024 * 1024, lastModified: 0 }] })
    const result = observed((await offered).respond({ accept: true, dir: inbox }))
    await socket.next('answer')
    socket.send({ type: 'file', id: 0 })
    socket.ws.send(randomBytes(1024))
    await socket.next('ack')
    fx.server.revoke(share.id)
    expect(await socket.next('error')).toMatchObject({ code: 'FERRY_ERR_SHARE_REVOKED' })
    expect((await socket.closed).code).toBe(1001)
    await expect(result).rejects.toMatchObject({ code: 'FERRY_ERR_SHARE_REVOKED' })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await inboxNames()).toEqual([])
  })

  it('is cancelled from this computer through the decision\'s signal', async () => {
    const socket = await raw()
    await socket.next('hello')
    const offered = nextOffer()
    socket.send({ type: 'offer', files: [{ path: 'big.bin', size: 1024 * 1024, lastModified: 0 }] })
    const controller = new AbortController()
    const result = observed((await offered).respond({ accept: true, dir: inbox, signal: controller.signal }))
    await socket.next('answer')
    controller.abort()
    await expect(result).rejects.toMatchObject({ code: 'FERRY_ERR_CANCELLED' })
    expect(await socket.next('error')).toMatchObject({ code: 'FERRY_ERR_CANCELLED' })
  })

  it('reports progress to the app', async () => {
    const a = await fx.file('out/a.bin', randomBytes(2 * 1024 * 1024))
    const seen: number[] = []
    fx.server.on('offer', (offer) => { void offer.respond({ accept: true, dir: inbox, onProgress: (p) => seen.push(p.bytesDone) }) })
    await uploadFiles(url, { files: [{ path: a }] })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(seen.at(-1)).toBe(2 * 1024 * 1024)
  })
})

describe('upload limits', () => {
  it('closes the socket with 1009 on a frame larger than maxFrameBytes', async () => {
    await setup({ limits: { maxFrameBytes: 64 * 1024, uploadWindowBytes: 128 * 1024 } })
    const socket = await raw()
    expect(await socket.next('hello')).toMatchObject({ maxFrameBytes: 64 * 1024 })
    socket.ws.send(Buffer.alloc(64 * 1024 + 1))
    expect((await socket.closed).code).toBe(1009)
  })

  it('closes a default socket with 1009 on a frame of 512 KiB + 1, and takes one of exactly 512 KiB', async () => {
    await setup()
    const ok = await raw()
    await ok.next('hello')
    const offered = nextOffer()
    ok.send({ type: 'offer', files: [{ path: 'a.bin', size: 512 * 1024, lastModified: 0 }] })
    observed((await offered).respond({ accept: true, dir: inbox }))
    await ok.next('answer')
    ok.send({ type: 'file', id: 0 })
    ok.ws.send(Buffer.alloc(512 * 1024))
    expect(await ok.next('ack')).toEqual({ type: 'ack', bytes: 512 * 1024 })
    const tooBig = await raw()
    await tooBig.next('hello')
    tooBig.ws.send(Buffer.alloc(512 * 1024 + 1))
    expect((await tooBig.closed).code).toBe(1009)
  })

  it('closes the socket with 1008 when the browser sends more than its credit', async () => {
    await setup({ limits: { maxFrameBytes: 64 * 1024, uploadWindowBytes: 128 * 1024 } })
    const socket = await raw()
    await socket.next('hello')
    const offered = nextOffer()
    socket.send({ type: 'offer', files: [{ path: 'a.bin', size: 1024 * 1024, lastModified: 0 }] })
    void (await offered).respond({ accept: true, dir: inbox }).catch(() => {})
    expect(await socket.next('answer')).toMatchObject({ creditBytes: 128 * 1024 })
    socket.send({ type: 'file', id: 0 })
    // Five times the credit at once: the server reads it all before a single write can land and be acknowledged.
    for (let i = 0; i < 10; i++) socket.ws.send(Buffer.alloc(64 * 1024))
    expect(await socket.next('error')).toMatchObject({ code: 'FERRY_ERR_SHARE_UPLOAD_PROTOCOL', message: expect.stringMatching(/credit/) })
    expect((await socket.closed).code).toBe(1008)
  })

  it('refuses an offer over maxUploadFiles or maxUploadBytes', async () => {
    await setup({ limits: { maxUploadFiles: 2, maxUploadBytes: 100 } })
    const many = await raw()
    await many.next('hello')
    many.send({ type: 'offer', files: ['a', 'b', 'c'].map((path) => ({ path, size: 1, lastModified: 0 })) })
    expect(await many.next('error')).toMatchObject({ code: 'FERRY_ERR_SHARE_UPLOAD_TOO_LARGE' })
    expect((await many.closed).code).toBe(1008)
    const large = await raw()
    await large.next('hello')
    large.send({ type: 'offer', files: [{ path: 'a', size: 101, lastModified: 0 }] })
    expect(await large.next('error')).toMatchObject({ code: 'FERRY_ERR_SHARE_UPLOAD_TOO_LARGE' })
  })

  it('completes an upload with maxUploadBacklog 1, reading the socket one frame at a time', async () => {
    await setup({ limits: { maxUploadBacklog: 1, maxFrameBytes: 16 * 1024, uploadWindowBytes: 256 * 1024 } })
    const a = await fx.file('out/a.bin', randomBytes(1024 * 1024 + 5))
    fx.server.on('offer', (offer) => { void offer.respond({ accept: true, dir: inbox }) })
    await uploadFiles(url, { files: [{ path: a }] })
    expect(await readFile(join(inbox, 'a.bin'))).toEqual(await readFile(a))
  })

  it('fails an accepted upload that goes silent for uploadIdleTimeoutMs', async () => {
    await setup({ limits: { uploadIdleTimeoutMs: 200 } })
    const socket = await raw()
    await socket.next('hello')
    const offered = nextOffer()
    socket.send({ type: 'offer', files: [{ path: 'a.bin', size: 10, lastModified: 0 }] })
    const result = observed((await offered).respond({ accept: true, dir: inbox }))
    await expect(result).rejects.toMatchObject({ code: 'FERRY_ERR_TIMEOUT' })
  })

  it('terminates a socket that misses a pong, and keeps one that answers', async () => {
    await setup({ limits: { pingIntervalMs: 250 } })
    const silent = await raw()
    const lively = await raw()
    let livelyPings = 0
    lively.ws.on('ping', () => { livelyPings++ })
    await silent.next('hello')
    expect(fx.server.uploadSockets).toBe(2)
    // A paused socket reads nothing, so it never sees the ping and never answers it.
    silent.ws.pause()
    const started = Date.now()
    while (fx.server.uploadSockets > 1 && Date.now() - started < 5000) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(fx.server.uploadSockets).toBe(1)
    expect(Date.now() - started).toBeLessThan(2000)
    silent.ws.resume()
    expect((await silent.closed).code).toBe(1006)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(lively.ws.readyState).toBe(WebSocket.OPEN)
    expect(livelyPings).toBeGreaterThanOrEqual(4)
  })
})

describe('the upgrade', () => {
  beforeEach(async () => { await setup() })

  it('is refused before any WebSocket exists for a wrong token, a foreign Host or a foreign Origin', async () => {
    expect(await upgradeStatus(url.replace(share.token, 'AAAAAAAAAAAAAAAAAAAAAA'))).toEqual({ status: 404, code: 'FERRY_ERR_SHARE_NOT_FOUND' })
    expect(await upgradeStatus(url, { Host: `evil.example:${fx.server.port}` })).toEqual({ status: 421, code: 'FERRY_ERR_SHARE_HOST_REFUSED' })
    expect(await upgradeStatus(url, { Origin: 'http://evil.example' })).toEqual({ status: 403, code: 'FERRY_ERR_SHARE_ORIGIN_REFUSED' })
    expect(await upgradeStatus(url, { Origin: `http://127.0.0.1:${fx.server.port}` })).toEqual({ status: 101, code: '' })
    expect(fx.server.uploadSockets).toBeLessThanOrEqual(1)
  })

  it('is refused for a share without uploads, without its PIN cookie, or expired', async () => {
    const readOnly = await fx.server.addShare({ paths: [`${fx.dir}/shared.txt`] })
    expect(await upgradeStatus(readOnly.urls[0] as string)).toEqual({ status: 403, code: 'FERRY_ERR_SHARE_UPLOADS_DISABLED' })
    const withPin = await fx.server.addShare({ paths: [`${fx.dir}/shared.txt`], pin: '111111', allowUpload: true })
    expect(await upgradeStatus(withPin.urls[0] as string)).toEqual({ status: 401, code: 'FERRY_ERR_SHARE_PIN_REQUIRED' })
    const brief = await fx.server.addShare({ paths: [`${fx.dir}/shared.txt`], allowUpload: true, expiresInMs: 1 })
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(await upgradeStatus(brief.urls[0] as string)).toEqual({ status: 410, code: 'FERRY_ERR_SHARE_EXPIRED' })
  })

  it('takes the PIN cookie the PIN form sets', async () => {
    const withPin = await fx.server.addShare({ paths: [`${fx.dir}/shared.txt`], pin: '222222', allowUpload: true })
    const res = await fetch(`${withPin.urls[0] as string}pin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: '222222' }) })
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string
    expect(await upgradeStatus(withPin.urls[0] as string, { Cookie: cookie })).toEqual({ status: 101, code: '' })
  })
})

describe('connection caps', () => {
  it('refuses more than maxSocketsPerShare sockets to one share with 503, and takes one again after a close', async () => {
    await setup({ limits: { maxSocketsPerShare: 2, maxSocketsPerIp: 10 } })
    const first = await raw()
    await raw()
    expect(await upgradeStatus(url)).toEqual({ status: 503, code: 'FERRY_ERR_SHARE_TOO_MANY_CONNECTIONS' })
    first.ws.close()
    await first.closed
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(await upgradeStatus(url)).toEqual({ status: 101, code: '' })
  })

  it('refuses more than maxSocketsPerIp sockets from one address over all shares', async () => {
    await setup({ limits: { maxSocketsPerShare: 10, maxSocketsPerIp: 2 } })
    const other = await fx.server.addShare({ paths: [`${fx.dir}/shared.txt`], allowUpload: true })
    await raw()
    const second = await openRaw(other.urls[0] as string)
    expect(await upgradeStatus(other.urls[0] as string)).toEqual({ status: 503, code: 'FERRY_ERR_SHARE_TOO_MANY_CONNECTIONS' })
    second.ws.terminate()
  })
})

describe('the upload URL', () => {
  it('is the share link with ws: and /upload', () => {
    expect(socketUrl('http://127.0.0.1:1/s/x/')).toBe('ws://127.0.0.1:1/s/x/upload')
  })
})
