// Issue 4, downloads: the page, the file list, single files with Range/ETag/Content-Disposition, the streamed zip
// and hashes, each through real HTTP against a server on 127.0.0.1.

import { randomBytes } from 'node:crypto'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import request from 'supertest'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ShareInfo } from '../src/index.ts'
import { blake3Of, startFixture, sharePath, type Fixture } from './helpers/share-fixture.ts'
import { readZip } from './helpers/zip-reader.ts'

let fx: Fixture
let share: ShareInfo
let base: string
const big = randomBytes(3 * 1024 * 1024 + 17)

beforeEach(async () => {
  fx = await startFixture()
  await fx.file('docs/readme.txt', 'hello '.repeat(1000))
  await fx.file('docs/nested/données été.bin', big)
  await fx.file('docs/empty', '')
  await fx.file('photo.jpg', randomBytes(1000))
  share = await fx.server.addShare({ paths: [`${fx.dir}/docs`, `${fx.dir}/photo.jpg`], name: 'Holiday' })
  base = sharePath(share.urls[0] as string)
})
afterEach(async () => { await fx.close() })

/** Reads the body as raw bytes whatever its type. */
function binary (req: request.Test): request.Test {
  return req.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = []
    res.on('data', (c: Buffer) => chunks.push(c))
    res.on('end', () => { done(null, Buffer.concat(chunks)) })
  })
}

/** A GET with the body as the server sent it (no decoding). */
async function rawGet (path: string, headers: Record<string, string> = {}): Promise<{ status: number, headers: Record<string, string | string[] | undefined>, body: Buffer }> {
  return await new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: fx.server.port, path, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }) })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

function idOf (path: string): number {
  const file = share.files.find((f) => f.path === path)
  if (file === undefined) throw new Error(`no ${path}`)
  return file.id
}

describe('the recipient page', () => {
  it('is served for a live token with a strict CSP, no-sniff and no-referrer', async () => {
    const res = await request(fx.origin).get(base).expect(200)
    expect(res.headers['content-type']).toMatch(/text\/html/)
    expect(res.text).toContain('/assets/page.js')
    expect(res.headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'")
    expect(res.headers['content-security-policy']).toContain("default-src 'none'")
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['referrer-policy']).toBe('no-referrer')
    expect(res.headers['x-frame-options']).toBe('DENY')
    expect(res.headers['cache-control']).toBe('no-store')
  })

  it('is compressed with brotli or gzip when the browser accepts it', async () => {
    const br = await rawGet('/assets/page.js', { 'accept-encoding': 'gzip, br' })
    expect(br.headers['content-encoding']).toBe('br')
    const js = brotliDecompressSync(br.body).toString()
    expect(js).toContain('hashwasm')
    expect(br.body.length).toBeLessThan(js.length / 2)
    const gz = await rawGet(base, { 'accept-encoding': 'gzip' })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(gz.headers.vary).toBe('Accept-Encoding')
    expect(gunzipSync(gz.body).toString()).toContain('<!doctype html>')
    const plain = await rawGet('/assets/page.css', { 'accept-encoding': 'identity' })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body.toString()).toContain('#drop-zone')
  })

  it('serves hash-wasm\'s BLAKE3 build for checks in the page', async () => {
    const res = await request(fx.origin).get('/assets/hash-wasm-blake3.js').expect(200)
    expect(res.headers['content-type']).toMatch(/javascript/)
    expect(res.text).toContain('hashwasm')
  })

  it('answers an unknown token with 404 and an expired one with 410', async () => {
    await request(fx.origin).get('/s/AAAAAAAAAAAAAAAAAAAAAA/').expect(404)
    const short = await fx.server.addShare({ paths: [`${fx.dir}/photo.jpg`], expiresInMs: 1 })
    await new Promise((resolve) => setTimeout(resolve, 20))
    await request(fx.origin).get(sharePath(short.urls[0] as string)).expect(410)
    const res = await request(fx.origin).get(`${sharePath(short.urls[0] as string)}files`).expect(410)
    expect(res.body.error.code).toBe('FERRY_ERR_SHARE_EXPIRED')
  })
})

describe('the file list', () => {
  it('lists ids, relative paths and sizes, never a path on this computer', async () => {
    const res = await request(fx.origin).get(`${base}files`).expect(200)
    expect(res.body.name).toBe('Holiday')
    expect(res.body.files.map((f: { path: string }) => f.path)).toEqual(['docs/empty', 'docs/readme.txt', 'docs/nested/données été.bin', 'photo.jpg'])
    expect(res.body.files[2]).toMatchObject({ id: 2, size: big.length })
    expect(JSON.stringify(res.body)).not.toContain(fx.dir)
    expect(res.body.totalBytes).toBe(6000 + big.length + 1000)
  })
})

describe('a single download', () => {
  it('sends the whole file with ETag, Last-Modified, Accept-Ranges and an attachment name in UTF-8', async () => {
    const res = await binary(request(fx.origin).get(`${base}files/${idOf('docs/nested/données été.bin')}`)).expect(200)
    expect(Buffer.compare(res.body as Buffer, big)).toBe(0)
    expect(res.headers['content-length']).toBe(String(big.length))
    expect(res.headers.etag).toMatch(/^"[0-9a-z]+-[0-9a-z]+-[0-9a-z]+-[0-9a-z]+"$/)
    expect(res.headers['last-modified']).toBeDefined()
    expect(res.headers['accept-ranges']).toBe('bytes')
    expect(res.headers['content-disposition']).toBe('attachment; filename="donn?es ?t?.bin"; filename*=UTF-8\'\'donn%C3%A9es%20%C3%A9t%C3%A9.bin')
    expect(res.headers['content-security-policy']).toBe("sandbox; default-src 'none'")
    expect(res.headers['content-encoding']).toBeUndefined()
  })

  it('answers HEAD with the headers and no body', async () => {
    const res = await request(fx.origin).head(`${base}files/${idOf('photo.jpg')}`).expect(200)
    expect(res.headers['content-length']).toBe('1000')
    expect(res.headers['content-type']).toBe('image/jpeg')
  })

  it('answers If-None-Match with the current ETag by 304', async () => {
    const url = `${base}files/${idOf('photo.jpg')}`
    const { headers } = await request(fx.origin).head(url)
    await request(fx.origin).get(url).set('If-None-Match', headers.etag as string).expect(304)
  })

  it('sends an empty file as 200 with no bytes, and refuses any range of it with 416', async () => {
    const url = `${base}files/${idOf('docs/empty')}`
    const res = await binary(request(fx.origin).get(url)).expect(200)
    expect((res.body as Buffer).length).toBe(0)
    const refused = await request(fx.origin).get(url).set('Range', 'bytes=0-').expect(416)
    expect(refused.headers['content-range']).toBe('bytes */0')
  })

  const size = big.length
  it.each([
    ['bytes=0-0', 206, 0, 0],
    ['bytes=0-', 206, 0, size - 1],
    ['bytes=1-', 206, 1, size - 1],
    [`bytes=${size - 1}-`, 206, size - 1, size - 1],
    [`bytes=${size - 1}-${size + 100}`, 206, size - 1, size - 1],
    ['bytes=-1', 206, size - 1, size - 1],
    [`bytes=-${size + 5}`, 206, 0, size - 1],
    ['bytes=262143-262144', 206, 262143, 262144],
    ['bytes=100-199', 206, 100, 199],
    ['BYTES=5-9', 206, 5, 9]
  ])('serves Range %s as %i with exactly those bytes', async (range, status, start, end) => {
    const res = await binary(request(fx.origin).get(`${base}files/${idOf('docs/nested/données été.bin')}`).set('Range', range)).expect(status)
    expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${size}`)
    expect(Buffer.compare(res.body as Buffer, big.subarray(start, end + 1))).toBe(0)
  })

  it.each([
    [`bytes=${size}-`],
    [`bytes=${size + 10}-${size + 20}`],
    ['bytes=-0'],
    ['bytes=99999999999999999999-']
  ])('refuses Range %s, wholly outside the file, with 416 and the size', async (range) => {
    const res = await request(fx.origin).get(`${base}files/${idOf('docs/nested/données été.bin')}`).set('Range', range).expect(416)
    expect(res.headers['content-range']).toBe(`bytes */${size}`)
    expect(res.body.error.code).toBe('FERRY_ERR_SHARE_RANGE')
  })

  it.each([
    ['bytes=0-1,5-6'],
    ['bytes=5-1'],
    ['bytes=a-b'],
    ['items=0-1'],
    ['bytes='],
    ['bytes=-']
  ])('ignores Range %s, which it does not serve, and sends the whole file', async (range) => {
    const res = await binary(request(fx.origin).get(`${base}files/${idOf('docs/nested/données été.bin')}`).set('Range', range)).expect(200)
    expect((res.body as Buffer).length).toBe(size)
  })

  it('resumes with If-Range while the ETag holds, and sends the whole file for any other tag or a date', async () => {
    const url = `${base}files/${idOf('docs/nested/données été.bin')}`
    const { headers } = await request(fx.origin).head(url)
    const etag = headers.etag as string
    await binary(request(fx.origin).get(url).set('Range', 'bytes=10-19').set('If-Range', etag)).expect(206)
    await binary(request(fx.origin).get(url).set('Range', 'bytes=10-19').set('If-Range', '"stale"')).expect(200)
    await binary(request(fx.origin).get(url).set('Range', 'bytes=10-19').set('If-Range', `W/${etag}`)).expect(200)
    // Issue 14: a date cannot prove the bytes are the same (touch -r puts a modification time back).
    await binary(request(fx.origin).get(url).set('Range', 'bytes=10-19').set('If-Range', headers['last-modified'] as string)).expect(200)
  })

  it('reports each download as an event with its bytes and range', async () => {
    const events: unknown[] = []
    fx.server.on('download', (e) => events.push(e))
    await binary(request(fx.origin).get(`${base}files/${idOf('photo.jpg')}`).set('Range', 'bytes=0-99')).expect(206)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(events).toEqual([expect.objectContaining({ shareId: share.id, fileId: idOf('photo.jpg'), path: 'photo.jpg', bytes: 100, complete: true, range: { start: 0, end: 99 } })])
  })

  it('says 404 once the file is gone from the sharing computer', async () => {
    await rm(`${fx.dir}/photo.jpg`)
    const res = await request(fx.origin).get(`${base}files/${idOf('photo.jpg')}`).expect(404)
    expect(res.body.error.code).toBe('FERRY_ERR_SHARE_FILE_NOT_FOUND')
  })
})

describe('refusals', () => {
  it('refuses a wrong or malformed token with 404 on every route', async () => {
    for (const path of ['/s/AAAAAAAAAAAAAAAAAAAAAA/files', '/s/AAAAAAAAAAAAAAAAAAAAAA/files/0', '/s/short/files', '/s/AAAAAAAAAAAAAAAAAAAAAA/all.zip']) {
      const res = await request(fx.origin).get(path).expect(404)
      expect(res.body.error.code).toBe('FERRY_ERR_SHARE_NOT_FOUND')
    }
  })

  it.each([
    ['..%2F..%2Fetc%2Fpasswd'],
    ['%2e%2e'],
    ['-1'],
    ['01'],
    ['1e0'],
    ['4'],
    ['99999999999'],
    ['%2Fetc%2Fpasswd'],
    ['0%00']
  ])('refuses file id %s with 404 and sends no file', async (id) => {
    const res = await request(fx.origin).get(`${base}files/${id}`).expect(404)
    expect(res.headers['content-disposition']).toBeUndefined()
  })

  it('refuses raw ../ paths that a client sends without normalising them', async () => {
    for (const path of [`${base}files/../../../../etc/passwd`, `${base}files/0/../../../../../etc/passwd`, '/assets/../../package.json', `${base}..%2f..%2fpackage.json`]) {
      const res = await rawGet(path)
      expect(res.status, path).toBe(404)
      expect(res.body.toString()).not.toContain('root:')
    }
  })

  it('lists no folder anywhere: /, /s/, /assets/ and paths beside the share are 404', async () => {
    for (const path of ['/', '/s/', '/assets/', '/assets', '/page/', '/node_modules/', `${base}docs/`, `${base}files/0/`]) {
      const res = await rawGet(path)
      expect(res.status, path).toBe(404)
    }
  })

  it('answers a foreign Host header with 421 (DNS rebinding)', async () => {
    const res = await request(fx.origin).get(`${base}files`).set('Host', `evil.example:${fx.server.port}`).expect(421)
    expect(res.body.error.code).toBe('FERRY_ERR_SHARE_HOST_REFUSED')
    await request(fx.origin).get(`${base}files`).set('Host', '127.0.0.1:1').expect(421)
    await request(fx.origin).get(`${base}files`).set('Host', `localhost:${fx.server.port}`).expect(200)
  })

  it('cuts a running download when the share is revoked, and forgets the token', async () => {
    await writeFile(`${fx.dir}/docs/huge.bin`, Buffer.alloc(64 * 1024 * 1024))
    const s = await fx.server.addShare({ paths: [`${fx.dir}/docs/huge.bin`] })
    const path = `${sharePath(s.urls[0] as string)}files/0`
    const outcome = new Promise<{ received: number, aborted: boolean }>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port: fx.server.port, path }, (res) => {
        let received = 0
        res.once('data', () => { fx.server.revoke(s.id) })
        res.on('data', (c: Buffer) => { received += c.length; res.pause(); setTimeout(() => res.resume(), 5) })
        res.on('aborted', () => { resolve({ received, aborted: true }) })
        res.on('end', () => { resolve({ received, aborted: false }) })
      })
      req.on('error', () => {})
      req.end()
    })
    const { received, aborted } = await outcome
    expect(aborted).toBe(true)
    expect(received).toBeLessThan(64 * 1024 * 1024)
    await request(fx.origin).get(path).expect(404)
  })
})

describe('download all', () => {
  it('streams a zip whose entries equal the files, deflating text and storing the rest', async () => {
    const res = await binary(request(fx.origin).get(`${base}all.zip`)).expect(200)
    expect(res.headers['content-type']).toBe('application/zip')
    expect(res.headers['content-disposition']).toBe('attachment; filename=Holiday.zip')
    expect(res.headers['content-length']).toBeUndefined()
    const entries = readZip(res.body as Buffer)
    expect(entries.map((e) => e.name)).toEqual(['docs/empty', 'docs/readme.txt', 'docs/nested/données été.bin', 'photo.jpg'])
    const byName = new Map(entries.map((e) => [e.name, e]))
    expect(Buffer.compare(byName.get('docs/nested/données été.bin')?.data as Buffer, big)).toBe(0)
    expect(byName.get('docs/readme.txt')?.data.toString()).toBe('hello '.repeat(1000))
    expect(byName.get('docs/readme.txt')?.method).toBe('deflate')
    expect(byName.get('photo.jpg')?.method).toBe('store')
    expect(byName.get('docs/nested/données été.bin')?.method).toBe('store')
  })
})

describe('hashes', () => {
  it('gives each file\'s BLAKE3 on request, equal to a native BLAKE3 of its bytes', async () => {
    const id = idOf('docs/nested/données été.bin')
    const res = await request(fx.origin).get(`${base}files/${id}/blake3`).expect(200)
    expect(res.body).toEqual({ id, path: 'docs/nested/données été.bin', size: big.length, blake3: await blake3Of(big) })
    const again = await request(fx.origin).get(`${base}files/${id}/blake3`).expect(200)
    expect(again.body.blake3).toBe(res.body.blake3)
  })

  it('recomputes the hash once the file changed', async () => {
    const id = idOf('docs/readme.txt')
    const first = await request(fx.origin).get(`${base}files/${id}/blake3`).expect(200)
    await new Promise((resolve) => setTimeout(resolve, 15))
    await writeFile(`${fx.dir}/docs/readme.txt`, 'changed')
    const second = await request(fx.origin).get(`${base}files/${id}/blake3`).expect(200)
    expect(second.body.blake3).not.toBe(first.body.blake3)
    expect(second.body.blake3).toBe(await blake3Of(await readFile(`${fx.dir}/docs/readme.txt`)))
  })
})
